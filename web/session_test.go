package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/web"
)

func TestCSRF_PostWithoutValidTokenRefused(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	tok := b.get(paths.Account).csrf(t)

	cases := []struct {
		name   string
		form   url.Values
		header http.Header
	}{
		{"no token", url.Values{}, nil},
		{"wrong token", url.Values{"_csrf": {"not-the-token"}}, nil},
		{"token of another browser", url.Values{"_csrf": {e.browser().get(paths.DevSignIn).csrf(t)}}, nil},
		{"cross-site with the right token", url.Values{"_csrf": {tok}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(http.MethodPost, b.url(paths.SignOutEverywhere), strings.NewReader(tc.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range tc.header {
			req.Header[k] = v
		}
		p := b.do(req)
		if p.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d", tc.name, p.StatusCode)
		}
		if p.Doc.Find(`[data-testid="error-title"]`).Length() != 1 {
			t.Errorf("%s: no error page", tc.name)
		}
	}
	// None of them took effect: still signed in, sessions not revoked.
	if got := b.get(paths.Home).signedInAs(); got != "Ada" {
		t.Fatalf("signed in as %q after refused posts", got)
	}
	// With the token it works.
	if p := b.post(paths.SignOutEverywhere, url.Values{"_csrf": {tok}}); p.Request.URL.Path != paths.Home || p.signedInAs() != "" {
		t.Fatalf("valid post: at %s as %q", p.Request.URL, p.signedInAs())
	}
}

func TestCSRF_BrowsersWithFetchMetadataGetARealToken(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	req, _ := http.NewRequest(http.MethodGet, b.url(paths.DevSignIn), nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	tok := b.do(req).csrf(t)
	if c := b.cookie("_csrf"); c == nil || c.Value != tok {
		t.Fatalf("form token %q, cookie %v", tok, c)
	}
	// A POST from that browser without the header (stripped by a privacy
	// tool) still passes on the token.
	p := b.post(paths.DevSignIn, url.Values{"_csrf": {tok}, "name": {"Ada"}, "email": {"ada@example.org"}})
	if p.signedInAs() != "Ada" {
		t.Fatalf("status %d, signed in as %q", p.StatusCode, p.signedInAs())
	}
}

func TestCookies_Flags(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.follow = false
	b.get(paths.AuthStart("oidc"))
	attempt := b.setCookie("_gothic_session")
	b.follow = true
	b.devSignIn("Ada", "ada@example.org")
	sess := b.setCookie("satchel_session")
	csrf := b.setCookie("_csrf")
	for _, c := range []*http.Cookie{attempt, sess, csrf} {
		if c == nil {
			t.Fatal("a cookie was not set")
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure {
			t.Errorf("%s: HttpOnly=%v SameSite=%v Secure=%v (http base URL)", c.Name, c.HttpOnly, c.SameSite, c.Secure)
		}
	}
	if sess.MaxAge <= 0 || attempt.MaxAge > 600 || attempt.Path != "/auth" {
		t.Errorf("session MaxAge %d; attempt MaxAge %d path %s", sess.MaxAge, attempt.MaxAge, attempt.Path)
	}
}

func TestCookies_SecureWhenBaseURLIsHTTPS(t *testing.T) {
	t.Parallel()
	e := MustStart(t, func(o *webOptions) {
		o.BaseURL, _ = url.Parse("https://backpack.example.org")
	})
	// Drive the handler directly: the cookies would not travel over the
	// test server's plain http.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, paths.AuthStart("oidc"), nil)
	req.Host = "backpack.example.org"
	e.srv.ServeHTTP(rec, req)
	res := rec.Result()
	var names []string
	for _, c := range res.Cookies() {
		names = append(names, c.Name)
		if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("%s: Secure=%v HttpOnly=%v SameSite=%v", c.Name, c.Secure, c.HttpOnly, c.SameSite)
		}
	}
	if strings.Join(names, ",") != "_csrf,_gothic_session" {
		t.Errorf("cookies set: %v", names)
	}
	if loc := res.Header.Get("Location"); !strings.Contains(loc, url.QueryEscape("https://backpack.example.org/auth/oidc/callback")) {
		t.Errorf("callback URL not from the base URL: %s", loc)
	}
	if hsts := res.Header.Get("Strict-Transport-Security"); hsts == "" {
		t.Error("no HSTS on https")
	}
}

// sessionCookie signs in on e and returns the raw session cookie.
func signedInCookie(t *testing.T, e *env, name, email string) *http.Cookie {
	t.Helper()
	b := e.browser()
	b.devSignIn(name, email)
	c := b.cookie("satchel_session")
	if c == nil {
		t.Fatal("no session cookie")
	}
	return c
}

// whoIs asks srv who the cookie belongs to, through the real router.
func whoIs(t *testing.T, srv *web.Server, c *http.Cookie) (string, *http.Response) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, paths.Home, nil)
	req.AddCookie(c)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	res := rec.Result()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET / with cookie: %d", res.StatusCode)
	}
	p := &page{Response: res, Body: rec.Body.String()}
	p.Doc = mustDoc(t, p.Body)
	return p.signedInAs(), res
}

func TestSessionSecretRotation(t *testing.T) {
	t.Parallel()
	const k1 = "first-secret-0123456789-0123456789-abcdef"
	const k2 = "second-secret-0123456789-0123456789-abcdef"
	e := MustStart(t, func(o *webOptions) { o.SessionSecrets = []string{k1} })
	old := signedInCookie(t, e, "Ada", "ada@example.org")

	withOpts := func(secrets ...string) *web.Server {
		srv, err := web.New(web.Options{DB: e.db, BaseURL: mustURL(e.ts.URL), SessionSecrets: secrets})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		return srv
	}

	// Rotated: k2 signs new cookies, k1 still accepted.
	rotated := withOpts(k2, k1)
	if who, _ := whoIs(t, rotated, old); who != "Ada" {
		t.Fatalf("cookie signed with the previous key refused: %q", who)
	}
	// k1 removed: the old cookie is refused, harmlessly, and deleted.
	retired := withOpts(k2)
	who, res := whoIs(t, retired, old)
	if who != "" {
		t.Fatalf("cookie signed with a rotated-out key accepted as %q", who)
	}
	deleted := false
	for _, c := range res.Cookies() {
		if c.Name == "satchel_session" && c.MaxAge < 0 {
			deleted = true
		}
	}
	if !deleted {
		t.Error("refused cookie not deleted")
	}
}

func TestMalformedSessionCookie(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	valid := signedInCookie(t, e, "Ada", "ada@example.org")
	for _, v := range []string{"garbage", "", strings.Repeat("A", 3000), valid.Value[:len(valid.Value)-4] + "AAAA", "%%%"} {
		who, res := whoIs(t, e.srv, &http.Cookie{Name: "satchel_session", Value: v})
		if who != "" || res.StatusCode != http.StatusOK {
			t.Errorf("cookie %.20q: %d as %q", v, res.StatusCode, who)
		}
	}
}

func TestSignOutEverywhere_InvalidatesOtherSessions(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	laptop := e.browser()
	laptop.devSignIn("Ada", "ada@example.org")
	stolen := laptop.cookie("satchel_session")
	phone := e.browser()
	phone.devSignIn("Ada", "ada@example.org")

	if got := laptop.get(paths.Home).signedInAs(); got != "Ada" {
		t.Fatalf("laptop signed in as %q", got)
	}
	p := phone.submit(paths.Account, paths.SignOutEverywhere, nil)
	if p.signedInAs() != "" || !strings.Contains(p.Doc.Find(`[data-testid="flashes"]`).Text(), "every session") {
		t.Fatalf("phone after sign-out-everywhere: %q\n%s", p.signedInAs(), p.Body)
	}
	if got := laptop.get(paths.Account); got.Request.URL.Path != paths.SignIn {
		t.Fatalf("laptop still reaches the account: %s", got.Request.URL)
	}
	if who, _ := whoIs(t, e.srv, stolen); who != "" {
		t.Fatalf("old cookie still works for %q", who)
	}
	// Signing in again afterwards works.
	if got := laptop.devSignIn("Ada", "ada@example.org").signedInAs(); got != "Ada" {
		t.Fatalf("fresh sign-in: %q", got)
	}
}

func TestSignIn_IssuesAFreshSession(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	// A visitor's session (here holding a flash) from before sign-in ...
	b.follow = false
	if p := b.get(paths.Account); p.Header.Get("Location") != paths.SignIn {
		t.Fatalf("visitor sent to %q", p.Header.Get("Location"))
	}
	b.follow = true
	visitor := b.cookie("satchel_session")
	before := b.cookie("_csrf")
	if visitor == nil || before == nil {
		t.Fatal("no visitor session or CSRF cookie")
	}
	b.devSignIn("Ada", "ada@example.org")
	// ... is not the signed-in session: replayed, it is still a visitor's.
	if who, _ := whoIs(t, e.srv, visitor); who != "" {
		t.Fatalf("pre-sign-in cookie is signed in as %q", who)
	}
	if b.cookie("satchel_session").Value == visitor.Value {
		t.Fatal("session cookie not replaced at sign-in")
	}
	if after := b.cookie("_csrf"); after == nil || after.Value == before.Value {
		t.Fatal("CSRF token not renewed at sign-in")
	}
}
