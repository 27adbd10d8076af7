package verify

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/badgetest"
	"github.com/satchel-backpack/satchel/internal/fetch"
)

// issuerServer is a real loopback HTTPS (and HTTP) server that answers for
// made-up public host names, reached through the real guarded fetch client
// configured with Resolve, AllowHosts and RootCAs.
type issuerServer struct {
	tls, plain *httptest.Server
	hosts      []string
	pool       *x509.CertPool

	mu     sync.Mutex
	routes map[string]route // "host/path" → response
	hits   map[string]int
	files  func(host, path string) (route, bool) // fallback
}

type route struct {
	status      int
	contentType string
	body        []byte
}

// newIssuerServer starts the servers; hosts are the names the certificate
// covers and the client resolves to loopback.
func newIssuerServer(tb testing.TB, hosts ...string) *issuerServer {
	tb.Helper()
	s := &issuerServer{hosts: hosts, routes: map[string]route{}, hits: map[string]int{}}
	cert, pool := mustCert(tb, hosts)
	s.tls = httptest.NewUnstartedServer(s)
	s.tls.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.tls.StartTLS()
	s.plain = httptest.NewServer(s)
	tb.Cleanup(func() { s.tls.Close(); s.plain.Close() })
	s.pool = pool
	return s
}

func (s *issuerServer) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	host := req.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	key := host + req.URL.Path
	s.mu.Lock()
	s.hits[key]++
	rt, ok := s.routes[key]
	files := s.files
	s.mu.Unlock()
	if !ok && files != nil {
		rt, ok = files(host, req.URL.Path)
	}
	if !ok {
		http.NotFound(w, req)
		return
	}
	if rt.contentType != "" {
		w.Header().Set("Content-Type", rt.contentType)
	}
	if rt.status == 0 {
		rt.status = 200
	}
	w.WriteHeader(rt.status)
	_, _ = w.Write(rt.body)
}

// set serves body at the absolute URL u.
func (s *issuerServer) set(u string, status int, contentType string, body []byte) {
	pu, err := url.Parse(u)
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[pu.Hostname()+pu.Path] = route{status: status, contentType: contentType, body: body}
}

func (s *issuerServer) json(u string, body []byte) { s.set(u, 200, "application/ld+json", body) }

func (s *issuerServer) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes = map[string]route{}
	s.hits = map[string]int{}
}

func (s *issuerServer) hitCount(u string) int {
	pu, _ := url.Parse(u)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[pu.Hostname()+pu.Path]
}

// client returns the real guarded client, allowed to reach this server only.
func (s *issuerServer) client() *fetch.Client {
	tlsAddr := s.tls.Listener.Addr().String()
	plainAddr := s.plain.Listener.Addr().String()
	resolve := map[string]string{}
	for _, h := range s.hosts {
		resolve[h+":443"] = tlsAddr
		resolve[h+":80"] = plainAddr
	}
	return fetch.New(fetch.Options{
		AllowHosts: []string{tlsAddr, plainAddr},
		Resolve:    resolve,
		RootCAs:    s.pool,
		Timeout:    5 * time.Second,
	})
}

// mustCert makes a self-signed certificate for hosts.
func mustCert(tb testing.TB, hosts []string) (tls.Certificate, *x509.CertPool) {
	tb.Helper()
	return badgetest.MustTLSCert(tb, hosts...)
}

func contentTypeFor(path string) string {
	switch {
	case strings.HasSuffix(path, ".png"):
		return "image/png"
	case strings.HasSuffix(path, ".svg"):
		return "image/svg+xml"
	case strings.HasSuffix(path, ".html"):
		return "text/html"
	}
	return "application/ld+json"
}
