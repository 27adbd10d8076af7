package web_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/web"
)

func TestSecurityHeaders_OnEveryResponse(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	nonces := map[string]bool{}
	for _, path := range []string{paths.Home, paths.SignIn, "/no-such-page", paths.Healthz, paths.DevSignIn} {
		p := b.get(path)
		h := p.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self' 'nonce-"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Request-Id") == "" {
			t.Errorf("%s: headers %v", path, h)
		}
		n := csp[strings.Index(csp, "'nonce-")+7:]
		n = n[:strings.Index(n, "'")]
		if nonces[n] {
			t.Errorf("nonce %q reused", n)
		}
		nonces[n] = true
		// The page's script carries the nonce of its own response.
		if strings.Contains(p.Header.Get("Content-Type"), "text/html") {
			if got, _ := p.Doc.Find("script").Attr("nonce"); got != n {
				t.Errorf("%s: script nonce %q, header nonce %q", path, got, n)
			}
		}
	}
}

func TestNotFound_FriendlyPage(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	p := e.browser().get("/no-such-page")
	if p.StatusCode != http.StatusNotFound || p.Doc.Find(`[data-testid="error-title"]`).Text() != "Page not found" {
		t.Fatalf("%d\n%s", p.StatusCode, p.Body)
	}
	if !strings.Contains(p.Header.Get("Content-Type"), "text/html") {
		t.Errorf("content type %s", p.Header.Get("Content-Type"))
	}
}

func TestOversizedBody_Refused(t *testing.T) {
	t.Parallel()
	e := MustStart(t, func(o *webOptions) { o.MaxBodyBytes = 64 << 10 })
	b := e.browser()
	tok := b.get(paths.DevSignIn).csrf(t)
	big := url.Values{"_csrf": {tok}, "name": {strings.Repeat("x", 100<<10)}, "email": {"a@example.org"}}
	p := b.post(paths.DevSignIn, big)
	if p.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(p.Doc.Find(`[data-testid="error-message"]`).Text(), "larger than Satchel accepts") {
		t.Fatalf("%d\n%s", p.StatusCode, p.Body)
	}
	if n := countUsers(t, e); n != 0 {
		t.Fatal("oversized request had an effect")
	}
}

func TestSignInRoutes_RateLimited(t *testing.T) {
	t.Parallel()
	e := MustStart(t, func(o *webOptions) {
		o.SignInLimit = 3
		o.SignInWindow = time.Hour
	})
	b := e.browser()
	for i := range 3 {
		if p := b.get(paths.SignIn); p.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i, p.StatusCode)
		}
	}
	p := b.get(paths.AuthStart("oidc"))
	if p.StatusCode != http.StatusTooManyRequests || p.Header.Get("Retry-After") == "" {
		t.Fatalf("4th sign-in request: %d", p.StatusCode)
	}
	if msg := p.Doc.Find(`[data-testid="error-message"]`).Text(); !strings.Contains(msg, "too many sign-in attempts from your network") || !strings.Contains(msg, "Please wait") {
		t.Errorf("message: %s", p.Body)
	}
	// Other pages are not limited.
	if p := b.get(paths.Home); p.StatusCode != http.StatusOK {
		t.Fatalf("home: %d", p.StatusCode)
	}
}

// Several Satchel processes on one database share the sign-in count: a
// client that used its allowance on one is refused by the other.
func TestSignInRoutes_LimitSharedByProcessesOnOneDatabase(t *testing.T) {
	t.Parallel()
	limit := func(o *webOptions) {
		o.SignInLimit = 4
		o.SignInWindow = time.Hour
	}
	e := MustStart(t, limit)
	b := e.browser()
	for i := range 3 {
		if p := b.get(paths.SignIn); p.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i, p.StatusCode)
		}
	}
	// A second server process, with its own memory, on the same database file.
	db2, err := store.Open(context.Background(), e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	second := httptest.NewServer(nil)
	t.Cleanup(second.Close)
	base, _ := url.Parse(second.URL)
	srv2, err := web.New(web.Options{DB: db2, BaseURL: base, SessionSecrets: []string{testSecret}, SignInLimit: 4, SignInWindow: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv2.Close() })
	second.Config.Handler = srv2
	get := func() int {
		res, err := http.Get(second.URL + paths.SignIn)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := get(); got != http.StatusOK {
		t.Fatalf("4th request, on the second process: %d, want 200", got)
	}
	if got := get(); got != http.StatusTooManyRequests {
		t.Fatalf("5th request, on the second process: %d, want 429 (the first process's count was not shared)", got)
	}
	if p := b.get(paths.SignIn); p.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("6th request, back on the first process: %d, want 429", p.StatusCode)
	}
}

// /healthz says the process is alive even when its database is gone;
// /readyz says it is not ready then.
func TestHealthzAndReadyz(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	if p := b.get(paths.Healthz); p.StatusCode != http.StatusOK || p.Body != "ok\n" {
		t.Fatalf("healthz: %d %q", p.StatusCode, p.Body)
	}
	if p := b.get(paths.Readyz); p.StatusCode != http.StatusOK || p.Body != "ready\n" {
		t.Fatalf("readyz: %d %q", p.StatusCode, p.Body)
	}
	e.db.Close()
	if p := b.get(paths.Readyz); p.StatusCode != http.StatusServiceUnavailable || !strings.Contains(p.Body, "database unavailable") {
		t.Fatalf("readyz, closed db: %d %q", p.StatusCode, p.Body)
	}
	if p := b.get(paths.Healthz); p.StatusCode != http.StatusOK {
		t.Fatalf("healthz, closed db: %d", p.StatusCode)
	}
}

// A database left behind by an older Satchel (a migration not applied) is
// not ready: /readyz says how many migrations are pending.
func TestReadyz_PendingMigrations(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	raw, err := sql.Open("sqlite", e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE name = (SELECT max(name) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	if p := e.browser().get(paths.Readyz); p.StatusCode != http.StatusServiceUnavailable || !strings.Contains(p.Body, "pending migrations: 1") {
		t.Fatalf("readyz: %d %q", p.StatusCode, p.Body)
	}
}

func TestStaticFiles_Served(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	home := b.get(paths.Home)
	href, ok := home.Doc.Find(`link[rel="stylesheet"]`).Attr("href")
	if !ok {
		t.Fatal("no stylesheet")
	}
	p := b.get(href)
	if p.StatusCode != http.StatusOK || !strings.Contains(p.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("%s: %d %s", href, p.StatusCode, p.Header.Get("Cache-Control"))
	}
}

func TestInternalErrorsStayInTheLog(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	// Break the database under a signed-in request.
	e.db.Close()
	p := b.get(paths.Account)
	if p.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d", p.StatusCode)
	}
	id := p.Header.Get("X-Request-Id")
	msg := p.Doc.Find(`[data-testid="error-message"]`).Text()
	if !strings.Contains(msg, id) || strings.Contains(p.Body, "sql") || strings.Contains(p.Body, "closed") {
		t.Fatalf("page: %q\n%s", msg, p.Body)
	}
	if !strings.Contains(e.logs.String(), `"request_id":"`+id+`"`) || !strings.Contains(e.logs.String(), "database is closed") {
		t.Errorf("internal error not logged with the request id:\n%s", e.logs.String())
	}
}

func TestHead_AnswersLikeGetWithoutBody(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	for _, path := range []string{paths.Home, paths.Healthz} {
		res, err := http.Head(e.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || len(body) != 0 {
			t.Errorf("HEAD %s: %d with %d body bytes", path, res.StatusCode, len(body))
		}
	}
}
