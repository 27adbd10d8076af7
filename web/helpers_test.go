package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/satchel-backpack/satchel/internal/config"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/store/storetest"
	"github.com/satchel-backpack/satchel/web"
)

const testSecret = "test-secret-0123456789abcdefghijklmnopqrstuvwxyz"

// env is a running Satchel: the real router on an httptest server, a real
// database file, the embedded development provider, and a second mockoidc
// configured as the generic OpenID Connect provider "oidc".
type env struct {
	t      testing.TB
	srv    *web.Server
	ts     *httptest.Server
	db     *store.DB
	idp    *mockoidc.MockOIDC
	logs   *syncBuffer
	dbPath string
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// MustOpenDB opens and migrates a database file under t.TempDir(), or
// within TestOnPostgreSQL a PostgreSQL schema (its path is then ""). The
// SQLite file starts as a copy of one migrated database, made once per
// test binary: running every migration for each of hundreds of tests costs
// more than copying the result, and Migrate then finds nothing left to do.
func MustOpenDB(tb testing.TB) (*store.DB, string) {
	tb.Helper()
	if onPostgres(tb) {
		return storetest.MustOpen(tb, "postgres"), ""
	}
	path := filepath.Join(tb.TempDir(), "satchel.db")
	if err := os.WriteFile(path, migratedDB(tb), 0o600); err != nil {
		tb.Fatal(err)
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

var migrated struct {
	once sync.Once
	file []byte
	err  error
}

// migratedDB is the bytes of a freshly migrated, empty database: Backup
// writes it as one self-contained file.
func migratedDB(tb testing.TB) []byte {
	tb.Helper()
	migrated.once.Do(func() {
		dir, err := os.MkdirTemp("", "satchel-web-test-")
		if err != nil {
			migrated.err = err
			return
		}
		defer os.RemoveAll(dir)
		ctx := context.Background()
		db, err := store.Open(ctx, filepath.Join(dir, "migrating.db"))
		if err != nil {
			migrated.err = err
			return
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			migrated.err = err
			return
		}
		copyPath := filepath.Join(dir, "migrated.db")
		if err := db.Backup(ctx, copyPath); err != nil {
			migrated.err = err
			return
		}
		migrated.file, migrated.err = os.ReadFile(copyPath)
	})
	if migrated.err != nil {
		tb.Fatalf("migrating the template database: %v", migrated.err)
	}
	return migrated.file
}

// MustStart boots a server. modify may change the options before New.
func MustStart(t testing.TB, modify ...func(*web.Options)) *env {
	t.Helper()
	db, path := MustOpenDB(t)
	idp, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idp.Shutdown() })

	e := &env{t: t, db: db, idp: idp, logs: &syncBuffer{}, dbPath: path}
	var h http.Handler = http.NotFoundHandler()
	e.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(e.ts.Close)
	base, _ := url.Parse(e.ts.URL)
	opts := web.Options{
		DB:             db,
		Log:            slog.New(slog.NewJSONHandler(io.MultiWriter(e.logs, testLogSink()), &slog.HandlerOptions{Level: slog.LevelDebug})),
		BaseURL:        base,
		SessionSecrets: []string{testSecret},
		DevLogin:       true,
		Providers: []config.Provider{{
			ID: "oidc", Name: "Test IdP", ClientID: idp.ClientID, ClientSecret: idp.ClientSecret,
			DiscoveryURL: idp.DiscoveryEndpoint(),
		}},
		// The operator's policies, which turn on the Open Badges APIs.
		PrivacyPolicyURL:  "https://satchel.test/privacy",
		TermsOfServiceURL: "https://satchel.test/terms",
	}
	for _, m := range modify {
		m(&opts)
	}
	if opts.DevLogin {
		requireDevSignIn(t)
	}
	srv, err := web.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	e.srv = srv
	h = srv
	return e
}

// requireDevSignIn skips a test that signs in through the development
// sign-in when this test build lacks it (go test without -tags dev; go tool
// task test passes the tag), and fails it under CI, where skipping would
// hide it.
func requireDevSignIn(tb testing.TB) {
	tb.Helper()
	if web.DevSignInBuilt {
		return
	}
	const msg = "this test signs in through the development sign-in, which only a -tags dev build has: run go test -tags dev (go tool task test does)"
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// testLogSink shows server logs with -v when SATCHEL_TEST_LOGS is set.
func testLogSink() io.Writer {
	if os.Getenv("SATCHEL_TEST_LOGS") != "" {
		return os.Stderr
	}
	return io.Discard
}

// browser is a client with its own cookie jar, like one browser profile.
type browser struct {
	t      testing.TB
	e      *env
	c      *http.Client
	last   *http.Response // the final response of the last request
	trail  []*http.Response
	follow bool
	mu     sync.Mutex // guards trail: a test may send requests at once
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	b := &browser{t: e.t, e: e, follow: true}
	b.c = &http.Client{Jar: jar, Transport: recordTransport{b}}
	b.c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !b.follow {
			return http.ErrUseLastResponse
		}
		return nil
	}
	return b
}

type recordTransport struct{ b *browser }

func (rt recordTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		rt.b.mu.Lock()
		rt.b.trail = append(rt.b.trail, resp)
		rt.b.mu.Unlock()
	}
	return resp, err
}

// page is a fetched response with its parsed HTML.
type page struct {
	*http.Response
	Body string
	Doc  *goquery.Document
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	b.mu.Lock()
	b.trail = nil
	b.mu.Unlock()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	return &page{Response: resp, Body: string(body), Doc: doc}
}

func (b *browser) url(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return b.e.ts.URL + path
}

func (b *browser) get(path string) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.url(path), nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.url(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// csrf returns the CSRF token that a page's form carries.
func (p *page) csrf(t testing.TB) string {
	t.Helper()
	v, ok := p.Doc.Find(`input[name="_csrf"]`).First().Attr("value")
	if !ok || v == "" {
		t.Fatalf("no CSRF field on %s:\n%s", p.Request.URL, p.Body)
	}
	return v
}

// submit posts to path with the CSRF token from a fresh GET of from.
func (b *browser) submit(from, path string, form url.Values) *page {
	b.t.Helper()
	tok := b.get(from).csrf(b.t)
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", tok)
	return b.post(path, form)
}

// devSignIn signs in through the development sign-in form.
func (b *browser) devSignIn(name, email string) *page {
	b.t.Helper()
	p := b.submit(paths.DevSignIn, paths.DevSignIn, url.Values{"name": {name}, "email": {email}})
	if p.StatusCode != http.StatusOK || p.signedInAs() != name {
		b.t.Fatalf("dev sign-in ended at %s with %d:\n%s\nlogs:\n%s", p.Request.URL, p.StatusCode, p.Body, b.e.logs.String())
	}
	return p
}

// signedInAs returns the name in the navigation, or "" for a visitor.
func (p *page) signedInAs() string {
	return strings.TrimSpace(p.Doc.Find(`[data-testid="nav-user"]`).Text())
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.e.ts.URL + "/auth/")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// setCookie finds the Set-Cookie for name among the responses of the last
// request, latest first.
func (b *browser) setCookie(name string) *http.Cookie {
	for i := len(b.trail) - 1; i >= 0; i-- {
		for _, c := range b.trail[i].Cookies() {
			if c.Name == name {
				return c
			}
		}
	}
	return nil
}

type webOptions = web.Options

// mustLogins returns the logins of the account that provider+subject signs
// in to.
func mustLogins(t testing.TB, e *env, provider, subject string) []store.Login {
	t.Helper()
	u, err := e.db.UserByLogin(context.Background(), provider, subject)
	if err != nil {
		t.Fatalf("no account for %s %s: %v", provider, subject, err)
	}
	l, err := e.db.Logins(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func countUsers(t testing.TB, e *env) int {
	t.Helper()
	n, err := e.db.CountUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func mustDoc(t testing.TB, body string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
