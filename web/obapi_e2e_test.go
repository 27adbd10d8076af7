package web_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/internal/paths"
)

// browserConsent sends a learner who is not signed in, in real Chromium
// and by keyboard only, from the platform's authorization request through
// the development sign-in to the consent page, checks what the page says,
// presses Allow and returns what arrived at the platform's redirect URI.
func browserConsent(t *testing.T, tab *browsertest.Tab, pf *platform, ar authRequest, name, email string) url.Values {
	t.Helper()
	tab.Do(t, chromedp.Navigate(ar.URL), chromedp.WaitVisible(`[data-testid="dev-signin-link"]`))
	tab.TabUntil(t, "the development sign-in link", 15, browsertest.ByTestID("dev-signin-link"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`#dev-name`))
	tab.TabUntil(t, "the name field", 15, browsertest.ByID("dev-name"))
	tab.Do(t, browsertest.Type(name))
	tab.TabUntil(t, "the email field", 1, browsertest.ByID("dev-email"))
	tab.Do(t, browsertest.Type(email))
	tab.TabUntil(t, "the Sign in button", 1, browsertest.ByTestID("dev-submit"))
	// Signed in, the learner comes back to the same request: the consent page.
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`button[name="decision"][value="allow"]`))

	page := queryText(t, tab, "main")
	if !strings.Contains(page, pf.name) {
		t.Errorf("the consent page does not name the platform %q:\n%s", pf.name, page)
	}
	if host := mustURL(pf.site.URL).Hostname(); !strings.Contains(page, host) {
		t.Errorf("the consent page does not show the platform's host %q:\n%s", host, page)
	}
	// Each scope in plain words: every scope asked for here is about badges.
	if !strings.Contains(strings.ToLower(page), "badges") {
		t.Errorf("the consent page does not say in plain words what the platform may do:\n%s", page)
	}
	if got := queryText(t, tab, `button[name="decision"][value="deny"]`); got != "Deny" {
		t.Errorf("the Deny button says %q", got)
	}

	// WCAG 2.2 A and AA in the light theme, the colour rules in the dark.
	auditEachScheme(t, tab, "consent page", nil)

	tab.Do(t, browsertest.FromTop())
	tab.TabUntil(t, "the Allow button", 60, func(f browsertest.Focused) bool { return f.Tag == "button" && f.Text == "Allow" })
	tab.Do(t, browsertest.PressEnter())
	var q url.Values
	select {
	case q = <-pf.callbacks:
	case <-time.After(15 * time.Second):
		loc, _ := chromedp.Run(tab.Ctx, chromedp.Location())
		t.Fatalf("after Allow the browser never came back to the platform's redirect URI; it is at %s; console:\n%s", loc, strings.Join(tab.ConsoleErrors(), "\n"))
	}
	tab.Do(t, chromedp.WaitVisible(`#platform-callback`))
	if q.Get("state") != ar.State {
		t.Errorf("state came back as %q, want %q", q.Get("state"), ar.State)
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		t.Fatalf("the redirect after Allow carried %v", q)
	}
	return q
}

// backpackAnnounces checks that the learner's next visit to the backpack
// names the platform that sent badges.
func backpackAnnounces(t *testing.T, l learner, platformName string) {
	t.Helper()
	page := l.pageText("/backpack")
	if !strings.Contains(page, "from "+platformName) || !strings.Contains(page, "new badge") {
		t.Errorf("the backpack does not announce the new badge from %s:\n%s", platformName, page)
	}
}

// learner is the learner's side of a flow: how she answers the platform's
// authorization request (signing in if need be, then Allow), and what a
// page of Satchel's says to her.
type learner struct {
	consent  func(ar authRequest) url.Values
	pageText func(path string) string
	// audit, in a real browser only, runs axe on the page at path in both
	// colour schemes.
	audit func(path string)
}

// chromiumLearner is a learner not yet signed in, in real Chromium, using
// the keyboard only.
func chromiumLearner(t *testing.T, e *env, pf *platform, name, email string) learner {
	tab := browsertest.Shared(t).NewTab(t)
	return learner{
		consent: func(ar authRequest) url.Values { return browserConsent(t, tab, pf, ar, name, email) },
		pageText: func(path string) string {
			tab.Do(t, chromedp.Navigate(e.ts.URL+path), chromedp.WaitVisible(chromedp.CSS(`main`)))
			return queryText(t, tab, "body")
		},
		audit: func(path string) {
			tab.Do(t, chromedp.Navigate(e.ts.URL+path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
			auditEachScheme(t, tab, path, nil)
		},
	}
}

// httpLearner is a signed-in learner whose browser is plain HTTP: the same
// flow without Chromium, so that everything after consent is checked
// where no browser is installed.
func httpLearner(t *testing.T, e *env, pf *platform, name, email string) learner {
	b := e.browser()
	b.devSignIn(name, email)
	return learner{
		consent: func(ar authRequest) url.Values {
			return pf.backAtPlatform(consentHTTP(t, b, ar.URL, "allow"), ar.State)
		},
		pageText: func(path string) string {
			return strings.Join(strings.Fields(b.get(path).Doc.Find("body").Text()), " ")
		},
	}
}

// TestOBAPI_E2E_OB3 is a platform connecting through the Open Badges 3.0
// API from scratch: discovery, registration, the learner's consent in
// Chromium by keyboard, PKCE, a pushed credential, the list, the profile,
// a refresh, the push again, revocation.
func TestOBAPI_E2E_OB3(t *testing.T) {
	t.Parallel()
	browsertest.Shared(t)
	ob3Flow(t, chromiumLearner)
}

// TestOBAPI_FlowOverHTTP_OB3 is the same flow with the consent form posted
// over plain HTTP.
func TestOBAPI_FlowOverHTTP_OB3(t *testing.T) {
	t.Parallel()
	ob3Flow(t, httpLearner)
}

func ob3Flow(t *testing.T, side func(*testing.T, *env, *platform, string, string) learner) {
	e := MustStart(t)
	const email = "ada@example.org"

	pf := newPlatform(t, e.ts.URL, "Example LMS")
	pf.discoverOB3()
	pf.mustRegister(ob3AllScopes...)
	ar := pf.authorize(ob3AllScopes)

	l := side(t, e, pf, "Ada Lovelace", email)
	q := l.consent(ar)
	tok := pf.exchange(q.Get("code"), ar.Verifier)
	if tok.Scope != "" && !sameSet(strings.Fields(tok.Scope), ob3AllScopes) {
		t.Errorf("granted scope %q, want %q", tok.Scope, strings.Join(ob3AllScopes, " "))
	}

	// Push a signed credential issued to the learner's verified address.
	is := newTestIssuer(t)
	cred := is.signLD(t, is.credential("urn:uuid:5e0b7a52-8c1e-4d8a-b4a8-1b9f0d6c3e01", "Basket Weaving", email, time.Now().Add(-48*time.Hour)))
	r := pf.postJSON(ob3Credentials, tok.AccessToken, cred)
	if r.Status != http.StatusCreated {
		t.Fatalf("upsertCredential answered %d, want 201 Created:\n%s\nlogs:\n%s", r.Status, r.Body, e.logs.String())
	}
	if !sameJSON(r.Body, cred) {
		t.Errorf("upsertCredential's body is not the credential as sent:\n%s", r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "json") {
		t.Errorf("upsertCredential Content-Type %q", ct)
	}
	if n := countBadges(t, e, email); n != 1 {
		t.Fatalf("%d badges in the backpack after the push, want 1", n)
	}

	// List it.
	r = pf.call(http.MethodGet, ob3Credentials+"?limit=10&offset=0", tok.AccessToken, "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("getCredentials answered %d:\n%s", r.Status, r.Body)
	}
	if got := r.Header.Get("X-Total-Count"); got != "1" {
		t.Errorf("X-Total-Count %q, want 1", got)
	}
	var list struct {
		Credential       []map[string]any `json:"credential"`
		CompactJwsString []string         `json:"compactJwsString"`
	}
	if err := json.Unmarshal(r.Body, &list); err != nil {
		t.Fatalf("getCredentials body: %v\n%s", err, r.Body)
	}
	if len(list.Credential)+len(list.CompactJwsString) != 1 || len(list.Credential) != 1 || list.Credential[0]["id"] != "urn:uuid:5e0b7a52-8c1e-4d8a-b4a8-1b9f0d6c3e01" {
		t.Errorf("getCredentials lists %s", r.Body)
	}

	// Refresh: a new pair, and the old refresh token is spent.
	tok2 := mustTokens(t, pf.refresh(tok.RefreshToken), true)
	if tok2.AccessToken == tok.AccessToken || tok2.RefreshToken == tok.RefreshToken {
		t.Errorf("refresh gave back the same tokens")
	}

	// The same credential again replaces it: 200, still one badge.
	r = pf.postJSON(ob3Credentials, tok2.AccessToken, cred)
	if r.Status != http.StatusOK {
		t.Errorf("the same credential again answered %d, want 200:\n%s", r.Status, r.Body)
	}
	if !sameJSON(r.Body, cred) {
		t.Errorf("upsertCredential's body is not the credential as sent:\n%s", r.Body)
	}
	if n := countBadges(t, e, email); n != 1 {
		t.Errorf("%d badges after pushing the same credential again, want 1", n)
	}

	backpackAnnounces(t, l, pf.name)
	// The account page lists the platform among the connected apps.
	if page := l.pageText(paths.Account); !strings.Contains(page, pf.name) || !strings.Contains(page, "Disconnect") {
		t.Errorf("the account page does not list %s with Disconnect:\n%s", pf.name, page)
	}
	if l.audit != nil {
		l.audit(paths.Account)
	}

	// Revoke the refresh token: its access token goes with it.
	if s := pf.revoke(tok2.RefreshToken, "refresh_token"); s != http.StatusOK {
		t.Errorf("revocation answered %d, want 200", s)
	}
	r = pf.call(http.MethodGet, ob3Credentials, tok2.AccessToken, "", nil)
	wantStatusInfo(t, "getCredentials after revocation", r, "unauthorizedrequest", http.StatusUnauthorized)
	r = pf.postJSON(ob3Credentials, tok2.AccessToken, cred)
	wantStatusInfo(t, "upsertCredential after revocation", r, "unauthorizedrequest", http.StatusUnauthorized)
	wantOAuthError(t, "refresh after revocation", pf.refresh(tok2.RefreshToken), http.StatusBadRequest, "invalid_grant")
	// The first refresh token was spent by the refresh (rotation).
	wantOAuthError(t, "the refresh token used once already", pf.refresh(tok.RefreshToken), http.StatusBadRequest, "invalid_grant")
	// RFC 7009 § 2.2: an unknown token is answered 200 too.
	if s := pf.revoke("no-such-token", ""); s != http.StatusOK {
		t.Errorf("revoking an unknown token answered %d, want 200", s)
	}
}

// TestOBAPI_E2E_BadgeConnect is Moodle's path: the Badge Connect manifest,
// registration with the Badge Connect scopes, consent in Chromium by
// keyboard, a hosted Open Badges 2.0 assertion pushed to /assertions, the
// list and the profile, a refresh, the push again, revocation.
func TestOBAPI_E2E_BadgeConnect(t *testing.T) {
	t.Parallel()
	browsertest.Shared(t)
	badgeConnectFlow(t, chromiumLearner)
}

// TestOBAPI_FlowOverHTTP_BadgeConnect is the same flow with the consent
// form posted over plain HTTP.
func TestOBAPI_FlowOverHTTP_BadgeConnect(t *testing.T) {
	t.Parallel()
	badgeConnectFlow(t, httpLearner)
}

func badgeConnectFlow(t *testing.T, side func(*testing.T, *env, *platform, string, string) learner) {
	is := newIssuer20(t)
	e := MustStart(t, withIssuer(is))
	const email = "grace@example.org"
	scopes := []string{scopeAssertionReadonly, scopeAssertionCreate, scopeBCProfileReadonly, scopeOfflineAccess}

	pf := newPlatform(t, e.ts.URL, "Example Moodle")
	pf.discoverBadgeConnect()
	pf.mustRegister(scopes...)
	ar := pf.authorize(scopes)

	l := side(t, e, pf, "Grace Hopper", email)
	q := l.consent(ar)
	tok := pf.exchange(q.Get("code"), ar.Verifier)

	assertionURL := is.hosted(t, "bc1", email)
	is.mu.Lock()
	assertion := json.RawMessage(is.docs["/assertions/bc1.json"])
	is.mu.Unlock()
	push := map[string]any{"assertion": assertion}

	r := pf.postJSON(pf.apiBase+"/assertions", tok.AccessToken, push)
	wantBCStatus(t, "POST /assertions", r, http.StatusOK)
	if t.Failed() {
		t.Fatalf("logs:\n%s", e.logs.String())
	}
	if n := countBadges(t, e, email); n != 1 {
		t.Fatalf("%d badges after the push, want 1", n)
	}

	r = pf.call(http.MethodGet, pf.apiBase+"/assertions", tok.AccessToken, "", nil)
	m := wantBCStatus(t, "GET /assertions", r, http.StatusOK)
	results, _ := m["results"].([]any)
	if len(results) != 1 {
		t.Fatalf("GET /assertions results: %s", r.Body)
	}
	if got, _ := results[0].(map[string]any); got["id"] != assertionURL {
		t.Errorf("GET /assertions lists %v, want the assertion %s", results[0], assertionURL)
	}
	if got := r.Header.Get("X-Total-Count"); got != "1" {
		t.Errorf("X-Total-Count %q, want 1", got)
	}

	r = pf.call(http.MethodGet, pf.apiBase+"/profile", tok.AccessToken, "", nil)
	m = wantBCStatus(t, "GET /profile", r, http.StatusOK)
	if results, _ := m["results"].([]any); len(results) != 1 {
		t.Errorf("GET /profile results: %s", r.Body)
	}

	tok2 := mustTokens(t, pf.refresh(tok.RefreshToken), true)
	if tok2.RefreshToken == tok.RefreshToken {
		t.Error("the refresh token was not rotated")
	}

	r = pf.postJSON(pf.apiBase+"/assertions", tok2.AccessToken, push)
	wantBCStatus(t, "POST /assertions again", r, http.StatusOK)
	if n := countBadges(t, e, email); n != 1 {
		t.Errorf("%d badges after pushing the same assertion again, want 1", n)
	}

	backpackAnnounces(t, l, pf.name)

	if s := pf.revoke(tok2.AccessToken, "access_token"); s != http.StatusOK {
		t.Errorf("revoking the access token answered %d", s)
	}
	r = pf.call(http.MethodGet, pf.apiBase+"/assertions", tok2.AccessToken, "", nil)
	if r.Status != http.StatusUnauthorized {
		t.Errorf("GET /assertions with a revoked access token answered %d, want 401:\n%s", r.Status, r.Body)
	}
	if !strings.HasPrefix(strings.ToLower(r.Header.Get("WWW-Authenticate")), "bearer") {
		t.Errorf("401 without WWW-Authenticate: Bearer: %q", r.Header.Get("WWW-Authenticate"))
	}
	if s := pf.revoke(tok2.RefreshToken, "refresh_token"); s != http.StatusOK {
		t.Errorf("revoking the refresh token answered %d", s)
	}
	wantOAuthError(t, "refresh after revocation", pf.refresh(tok2.RefreshToken), http.StatusBadRequest, "invalid_grant")
	wantOAuthError(t, "the refresh token used once already", pf.refresh(tok.RefreshToken), http.StatusBadRequest, "invalid_grant")
}

// wantBCStatus checks a Badge Connect response's status object (OB 2.1
// "Status": error null on success, statusCode the HTTP status).
func wantBCStatus(t testing.TB, what string, r apiResponse, status int) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s answered %d, want %d:\n%s", what, r.Status, status, r.Body)
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Errorf("%s: body is not JSON: %s", what, r.Body)
		return nil
	}
	st, _ := m["status"].(map[string]any)
	if st == nil {
		t.Errorf("%s: no status object: %s", what, r.Body)
		return m
	}
	if code, _ := st["statusCode"].(float64); int(code) != status {
		t.Errorf("%s: status.statusCode %v, want %d", what, st["statusCode"], status)
	}
	if status < 300 {
		if st["error"] != nil {
			t.Errorf("%s: status.error %v, want null", what, st["error"])
		}
		if st["statusText"] != "OK" {
			t.Errorf("%s: status.statusText %v, want OK", what, st["statusText"])
		}
	} else if s, _ := st["error"].(string); s == "" {
		t.Errorf("%s: status.error is empty on a failure: %s", what, r.Body)
	}
	return m
}

// queryText is the text of the first element matching a CSS selector.
func queryText(t *testing.T, tab *browsertest.Tab, sel string) string {
	t.Helper()
	s, err := chromedp.Run(tab.Ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// TestOBAPI_OB3Profile reads the learner's profile (getProfile), changes
// its name and description (putProfile, OB 3.0 § 6.2.5) and reads it back.
func TestOBAPI_OB3Profile(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	tok := pf.connect(b, ob3AllScopes)

	r := pf.call(http.MethodGet, ob3Profile, tok.AccessToken, "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("getProfile answered %d:\n%s", r.Status, r.Body)
	}
	prof := r.json(t)
	// OB 3.0 Appendix B Profile: id (a URI) and type, which includes
	// "Profile", are required.
	if types, _ := prof["type"].([]any); str(prof["id"]) == "" || !slices.Contains(types, any("Profile")) {
		t.Errorf("getProfile's body is not an OB 3.0 Profile (id and type Profile are required): %s", r.Body)
	}
	if prof["name"] != "Ada Lovelace" {
		t.Errorf("getProfile name %v, want the learner's", prof["name"])
	}

	// A value Satchel does not keep is refused, not silently dropped, and
	// nothing changes (§ 6.2.5 lets a host refuse what it cannot take).
	withDesc := maps.Clone(prof)
	withDesc["name"] = "Ada King"
	withDesc["description"] = "Writes programs for engines that do not exist yet."
	body, _ := json.Marshal(withDesc)
	r = pf.call(http.MethodPut, ob3Profile, tok.AccessToken, "application/json", bytes.NewReader(body))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "description") || !strings.Contains(string(r.Body), `"invalid_data"`) {
		t.Fatalf("putProfile with a description answered %d, want 422 invalid_data naming the field:\n%s", r.Status, r.Body)
	}
	if got := pf.call(http.MethodGet, ob3Profile, tok.AccessToken, "", nil).json(t); got["name"] != "Ada Lovelace" {
		t.Errorf("a refused putProfile changed the name to %v", got["name"])
	}
	// Nor may a platform change the learner's email addresses.
	withEmail := maps.Clone(prof)
	withEmail["email"] = "mallory@example.org"
	body, _ = json.Marshal(withEmail)
	if r := pf.call(http.MethodPut, ob3Profile, tok.AccessToken, "application/json", bytes.NewReader(body)); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("putProfile with another email answered %d, want 422:\n%s", r.Status, r.Body)
	}

	prof["name"] = "Ada King"
	body, _ = json.Marshal(prof)
	r = pf.call(http.MethodPut, ob3Profile, tok.AccessToken, "application/json", bytes.NewReader(body))
	if r.Status != http.StatusOK {
		t.Fatalf("putProfile answered %d:\n%s", r.Status, r.Body)
	}
	if got := r.json(t); got["name"] != "Ada King" || got["id"] != prof["id"] {
		t.Errorf("putProfile answered 200 with %s, want the new name and the same id", r.Body)
	}
	r = pf.call(http.MethodGet, ob3Profile, tok.AccessToken, "", nil)
	if got := r.json(t); got["name"] != "Ada King" {
		t.Errorf("after putProfile getProfile says %s", r.Body)
	}
}

// TestOBAPI_BackpackAnnouncesPushedBadgesOnce: two badges pushed by one
// app are announced on the learner's next visit, naming the app, and only
// then.
func TestOBAPI_BackpackAnnouncesPushedBadgesOnce(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	tok := pf.connect(b, ob3AllScopes)
	is := newTestIssuer(t)
	for i := 1; i <= 2; i++ {
		c := is.signLD(t, is.credential(credentialID(30+i), "Basket Weaving "+strconv.Itoa(i), obLearner, time.Now().Add(-48*time.Hour)))
		if r := pf.postJSON(ob3Credentials, tok.AccessToken, c); r.Status != http.StatusCreated {
			t.Fatalf("push %d: %d %s", i, r.Status, r.Body)
		}
	}
	page := func() string { return strings.Join(strings.Fields(b.get("/backpack").Doc.Find("main").Text()), " ") }
	if got := page(); !strings.Contains(got, "2 new badges from "+pf.name) {
		t.Errorf("the next visit to the backpack does not say %q:\n%s", "2 new badges from "+pf.name, got)
	}
	if got := page(); strings.Contains(got, "new badges from") {
		t.Errorf("the announcement is repeated on the visit after:\n%s", got)
	}
}
