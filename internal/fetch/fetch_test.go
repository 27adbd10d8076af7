package fetch_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/fetch"
)

// counting wraps a handler and counts the requests that reached it.
type counting struct {
	hits atomic.Int64
	h    http.Handler
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.hits.Add(1)
	c.h.ServeHTTP(w, r)
}

func newServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *counting) {
	t.Helper()
	c := &counting{h: h}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return srv, c
}

func jsonHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/ld+json")
	io.WriteString(w, `{"type":"Assertion"}`)
}

func hostPort(srv *httptest.Server) string { return srv.Listener.Addr().String() }

func portOf(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	_, p, err := net.SplitHostPort(hostPort(srv))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// get runs c.Get and fails the test if it does not return within a generous
// bound: no request may hang.
func get(t *testing.T, c *fetch.Client, url string, kind fetch.Kind) (*fetch.Response, error) {
	t.Helper()
	type result struct {
		r   *fetch.Response
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := c.Get(context.Background(), url, kind)
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		return res.r, res.err
	case <-time.After(20 * time.Second):
		t.Fatalf("Get(%s) did not return", url)
		return nil, nil
	}
}

func wantKind(t *testing.T, err error, kind fetch.ErrorKind) *fetch.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", kind)
	}
	var fe *fetch.Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %T %v is not a *fetch.Error", err, err)
	}
	if fe.Kind != kind {
		t.Fatalf("error kind = %v (%v), want %v", fe.Kind, err, kind)
	}
	if msg := fe.Message(); msg == "" || strings.Contains(msg, "prohibited") || strings.Contains(msg, "dial") {
		t.Errorf("Message() = %q: want a learner's sentence without internal detail", msg)
	}
	return fe
}

// TestGet_RefusesNonPublicAddresses is the SSRF table: every spelling of a
// loopback, private, link-local, CGNAT, unique-local, multicast, unspecified
// or metadata address is refused before any connection. The loopback
// spellings point at a live server on the right port, so a guard that let
// them through would make the request succeed and the hit count move.
func TestGet_RefusesNonPublicAddresses(t *testing.T) {
	t.Parallel()
	srv, hits := newServer(t, jsonHandler)
	port := portOf(t, srv)
	c := fetch.New(fetch.Options{Timeout: 3 * time.Second, ConnectTimeout: time.Second})

	hosts := []string{
		"127.0.0.1",
		"127.1",
		"2130706433",
		"0x7f000001",
		"0177.0.0.1",
		"0x7f.1",
		"[::1]",
		"[::ffff:127.0.0.1]",
		"[::ffff:7f00:1]",
		"localhost",
		"169.254.169.254", // cloud metadata
		"100.100.100.200", // cloud metadata in CGNAT space
		"[fd00:ec2::254]", // cloud metadata over IPv6 (unique-local)
		"10.0.0.1",
		"172.16.0.1",
		"192.168.1.1",
		"100.64.0.1",
		"[fd00::1]",
		"[fe80::1]",
		"0.0.0.0",
		"0",
		"[::]",
		"224.0.0.1",
		"[ff02::1]",
	}
	for _, h := range hosts {
		t.Run(h, func(t *testing.T) {
			_, err := get(t, c, "http://"+h+":"+port+"/badge.json", fetch.JSON)
			fe := wantKind(t, err, fetch.Blocked)
			if !strings.Contains(fe.Message(), "private or local") {
				t.Errorf("Message() = %q", fe.Message())
			}
		})
	}
	if n := hits.hits.Load(); n != 0 {
		t.Fatalf("server was reached %d times through blocked addresses", n)
	}
}

func TestGet_BadSchemesAndURLs(t *testing.T) {
	t.Parallel()
	c := fetch.New(fetch.Options{})
	for _, tc := range []struct {
		url  string
		kind fetch.ErrorKind
	}{
		{"file:///etc/passwd", fetch.BadScheme},
		{"ftp://example.org/badge.json", fetch.BadScheme},
		{"gopher://example.org/", fetch.BadScheme},
		{"javascript:alert(1)", fetch.BadScheme},
		{"data:application/json,{}", fetch.BadScheme},
		{"HTTP-ish://example.org/", fetch.BadScheme},
		{"example.org/badge.json", fetch.BadURL},
		{"http://", fetch.BadURL},
		{"http://%zz/", fetch.BadURL},
		{"", fetch.BadURL},
	} {
		t.Run(tc.url, func(t *testing.T) {
			_, err := get(t, c, tc.url, fetch.JSON)
			wantKind(t, err, tc.kind)
		})
	}
}

func TestGet_AllowedLoopbackHostWorks(t *testing.T) {
	t.Parallel()
	var accept, ua string
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		accept, ua = r.Header.Get("Accept"), r.Header.Get("User-Agent")
		jsonHandler(w, r)
	})
	c := fetch.New(fetch.Options{AllowHosts: []string{hostPort(srv)}, UserAgent: "satchel-test"})
	resp, err := get(t, c, srv.URL+"/a.json#frag", fetch.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || string(resp.Body) != `{"type":"Assertion"}` || resp.ContentType != "application/ld+json" {
		t.Fatalf("resp = %+v", resp)
	}
	if resp.URL != srv.URL+"/a.json" {
		t.Errorf("URL = %q", resp.URL)
	}
	if accept != "application/ld+json, application/json" || ua != "satchel-test" {
		t.Errorf("Accept = %q, User-Agent = %q", accept, ua)
	}

	// The same server on another port of the same host is not allowed.
	other, otherHits := newServer(t, jsonHandler)
	_, err = get(t, c, other.URL, fetch.JSON)
	wantKind(t, err, fetch.Blocked)
	if otherHits.hits.Load() != 0 {
		t.Fatal("unlisted port was reached")
	}
}

func TestGet_AllowHostsByNameAndWithoutPort(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, jsonHandler)
	port := portOf(t, srv)
	for _, allow := range []string{"localhost:" + port, "LOCALHOST:" + port, "127.0.0.1"} {
		c := fetch.New(fetch.Options{AllowHosts: []string{allow}})
		// localhost resolves to 127.0.0.1 (and maybe ::1, where nothing listens).
		if _, err := get(t, c, "http://localhost:"+port+"/", fetch.JSON); err != nil {
			t.Errorf("AllowHosts %q: %v", allow, err)
		}
	}
}

func TestGet_ResolveWithTLSAndRootCAs(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Host != "example.com" {
			t.Errorf("Host header = %q", r.Host)
		}
		jsonHandler(w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted-certificate case logs a handshake error
	srv.StartTLS()
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate()) // valid for example.com and 127.0.0.1
	resolve := map[string]string{"example.com:443": hostPort(srv)}

	t.Run("allowed by name", func(t *testing.T) {
		c := fetch.New(fetch.Options{Resolve: resolve, RootCAs: roots, AllowHosts: []string{"example.com:443"}})
		resp, err := get(t, c, "https://example.com/badge.json", fetch.JSON)
		if err != nil {
			t.Fatal(err)
		}
		if resp.URL != "https://example.com/badge.json" || resp.Status != 200 {
			t.Fatalf("resp = %+v", resp)
		}
	})
	t.Run("allowed by mapped address", func(t *testing.T) {
		c := fetch.New(fetch.Options{Resolve: resolve, RootCAs: roots, AllowHosts: []string{hostPort(srv)}})
		if _, err := get(t, c, "https://example.com/badge.json", fetch.JSON); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("mapped target still checked", func(t *testing.T) {
		before := hits.Load()
		c := fetch.New(fetch.Options{Resolve: resolve, RootCAs: roots})
		_, err := get(t, c, "https://example.com/badge.json", fetch.JSON)
		wantKind(t, err, fetch.Blocked)
		if hits.Load() != before {
			t.Fatal("server reached")
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		c := fetch.New(fetch.Options{Resolve: resolve, AllowHosts: []string{"example.com:443"}})
		_, err := get(t, c, "https://example.com/badge.json", fetch.JSON)
		wantKind(t, err, fetch.BadCertificate)
	})
}

// TestGet_DNSRebindingRefusedAtDial plays a hostile resolver: the first
// answer for rebind.test is a permitted address, every later one a
// private address where a server is listening on the same port. The client
// must check the address it actually dials each time, not trust an earlier
// answer. 127.0.0.1:port stands in for a public server (it is listed in
// AllowHosts); 127.0.0.2:port is an unlisted loopback address, as private
// as 10.0.0.1, but one where a live server proves no connection was made.
func TestGet_DNSRebindingRefusedAtDial(t *testing.T) {
	t.Parallel()
	public, _ := newServer(t, jsonHandler)
	port := portOf(t, public)
	privHits := &counting{h: http.HandlerFunc(jsonHandler)}
	l, err := net.Listen("tcp4", "127.0.0.2:"+port)
	if err != nil {
		t.Fatalf("listen on 127.0.0.2: %v", err)
	}
	private := &httptest.Server{Listener: l, Config: &http.Server{Handler: privHits}}
	private.Start()
	t.Cleanup(private.Close)

	var lookups atomic.Int64
	c := fetch.New(fetch.Options{
		AllowHosts: []string{hostPort(public)},
		LookupIP: func(ctx context.Context, host string) ([]netip.Addr, error) {
			if host != "rebind.test" {
				return nil, fmt.Errorf("unexpected lookup %q", host)
			}
			if lookups.Add(1) == 1 {
				return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
			}
			return []netip.Addr{netip.MustParseAddr("127.0.0.2")}, nil
		},
	})
	url := "http://rebind.test:" + port + "/badge.json"
	if _, err := get(t, c, url, fetch.JSON); err != nil {
		t.Fatalf("first fetch (public answer): %v", err)
	}
	c.CloseIdleConnections() // force a new connection, hence a new lookup
	_, err = get(t, c, url, fetch.JSON)
	wantKind(t, err, fetch.Blocked)
	if lookups.Load() != 2 {
		t.Errorf("lookups = %d, want 2", lookups.Load())
	}
	if n := privHits.hits.Load(); n != 0 {
		t.Fatalf("private server reached %d times", n)
	}

	// A documentation-range "public" address is itself refused before any
	// connection, and an answer mixing it with a private address is refused
	// entirely.
	c2 := fetch.New(fetch.Options{LookupIP: func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("203.0.113.7"), netip.MustParseAddr("10.0.0.1")}, nil
	}})
	_, err = get(t, c2, "http://mixed.test/", fetch.JSON)
	wantKind(t, err, fetch.Blocked)
}

func TestGet_UnknownHost(t *testing.T) {
	t.Parallel()
	c := fetch.New(fetch.Options{LookupIP: func(_ context.Context, host string) ([]netip.Addr, error) {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}})
	_, err := get(t, c, "https://badges.invalid/x", fetch.JSON)
	fe := wantKind(t, err, fetch.NoSuchHost)
	if !strings.Contains(fe.Message(), "badges.invalid") {
		t.Errorf("Message() = %q", fe.Message())
	}
}

func TestGet_RedirectToBlockedAddress(t *testing.T) {
	t.Parallel()
	inner, innerHits := newServer(t, jsonHandler) // not allowed
	for _, target := range []string{
		inner.URL + "/badge.json",
		"http://169.254.169.254/latest/meta-data/",
		"http://[::1]:" + portOf(t, inner) + "/",
		"file:///etc/passwd",
	} {
		t.Run(target, func(t *testing.T) {
			outer, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target, http.StatusFound)
			})
			c := fetch.New(fetch.Options{AllowHosts: []string{hostPort(outer)}})
			_, err := get(t, c, outer.URL+"/start", fetch.JSON)
			want := fetch.Blocked
			if strings.HasPrefix(target, "file:") {
				want = fetch.BadScheme
			}
			fe := wantKind(t, err, want)
			if want == fetch.Blocked && !strings.HasPrefix(fe.URL, strings.TrimSuffix(target, "/")) {
				t.Errorf("error URL = %q, want the redirect target %q", fe.URL, target)
			}
		})
	}
	if innerHits.hits.Load() != 0 {
		t.Fatal("redirect target was reached")
	}
}

func TestGet_RedirectLimit(t *testing.T) {
	t.Parallel()
	// /r/N redirects to /r/N-1; /r/0 answers.
	srv, hits := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/r/"))
		if n > 0 {
			http.Redirect(w, r, "/r/"+strconv.Itoa(n-1), http.StatusMovedPermanently)
			return
		}
		jsonHandler(w, r)
	})
	c := fetch.New(fetch.Options{AllowHosts: []string{hostPort(srv)}})

	resp, err := get(t, c, srv.URL+"/r/3", fetch.JSON)
	if err != nil {
		t.Fatalf("3 redirects: %v", err)
	}
	if resp.URL != srv.URL+"/r/0" {
		t.Errorf("final URL = %q", resp.URL)
	}

	hits.hits.Store(0)
	_, err = get(t, c, srv.URL+"/r/4", fetch.JSON)
	fe := wantKind(t, err, fetch.TooManyRedirects)
	if fe.Max != 3 {
		t.Errorf("Max = %d", fe.Max)
	}
	if n := hits.hits.Load(); n != 4 {
		t.Errorf("server saw %d requests, want 4 (the 4th redirect not followed)", n)
	}

	none := fetch.New(fetch.Options{AllowHosts: []string{hostPort(srv)}, MaxRedirects: -1})
	_, err = get(t, none, srv.URL+"/r/1", fetch.JSON)
	wantKind(t, err, fetch.TooManyRedirects)
}

func TestGet_SizeCaps(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		if r.URL.Query().Get("declare") != "" {
			w.Header().Set("Content-Length", r.URL.Query().Get("declare"))
		}
		w.Header().Set("Content-Type", r.URL.Query().Get("type"))
		body := make([]byte, n)
		if strings.HasPrefix(r.URL.Query().Get("type"), "image/png") {
			copy(body, "\x89PNG\r\n\x1a\n")
		} else {
			for i := range body {
				body[i] = ' '
			}
			body[0] = '['
			body[len(body)-1] = ']'
		}
		// Write in pieces so there is no Content-Length unless declared.
		for len(body) > 0 {
			k := min(len(body), 64<<10)
			if _, err := w.Write(body[:k]); err != nil {
				return
			}
			body = body[k:]
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
		}
	})
	c := fetch.New(fetch.Options{AllowHosts: []string{hostPort(srv)}})
	for _, tc := range []struct {
		name  string
		query string
		kind  fetch.Kind
		ok    bool
	}{
		{"json at cap", "n=1048576&type=application/json", fetch.JSON, true},
		{"json one over, streamed", "n=1048577&type=application/json", fetch.JSON, false},
		{"json declared too long", "n=10&declare=1048577&type=application/json", fetch.JSON, false},
		{"image at cap", "n=2097152&type=image/png", fetch.Image, true},
		{"image one over, streamed", "n=2097153&type=image/png", fetch.Image, false},
		{"any over", "n=2097153&type=application/octet-stream", fetch.Any, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := get(t, c, srv.URL+"/?"+tc.query, tc.kind)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				n, _ := strconv.Atoi(strings.TrimPrefix(strings.Split(tc.query, "&")[0], "n="))
				if len(resp.Body) != n {
					t.Fatalf("body %d bytes, want %d", len(resp.Body), n)
				}
				return
			}
			fe := wantKind(t, err, fetch.TooLarge)
			if fe.Limit != 1<<20 && fe.Limit != 2<<20 {
				t.Errorf("Limit = %d", fe.Limit)
			}
			if !strings.Contains(fe.Message(), "MiB") {
				t.Errorf("Message() = %q", fe.Message())
			}
		})
	}
}

// TestGet_ServerThatNeverAnswers: a server that accepts and then says
// nothing, and one that sends headers and stalls the body, both end in a
// Timeout error instead of a hang.
func TestGet_ServerThatNeverAnswers(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, conn) // hold it open, never answer
		}
	}()

	stall := make(chan struct{})
	slow, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{")
		w.(http.Flusher).Flush()
		select {
		case <-stall:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(stall) })

	c := fetch.New(fetch.Options{
		AllowHosts: []string{l.Addr().String(), hostPort(slow)},
		Timeout:    300 * time.Millisecond,
	})
	_, err = get(t, c, "http://"+l.Addr().String()+"/", fetch.JSON)
	fe := wantKind(t, err, fetch.Timeout)
	if !strings.Contains(fe.Message(), "too long") {
		t.Errorf("Message() = %q", fe.Message())
	}
	_, err = get(t, c, slow.URL, fetch.JSON)
	wantKind(t, err, fetch.Timeout)
}

func TestGet_ContentTypes(t *testing.T) {
	t.Parallel()
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	svg := `<?xml version="1.0"?><!-- a badge --><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>`
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", q.Get("type"))
		if s := q.Get("status"); s != "" {
			n, _ := strconv.Atoi(s)
			w.WriteHeader(n)
		}
		switch q.Get("body") {
		case "png":
			io.WriteString(w, png)
		case "svg":
			io.WriteString(w, svg)
		case "html":
			io.WriteString(w, "<!doctype html><html><body>Gone</body></html>")
		case "jws":
			io.WriteString(w, "eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln")
		case "jpeg":
			io.WriteString(w, "\xff\xd8\xff\xe0\x00\x10JFIF")
		case "gif":
			io.WriteString(w, "GIF89a\x01\x00\x01\x00")
		default:
			io.WriteString(w, `{"id":"x"}`)
		}
	})
	c := fetch.New(fetch.Options{AllowHosts: []string{hostPort(srv)}})
	for _, tc := range []struct {
		query  string
		kind   fetch.Kind
		ok     bool
		status int
		ctype  string
	}{
		{"type=application/ld%2Bjson", fetch.JSON, true, 200, "application/ld+json"},
		{"type=application/json%3B+charset=utf-8", fetch.JSON, true, 200, "application/json"},
		{"type=application/vc%2Bld%2Bjson", fetch.JSON, true, 200, "application/vc+ld+json"},
		{"type=text/plain&body=jws", fetch.JSON, true, 200, "text/plain"},
		{"type=text/html", fetch.JSON, true, 200, "text/html"}, // JSON mislabelled: lenient
		{"type=text/html&body=html", fetch.JSON, false, 0, ""},
		{"type=image/png&body=png", fetch.JSON, false, 0, ""},
		{"type=text/html&body=html&status=410", fetch.JSON, true, 410, "text/html"},
		{"type=image/png&body=png", fetch.Image, true, 200, "image/png"},
		{"type=application/octet-stream&body=png", fetch.Image, true, 200, "image/png"},
		{"type=image/svg%2Bxml&body=svg", fetch.Image, true, 200, "image/svg+xml"},
		{"type=text/xml&body=svg", fetch.Image, true, 200, "image/svg+xml"},
		{"type=image/jpeg&body=jpeg", fetch.Image, false, 0, ""},
		{"type=image/svg%2Bxml&body=html", fetch.Image, false, 0, ""},
		{"type=image/png", fetch.Image, false, 0, ""}, // JSON labelled as PNG
		{"type=image/jpeg&body=jpeg", fetch.Any, true, 200, "image/jpeg"},
		{"type=image/jpeg&body=jpeg", fetch.Photo, true, 200, "image/jpeg"},
		{"type=application/octet-stream&body=png", fetch.Photo, true, 200, "image/png"},
		{"type=image/gif&body=gif", fetch.Photo, true, 200, "image/gif"},
		{"type=image/svg%2Bxml&body=svg", fetch.Photo, false, 0, ""}, // no SVG pictures
		{"type=image/jpeg&body=html", fetch.Photo, false, 0, ""},
	} {
		t.Run(tc.kind.String()+" "+tc.query, func(t *testing.T) {
			resp, err := get(t, c, srv.URL+"/?"+tc.query, tc.kind)
			if !tc.ok {
				fe := wantKind(t, err, fetch.BadContentType)
				if fe.Want == "" {
					t.Error("Want not set")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != tc.status || resp.ContentType != tc.ctype {
				t.Fatalf("status %d type %q, want %d %q", resp.Status, resp.ContentType, tc.status, tc.ctype)
			}
		})
	}
}

func TestGet_NonSuccessStatusIsAResponse(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusGone)
		io.WriteString(w, `{"revoked":true}`)
	})
	c := fetch.New(fetch.Options{AllowHosts: []string{hostPort(srv)}})
	resp, err := get(t, c, srv.URL, fetch.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusGone || string(resp.Body) != `{"revoked":true}` {
		t.Fatalf("resp = %+v", resp)
	}
}

func TestGet_ConnectionRefusedIsUnreachable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := fetch.New(fetch.Options{AllowHosts: []string{addr}})
	_, err = get(t, c, "http://"+addr+"/", fetch.JSON)
	fe := wantKind(t, err, fetch.Unreachable)
	if !strings.Contains(fe.Message(), "try again later") {
		t.Errorf("Message() = %q", fe.Message())
	}
}
