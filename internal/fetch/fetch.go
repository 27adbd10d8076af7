// Package fetch is the one guarded HTTP client Satchel uses for every
// outbound request: badge URLs, issuer profiles, keys, status lists, images.
//
// Every URL is treated as hostile. Only http and https are fetched; the
// address actually dialled is checked inside the dialer (a net.Dialer
// Control hook), so a host name that resolves to a loopback, private,
// link-local, CGNAT, unique-local, multicast, unspecified or cloud-metadata
// address is refused no matter how the name was resolved (DNS rebinding
// gains nothing). Redirects are limited and re-checked, bodies are capped
// while they are read, and the whole request has a time limit.
package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"code.dny.dev/ssrf"
)

// Kind says what a caller expects to receive; it sets the Accept header, the
// size cap and the content-type check.
type Kind int

const (
	// JSON: a JSON or JSON-LD document, or a compact JWS served as text
	// (1 MiB cap).
	JSON Kind = iota
	// Image: a PNG or SVG image (2 MiB cap).
	Image
	// Any: anything up to 2 MiB, no content-type check (a badge URL that
	// may be an image or JSON).
	Any
	// Photo: a PNG, JPEG or GIF picture, recognised from its bytes (a
	// sign-in provider's profile picture; 2 MiB cap).
	Photo
)

// Size caps per kind.
const (
	MaxJSON  int64 = 1 << 20
	MaxImage int64 = 2 << 20
	MaxAny   int64 = 2 << 20
)

// Defaults for Options left zero.
const (
	DefaultTimeout        = 10 * time.Second
	DefaultConnectTimeout = 5 * time.Second
	DefaultMaxRedirects   = 3
	DefaultUserAgent      = "Satchel (Open Badges backpack)"
)

// Options configure a Client. The zero value is the safe production setting.
type Options struct {
	// AllowHosts lists "host:port" entries that may be dialled even when they
	// are loopback or private (tests, local development). An entry matches
	// either the host:port of the URL or the ip:port actually dialled; an
	// entry without a port matches every port of that host. Empty by
	// default: nothing private is ever allowed.
	AllowHosts []string
	// Resolve maps "host:port" to "ip:port", like curl --resolve, for tests.
	// The mapped address is still checked: it must be public or allowed by
	// AllowHosts.
	Resolve map[string]string
	// RootCAs, when set, replaces the system roots (tests with httptest TLS
	// servers).
	RootCAs *x509.CertPool
	// Timeout bounds the whole request, body included (default 10 s).
	Timeout time.Duration
	// ConnectTimeout bounds each TCP connect and the TLS handshake (default 5 s).
	ConnectTimeout time.Duration
	// MaxRedirects is how many redirects are followed (default 3; negative
	// means none).
	MaxRedirects int
	// UserAgent is sent with every request.
	UserAgent string
	// LookupIP resolves a host name; nil means the system resolver. Tests use
	// it to play a hostile DNS server.
	LookupIP func(ctx context.Context, host string) ([]netip.Addr, error)
}

// Response is a fetched document. A non-2xx status is a Response, not an
// error: callers need to see 404 and 410.
type Response struct {
	URL         string // final URL, after redirects
	Status      int
	ContentType string // media type without parameters, lower case; for Image, the sniffed type
	Header      http.Header
	Body        []byte
}

// Client is the guarded HTTP client. It is safe for concurrent use.
type Client struct {
	hc             *http.Client
	guard          *ssrf.Guardian
	allow          allowList
	resolve        map[string]string
	lookup         func(ctx context.Context, host string) ([]netip.Addr, error)
	timeout        time.Duration
	connectTimeout time.Duration
	maxRedirects   int
	userAgent      string
}

// New builds a Client.
func New(opts Options) *Client {
	c := &Client{
		guard:          ssrf.New(ssrf.WithAnyPort()),
		allow:          newAllowList(opts.AllowHosts),
		resolve:        make(map[string]string, len(opts.Resolve)),
		lookup:         opts.LookupIP,
		timeout:        opts.Timeout,
		connectTimeout: opts.ConnectTimeout,
		maxRedirects:   opts.MaxRedirects,
		userAgent:      opts.UserAgent,
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.connectTimeout <= 0 {
		c.connectTimeout = DefaultConnectTimeout
	}
	switch {
	case c.maxRedirects == 0:
		c.maxRedirects = DefaultMaxRedirects
	case c.maxRedirects < 0:
		c.maxRedirects = 0
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.lookup == nil {
		c.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	for from, to := range opts.Resolve {
		c.resolve[normHostPort(from)] = to
	}
	tr := &http.Transport{
		Proxy:                  nil, // never: a proxy would dial on our behalf, unchecked
		DialContext:            c.dialContext,
		TLSClientConfig:        &tls.Config{RootCAs: opts.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    c.connectTimeout,
		ResponseHeaderTimeout:  c.timeout,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           16,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        30 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	c.hc = &http.Client{
		Transport:     tr,
		CheckRedirect: c.checkRedirect,
	}
	return c
}

// CloseIdleConnections closes kept-alive connections.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > c.maxRedirects {
		return &Error{Kind: TooManyRedirects, URL: via[len(via)-1].URL.String(), Max: c.maxRedirects,
			Err: fmt.Errorf("redirect %d to %s", len(via), req.URL.Redacted())}
	}
	if s := req.URL.Scheme; s != "http" && s != "https" {
		return &Error{Kind: BadScheme, URL: req.URL.String(), Err: fmt.Errorf("redirect to scheme %q", s)}
	}
	return nil
}

// Get fetches url and checks the result against kind.
func (c *Client) Get(ctx context.Context, rawURL string, kind Kind) (*Response, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, &Error{Kind: BadURL, URL: rawURL, Err: err}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" {
			return nil, &Error{Kind: BadURL, URL: rawURL, Err: errors.New("no scheme")}
		}
		return nil, &Error{Kind: BadScheme, URL: rawURL, Err: fmt.Errorf("scheme %q", u.Scheme)}
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, &Error{Kind: BadURL, URL: rawURL, Err: errors.New("no host")}
	}
	u.Fragment, u.RawFragment = "", ""

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Kind: BadURL, URL: rawURL, Err: err}
	}
	req.Header.Set("Accept", kind.accept())
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, classify(ctx, u.String(), err)
	}
	defer resp.Body.Close()
	final := resp.Request.URL.String()

	limit := kind.limit()
	if resp.ContentLength > limit {
		return nil, &Error{Kind: TooLarge, URL: final, Limit: limit,
			Err: fmt.Errorf("Content-Length %d over %d", resp.ContentLength, limit)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, classify(ctx, final, err)
	}
	if int64(len(body)) > limit {
		return nil, &Error{Kind: TooLarge, URL: final, Limit: limit,
			Err: fmt.Errorf("body over %d bytes", limit)}
	}

	mt := mediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		checked, err := kind.check(mt, body)
		if err != nil {
			return nil, &Error{Kind: BadContentType, URL: final, ContentType: describe(mt), Want: kind.want(), Err: err}
		}
		mt = checked
	}
	return &Response{URL: final, Status: resp.StatusCode, ContentType: mt, Header: resp.Header, Body: body}, nil
}

// classify turns whatever net/http returned into an *Error.
func classify(ctx context.Context, u string, err error) *Error {
	// After a redirect the failing URL is the redirect's target, which is
	// what the message should name.
	var ue *url.Error
	if errors.As(err, &ue) && ue.URL != "" {
		u = ue.URL
	}
	var fe *Error
	if errors.As(err, &fe) {
		if fe.URL == "" {
			fe.URL = u
		}
		return fe
	}
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded {
		return &Error{Kind: Timeout, URL: u, Err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{Kind: Timeout, URL: u, Err: err}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return &Error{Kind: NoSuchHost, URL: u, Err: err}
	}
	var (
		unknownCA   x509.UnknownAuthorityError
		hostnameErr x509.HostnameError
		invalidErr  x509.CertificateInvalidError
		verifyErr   *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownCA) || errors.As(err, &hostnameErr) || errors.As(err, &invalidErr) || errors.As(err, &verifyErr) {
		return &Error{Kind: BadCertificate, URL: u, Err: err}
	}
	return &Error{Kind: Unreachable, URL: u, Err: err}
}

func mediaType(header string) string {
	if header == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		// A malformed header still says something; keep the part before ';'.
		mt, _, _ = strings.Cut(header, ";")
	}
	return strings.ToLower(strings.TrimSpace(mt))
}

func describe(mt string) string {
	switch {
	case mt == "":
		return ""
	case mt == "text/html" || mt == "application/xhtml+xml":
		return "a web page"
	case strings.HasPrefix(mt, "image/"):
		return "an image of type " + mt
	default:
		return "content of type " + mt
	}
}
