// Package keys finds the public key behind a signature and decides whether
// that key is proven to belong to the credential's issuer. A signature
// counts only when it is; the rule is the same for Data Integrity proofs
// (Resolve), VC-JWTs (Resolve with the kid, ResolveJWK with a header jwk)
// and Open Badges 2.0 signed assertions (BindOB2), and lives only here:
//
//   - did:key or did:jwk issuer: the verification method (or kid, or
//     embedded jwk) must be exactly the issuer DID's own key. Any other key
//     is not the issuer's (NotIssuerKey). Binding SelfKey: anyone can make
//     such an issuer, so its name is only its own claim.
//   - did:web issuer: the key must be listed under assertionMethod in the
//     issuer's DID document. Listed only under another relationship (say
//     authentication): NotAssertionMethod; not listed: NotIssuerKey.
//     Binding DIDDocument.
//   - https issuer: the document at the issuer's address (a W3C Controlled
//     Identifier document, or an Open Badges Profile carrying
//     verificationMethod and assertionMethod) must list the method, or the
//     same key material, under assertionMethod: Binding HostedDocument. A
//     document that lists keys, but not this one: NotIssuerKey. No such
//     document, or none could be fetched: the key, if the method itself
//     gives it, is returned with Binding Unconfirmed.
//   - any other issuer (urn:uuid:…, a DID method Satchel cannot resolve):
//     Unconfirmed at best.
//   - Open Badges 2.0: the key is verification.creator, listed by the
//     issuer Profile under publicKey (and, when the key names an owner, the
//     owner is the issuer): HostedDocument.
//
// A key carried in a method's fragment ("https://issuer.example#z6Mk…") or
// in a JWT header is only a candidate: it is never proof by itself. A
// method whose own document names a controller other than the issuer is
// not the issuer's key, whatever else says so.
//
// Key material: did:key (Ed25519 z6Mk…, P-256 zDn…, P-384 z82…), did:jwk,
// did:web, and http(s) key or controller documents (Multikey, JsonWebKey,
// JsonWebKey2020, Ed25519VerificationKey2020/2018, CryptographicKey).
package keys

import (
	"context"
	"crypto"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/satchel-backpack/satchel/internal/fetch"
)

// Fetcher is what keys needs from the guarded client (fetch.Client) or from
// verify's once-per-verification cache in front of it.
type Fetcher interface {
	Get(ctx context.Context, url string, kind fetch.Kind) (*fetch.Response, error)
}

// Source says where the key material came from.
type Source string

const (
	FromDIDKey   Source = "did:key"
	FromDIDJWK   Source = "did:jwk"
	FromDIDWeb   Source = "did:web"
	FromDocument Source = "document" // an http(s) key or controller document
	FromFragment Source = "fragment" // <id>#<multikey>: a candidate only
	FromHeader   Source = "jwk"      // a JWT header's jwk: a candidate only
	FromOB2      Source = "ob2"      // an Open Badges 2.0 CryptographicKey
)

// Binding says how the key was shown to be the issuer's. The values are
// stable: reports carry them as issuerBinding.
type Binding string

const (
	// DIDDocument: the issuer's DID document lists the key under
	// assertionMethod.
	DIDDocument Binding = "did-document"
	// HostedDocument: the document at the issuer's https address lists it.
	HostedDocument Binding = "hosted-document"
	// SelfKey: the issuer is the key itself (did:key, did:jwk).
	SelfKey Binding = "self-key"
	// Unconfirmed: the key verifies the signature, but nothing the issuer
	// publishes says it is theirs.
	Unconfirmed Binding = "unconfirmed"
)

// Key is a resolved public key and how it is bound to the issuer.
type Key struct {
	ID         string           // the verification method as given ("" for a bare header jwk)
	Controller string           // who controls the key, as far as known
	Public     crypto.PublicKey // ed25519.PublicKey, *ecdsa.PublicKey or *rsa.PublicKey
	Source     Source
	Binding    Binding
	// Where names what confirmed the key (the issuer's host, or its DID),
	// or, when Unconfirmed, what could not: for sentences such as
	// "example.edu does not publish this key".
	Where string
}

// Bound reports whether the key is proven to be the issuer's.
func (k *Key) Bound() bool { return k != nil && k.Binding != "" && k.Binding != Unconfirmed }

// Resolve finds the key named by verificationMethod (a proof's, or a JWT's
// kid) and binds it to issuerID by the package's rule. An error means the
// signature cannot count: the key could not be had, or it is not the
// issuer's. A key with Binding Unconfirmed verifies signatures but is not
// proven to be the issuer's.
func Resolve(ctx context.Context, f Fetcher, verificationMethod, issuerID string) (*Key, error) {
	vm := strings.TrimSpace(verificationMethod)
	if vm == "" {
		return nil, &Error{Kind: NoScheme, Err: errors.New("empty verification method")}
	}
	return resolve(ctx, f, vm, nil, strings.TrimSpace(issuerID))
}

// ResolveJWK binds a key embedded in a JWT header (jwk, as JSON) to
// issuerID; kid, when the header has one too, must name the same key. The
// embedded key counts only when it is the did:jwk / did:key issuer's own
// key or the issuer's document lists it.
func ResolveJWK(ctx context.Context, f Fetcher, jwk []byte, kid, issuerID string) (*Key, error) {
	pub, err := FromJWK(jwk)
	if err != nil {
		return nil, err
	}
	return resolve(ctx, f, strings.TrimSpace(kid), pub, strings.TrimSpace(issuerID))
}

func resolve(ctx context.Context, f Fetcher, vm string, embedded crypto.PublicKey, issuerID string) (*Key, error) {
	if isSelfDID(issuerID) {
		return bindSelf(vm, embedded, issuerID)
	}
	cand, err := candidate(ctx, f, vm, embedded, issuerID)
	if err != nil {
		return nil, err
	}
	if cand != nil && (cand.Source == FromDocument || cand.Source == FromDIDWeb) && cand.Controller != issuerID {
		return nil, errorf(NotIssuerKey, vm, "the key's own document names %s, not the issuer %s, as its controller", quoteShort(cand.Controller), quoteShort(issuerID))
	}
	switch {
	case strings.HasPrefix(issuerID, "did:web:"):
		return bindDIDWeb(ctx, f, vm, cand, issuerID)
	case isHTTP(issuerID):
		return bindHosted(ctx, f, vm, cand, issuerID)
	}
	if cand == nil {
		return nil, errorf(NotFound, vm, "the key can only come from the issuer %s, which publishes no keys", quoteShort(issuerID))
	}
	cand.Binding, cand.Where = Unconfirmed, issuerID
	return cand, nil
}

// candidate reads the key the method (or header) gives by itself, not yet
// bound to the issuer; nil when only the issuer's own document can give it
// (a method under the issuer's address or DID without key material).
func candidate(ctx context.Context, f Fetcher, vm string, embedded crypto.PublicKey, issuerID string) (*Key, error) {
	if vm == "" {
		if embedded == nil {
			return nil, &Error{Kind: NoScheme, Err: errors.New("no verification method")}
		}
		return &Key{Public: embedded, Source: FromHeader}, nil
	}
	base, frag, _ := strings.Cut(vm, "#")
	scheme, ok := schemeOf(vm)
	if !ok {
		return nil, errorf(NoScheme, vm, "verification method is not a URI")
	}
	var k *Key
	var err error
	switch {
	case scheme == "did" && strings.HasPrefix(base, "did:key:"):
		k, err = resolveDIDKey(vm, base, frag)
	case scheme == "did" && strings.HasPrefix(base, "did:jwk:"):
		k, err = resolveDIDJWK(vm, base, frag)
	case scheme == "did" && strings.HasPrefix(base, "did:web:"):
		if base == issuerID {
			return embeddedCandidate(vm, embedded), nil // the issuer's own DID document gives it
		}
		k, err = resolveDIDWeb(ctx, f, vm)
	default:
		if fk, ok := fragmentKey(vm, base, frag); ok {
			k = fk
			break
		}
		switch {
		case scheme == "did":
			method, _, _ := strings.Cut(strings.TrimPrefix(base, "did:"), ":")
			return nil, errorf(UnknownDIDMethod, vm, "DID method %q", method)
		case scheme != "http" && scheme != "https":
			return nil, errorf(UnknownScheme, vm, "scheme %q", scheme)
		case sameDocument(base, issuerID):
			return embeddedCandidate(vm, embedded), nil // the issuer's own document gives it
		}
		k, err = resolveDocument(ctx, f, vm)
	}
	if err != nil {
		return nil, err
	}
	if embedded != nil && !SameKey(embedded, k.Public) {
		return nil, errorf(NotIssuerKey, vm, "the header's jwk is not the key its kid names")
	}
	return k, nil
}

func embeddedCandidate(vm string, embedded crypto.PublicKey) *Key {
	if embedded == nil {
		return nil
	}
	return &Key{ID: vm, Public: embedded, Source: FromHeader}
}

// bindSelf: a did:key or did:jwk issuer is its own key, and only that key
// signs for it.
func bindSelf(vm string, embedded crypto.PublicKey, issuerID string) (*Key, error) {
	base, frag, _ := strings.Cut(issuerID, "#")
	var own *Key
	var err error
	if strings.HasPrefix(base, "did:key:") {
		own, err = resolveDIDKey(base, base, frag)
	} else {
		own, err = resolveDIDJWK(base, base, frag)
	}
	if err != nil {
		return nil, withMethod(err, issuerID)
	}
	own.Binding, own.Where, own.Controller = SelfKey, base, base
	if vm != "" {
		if strings.HasPrefix(vm, "#") {
			vm = base + vm
		}
		vbase, vfrag, _ := strings.Cut(vm, "#")
		if vbase != base {
			if _, ok := schemeOf(vm); !ok {
				return nil, errorf(NoScheme, vm, "verification method is not a URI")
			}
			return nil, errorf(NotIssuerKey, vm, "the key %s is not the issuer %s", quoteShort(vbase), quoteShort(base))
		}
		var k *Key
		if strings.HasPrefix(base, "did:key:") {
			k, err = resolveDIDKey(vm, vbase, vfrag)
		} else {
			k, err = resolveDIDJWK(vm, vbase, vfrag)
		}
		if err != nil {
			return nil, err
		}
		own.ID = k.ID
	} else {
		own.ID = base
	}
	if embedded != nil && !SameKey(embedded, own.Public) {
		return nil, errorf(NotIssuerKey, vm, "the header's jwk is not the issuer's own key %s", quoteShort(base))
	}
	return own, nil
}

func isSelfDID(id string) bool {
	return strings.HasPrefix(id, "did:key:") || strings.HasPrefix(id, "did:jwk:")
}

func isHTTP(id string) bool {
	s, _ := schemeOf(id)
	return s == "http" || s == "https"
}

// sameDocument reports whether the method's base is the issuer's own
// address (the part before any fragment).
func sameDocument(base, issuerID string) bool {
	ib, _, _ := strings.Cut(issuerID, "#")
	return base == ib
}

// SameKey reports whether two public keys are the same key.
func SameKey(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	ea, ok := a.(equaler)
	return ok && b != nil && ea.Equal(b)
}

// schemeOf returns the lower-cased RFC 3986 scheme of s.
func schemeOf(s string) (string, bool) {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return "", false
	}
	for j, r := range s[:i] {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case j > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return "", false
		}
	}
	return strings.ToLower(s[:i]), true
}

// fragmentKey reads "<id>#<multikey>": when the fragment decodes as a
// supported Multikey, the fragment is a candidate key, claimed by whoever
// wrote the method, nothing more.
func fragmentKey(vm, base, frag string) (*Key, bool) {
	if frag == "" || base == "" {
		return nil, false
	}
	pub, err := FromMultibase(frag)
	if err != nil {
		return nil, false
	}
	return &Key{ID: vm, Controller: base, Public: pub, Source: FromFragment}, true
}

func resolveDIDKey(vm, base, frag string) (*Key, error) {
	mb := strings.TrimPrefix(base, "did:key:")
	if strings.ContainsAny(mb, ":/?") {
		return nil, errorf(BadDocument, vm, "malformed did:key")
	}
	pub, err := FromMultibase(mb)
	if err != nil {
		return nil, withMethod(err, vm)
	}
	if frag != "" && frag != mb {
		return nil, errorf(NotFound, vm, "did:key document has no key #%s", frag)
	}
	return &Key{ID: vm, Controller: base, Public: pub, Source: FromDIDKey}, nil
}

func resolveDIDJWK(vm, base, frag string) (*Key, error) {
	enc := strings.TrimRight(strings.TrimPrefix(base, "did:jwk:"), "=")
	if len(enc) > 8<<10 {
		return nil, errorf(BadDocument, vm, "did:jwk too long")
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return nil, &Error{Kind: BadDocument, Method: vm, Err: err}
	}
	pub, err := FromJWK(raw)
	if err != nil {
		return nil, withMethod(err, vm)
	}
	if frag != "" && frag != "0" {
		return nil, errorf(NotFound, vm, "did:jwk document has no key #%s", frag)
	}
	return &Key{ID: vm, Controller: base, Public: pub, Source: FromDIDJWK}, nil
}

// withMethod fills in the verification method of a key error.
func withMethod(err error, vm string) error {
	var ke *Error
	if errors.As(err, &ke) {
		ke.Method = vm
	}
	return err
}
