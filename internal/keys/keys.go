// Package keys finds the public key behind a proof's verificationMethod (or
// a JWT's kid) and checks that it belongs to the issuer.
//
// Supported: did:key (Ed25519 z6Mk…, P-256 zDn…, P-384 z82…), did:jwk,
// did:web (the key must be an assertionMethod of the DID document), http(s)
// key documents and controller documents (Multikey, JsonWebKey,
// JsonWebKey2020, Ed25519VerificationKey2020/2018, CryptographicKey), and
// "<issuer id>#z6Mk…" where the key is the fragment itself. Open Badges 2.0
// signed badges use ResolveOB2.
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

// Source says how a key was found.
type Source string

const (
	FromDIDKey   Source = "did:key"
	FromDIDJWK   Source = "did:jwk"
	FromDIDWeb   Source = "did:web"
	FromDocument Source = "document" // an http(s) key or controller document
	FromFragment Source = "fragment" // <issuer id>#<multikey>
	FromOB2      Source = "ob2"      // an Open Badges 2.0 CryptographicKey
)

// Key is a resolved public key.
type Key struct {
	ID         string           // the verification method as given
	Controller string           // who controls the key
	Public     crypto.PublicKey // ed25519.PublicKey, *ecdsa.PublicKey or *rsa.PublicKey
	Source     Source
	// IssuerBound is true when the controller was checked to be the issuer.
	// It is false only for did:key and did:jwk keys whose DID is not the
	// issuer id: such keys are self-certifying, and the reference validator
	// accepts them for any issuer, so Resolve does too and leaves the
	// decision (for instance a warning) to the caller.
	IssuerBound bool
}

// Resolve finds the key named by verificationMethod and checks that its
// controller is issuerID.
//
// Self-asserted forms are trusted only as far as they go: "<issuer>#z6Mk…"
// proves nothing beyond the string, exactly as in the reference validator.
// Key documents are trusted only when served from the controller's own
// origin or confirmed by the controller's document.
func Resolve(ctx context.Context, f Fetcher, verificationMethod, issuerID string) (*Key, error) {
	vm := strings.TrimSpace(verificationMethod)
	if vm == "" {
		return nil, &Error{Kind: NoScheme, Err: errors.New("empty verification method")}
	}
	base, frag, _ := strings.Cut(vm, "#")
	scheme, ok := schemeOf(vm)
	if !ok {
		return nil, errorf(NoScheme, vm, "verification method is not a URI")
	}
	switch scheme {
	case "did":
		method, _, _ := strings.Cut(strings.TrimPrefix(base, "did:"), ":")
		switch method {
		case "key":
			return resolveDIDKey(vm, base, frag, issuerID)
		case "jwk":
			return resolveDIDJWK(vm, base, frag, issuerID)
		case "web":
			return resolveDIDWeb(ctx, f, vm, issuerID)
		}
		if k, ok := fragmentKey(vm, base, frag, issuerID); ok {
			return k()
		}
		return nil, errorf(UnknownDIDMethod, vm, "DID method %q", method)
	case "http", "https":
		if k, ok := fragmentKey(vm, base, frag, issuerID); ok {
			return k()
		}
		return resolveDocument(ctx, f, vm, issuerID)
	}
	if k, ok := fragmentKey(vm, base, frag, issuerID); ok {
		return k()
	}
	return nil, errorf(UnknownScheme, vm, "scheme %q", scheme)
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

// fragmentKey handles "<controller>#<multikey>": when the fragment decodes
// as a supported Multikey, the key is the fragment and the controller is
// the part before '#', which must be the issuer.
func fragmentKey(vm, base, frag, issuerID string) (func() (*Key, error), bool) {
	if frag == "" || base == "" {
		return nil, false
	}
	pub, err := FromMultibase(frag)
	if err != nil {
		return nil, false
	}
	return func() (*Key, error) {
		if base != issuerID {
			return nil, errorf(ControllerMismatch, vm, "key controller %s is not the issuer %s", quoteShort(base), quoteShort(issuerID))
		}
		return &Key{ID: vm, Controller: base, Public: pub, Source: FromFragment, IssuerBound: true}, nil
	}, true
}

func resolveDIDKey(vm, base, frag, issuerID string) (*Key, error) {
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
	return &Key{ID: vm, Controller: base, Public: pub, Source: FromDIDKey, IssuerBound: base == issuerID}, nil
}

func resolveDIDJWK(vm, base, frag, issuerID string) (*Key, error) {
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
	return &Key{ID: vm, Controller: base, Public: pub, Source: FromDIDJWK, IssuerBound: base == issuerID}, nil
}

// withMethod fills in the verification method of a key error.
func withMethod(err error, vm string) error {
	var ke *Error
	if errors.As(err, &ke) {
		ke.Method = vm
	}
	return err
}
