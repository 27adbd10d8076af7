package keys

import (
	"errors"
	"fmt"

	"github.com/satchel-backpack/satchel/internal/fetch"
)

// ErrorKind says why a key could not be resolved.
type ErrorKind int

const (
	// NoScheme: the verification method is not a URI at all.
	NoScheme ErrorKind = iota + 1
	// UnknownScheme: a URI scheme other than did, http or https (without a
	// multikey fragment).
	UnknownScheme
	// UnknownDIDMethod: a DID method other than key, jwk or web.
	UnknownDIDMethod
	// BadKey: the key material is malformed, too weak or of an unsupported type.
	BadKey
	// PrivateKey: a private key was published where a public key belongs.
	PrivateKey
	// BadDocument: the key or controller document is not a JSON object, or a
	// DID is malformed.
	BadDocument
	// NotFound: the document does not exist (non-2xx) or does not contain
	// the key.
	NotFound
	// NotAssertionMethod: the key exists but is not listed under
	// assertionMethod.
	NotAssertionMethod
	// NotIssuerKey: the key is proven not to be the issuer's: another
	// did:key than the issuer, a key the issuer's document does not list,
	// or one whose own document names another controller.
	NotIssuerKey
	// FetchFailed: the document could not be fetched; Err is a *fetch.Error.
	FetchFailed
)

var kindNames = map[ErrorKind]string{
	NoScheme:           "no scheme",
	UnknownScheme:      "unknown scheme",
	UnknownDIDMethod:   "unknown DID method",
	BadKey:             "bad key",
	PrivateKey:         "private key",
	BadDocument:        "bad document",
	NotFound:           "not found",
	NotAssertionMethod: "not an assertion method",
	NotIssuerKey:       "not the issuer's key",
	FetchFailed:        "fetch failed",
}

func (k ErrorKind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("ErrorKind(%d)", int(k))
}

// Error is the error type of every function in this package.
type Error struct {
	Kind   ErrorKind
	Method string // the verification method (or key URL) being resolved
	Err    error  // technical cause
}

func (e *Error) Error() string {
	s := "keys: " + e.Kind.String()
	if e.Method != "" {
		s += " " + quoteShort(e.Method)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Message is a sentence a learner understands; it never contains internal
// error text.
func (e *Error) Message() string {
	switch e.Kind {
	case NoScheme:
		return "The badge's signature does not say where its key is (the key reference is not a web address or DID), so it cannot be checked."
	case UnknownScheme:
		return "The badge's signature points to its key with a kind of address Satchel does not understand, so it cannot be checked."
	case UnknownDIDMethod:
		return "The badge's signature uses a kind of DID that Satchel cannot look up (only did:key, did:jwk and did:web are supported)."
	case BadKey:
		return "The issuer's public key is malformed or of a type Satchel does not support, so the signature cannot be checked."
	case PrivateKey:
		return "The issuer published a secret (private) key instead of a public key, so signatures made with it cannot be trusted."
	case BadDocument:
		return "The issuer's key information is not in a form Satchel can read."
	case NotFound:
		return "The issuer's public key could not be found where the badge's signature says it is."
	case NotAssertionMethod:
		return "The badge is signed with a key that does not belong to its issuer. The issuer lists that key, but not for issuing credentials (it is not an assertion method)."
	case NotIssuerKey:
		return "The badge is signed with a key that does not belong to its issuer."
	case FetchFailed:
		var fe *fetch.Error
		if errors.As(e.Err, &fe) {
			return "The issuer's public key could not be downloaded. " + fe.Message()
		}
		return "The issuer's public key could not be downloaded; try again later."
	}
	return "The issuer's public key could not be found."
}

func errorf(kind ErrorKind, method string, format string, args ...any) *Error {
	return &Error{Kind: kind, Method: method, Err: fmt.Errorf(format, args...)}
}

// quoteShort quotes s, cut to a length fit for a log line (hostile input
// can be long).
func quoteShort(s string) string {
	const max = 200
	if len(s) > max {
		s = s[:max] + "…"
	}
	return fmt.Sprintf("%q", s)
}
