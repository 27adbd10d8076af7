package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/markbates/goth"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

func mustServer(t *testing.T, opts Options) *Server {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	opts.DB = db
	opts.BaseURL, _ = url.Parse("http://localhost:8080")
	opts.SessionSecrets = []string{strings.Repeat("s", 40)}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPanicRecovered(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	s.e.GET("/boom", func(echo.Context) error { panic("secret internal detail") })
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "secret internal detail") {
		t.Fatal("panic text on the page")
	}
	if !strings.Contains(rec.Body.String(), rec.Header().Get("X-Request-Id")) {
		t.Error("page lacks the request id for reference")
	}
	// The server keeps serving.
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, paths.Home, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("after panic: %d", rec.Code)
	}
}

func TestClientIP_TrustedProxiesOnly(t *testing.T) {
	t.Parallel()
	cases := []struct {
		proxies []string
		remote  string
		xff     string
		want    string
	}{
		{nil, "203.0.113.5:1234", "198.51.100.7", "203.0.113.5"},
		{nil, "127.0.0.1:1234", "198.51.100.7", "127.0.0.1"},
		{[]string{"10.0.0.0/8"}, "10.1.2.3:1234", "198.51.100.7", "198.51.100.7"},
		{[]string{"10.0.0.0/8"}, "10.1.2.3:1234", "198.51.100.7, 10.9.9.9", "198.51.100.7"},
		{[]string{"10.0.0.0/8"}, "203.0.113.5:1234", "198.51.100.7", "203.0.113.5"},
		{[]string{"10.0.0.0/8"}, "10.1.2.3:1234", "6.6.6.6, 198.51.100.7", "198.51.100.7"},
	}
	for _, tc := range cases {
		var prefixes []netip.Prefix
		for _, p := range tc.proxies {
			prefixes = append(prefixes, netip.MustParsePrefix(p))
		}
		req := httptest.NewRequest(http.MethodGet, paths.Home, nil)
		req.RemoteAddr = tc.remote
		req.Header.Set("X-Forwarded-For", tc.xff)
		if got := ipExtractor(prefixes)(req); got != tc.want {
			t.Errorf("proxies %v, remote %s, XFF %q: got %s, want %s", tc.proxies, tc.remote, tc.xff, got, tc.want)
		}
	}
}

func TestEmailVerified(t *testing.T) {
	t.Parallel()
	cases := []struct {
		provider string
		raw      map[string]any
		want     bool
	}{
		{"google", map[string]any{"verified_email": true}, true},
		{"google", map[string]any{"verified_email": false}, false},
		{"gitlab", map[string]any{"confirmed_at": "2020-01-01T00:00:00Z"}, true},
		{"gitlab", map[string]any{"confirmed_at": nil}, false},
		{"microsoft", map[string]any{}, false},
		{"oidc", map[string]any{"email_verified": "true"}, true},
		{"oidc", map[string]any{}, false},
		{"github", map[string]any{}, true},
	}
	for _, tc := range cases {
		u := gothUser("a@example.org", tc.raw)
		if got := emailVerified(tc.provider, u); got != tc.want {
			t.Errorf("%s %v: %v", tc.provider, tc.raw, got)
		}
	}
	if emailVerified("github", gothUser("", nil)) {
		t.Error("no email cannot be verified")
	}
}

func gothUser(email string, raw map[string]any) goth.User {
	return goth.User{Email: email, RawData: raw}
}

func TestSignInMovesToTheBaseURLHost(t *testing.T) {
	t.Parallel()
	if !DevSignInBuilt {
		t.Skip("needs the development sign-in (-tags dev) for a sign-in page on a server without providers")
	}
	s := mustServer(t, Options{DevLogin: true}) // base URL http://localhost:8080
	for _, tc := range []struct {
		host, want string
	}{
		{"127.0.0.1:8080", "http://localhost:8080/signin?x=1"},
		{"[::1]:8080", "http://localhost:8080/signin?x=1"},
		{"localhost:8080", ""},
		{"backpack.example.org", ""}, // not loopback: never redirected
	} {
		req := httptest.NewRequest(http.MethodGet, paths.SignIn+"?x=1", nil)
		req.Host = tc.host
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if got := rec.Header().Get("Location"); got != tc.want {
			t.Errorf("host %s: redirected to %q, want %q (status %d)", tc.host, got, tc.want, rec.Code)
		}
	}
}

func TestLocalPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/account":              "/account",
		"/account?x=1":          "/account?x=1",
		"//evil.example/":       "",
		"/\\evil.example":       "",
		"https://evil.example/": "",
		"":                      "",
		"account":               "",
		"/a\r\nSet-Cookie: x":   "",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStaticAndHealthNeedNoSession(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	for _, path := range []string{paths.Healthz, "/static/nope.css"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: "garbage"})
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if c := rec.Result().Cookies(); len(c) != 0 {
			t.Errorf("%s set cookies %v", path, c)
		}
		if rec.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("%s lacks security headers", path)
		}
	}
}
