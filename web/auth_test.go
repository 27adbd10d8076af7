package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/satchel-backpack/satchel/internal/paths"
)

func TestDevSignIn_EndToEnd(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()

	home := b.get(paths.Home)
	if home.StatusCode != 200 || home.signedInAs() != "" {
		t.Fatalf("visitor home: %d %q", home.StatusCode, home.signedInAs())
	}
	signin := b.get(paths.SignIn)
	if signin.Doc.Find(`[data-testid="dev-signin"]`).Length() != 1 || signin.Doc.Find(`[data-testid="provider-oidc"]`).Length() != 1 {
		t.Fatalf("sign-in page lacks the dev sign-in or the provider button:\n%s", signin.Body)
	}

	p := b.devSignIn("Ada Lovelace", "ada@example.org")
	// start → provider → callback → home
	var path []string
	for _, r := range b.trail {
		path = append(path, r.Request.Method+" "+r.Request.URL.Path)
	}
	want := []string{"POST /auth/dev", "GET " + mockoidc.AuthorizationEndpoint, "GET /auth/dev/callback", "GET /"}
	if strings.Join(path, ", ") != strings.Join(want, ", ") {
		t.Errorf("flow went %v, want %v", path, want)
	}
	if got := p.signedInAs(); got != "Ada Lovelace" {
		t.Fatalf("signed in as %q:\n%s", got, p.Body)
	}
	if !strings.Contains(p.Doc.Find(`[data-testid="flashes"]`).Text(), "Welcome") {
		t.Errorf("no welcome flash")
	}
	if !strings.Contains(p.Doc.Find(`[data-testid="emails"]`).Text(), "ada@example.org") {
		t.Errorf("dashboard does not list the email")
	}
	// The account is in the database with a verified dev login.
	u, err := e.db.UserByLogin(context.Background(), "dev", "dev:ada@example.org")
	if err != nil || u.Name != "Ada Lovelace" {
		t.Fatalf("user in db: %+v %v", u, err)
	}
	if l := mustLogins(t, e, "dev", "dev:ada@example.org"); len(l) != 1 || !l[0].EmailVerified || l[0].Email != "ada@example.org" {
		t.Fatalf("logins: %+v", l)
	}
	// The sign-in attempt cookie is gone once used.
	if c := b.cookie("_gothic_session"); c != nil {
		t.Errorf("gothic cookie still set after the callback: %v", c)
	}

	acct := b.get(paths.Account)
	if acct.StatusCode != 200 || acct.Doc.Find(`[data-testid="login-dev"]`).Length() != 1 {
		t.Fatalf("account page: %d\n%s", acct.StatusCode, acct.Body)
	}

	out := b.submit(paths.Account, paths.SignOut, nil)
	if out.Request.URL.Path != paths.Home || out.signedInAs() != "" {
		t.Fatalf("after sign out: at %s as %q", out.Request.URL, out.signedInAs())
	}
	if got := b.get(paths.Account); got.Request.URL.Path != paths.SignIn {
		t.Fatalf("account after sign out ended at %s", got.Request.URL)
	}
}

func TestOIDCProvider_SignInThroughGoth(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	e.idp.QueueUser(&mockoidc.MockUser{Subject: "idp-7", Email: "grace@school.example", EmailVerified: true, PreferredUsername: "grace"})
	p := b.get(paths.AuthStart("oidc"))
	if p.Request.URL.Path != paths.Home || p.signedInAs() != "grace" {
		t.Fatalf("ended at %s as %q:\n%s\n%s", p.Request.URL, p.signedInAs(), p.Body, e.logs.String())
	}
	logins := mustLogins(t, e, "oidc", "idp-7")
	if len(logins) != 1 || logins[0].Email != "grace@school.example" || !logins[0].EmailVerified {
		t.Fatalf("logins: %+v", logins)
	}
}

// startFlow goes to the provider and stops at the redirect back to Satchel,
// returning the callback URL the provider sent.
func startFlow(t *testing.T, b *browser, start func() *page) *url.URL {
	t.Helper()
	b.follow = false
	defer func() { b.follow = true }()
	p := start()
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d\n%s", p.StatusCode, p.Body)
	}
	authz := p.Header.Get("Location")
	p = b.get(authz)
	if p.StatusCode != http.StatusFound {
		t.Fatalf("provider: %d %s", p.StatusCode, p.Body)
	}
	cb, err := url.Parse(p.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

func devStart(b *browser) func() *page {
	return func() *page {
		tok := b.get(paths.DevSignIn).csrf(b.t)
		return b.post(paths.DevSignIn, url.Values{"_csrf": {tok}, "name": {"Mallory"}, "email": {"m@example.org"}})
	}
}

func TestCallback_RefusesForgedOrMissingState(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	for _, tc := range []struct {
		name  string
		state func(string) string
	}{
		{"forged", func(string) string { return "forged-state" }},
		{"missing", func(string) string { return "" }},
		{"truncated", func(s string) string { return s[:len(s)-1] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := e.browser()
			cb := startFlow(t, b, devStart(b))
			q := cb.Query()
			if q.Get("state") == "" || q.Get("code") == "" {
				t.Fatalf("callback URL lacks state or code: %s", cb)
			}
			if s := tc.state(q.Get("state")); s == "" {
				q.Del("state")
			} else {
				q.Set("state", s)
			}
			cb.RawQuery = q.Encode()
			p := b.get(cb.String())
			if p.StatusCode != http.StatusBadRequest || p.Request.URL.Path != paths.AuthCallback("dev") {
				t.Fatalf("%s state: %d at %s", tc.name, p.StatusCode, p.Request.URL)
			}
			if msg := p.Doc.Find(`[data-testid="signin-error"]`).Text(); !strings.Contains(msg, "did not match") {
				t.Errorf("message: %q", msg)
			}
			if b.get(paths.Home).signedInAs() != "" {
				t.Fatal("signed in despite a bad state")
			}
			if n := countUsers(t, e); n != 0 {
				t.Fatalf("%d accounts created", n)
			}
		})
	}
}

func TestStart_StateFromRequestNeverReachesProvider(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.follow = false
	p := b.get(paths.AuthStart("oidc") + "?state=attacker-chosen")
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d", p.StatusCode)
	}
	loc, _ := url.Parse(p.Header.Get("Location"))
	state := loc.Query().Get("state")
	if state == "" || state == "attacker-chosen" || len(state) < 40 {
		t.Fatalf("state sent to provider: %q", state)
	}
	if !strings.HasPrefix(loc.String(), e.idp.AuthorizationEndpoint()) {
		t.Fatalf("redirected to %s", loc)
	}
	// A second start gets a different state.
	p2 := b.get(paths.AuthStart("oidc") + "?state=attacker-chosen")
	loc2, _ := url.Parse(p2.Header.Get("Location"))
	if loc2.Query().Get("state") == state {
		t.Fatal("state reused between attempts")
	}
}

func TestCallback_ProviderErrorAndDeniedConsent(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	for _, tc := range []struct {
		code, want string
	}{
		{"access_denied", "cancelled or not allowed"},
		{"server_error", "could not sign you in"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			b := e.browser()
			cb := startFlow(t, b, func() *page { return b.get(paths.AuthStart("oidc")) })
			// The provider sends the browser back with an error instead of a code.
			q := url.Values{"error": {tc.code}, "error_description": {"<script>alert(1)</script>"}, "state": {cb.Query().Get("state")}}
			p := b.get(paths.AuthCallback("oidc") + "?" + q.Encode())
			msg := p.Doc.Find(`[data-testid="signin-error"]`).Text()
			if p.StatusCode != http.StatusBadRequest || !strings.Contains(msg, tc.want) || !strings.Contains(msg, "Test IdP") {
				t.Fatalf("%d %q", p.StatusCode, msg)
			}
			if strings.Contains(p.Body, "alert(1)") {
				t.Fatal("provider's description echoed into the page")
			}
			// The attempt is over: replaying the real code does not sign in.
			if p := b.get(cb.String()); p.signedInAs() != "" || p.StatusCode != http.StatusBadRequest {
				t.Fatalf("replay after error: %d as %q", p.StatusCode, p.signedInAs())
			}
		})
	}
	t.Run("token endpoint fails", func(t *testing.T) {
		b := e.browser()
		cb := startFlow(t, b, func() *page { return b.get(paths.AuthStart("oidc")) })
		// Twice: the oauth2 client retries the token request once with the
		// client credentials in the body instead of the header.
		for range 2 {
			e.idp.QueueError(&mockoidc.ServerError{Code: 500, Error: "server_error", Description: "database on fire"})
		}
		p := b.get(cb.String())
		msg := p.Doc.Find(`[data-testid="signin-error"]`).Text()
		if p.StatusCode != http.StatusBadGateway || !strings.Contains(msg, "did not complete") {
			t.Fatalf("%d %q", p.StatusCode, msg)
		}
		if strings.Contains(p.Body, "database on fire") {
			t.Fatal("provider error text reached the page")
		}
		if !strings.Contains(e.logs.String(), "database on fire") {
			t.Error("provider error text not logged")
		}
	})
}

func TestCallback_ExpiredAttempt(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	cb := startFlow(t, b, devStart(b))
	// The attempt cookie expires (or the callback opens in another browser):
	// the browser no longer has it.
	other := e.browser()
	p := other.get(cb.String())
	msg := p.Doc.Find(`[data-testid="signin-error"]`).Text()
	if p.StatusCode != http.StatusBadRequest || !strings.Contains(msg, "expired") {
		t.Fatalf("%d %q", p.StatusCode, msg)
	}
	if other.get(paths.Home).signedInAs() != "" {
		t.Fatal("signed in without an attempt")
	}
	// A malformed attempt cookie is the same as none.
	req, _ := http.NewRequest(http.MethodGet, cb.String(), nil)
	req.AddCookie(&http.Cookie{Name: "_gothic_session", Value: "bm90IGEgY29va2ll"})
	p = e.browser().do(req)
	if p.StatusCode != http.StatusBadRequest || !strings.Contains(p.Doc.Find(`[data-testid="signin-error"]`).Text(), "expired") {
		t.Fatalf("malformed attempt cookie: %d", p.StatusCode)
	}
}

func TestCallback_AttemptPastItsLifetimeRefused(t *testing.T) {
	t.Parallel()
	clk := &emailClock{t: time.Now()}
	e := MustStart(t, func(o *webOptions) { o.SignInAttemptTTL, o.Now = time.Minute, clk.now })
	b := e.browser()
	cb := startFlow(t, b, func() *page { return b.get(paths.AuthStart("oidc")) })
	attempt := b.cookie("_gothic_session")
	if attempt == nil {
		t.Fatal("no attempt cookie")
	}
	// The browser would drop the cookie after its Max-Age; an old copy
	// replayed later must be refused by the server too.
	clk.advance(time.Minute + time.Second)
	req, _ := http.NewRequest(http.MethodGet, cb.String(), nil)
	req.AddCookie(attempt)
	p := e.browser().do(req)
	msg := p.Doc.Find(`[data-testid="signin-error"]`).Text()
	if p.StatusCode != http.StatusBadRequest || !strings.Contains(msg, "expired") {
		t.Fatalf("%d %q", p.StatusCode, msg)
	}
	if n := countUsers(t, e); n != 0 {
		t.Fatal("an expired attempt created an account")
	}
}

func TestUnknownProvider(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	for _, path := range []string{paths.AuthStart("myspace"), paths.AuthCallback("myspace") + "?code=x&state=y"} {
		p := b.get(path)
		if p.StatusCode != http.StatusNotFound {
			t.Fatalf("%s: %d", path, p.StatusCode)
		}
		if msg := p.Doc.Find(`[data-testid="error-message"]`).Text(); !strings.Contains(msg, `"myspace"`) {
			t.Errorf("%s: message %q", path, msg)
		}
	}
}

func TestDevSignIn_RejectsBadFormKeepingInput(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	p := b.submit(paths.DevSignIn, paths.DevSignIn, url.Values{"name": {"Ada"}, "email": {"not-an-email"}})
	if p.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", p.StatusCode)
	}
	if v, _ := p.Doc.Find(`input[name="name"]`).Attr("value"); v != "Ada" {
		t.Errorf("name not kept: %q", v)
	}
	if !strings.Contains(p.Body, "like name@example.org") {
		t.Errorf("no field message:\n%s", p.Body)
	}
}

func TestDevSignIn_OffWhenDisabled(t *testing.T) {
	t.Parallel()
	e := MustStart(t, func(o *webOptions) { o.DevLogin = false })
	b := e.browser()
	if p := b.get(paths.DevSignIn); p.StatusCode != http.StatusNotFound {
		t.Fatalf("dev form with dev off: %d", p.StatusCode)
	}
	if p := b.get(paths.SignIn); p.Doc.Find(`[data-testid="dev-signin"]`).Length() != 0 {
		t.Fatal("sign-in page offers the dev sign-in while it is off")
	}
}

func TestSignIn_ReturnsToThePageThatAskedForIt(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	if p := b.get(paths.DeleteAccount); p.Request.URL.Path != paths.SignIn {
		t.Fatalf("visitor at %s", p.Request.URL)
	}
	p := b.submit(paths.DevSignIn, paths.DevSignIn, url.Values{"name": {"Ada"}, "email": {"ada@example.org"}})
	if p.Request.URL.Path != paths.DeleteAccount || p.signedInAs() != "Ada" {
		t.Fatalf("after sign-in at %s as %q", p.Request.URL, p.signedInAs())
	}
	// Only once: the next sign-in goes home.
	b.submit(paths.Account, paths.SignOut, nil)
	if p := b.devSignIn("Ada", "ada@example.org"); p.Request.URL.Path != paths.Home {
		t.Fatalf("second sign-in at %s", p.Request.URL)
	}
}

// The sign-out address opened as a link signs nobody out (a GET from any
// page could), and says where the Sign out button is rather than looking
// for a sign-in provider called "signout".
func TestSignOut_AsALinkSignsNobodyOutAndPointsToTheButton(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	if p := b.get(paths.SignOut); p.StatusCode != http.StatusOK || p.Request.URL.Path != paths.Home || !strings.Contains(p.Doc.Find(`[data-testid="flashes"]`).Text(), "not signed in") {
		t.Fatalf("visitor: %d at %s, flashes %q", p.StatusCode, p.Request.URL.Path, p.Doc.Find(`[data-testid="flashes"]`).Text())
	}
	b.devSignIn("Ada", "ada@example.org")
	p := b.get(paths.SignOut)
	if p.StatusCode != http.StatusOK || p.Request.URL.Path != paths.Account || p.signedInAs() != "Ada" {
		t.Fatalf("signed in: %d at %s as %q", p.StatusCode, p.Request.URL.Path, p.signedInAs())
	}
	if !strings.Contains(p.Doc.Find(`[data-testid="flashes"]`).Text(), "Sign out button") || p.Doc.Find(`[data-testid="signout"]`).Length() != 1 {
		t.Errorf("the account page does not point to its Sign out button:\n%s", p.Doc.Find(`[data-testid="flashes"]`).Text())
	}
}
