package keys_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/mr-tron/base58"

	"github.com/satchel-backpack/satchel/internal/badgetest"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/keys"
)

// site serves JSON documents over HTTPS on loopback for several host names
// (issuer.example, keys.example, and so on), all mapped to one test server
// with fetch's Resolve, and fetched through the real guarded client.
type site struct {
	t      *testing.T
	srv    *httptest.Server
	client *fetch.Client
	mu     sync.Mutex
	docs   map[string]any // "host/path" -> document (or string body)
	status map[string]int
	hits   map[string]int
}

var siteHosts = []string{"issuer.example", "keys.example", "evil.example", "example.com"}

func newSite(t *testing.T) *site {
	t.Helper()
	s := &site{t: t, docs: map[string]any{}, status: map[string]int{}, hits: map[string]int{}}
	cert, pool := selfSigned(t, siteHosts)
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.srv.StartTLS()
	t.Cleanup(s.srv.Close)

	addr := s.srv.Listener.Addr().String()
	resolve := map[string]string{}
	var allow []string
	for _, h := range siteHosts {
		resolve[h+":443"] = addr
		allow = append(allow, h+":443")
	}
	allow = append(allow, addr) // for did:web:127.0.0.1%3Aport
	s.client = fetch.New(fetch.Options{Resolve: resolve, AllowHosts: allow, RootCAs: pool, Timeout: 5 * time.Second})
	return s
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	key := host + r.URL.Path
	s.mu.Lock()
	doc, ok := s.docs[key]
	status := s.status[key]
	s.hits[key]++
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if status != 0 {
		w.WriteHeader(status)
	}
	if text, isText := doc.(string); isText {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, text)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(doc)
}

// put serves doc at https://host/path.
func (s *site) put(hostPath string, doc any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[hostPath] = doc
}

func (s *site) port() string {
	_, p, _ := net.SplitHostPort(s.srv.Listener.Addr().String())
	return p
}

func selfSigned(t *testing.T, hosts []string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	return badgetest.MustTLSCert(t, slices.Concat(hosts, []string{"127.0.0.1"})...)
}

// noFetch fails the test if anything is fetched.
type noFetch struct{ t *testing.T }

func (n noFetch) Get(_ context.Context, url string, _ fetch.Kind) (*fetch.Response, error) {
	n.t.Errorf("unexpected fetch of %s", url)
	return nil, errors.New("no fetching here")
}

func newEd25519(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey, string) {
	t.Helper()
	k := badgetest.MustDIDKey(t)
	return k.Public, k.Private, k.Multikey
}

// mustSignWith checks the resolved key verifies a signature made by priv:
// the resolver returned the right key, not merely some key.
func mustVerify(t *testing.T, k *keys.Key, priv crypto.Signer) {
	t.Helper()
	msg := []byte("a badge")
	switch p := priv.(type) {
	case ed25519.PrivateKey:
		pub, ok := k.Public.(ed25519.PublicKey)
		if !ok || !ed25519.Verify(pub, msg, ed25519.Sign(p, msg)) {
			t.Fatalf("resolved key %T does not verify the signer's signature", k.Public)
		}
	case *ecdsa.PrivateKey:
		h := sha256.Sum256(msg)
		sig, err := ecdsa.SignASN1(rand.Reader, p, h[:])
		if err != nil {
			t.Fatal(err)
		}
		pub, ok := k.Public.(*ecdsa.PublicKey)
		if !ok || !ecdsa.VerifyASN1(pub, h[:], sig) {
			t.Fatalf("resolved key %T does not verify the signer's signature", k.Public)
		}
	case *rsa.PrivateKey:
		h := sha256.Sum256(msg)
		sig, err := rsa.SignPKCS1v15(rand.Reader, p, crypto.SHA256, h[:])
		if err != nil {
			t.Fatal(err)
		}
		pub, ok := k.Public.(*rsa.PublicKey)
		if !ok || rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig) != nil {
			t.Fatalf("resolved key %T does not verify the signer's signature", k.Public)
		}
	default:
		t.Fatalf("unknown signer %T", priv)
	}
}

func wantErr(t *testing.T, err error, kind keys.ErrorKind) *keys.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", kind)
	}
	var ke *keys.Error
	if !errors.As(err, &ke) {
		t.Fatalf("error %T %v is not a *keys.Error", err, err)
	}
	if ke.Kind != kind {
		t.Fatalf("error kind %v (%v), want %v", ke.Kind, err, kind)
	}
	if ke.Message() == "" || strings.Contains(ke.Message(), "keys:") {
		t.Errorf("Message() = %q", ke.Message())
	}
	return ke
}

func TestFromMultibase_KnownVector(t *testing.T) {
	t.Parallel()
	// The Data Integrity eddsa-rdfc-2022 test vector's key.
	pub, err := keys.FromMultibase("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := hex.DecodeString("4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5")
	if !ed25519.PublicKey(want).Equal(pub) {
		t.Fatalf("decoded %x", pub)
	}
	back, err := keys.EncodeMultikey(pub)
	if err != nil || back != "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi" {
		t.Fatalf("EncodeMultikey = %q, %v", back, err)
	}
}

func TestFromMultibase_P256AndP384RoundTrip(t *testing.T) {
	t.Parallel()
	for _, curve := range []elliptic.Curve{elliptic.P256(), elliptic.P384()} {
		for range 8 { // both parities of y turn up
			priv, err := ecdsa.GenerateKey(curve, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			mk, err := keys.EncodeMultikey(&priv.PublicKey)
			if err != nil {
				t.Fatal(err)
			}
			if curve == elliptic.P256() && !strings.HasPrefix(mk, "zDn") {
				t.Errorf("P-256 multikey %q does not start with zDn", mk)
			}
			pub, err := keys.FromMultibase(mk)
			if err != nil {
				t.Fatal(err)
			}
			if !priv.PublicKey.Equal(pub) {
				t.Fatalf("%s round trip changed the key", curve.Params().Name)
			}
		}
	}
}

func TestFromMultibase_Rejects(t *testing.T) {
	t.Parallel()
	_, _, mk := newEd25519(t)
	for _, in := range []string{
		"",
		"z",
		"u" + mk[1:],                  // not base58btc
		"z0OIl",                       // not base58
		mk[:len(mk)-4],                // truncated key
		"z" + strings.Repeat("1", 40), // zero bytes, no codec
		"z" + strings.Repeat("2", 10_000),
		"z" + base58.Encode(append([]byte{0x80, 0x24, 0x02}, bytes.Repeat([]byte{0xff}, 32)...)), // P-256 x beyond the field
		"z" + base58.Encode(append([]byte{0x80, 0x24, 0x05}, bytes.Repeat([]byte{0x01}, 32)...)), // bad point prefix
		"z" + base58.Encode(append([]byte{0x12, 0x05}, bytes.Repeat([]byte{0x01}, 32)...)),       // unsupported codec
	} {
		if _, err := keys.FromMultibase(in); err == nil {
			t.Errorf("FromMultibase(%.40q) accepted", in)
		}
	}
}

func TestResolve_DIDKey(t *testing.T) {
	t.Parallel()
	_, priv, mk := newEd25519(t)
	did := "did:key:" + mk
	// An issuer that is not a DID cannot show that it owns a did:key.
	k, err := keys.Resolve(context.Background(), noFetch{t}, did+"#"+mk, "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164")
	if err != nil {
		t.Fatal(err)
	}
	mustVerify(t, k, priv)
	if k.Source != keys.FromDIDKey || k.Binding != keys.Unconfirmed || k.Bound() {
		t.Errorf("key = %+v", k)
	}
	for _, vm := range []string{did, did + "#" + mk, "#" + mk} {
		k, err = keys.Resolve(context.Background(), noFetch{t}, vm, did)
		if err != nil || k.Binding != keys.SelfKey || !k.Bound() || k.Controller != did {
			t.Fatalf("%s: issuer is the DID: %+v, %v", vm, k, err)
		}
		mustVerify(t, k, priv)
	}

	_, _, other := newEd25519(t)
	_, err = keys.Resolve(context.Background(), noFetch{t}, did+"#"+other, did)
	wantErr(t, err, keys.NotFound)
	_, err = keys.Resolve(context.Background(), noFetch{t}, "did:key:zNotAKey", "did:key:zNotAKey")
	wantErr(t, err, keys.BadKey)

	ecPriv := badgetest.MustP256(t)
	ecMK, _ := keys.EncodeMultikey(&ecPriv.PublicKey)
	k, err = keys.Resolve(context.Background(), noFetch{t}, "did:key:"+ecMK+"#"+ecMK, "did:key:"+ecMK)
	if err != nil {
		t.Fatal(err)
	}
	mustVerify(t, k, ecPriv)
}

// Issuer did:key:A signed with did:key:B (anyone's fresh key) is not the
// issuer's signature.
func TestResolve_DIDKeyIssuerSignedByAnotherKey(t *testing.T) {
	t.Parallel()
	_, _, a := newEd25519(t)
	_, _, b := newEd25519(t)
	for _, vm := range []string{"did:key:" + b + "#" + b, "did:key:" + b} {
		_, err := keys.Resolve(context.Background(), noFetch{t}, vm, "did:key:"+a)
		ke := wantErr(t, err, keys.NotIssuerKey)
		if ke.Message() != "The badge is signed with a key that does not belong to its issuer." {
			t.Errorf("Message() = %q", ke.Message())
		}
	}
}

func jwkJSON(t *testing.T, key any) []byte {
	t.Helper()
	b, err := json.Marshal(jose.JSONWebKey{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestResolve_DIDJWK(t *testing.T) {
	t.Parallel()
	_, edPriv, _ := newEd25519(t)
	ecPriv := badgetest.MustP256(t)
	for _, priv := range []crypto.Signer{edPriv, ecPriv} {
		did := "did:jwk:" + base64.RawURLEncoding.EncodeToString(jwkJSON(t, priv.Public()))
		k, err := keys.Resolve(context.Background(), noFetch{t}, did+"#0", did)
		if err != nil {
			t.Fatal(err)
		}
		mustVerify(t, k, priv)
		if k.Source != keys.FromDIDJWK || k.Binding != keys.SelfKey || k.Controller != did {
			t.Errorf("key = %+v", k)
		}
	}
	// A did:jwk carrying a private key is refused.
	did := "did:jwk:" + base64.RawURLEncoding.EncodeToString(jwkJSON(t, ecPriv))
	_, err := keys.Resolve(context.Background(), noFetch{t}, did+"#0", did)
	wantErr(t, err, keys.PrivateKey)
	_, err = keys.Resolve(context.Background(), noFetch{t}, "did:jwk:!!!", "did:jwk:!!!")
	wantErr(t, err, keys.BadDocument)
}

// did:jwk:A signed by did:jwk:B, or by a JWT whose header carries B's jwk,
// is not the issuer's signature; A's own jwk is.
func TestResolve_DIDJWKIssuerAndHeaderKeys(t *testing.T) {
	t.Parallel()
	_, a, _ := newEd25519(t)
	_, b, _ := newEd25519(t)
	didA := "did:jwk:" + base64.RawURLEncoding.EncodeToString(jwkJSON(t, a.Public()))
	didB := "did:jwk:" + base64.RawURLEncoding.EncodeToString(jwkJSON(t, b.Public()))
	_, err := keys.Resolve(context.Background(), noFetch{t}, didB+"#0", didA)
	wantErr(t, err, keys.NotIssuerKey)

	_, err = keys.ResolveJWK(context.Background(), noFetch{t}, jwkJSON(t, b.Public()), "", didA)
	wantErr(t, err, keys.NotIssuerKey)
	_, err = keys.ResolveJWK(context.Background(), noFetch{t}, jwkJSON(t, b.Public()), didA+"#0", didA)
	wantErr(t, err, keys.NotIssuerKey)
	k, err := keys.ResolveJWK(context.Background(), noFetch{t}, jwkJSON(t, a.Public()), "", didA)
	if err != nil || k.Binding != keys.SelfKey {
		t.Fatalf("the issuer's own jwk: %+v, %v", k, err)
	}
	mustVerify(t, k, a)
	// Under an issuer that publishes nothing, a header key is only a claim.
	k, err = keys.ResolveJWK(context.Background(), noFetch{t}, jwkJSON(t, b.Public()), "", "urn:uuid:1")
	if err != nil || k.Binding != keys.Unconfirmed {
		t.Fatalf("header key under a urn issuer: %+v, %v", k, err)
	}
}

func TestFromJWK(t *testing.T) {
	t.Parallel()
	rsaPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keys.FromJWK(jwkJSON(t, &rsaPriv.PublicKey))
	if err != nil || !rsaPriv.PublicKey.Equal(pub) {
		t.Fatalf("RSA public JWK: %v", err)
	}
	_, err = keys.FromJWK(jwkJSON(t, rsaPriv))
	wantErr(t, err, keys.PrivateKey)

	_, edPriv, _ := newEd25519(t)
	_, err = keys.FromJWK(jwkJSON(t, edPriv))
	wantErr(t, err, keys.PrivateKey)

	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	_, err = keys.FromJWK(jwkJSON(t, &weak.PublicKey))
	wantErr(t, err, keys.BadKey)

	for _, in := range []string{`{"kty":"oct","k":"c2VjcmV0"}`, `not json`, `{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}`, `[]`} {
		if _, err := keys.FromJWK([]byte(in)); err == nil {
			t.Errorf("FromJWK(%s) accepted", in)
		}
	}
}

// A key in a method's fragment is never proof by itself: under an https
// issuer it counts only when the issuer's document lists it.
func TestResolve_FragmentMultikey(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	_, priv, mk := newEd25519(t)
	_, _, other := newEd25519(t)
	for _, issuer := range []string{"urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164", "did:example:123"} {
		k, err := keys.Resolve(ctx, noFetch{t}, issuer+"#"+mk, issuer)
		if err != nil {
			t.Fatalf("%s: %v", issuer, err)
		}
		mustVerify(t, k, priv)
		if k.Source != keys.FromFragment || k.Binding != keys.Unconfirmed {
			t.Errorf("%s: key = %+v", issuer, k)
		}
	}

	issuer := "https://example.com/issuers/876543"
	vm := issuer + "#" + mk
	// Nothing at the issuer's address: unconfirmed.
	k, err := keys.Resolve(ctx, s.client, vm, issuer)
	if err != nil || k.Binding != keys.Unconfirmed || k.Where != "example.com" {
		t.Fatalf("no issuer document: %+v, %v", k, err)
	}
	mustVerify(t, k, priv)
	// A profile without keys is no key document either.
	s.put("example.com/issuers/876543", map[string]any{"id": issuer, "type": "Profile", "name": "Example"})
	if k, err := keys.Resolve(ctx, s.client, vm, issuer); err != nil || k.Binding != keys.Unconfirmed {
		t.Fatalf("issuer profile without keys: %+v, %v", k, err)
	}
	// The issuer lists another key: the forger's fragment key is refused.
	s.put("example.com/issuers/876543", map[string]any{
		"id":                 issuer,
		"verificationMethod": []any{multikeyMethod(issuer+"#"+other, issuer, other)},
		"assertionMethod":    []any{issuer + "#" + other},
	})
	_, err = keys.Resolve(ctx, s.client, vm, issuer)
	wantErr(t, err, keys.NotIssuerKey)
	// The issuer lists it: confirmed.
	s.put("example.com/issuers/876543", map[string]any{
		"id":                 issuer,
		"verificationMethod": []any{multikeyMethod(vm, issuer, mk), multikeyMethod(issuer+"#"+other, issuer, other)},
		"assertionMethod":    []any{vm, issuer + "#" + other},
	})
	k, err = keys.Resolve(ctx, s.client, vm, issuer)
	if err != nil || k.Binding != keys.HostedDocument || k.Where != "example.com" {
		t.Fatalf("listed by the issuer: %+v, %v", k, err)
	}
	mustVerify(t, k, priv)
	// A method whose id the issuer lists but whose fragment carries another
	// key than the one listed under that id.
	s.put("example.com/issuers/876543", map[string]any{
		"id":                 issuer,
		"verificationMethod": []any{multikeyMethod(vm, issuer, other)},
		"assertionMethod":    []any{vm},
	})
	_, err = keys.Resolve(ctx, s.client, vm, issuer)
	wantErr(t, err, keys.NotIssuerKey)
}

func TestResolve_MalformedMethods(t *testing.T) {
	t.Parallel()
	_, _, mk := newEd25519(t)
	for _, tc := range []struct {
		vm   string
		kind keys.ErrorKind
	}{
		{"", keys.NoScheme},
		{mk, keys.NoScheme},
		{"#" + mk, keys.NoScheme},
		{"xxx:" + mk, keys.UnknownScheme},
		{"urn:uuid:1234", keys.UnknownScheme},
		{"did:example:" + mk, keys.UnknownDIDMethod},
		{"did:web:exa/mple.com#key-1", keys.BadDocument},
		{"did:web:example.com:..#key-1", keys.BadDocument},
	} {
		_, err := keys.Resolve(context.Background(), noFetch{t}, tc.vm, "https://example.com/issuer")
		wantErr(t, err, tc.kind)
	}
}

func multikeyMethod(id, controller, mk string) map[string]any {
	return map[string]any{"id": id, "type": "Multikey", "controller": controller, "publicKeyMultibase": mk}
}

func TestResolve_DIDWeb(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	_, priv, mk := newEd25519(t)
	ecPriv := badgetest.MustP256(t)

	did := "did:web:example.com"
	s.put("example.com/.well-known/did.json", map[string]any{
		"@context": []any{"https://www.w3.org/ns/did/v1"},
		"id":       did,
		"verificationMethod": []any{
			multikeyMethod(did+"#key-1", did, mk),
			map[string]any{"id": "#key-2", "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": json.RawMessage(jwkJSON(t, &ecPriv.PublicKey))},
			multikeyMethod(did+"#auth-only", did, mk),
		},
		"assertionMethod": []any{"#key-1", did + "#key-2"},
		"authentication":  []any{"#auth-only"},
	})

	k, err := keys.Resolve(ctx, s.client, did+"#key-1", did)
	if err != nil {
		t.Fatal(err)
	}
	mustVerify(t, k, priv)
	if k.Source != keys.FromDIDWeb || k.Controller != did || k.Binding != keys.DIDDocument || k.Where != did {
		t.Errorf("key = %+v", k)
	}
	k, err = keys.Resolve(ctx, s.client, did+"#key-2", did)
	if err != nil {
		t.Fatal(err)
	}
	mustVerify(t, k, ecPriv)

	_, err = keys.Resolve(ctx, s.client, did+"#auth-only", did)
	wantErr(t, err, keys.NotAssertionMethod)
	_, err = keys.Resolve(ctx, s.client, did+"#key-1", "https://example.com/issuer")
	wantErr(t, err, keys.NotIssuerKey)
	_, err = keys.Resolve(ctx, s.client, did+"#key-9", did)
	wantErr(t, err, keys.NotIssuerKey)

	// Path form, with a document whose id does not match.
	pathDID := "did:web:example.com:issuers:7"
	s.put("example.com/issuers/7/did.json", map[string]any{
		"id":                 pathDID,
		"verificationMethod": []any{multikeyMethod(pathDID+"#k", pathDID, mk)},
		"assertionMethod":    []any{pathDID + "#k"},
	})
	k, err = keys.Resolve(ctx, s.client, pathDID+"#k", pathDID)
	if err != nil {
		t.Fatal(err)
	}
	mustVerify(t, k, priv)
	s.put("example.com/issuers/8/did.json", map[string]any{
		"id":                 pathDID, // served for :8 but claims :7
		"verificationMethod": []any{multikeyMethod(pathDID+"#k", pathDID, mk)},
		"assertionMethod":    []any{pathDID + "#k"},
	})
	_, err = keys.Resolve(ctx, s.client, "did:web:example.com:issuers:8#k", "did:web:example.com:issuers:8")
	wantErr(t, err, keys.BadDocument)

	// A key in the document controlled by someone else.
	s.put("example.com/issuers/9/did.json", map[string]any{
		"id":                 "did:web:example.com:issuers:9",
		"verificationMethod": []any{multikeyMethod("did:web:example.com:issuers:9#k", "did:web:evil.example", mk)},
		"assertionMethod":    []any{"did:web:example.com:issuers:9#k"},
	})
	_, err = keys.Resolve(ctx, s.client, "did:web:example.com:issuers:9#k", "did:web:example.com:issuers:9")
	wantErr(t, err, keys.NotIssuerKey)

	// Port form: the colon before the port is percent-encoded.
	portDID := "did:web:127.0.0.1%3A" + s.port()
	s.put("127.0.0.1/.well-known/did.json", map[string]any{
		"id":                 portDID,
		"verificationMethod": []any{multikeyMethod(portDID+"#k", portDID, mk)},
		"assertionMethod":    []any{portDID + "#k"},
	})
	if _, err := keys.Resolve(ctx, s.client, portDID+"#k", portDID); err != nil {
		t.Fatalf("port form: %v", err)
	}

	// A did:key listed by the did:web issuer: under assertionMethod it is
	// the issuer's; under authentication only, it is not.
	_, dkPriv, dk := newEd25519(t)
	s.put("example.com/issuers/10/did.json", map[string]any{
		"id":              "did:web:example.com:issuers:10",
		"assertionMethod": []any{"did:key:" + dk + "#" + dk},
	})
	k, err = keys.Resolve(ctx, s.client, "did:key:"+dk+"#"+dk, "did:web:example.com:issuers:10")
	if err != nil || k.Binding != keys.DIDDocument {
		t.Fatalf("did:key listed by the did:web issuer: %+v, %v", k, err)
	}
	mustVerify(t, k, dkPriv)
	s.put("example.com/issuers/11/did.json", map[string]any{
		"id":             "did:web:example.com:issuers:11",
		"authentication": []any{"did:key:" + dk + "#" + dk},
	})
	_, err = keys.Resolve(ctx, s.client, "did:key:"+dk+"#"+dk, "did:web:example.com:issuers:11")
	wantErr(t, err, keys.NotAssertionMethod)
	// Not listed at all, or no document: not the issuer's / unconfirmed.
	_, err = keys.Resolve(ctx, s.client, "did:key:"+dk+"#"+dk, "did:web:example.com:issuers:9")
	wantErr(t, err, keys.NotIssuerKey)
	k, err = keys.Resolve(ctx, s.client, "did:key:"+dk+"#"+dk, "did:web:example.com:nobody")
	if err != nil || k.Binding != keys.Unconfirmed {
		t.Fatalf("did:key under a did:web issuer without a document: %+v, %v", k, err)
	}

	// No document at all.
	_, err = keys.Resolve(ctx, s.client, "did:web:example.com:nobody#k", "did:web:example.com:nobody")
	wantErr(t, err, keys.NotFound)
}

func TestResolve_HTTPKeyDocuments(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	_, priv, mk := newEd25519(t)
	_, strangerPriv, strangerMK := newEd25519(t)
	_, _, unlistedMK := newEd25519(t)
	ecPriv := badgetest.MustP256(t)
	issuer := "https://issuer.example/issuers/1"

	// A Multikey document next to the issuer.
	s.put("issuer.example/keys/1", multikeyMethod("https://issuer.example/keys/1", issuer, mk))
	// An Ed25519VerificationKey2020 document.
	s.put("issuer.example/keys/2020", map[string]any{
		"id": "https://issuer.example/keys/2020", "type": "Ed25519VerificationKey2020",
		"controller": issuer, "publicKeyMultibase": mk,
	})
	// A JsonWebKey document.
	s.put("issuer.example/keys/jwk", map[string]any{
		"id": "https://issuer.example/keys/jwk", "type": "JsonWebKey",
		"controller": issuer, "publicKeyJwk": json.RawMessage(jwkJSON(t, &ecPriv.PublicKey)),
	})
	// A key document next to the issuer that the issuer does not list.
	s.put("issuer.example/keys/unlisted", multikeyMethod("https://issuer.example/keys/unlisted", issuer, unlistedMK))
	// The issuer's controller document (an Open Badges Profile with keys),
	// keys relative to it.
	s.put("issuer.example/issuers/1", map[string]any{
		"id":   issuer,
		"type": "Profile",
		"verificationMethod": []any{
			map[string]any{"id": "#key-1", "type": "Multikey", "controller": issuer, "publicKeyMultibase": mk},
			map[string]any{"id": "#not-for-badges", "type": "Multikey", "controller": issuer, "publicKeyMultibase": strangerMK},
		},
		"assertionMethod": []any{"#key-1", "https://keys.example/k/ok", "https://issuer.example/keys/jwk"},
	})

	for _, tc := range []struct {
		vm   string
		priv crypto.Signer
	}{
		{"https://issuer.example/keys/1", priv},    // same key material as #key-1
		{"https://issuer.example/keys/2020", priv}, // likewise
		{"https://issuer.example/keys/jwk", ecPriv},
		{issuer + "#key-1", priv},
	} {
		k, err := keys.Resolve(ctx, s.client, tc.vm, issuer)
		if err != nil {
			t.Fatalf("%s: %v", tc.vm, err)
		}
		mustVerify(t, k, tc.priv)
		if k.Controller != issuer || k.Binding != keys.HostedDocument || k.Where != "issuer.example" {
			t.Errorf("%s: key = %+v", tc.vm, k)
		}
	}

	_, err := keys.Resolve(ctx, s.client, issuer+"#not-for-badges", issuer)
	wantErr(t, err, keys.NotAssertionMethod)
	_, err = keys.Resolve(ctx, s.client, issuer+"#key-7", issuer)
	wantErr(t, err, keys.NotIssuerKey)
	_, err = keys.Resolve(ctx, s.client, "https://issuer.example/keys/1", "https://issuer.example/issuers/2")
	wantErr(t, err, keys.NotIssuerKey)
	_, err = keys.Resolve(ctx, s.client, "https://issuer.example/keys/missing", issuer)
	wantErr(t, err, keys.NotFound)
	// Served next to the issuer, naming it as controller, but not listed.
	_, err = keys.Resolve(ctx, s.client, "https://issuer.example/keys/unlisted", issuer)
	wantErr(t, err, keys.NotIssuerKey)

	// A key document on another site that claims the issuer as controller
	// is trusted only if the issuer's document lists it.
	s.put("evil.example/k/forged", multikeyMethod("https://evil.example/k/forged", issuer, unlistedMK))
	_, err = keys.Resolve(ctx, s.client, "https://evil.example/k/forged", issuer)
	wantErr(t, err, keys.NotIssuerKey)
	s.put("keys.example/k/ok", multikeyMethod("https://keys.example/k/ok", issuer, strangerMK))
	k, err := keys.Resolve(ctx, s.client, "https://keys.example/k/ok", issuer)
	if err != nil {
		t.Fatalf("key hosted elsewhere but listed by the issuer: %v", err)
	}
	mustVerify(t, k, strangerPriv)

	// An issuer with no document at its address: a key document claiming
	// it is only a claim.
	s.put("issuer.example/keys/3", multikeyMethod("https://issuer.example/keys/3", "https://issuer.example/issuers/3", mk))
	k, err = keys.Resolve(ctx, s.client, "https://issuer.example/keys/3", "https://issuer.example/issuers/3")
	if err != nil || k.Binding != keys.Unconfirmed {
		t.Fatalf("issuer without a document: %+v, %v", k, err)
	}

	// A web page instead of a key.
	s.put("issuer.example/keys/page", "<!doctype html><p>keys</p>")
	_, err = keys.Resolve(ctx, s.client, "https://issuer.example/keys/page", issuer)
	ke := wantErr(t, err, keys.FetchFailed)
	var fe *fetch.Error
	if !errors.As(ke, &fe) || fe.Kind != fetch.BadContentType {
		t.Errorf("cause = %v, want a fetch BadContentType", ke.Err)
	}
	if !strings.Contains(ke.Message(), "instead of") {
		t.Errorf("Message() = %q", ke.Message())
	}

	// A key document with a private key in it.
	leaked := map[string]any{"id": "https://issuer.example/keys/leaked", "type": "JsonWebKey", "controller": issuer,
		"publicKeyJwk": json.RawMessage(jwkJSON(t, ecPriv))}
	s.put("issuer.example/keys/leaked", leaked)
	_, err = keys.Resolve(ctx, s.client, "https://issuer.example/keys/leaked", issuer)
	wantErr(t, err, keys.PrivateKey)
}

func TestResolve_GuardedClientRefusesUnlistedLoopback(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	_, _, mk := newEd25519(t)
	s.put("127.0.0.1/keys/1", multikeyMethod("https://127.0.0.1:"+s.port()+"/keys/1", "https://127.0.0.1:"+s.port()+"/issuer", mk))
	strict := fetch.New(fetch.Options{}) // nothing allowed
	_, err := keys.Resolve(context.Background(), strict, "https://127.0.0.1:"+s.port()+"/keys/1", "https://127.0.0.1:"+s.port()+"/issuer")
	ke := wantErr(t, err, keys.FetchFailed)
	var fe *fetch.Error
	if !errors.As(ke, &fe) || fe.Kind != fetch.Blocked {
		t.Fatalf("cause = %v, want fetch Blocked", ke.Err)
	}
	if s.hits["127.0.0.1/keys/1"] != 0 {
		t.Fatal("server reached")
	}
}

func pemOf(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func TestResolveOB2(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	rsaPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	issuerID := "https://issuer.example/organization.json"
	keyURL := "https://issuer.example/key1.json"
	s.put("issuer.example/key1.json", map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "id": keyURL, "type": "CryptographicKey",
		"owner": issuerID, "publicKeyPem": pemOf(t, &rsaPriv.PublicKey),
	})
	s.put("issuer.example/stranger.json", map[string]any{
		"id": "https://issuer.example/stranger.json", "type": "CryptographicKey",
		"owner": "https://issuer.example/someone-else.json", "publicKeyPem": pemOf(t, &rsaPriv.PublicKey),
	})
	profile := func(publicKey any) []byte {
		b, _ := json.Marshal(map[string]any{"id": issuerID, "type": "Issuer", "publicKey": publicKey})
		return b
	}

	k, err := keys.ResolveOB2(ctx, s.client, keyURL, profile([]any{keyURL}))
	if err != nil {
		t.Fatal(err)
	}
	mustVerify(t, k, rsaPriv)
	if k.Controller != issuerID || k.Source != keys.FromOB2 || k.Binding != keys.HostedDocument || k.Where != "issuer.example" {
		t.Errorf("key = %+v", k)
	}
	// publicKey as a single string works too.
	if _, err := keys.ResolveOB2(ctx, s.client, keyURL, profile(keyURL)); err != nil {
		t.Fatal(err)
	}
	// Embedded in the profile: no fetch needed.
	embedded := map[string]any{"id": "https://issuer.example/inline", "type": "CryptographicKey", "owner": issuerID, "publicKeyPem": pemOf(t, &rsaPriv.PublicKey)}
	k, err = keys.ResolveOB2(ctx, noFetch{t}, "https://issuer.example/inline", profile([]any{embedded}))
	if err != nil {
		t.Fatal(err)
	}
	mustVerify(t, k, rsaPriv)

	_, err = keys.ResolveOB2(ctx, s.client, keyURL, profile(nil))
	wantErr(t, err, keys.NotIssuerKey)
	_, err = keys.ResolveOB2(ctx, s.client, "https://issuer.example/stranger.json", profile([]any{"https://issuer.example/stranger.json"}))
	wantErr(t, err, keys.NotIssuerKey)
	_, err = keys.ResolveOB2(ctx, s.client, "https://issuer.example/gone.json", profile([]any{"https://issuer.example/gone.json"}))
	wantErr(t, err, keys.NotFound)
	_, err = keys.ResolveOB2(ctx, s.client, "urn:uuid:1", profile([]any{"urn:uuid:1"}))
	wantErr(t, err, keys.UnknownScheme)
}

func TestFromPEM(t *testing.T) {
	t.Parallel()
	rsaPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keys.FromPEM(pemOf(t, &rsaPriv.PublicKey))
	if err != nil || !rsaPriv.PublicKey.Equal(pub) {
		t.Fatalf("PKIX: %v", err)
	}
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rsaPriv.PublicKey)}))
	if pub, err := keys.FromPEM(pkcs1); err != nil || !rsaPriv.PublicKey.Equal(pub) {
		t.Fatalf("PKCS1: %v", err)
	}
	privDER, _ := x509.MarshalPKCS8PrivateKey(rsaPriv)
	_, err = keys.FromPEM(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER})))
	wantErr(t, err, keys.PrivateKey)
	_, err = keys.FromPEM("no pem here")
	wantErr(t, err, keys.BadKey)
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	_, err = keys.FromPEM(pemOf(t, &weak.PublicKey))
	wantErr(t, err, keys.BadKey)
}
