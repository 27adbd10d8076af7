package fetch

import (
	"fmt"
	"net/url"
)

// ErrorKind says why a fetch failed.
type ErrorKind int

const (
	// Unreachable: the connection failed or broke off.
	Unreachable ErrorKind = iota + 1
	// Blocked: the address is loopback, private, link-local, CGNAT,
	// unique-local, multicast, unspecified or otherwise not public, and the
	// caller did not allow it.
	Blocked
	// TooLarge: the body is bigger than the cap for its kind.
	TooLarge
	// Timeout: connecting or the whole request took longer than allowed.
	Timeout
	// BadScheme: the URL (or a redirect) is not http or https.
	BadScheme
	// TooManyRedirects: more redirects than the client follows.
	TooManyRedirects
	// BadContentType: the body is not what the kind asks for.
	BadContentType
	// BadURL: the text is not a usable absolute URL.
	BadURL
	// NoSuchHost: the host name does not resolve.
	NoSuchHost
	// BadCertificate: the HTTPS certificate could not be verified.
	BadCertificate
)

var kindNames = map[ErrorKind]string{
	Unreachable:      "unreachable",
	Blocked:          "blocked",
	TooLarge:         "too large",
	Timeout:          "timeout",
	BadScheme:        "bad scheme",
	TooManyRedirects: "too many redirects",
	BadContentType:   "bad content type",
	BadURL:           "bad URL",
	NoSuchHost:       "no such host",
	BadCertificate:   "bad certificate",
}

func (k ErrorKind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("ErrorKind(%d)", int(k))
}

// Error is the only error type Client.Get returns.
type Error struct {
	Kind ErrorKind
	URL  string // the URL being fetched when it failed (after redirects)
	Err  error  // technical cause, for logs

	// Limit is the size cap in bytes, set for TooLarge.
	Limit int64
	// ContentType is what the server sent, set for BadContentType.
	ContentType string
	// Want names what was expected, set for BadContentType ("JSON", "a PNG or SVG image").
	Want string
	// Max is the redirect limit, set for TooManyRedirects.
	Max int
}

func (e *Error) Error() string {
	s := "fetch " + e.URL + ": " + e.Kind.String()
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Message is a sentence a learner can act on. It never contains internal
// error text.
func (e *Error) Message() string {
	host := hostOf(e.URL)
	switch e.Kind {
	case Blocked:
		return fmt.Sprintf("Satchel does not fetch from %s because it is a private or local network address, not a public web server.", host)
	case TooLarge:
		return fmt.Sprintf("The file at %s is too large (Satchel accepts up to %s); it is probably not a badge.", host, SizeText(e.Limit))
	case Timeout:
		return fmt.Sprintf("The server at %s took too long to answer; try again later.", host)
	case BadScheme:
		return "Only web addresses that start with http:// or https:// can be fetched."
	case TooManyRedirects:
		return fmt.Sprintf("The address at %s redirected more than %d times, so Satchel stopped following it; check the address with the issuer.", host, e.Max)
	case BadContentType:
		got := e.ContentType
		if got == "" {
			got = "something else"
		}
		return fmt.Sprintf("The server at %s sent %s instead of %s; check that the address points at the badge itself.", host, got, e.Want)
	case BadURL:
		return "This is not a complete web address; it should look like https://example.org/badge."
	case NoSuchHost:
		return fmt.Sprintf("The web site %s could not be found; check the address for typing mistakes.", host)
	case BadCertificate:
		return fmt.Sprintf("The secure connection to %s could not be trusted because its HTTPS certificate is not valid.", host)
	default:
		return fmt.Sprintf("The server at %s could not be reached; try again later.", host)
	}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "that address"
	}
	return u.Host
}

// SizeText writes a byte limit as the fetcher's messages do: "2 MiB",
// "512 KiB", "100 bytes".
func SizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
