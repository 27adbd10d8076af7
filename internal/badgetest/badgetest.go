// Package badgetest makes what the tests of several packages need to build
// badges as issuers do: issuer keys (Ed25519 as did:key, did:jwk, P-256,
// RSA), credentials signed with a Data Integrity proof or as a JWS,
// self-signed TLS certificates for loopback issuers, and the path of the
// shared 1EdTech conformance fixtures.
//
// Only _test.go files import it (internal/archtest checks that no shipped
// package does). It imports internal/keys and internal/ldproof, so the
// in-package tests of those two cannot use it.
package badgetest

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/satchel-backpack/satchel/internal/keys"
	"github.com/satchel-backpack/satchel/internal/ldproof"
)

// DIDKey is a fresh Ed25519 key pair named by did:key, as a 3.0 issuer that
// needs no web server uses.
type DIDKey struct {
	Public   ed25519.PublicKey
	Private  ed25519.PrivateKey
	Multikey string // the public key as a multibase Multikey, z6Mk…
	DID      string // did:key:z6Mk…
	VM       string // the verification method, did:key:z6Mk…#z6Mk…
}

// MustDIDKey makes a fresh did:key issuer key.
func MustDIDKey(tb testing.TB) *DIDKey {
	tb.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	mk, err := keys.EncodeMultikey(pub)
	if err != nil {
		tb.Fatal(err)
	}
	did := "did:key:" + mk
	return &DIDKey{Public: pub, Private: priv, Multikey: mk, DID: did, VM: did + "#" + mk}
}

// MustSign signs doc with the key under its verification method with an
// eddsa-rdfc-2022 Data Integrity proof made at created.
func (k *DIDKey) MustSign(tb testing.TB, doc map[string]any, created time.Time) map[string]any {
	tb.Helper()
	return MustSignDataIntegrity(tb, doc, k.Private, k.VM, "eddsa-rdfc-2022", created)
}

// MustSignDataIntegrity adds a Data Integrity proof of suite to a copy of
// doc, signed by priv under the verification method vm.
func MustSignDataIntegrity(tb testing.TB, doc map[string]any, priv ed25519.PrivateKey, vm, suite string, created time.Time) map[string]any {
	tb.Helper()
	out, err := ldproof.Sign(doc, priv, vm, suite, created)
	if err != nil {
		tb.Fatalf("badgetest: signing with %s: %v", suite, err)
	}
	return out
}

// MustDIDJWK names a public key by did:jwk.
func MustDIDJWK(tb testing.TB, pub any) string {
	tb.Helper()
	raw, err := (&jose.JSONWebKey{Key: pub}).MarshalJSON()
	if err != nil {
		tb.Fatal(err)
	}
	return "did:jwk:" + base64.RawURLEncoding.EncodeToString(raw)
}

// MustP256 makes a fresh ECDSA P-256 key.
func MustP256(tb testing.TB) *ecdsa.PrivateKey {
	tb.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

var rsaKeys struct {
	mu   sync.Mutex
	keys map[int]*rsa.PrivateKey
}

// MustRSA returns the n-th of the test binary's shared 2048-bit RSA keys
// (n = 0, 1, …: a test that needs two different keys takes 0 and 1). Each
// is made once, as making one takes long.
func MustRSA(tb testing.TB, n int) *rsa.PrivateKey {
	tb.Helper()
	rsaKeys.mu.Lock()
	defer rsaKeys.mu.Unlock()
	if k, ok := rsaKeys.keys[n]; ok {
		return k
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	if rsaKeys.keys == nil {
		rsaKeys.keys = map[int]*rsa.PrivateKey{}
	}
	rsaKeys.keys[n] = k
	return k
}

// MustJWS signs payload as a compact JWS with alg and key (opts may be nil).
func MustJWS(tb testing.TB, alg jose.SignatureAlgorithm, key any, payload []byte, opts *jose.SignerOptions) string {
	tb.Helper()
	if opts == nil {
		opts = &jose.SignerOptions{}
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		tb.Fatal(err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// MustJSON marshals v.
func MustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// HashedEmail is the hashed recipient identity an issuer writes for email
// with salt: "sha256$" and the hex SHA-256 of email+salt.
func HashedEmail(email, salt string) string {
	sum := sha256.Sum256([]byte(email + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// MustTLSCert makes a self-signed certificate, valid for a day, for hosts
// (names or IP addresses; the first is its common name), and a pool that
// trusts it.
func MustTLSCert(tb testing.TB, hosts ...string) (tls.Certificate, *x509.CertPool) {
	tb.Helper()
	key := MustP256(tb)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: hosts[0]},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// ModuleRoot is the folder holding go.mod, found by walking up from the
// test's working directory (its package's folder).
func ModuleRoot(tb testing.TB) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			tb.Fatalf("badgetest: no go.mod above %s", wd)
		}
	}
}

// ConformanceDir is the folder of the official 1EdTech fixtures:
// $SATCHEL_CONFORMANCE_DIR, else ../shared/conformance beside the module
// root. Without them (no expected.tsv there) the test is skipped, and fails
// under CI=true, where skipping would hide it.
func ConformanceDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("SATCHEL_CONFORMANCE_DIR")
	if dir == "" {
		dir = filepath.Join(ModuleRoot(tb), "..", "shared", "conformance")
	}
	if _, err := os.Stat(filepath.Join(dir, "expected.tsv")); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("conformance fixtures missing at %s (set SATCHEL_CONFORMANCE_DIR): %v", dir, err)
		}
		tb.Skipf("conformance fixtures not found at %s; set SATCHEL_CONFORMANCE_DIR", dir)
	}
	return dir
}
