package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/satchel-backpack/satchel/internal/ldproof"
	"github.com/satchel-backpack/satchel/web"
)

// The refusals of the Open Badges API host, each with the status and the
// error code the specifications give it. The learner consents over plain
// HTTP here (consentHTTP); the end-to-end tests do it in Chromium.

const obLearner = "ada@example.org"

// obSetup starts a server with a signed-in learner and one platform that
// discovered the OB 3.0 API and registered for scopes (all OB 3.0 scopes
// when none are given).
func obSetup(t *testing.T, scopes []string, modify ...func(*web.Options)) (*env, *browser, *platform) {
	t.Helper()
	e := MustStart(t, modify...)
	b := e.browser()
	b.devSignIn("Ada Lovelace", obLearner)
	pf := newPlatform(t, e.ts.URL, "Example LMS")
	pf.discoverOB3()
	if scopes == nil {
		scopes = ob3AllScopes
	}
	pf.mustRegister(scopes...)
	return e, b, pf
}

func withClock(c *testClock) func(*web.Options) {
	return func(o *web.Options) { o.Now = c.Now }
}

func credentialID(n int) string {
	return "urn:uuid:0b5c6a3e-2f0d-4c1b-9e7a-" + strings.Repeat("0", 12-len(strconv.Itoa(n))) + strconv.Itoa(n)
}

// listTotal is getCredentials' X-Total-Count and the number of credentials
// in the body.
func listTotal(t *testing.T, pf *platform, token string) (string, int) {
	t.Helper()
	r := pf.call(http.MethodGet, ob3Credentials, token, "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("getCredentials answered %d:\n%s", r.Status, r.Body)
	}
	var list struct {
		Credential       []json.RawMessage `json:"credential"`
		CompactJwsString []string          `json:"compactJwsString"`
	}
	if err := json.Unmarshal(r.Body, &list); err != nil {
		t.Fatalf("getCredentials body: %v\n%s", err, r.Body)
	}
	return r.Header.Get("X-Total-Count"), len(list.Credential) + len(list.CompactJwsString)
}

func TestOBAPIRefusal_PKCE(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)

	t.Run("wrong verifier", func(t *testing.T) {
		code, _ := pf.codeHTTP(b, ob3AllScopes)
		other, _ := pkcePair()
		wantOAuthError(t, "a code with another verifier", pf.tokenRequest(pf.exchangeForm(code, other)), http.StatusBadRequest, "invalid_grant")
	})
	t.Run("missing verifier", func(t *testing.T) {
		code, _ := pf.codeHTTP(b, ob3AllScopes)
		wantOAuthError(t, "a code without its verifier", pf.tokenRequest(pf.exchangeForm(code, "")), http.StatusBadRequest, "invalid_request")
	})
	t.Run("no challenge in the authorization request", func(t *testing.T) {
		ar := pf.authorize(ob3AllScopes, func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") })
		pf.refused(t, b, ar, "allow", "invalid_request", "an authorization request without PKCE")
	})
	t.Run("plain challenge method", func(t *testing.T) {
		ar := pf.authorize(ob3AllScopes, func(q url.Values) { q.Set("code_challenge_method", "plain") })
		pf.refused(t, b, ar, "allow", "invalid_request", "code_challenge_method=plain")
	})
}

func TestOBAPIRefusal_ReusedCodeRevokesItsTokens(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	code, ar := pf.codeHTTP(b, ob3AllScopes)
	tok := pf.exchange(code, ar.Verifier)
	if r := pf.call(http.MethodGet, ob3Credentials, tok.AccessToken, "", nil); r.Status != http.StatusOK {
		t.Fatalf("the first token does not work: %d %s", r.Status, r.Body)
	}
	wantOAuthError(t, "the code a second time", pf.tokenRequest(pf.exchangeForm(code, ar.Verifier)), http.StatusBadRequest, "invalid_grant")
	// OB 3.0 § 7 and RFC 6749 § 4.1.2: the tokens issued for the code are revoked.
	r := pf.call(http.MethodGet, ob3Credentials, tok.AccessToken, "", nil)
	wantStatusInfo(t, "the access token of a reused code", r, "unauthorizedrequest", http.StatusUnauthorized)
	wantOAuthError(t, "the refresh token of a reused code", pf.refresh(tok.RefreshToken), http.StatusBadRequest, "invalid_grant")
}

func TestOBAPIRefusal_ExpiredCode(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	_, b, pf := obSetup(t, nil, withClock(clock))
	code, ar := pf.codeHTTP(b, ob3AllScopes)
	// OB 3.0 § 7 recommends 600 seconds at most.
	clock.Advance(11 * time.Minute)
	wantOAuthError(t, "a code 11 minutes old", pf.tokenRequest(pf.exchangeForm(code, ar.Verifier)), http.StatusBadRequest, "invalid_grant")
}

func TestOBAPIRefusal_ExpiredAccessToken(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	_, b, pf := obSetup(t, nil, withClock(clock))
	tok := pf.connect(b, ob3AllScopes)
	clock.Advance(61 * time.Minute)
	r := pf.call(http.MethodGet, ob3Credentials, tok.AccessToken, "", nil)
	wantStatusInfo(t, "an access token past its expires_in", r, "unauthorizedrequest", http.StatusUnauthorized)
	// The refresh token outlives it.
	tok2 := mustTokens(t, pf.refresh(tok.RefreshToken), true)
	if r := pf.call(http.MethodGet, ob3Credentials, tok2.AccessToken, "", nil); r.Status != http.StatusOK {
		t.Errorf("the refreshed access token answered %d: %s", r.Status, r.Body)
	}
}

func TestOBAPIRefusal_RedirectURIOffByOneCharacter(t *testing.T) {
	t.Parallel()
	e, b, pf := obSetup(t, nil)
	r := pf.redirectURI
	for name, uri := range map[string]string{
		"last character changed": r[:len(r)-1] + "x",
		"one character added":    r + "/",
		"one character removed":  r[:len(r)-1],
		"another port":           strings.Replace(r, mustURL(r).Port(), strconv.Itoa(mustPort(t, r)+1), 1),
	} {
		t.Run("authorization endpoint/"+name, func(t *testing.T) {
			ar := pf.authorize(ob3AllScopes, func(q url.Values) { q.Set("redirect_uri", uri) })
			b.follow = false
			defer func() { b.follow = true }()
			p := b.get(ar.URL)
			if p.StatusCode != http.StatusBadRequest {
				t.Errorf("redirect_uri %s answered %d, want 400 with an error page", uri, p.StatusCode)
			}
			if loc := p.Header.Get("Location"); loc != "" {
				t.Errorf("redirect_uri %s redirected to %s; an unregistered URI must never be redirected to", uri, loc)
			}
			if strings.Contains(p.Body, "code=") {
				t.Error("the error page carries a code")
			}
		})
	}
	t.Run("authorization endpoint/no redirect_uri", func(t *testing.T) {
		ar := pf.authorize(ob3AllScopes, func(q url.Values) { q.Del("redirect_uri") })
		b.follow = false
		defer func() { b.follow = true }()
		p := b.get(ar.URL)
		if p.StatusCode != http.StatusBadRequest || p.Header.Get("Location") != "" {
			t.Errorf("without redirect_uri: %d Location %q, want 400 and no redirect (OB 3.0 § 7 requires it)", p.StatusCode, p.Header.Get("Location"))
		}
	})
	t.Run("authorization endpoint/unknown client", func(t *testing.T) {
		ar := pf.authorize(ob3AllScopes, func(q url.Values) { q.Set("client_id", "no-such-client") })
		b.follow = false
		defer func() { b.follow = true }()
		p := b.get(ar.URL)
		if p.StatusCode != http.StatusBadRequest || p.Header.Get("Location") != "" {
			t.Errorf("an unknown client: %d Location %q, want 400 and no redirect", p.StatusCode, p.Header.Get("Location"))
		}
	})
	t.Run("token endpoint", func(t *testing.T) {
		code, ar := pf.codeHTTP(b, ob3AllScopes)
		f := pf.exchangeForm(code, ar.Verifier)
		f.Set("redirect_uri", r[:len(r)-1]+"x")
		wantOAuthError(t, "the token request with another redirect_uri", pf.tokenRequest(f), http.StatusBadRequest, "invalid_grant")
	})
	_ = e
}

func mustPort(t *testing.T, raw string) int {
	t.Helper()
	n, err := strconv.Atoi(mustURL(raw).Port())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOBAPIRefusal_AnotherClientsCodeAndRefreshToken(t *testing.T) {
	t.Parallel()
	e, b, a := obSetup(t, nil)
	other := newPlatform(t, e.ts.URL, "Other LMS")
	other.discoverOB3()
	other.mustRegister(ob3AllScopes...)

	t.Run("B presents A's code", func(t *testing.T) {
		code, ar := a.codeHTTP(b, ob3AllScopes)
		f := a.exchangeForm(code, ar.Verifier)
		wantOAuthError(t, "client B with client A's code and A's redirect URI", other.tokenRequest(f), http.StatusBadRequest, "invalid_grant")
		f.Set("redirect_uri", other.redirectURI)
		wantOAuthError(t, "client B with client A's code and its own redirect URI", other.tokenRequest(f), http.StatusBadRequest, "invalid_grant")
	})
	t.Run("B presents A's refresh token", func(t *testing.T) {
		tok := a.connect(b, ob3AllScopes)
		// B's revocation of A's token does nothing (RFC 7009 § 2.1: the
		// server checks that the token was issued to the client asking).
		req, _ := http.NewRequest(http.MethodPost, other.revocationURL, strings.NewReader(url.Values{"token": {tok.AccessToken}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(other.clientID), url.QueryEscape(other.clientSecret))
		if resp, err := other.hc.Do(req); err == nil {
			resp.Body.Close()
		}
		if r := a.call(http.MethodGet, ob3Credentials, tok.AccessToken, "", nil); r.Status != http.StatusOK {
			t.Errorf("client B revoked client A's access token: %d", r.Status)
		}
		tr := other.tokenRequestAs(other.tokenURL, other.clientID, other.clientSecret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
		wantOAuthError(t, "client B refreshing client A's token", tr, http.StatusBadRequest, "invalid_grant")
	})
	t.Run("wrong client secret", func(t *testing.T) {
		code, ar := a.codeHTTP(b, ob3AllScopes)
		tr := a.tokenRequestAs(a.tokenURL, a.clientID, a.clientSecret+"x", a.exchangeForm(code, ar.Verifier))
		wantOAuthError(t, "a wrong client secret", tr, http.StatusUnauthorized, "invalid_client")
		if !strings.HasPrefix(strings.ToLower(tr.Header.Get("WWW-Authenticate")), "basic") {
			t.Errorf("invalid_client after HTTP Basic without WWW-Authenticate: Basic (RFC 6749 § 5.2): %q", tr.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("no client authentication", func(t *testing.T) {
		code, ar := a.codeHTTP(b, ob3AllScopes)
		tr := a.tokenRequestAs(a.tokenURL, "", "", a.exchangeForm(code, ar.Verifier))
		// RFC 6749 § 5.2: invalid_client, with 400 or (MAY) 401.
		if (tr.Status != http.StatusUnauthorized && tr.Status != http.StatusBadRequest) || tr.Error != "invalid_client" || tr.AccessToken != "" {
			t.Errorf("a token request without client authentication: %d %v, want invalid_client", tr.Status, tr.Raw)
		}
	})
	t.Run("unsupported grant type", func(t *testing.T) {
		tr := a.tokenRequest(url.Values{"grant_type": {"password"}, "username": {obLearner}, "password": {"x"}})
		wantOAuthError(t, "grant_type=password", tr, http.StatusBadRequest, "unsupported_grant_type")
	})
}

func TestOBAPIRefusal_AnotherLearnersToken(t *testing.T) {
	t.Parallel()
	e, ada, pf := obSetup(t, nil)
	adaTok := pf.connect(ada, ob3AllScopes)
	is := newTestIssuer(t)
	cred := is.signLD(t, is.credential(credentialID(1), "Basket Weaving", obLearner, time.Now().Add(-48*time.Hour)))
	if r := pf.postJSON(ob3Credentials, adaTok.AccessToken, cred); r.Status != http.StatusCreated {
		t.Fatalf("Ada's push answered %d: %s", r.Status, r.Body)
	}

	const bobEmail = "bob@example.org"
	bob := e.browser()
	bob.devSignIn("Bob Babbage", bobEmail)
	bobTok := pf.connect(bob, ob3AllScopes)

	if total, n := listTotal(t, pf, bobTok.AccessToken); total != "0" || n != 0 {
		t.Errorf("Bob's token lists X-Total-Count %q and %d credentials; Ada's badge must not show", total, n)
	}
	r := pf.call(http.MethodGet, ob3Profile, bobTok.AccessToken, "", nil)
	if strings.Contains(string(r.Body), "Ada") || strings.Contains(string(r.Body), obLearner) {
		t.Errorf("Bob's token reads Ada's profile: %s", r.Body)
	}
	// Bob's token cannot put Ada's badge in Bob's backpack.
	r = pf.postJSON(ob3Credentials, bobTok.AccessToken, cred)
	wantStatusInfo(t, "Ada's badge pushed with Bob's token", r, "invalid_data", http.StatusBadRequest, http.StatusUnprocessableEntity)
	if n := countBadges(t, e, bobEmail); n != 0 {
		t.Errorf("Bob has %d badges", n)
	}
	if total, n := listTotal(t, pf, adaTok.AccessToken); total != "1" || n != 1 {
		t.Errorf("Ada's token lists X-Total-Count %q and %d credentials, want 1", total, n)
	}
}

func TestOBAPIRefusal_MissingScope(t *testing.T) {
	t.Parallel()
	e, b, pf := obSetup(t, nil)
	is := newTestIssuer(t)
	cred := is.signLD(t, is.credential(credentialID(2), "Basket Weaving", obLearner, time.Now().Add(-48*time.Hour)))

	read := pf.connect(b, []string{scopeCredentialReadonly})
	r := pf.postJSON(ob3Credentials, read.AccessToken, cred)
	wantStatusInfo(t, "upsertCredential with credential.readonly only", r, "forbidden", http.StatusForbidden)
	if n := countBadges(t, e, obLearner); n != 0 {
		t.Errorf("a push without credential.upsert stored %d badges", n)
	}
	r = pf.call(http.MethodGet, ob3Profile, read.AccessToken, "", nil)
	wantStatusInfo(t, "getProfile with credential.readonly only", r, "forbidden", http.StatusForbidden)
	r = pf.call(http.MethodPut, ob3Profile, read.AccessToken, "application/json", strings.NewReader(`{"type":["Profile"],"name":"Mallory"}`))
	wantStatusInfo(t, "putProfile with credential.readonly only", r, "forbidden", http.StatusForbidden)
	// Nor does an OB 3.0 token open Badge Connect.
	m := pf.fetchManifest()
	r = pf.call(http.MethodGet, strings.TrimSuffix(str(m["apiBase"]), "/")+"/assertions", read.AccessToken, "", nil)
	if r.Status != http.StatusForbidden {
		t.Errorf("Badge Connect GET /assertions with an OB 3.0 credential.readonly token answered %d, want 403: %s", r.Status, r.Body)
	}

	write := pf.connect(b, []string{scopeCredentialUpsert, scopeProfileReadonly})
	r = pf.call(http.MethodGet, ob3Credentials, write.AccessToken, "", nil)
	wantStatusInfo(t, "getCredentials with credential.upsert only", r, "forbidden", http.StatusForbidden)
	r = pf.call(http.MethodPut, ob3Profile, write.AccessToken, "application/json", strings.NewReader(`{"type":["Profile"],"name":"Mallory"}`))
	wantStatusInfo(t, "putProfile with profile.readonly", r, "forbidden", http.StatusForbidden)

	// A refresh may not widen the scope (RFC 6749 § 6).
	tr := pf.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {read.RefreshToken}, "scope": {scopeCredentialReadonly + " " + scopeCredentialUpsert}})
	wantOAuthError(t, "a refresh asking for more scope", tr, http.StatusBadRequest, "invalid_scope")
}

func TestOBAPIRefusal_ScopeNotRegistered(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, []string{scopeCredentialReadonly})
	ar := pf.authorize([]string{scopeCredentialReadonly, scopeCredentialUpsert})
	pf.refused(t, b, ar, "allow", "invalid_scope", "asking for a scope the client did not register")
	ar = pf.authorize([]string{"https://purl.imsglobal.org/spec/ob/v3p0/scope/everything"})
	pf.refused(t, b, ar, "allow", "invalid_scope", "an unknown scope")
}

func TestOBAPIRefusal_LearnerDenies(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	ar := pf.authorize(ob3AllScopes)
	pf.refused(t, b, ar, "deny", "access_denied", "Deny")
}

func TestOBAPIRefusal_ConsentFormNeedsItsCSRFToken(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	ar := pf.authorize(ob3AllScopes)
	b.follow = false
	p := b.get(ar.URL)
	b.follow = true
	loc, _ := p.Request.URL.Parse(p.Header.Get("Location"))
	p = b.get(loc.String())
	form := p.Doc.Find(`form`).FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Find(`button[name="decision"]`).Length() > 0 })
	action, _ := p.Request.URL.Parse(form.AttrOr("action", ""))
	fields := url.Values{}
	form.Find(`input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		if n := s.AttrOr("name", ""); n != "_csrf" {
			fields.Add(n, s.AttrOr("value", ""))
		}
	})
	fields.Set("decision", "allow")
	b.follow = false
	p = b.post(action.String(), fields)
	b.follow = true
	if p.StatusCode < 400 || strings.Contains(p.Header.Get("Location"), "code=") {
		t.Errorf("Allow without the CSRF token answered %d Location %q", p.StatusCode, p.Header.Get("Location"))
	}
}

func TestOBAPIRefusal_UnauthenticatedAndRevokedTokens(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	tok := pf.connect(b, ob3AllScopes)

	wantStatusInfo(t, "getCredentials without a token", pf.call(http.MethodGet, ob3Credentials, "", "", nil), "unauthorizedrequest", http.StatusUnauthorized)
	wantStatusInfo(t, "getCredentials with an unknown token", pf.call(http.MethodGet, ob3Credentials, "bm90LWEtdG9rZW4", "", nil), "unauthorizedrequest", http.StatusUnauthorized)
	wantStatusInfo(t, "getProfile without a token", pf.call(http.MethodGet, ob3Profile, "", "", nil), "unauthorizedrequest", http.StatusUnauthorized)
	// The refresh token is no access token.
	wantStatusInfo(t, "getCredentials with the refresh token", pf.call(http.MethodGet, ob3Credentials, tok.RefreshToken, "", nil), "unauthorizedrequest", http.StatusUnauthorized)

	if s := pf.revoke(tok.AccessToken, "access_token"); s != http.StatusOK {
		t.Errorf("revocation answered %d", s)
	}
	wantStatusInfo(t, "getCredentials with a revoked access token", pf.call(http.MethodGet, ob3Credentials, tok.AccessToken, "", nil), "unauthorizedrequest", http.StatusUnauthorized)
}

func TestOBAPIRefusal_DisconnectedAppIsRefused(t *testing.T) {
	t.Parallel()
	e, b, pf := obSetup(t, nil)
	tok := pf.connect(b, ob3AllScopes)

	p := b.get("/account")
	var form *goquery.Selection
	p.Doc.Find(`form`).Each(func(_ int, s *goquery.Selection) {
		btn := strings.TrimSpace(s.Find(`button`).Text())
		if strings.Contains(btn, "Disconnect") && form == nil {
			form = s
		}
	})
	if form == nil {
		t.Fatalf("the account page has no Disconnect form:\n%s", p.Body)
	}
	if !strings.Contains(p.Doc.Text(), pf.name) {
		t.Errorf("Connected apps does not name %q", pf.name)
	}
	action, _ := p.Request.URL.Parse(form.AttrOr("action", ""))
	fields := url.Values{}
	form.Find(`input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) { fields.Add(s.AttrOr("name", ""), s.AttrOr("value", "")) })
	form.Find(`button[name]`).Each(func(_ int, s *goquery.Selection) { fields.Set(s.AttrOr("name", ""), s.AttrOr("value", "")) })
	if fields.Get("_csrf") == "" || strings.ToLower(form.AttrOr("method", "")) != "post" {
		t.Fatalf("the Disconnect form is not a POST with a CSRF token")
	}
	p = b.post(action.String(), fields)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("Disconnect ended with %d:\n%s\nlogs:\n%s", p.StatusCode, p.Body, e.logs.String())
	}
	wantStatusInfo(t, "getCredentials after Disconnect", pf.call(http.MethodGet, ob3Credentials, tok.AccessToken, "", nil), "unauthorizedrequest", http.StatusUnauthorized)
	wantOAuthError(t, "refresh after Disconnect", pf.refresh(tok.RefreshToken), http.StatusBadRequest, "invalid_grant")
}

// repeatReader is an endless run of one byte.
type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestOBAPIRefusal_PushedNonBadgesAndForgeries(t *testing.T) {
	t.Parallel()
	e, b, pf := obSetup(t, nil)
	tok := pf.connect(b, ob3AllScopes)
	is := newTestIssuer(t)
	from := time.Now().Add(-48 * time.Hour)

	tampered := func() []byte {
		var doc map[string]any
		json.Unmarshal(is.signLD(t, is.credential(credentialID(3), "Basket Weaving", obLearner, from)), &doc)
		doc["name"] = "Master Basket Weaver"
		out, _ := json.Marshal(doc)
		return out
	}()
	signedByAnother := func() []byte {
		other := newTestIssuer(t)
		signed, err := ldproof.Sign(is.credential(credentialID(4), "Basket Weaving", obLearner, from), other.priv, is.vm, ldproof.SuiteEddsaRdfc2022, from)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(signed)
		return out
	}()
	tamperedJWS := func() string {
		jws := string(is.signJWT(t, is.credential(credentialID(5), "Basket Weaving", obLearner, from)))
		parts := strings.Split(jws, ".")
		sig := []byte(parts[2])
		if sig[0] == 'A' {
			sig[0] = 'B'
		} else {
			sig[0] = 'A'
		}
		return parts[0] + "." + parts[1] + "." + string(sig)
	}()

	for _, c := range []struct {
		name, ctype string
		body        []byte
	}{
		{"not a badge", "application/json", []byte(`{"hello":"world"}`)},
		{"not JSON", "application/json", []byte(`Remember to buy milk.`)},
		{"a badge for someone else", "application/json", is.signLD(t, is.credential(credentialID(6), "Basket Weaving", "someone.else@example.org", from))},
		{"a forged badge: changed after signing", "application/json", tampered},
		{"a forged badge: signed with another key", "application/json", signedByAnother},
		{"a forged compact JWS", "text/plain", []byte(tamperedJWS)},
		{"an unsigned credential", "application/json", badgeJSON(t, is.credential(credentialID(7), "Basket Weaving", obLearner, from))},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := pf.call(http.MethodPost, ob3Credentials, tok.AccessToken, c.ctype, bytes.NewReader(c.body))
			wantStatusInfo(t, c.name, r, "invalid_data", http.StatusBadRequest, http.StatusUnprocessableEntity)
			if n := countBadges(t, e, obLearner); n != 0 {
				t.Fatalf("%d badges stored after %s", n, c.name)
			}
		})
	}
	t.Run("a body over the upload limit", func(t *testing.T) {
		// The upload limit is an uploaded file's (web.ImportMaxFileBytes).
		pushOversized(t, pf, tok.AccessToken, pf.satchel+ob3Credentials, web.ImportMaxFileBytes+1, false)
		pushOversized(t, pf, tok.AccessToken, pf.satchel+ob3Credentials, web.ImportMaxFileBytes+1, true)
		pushOversized(t, pf, tok.AccessToken, pf.satchel+ob3Credentials, 21<<20, false)
	})
	if total, n := listTotal(t, pf, tok.AccessToken); total != "0" || n != 0 {
		t.Errorf("after the refusals the list has X-Total-Count %q and %d credentials", total, n)
	}
}

// pushOversized posts size bytes of JSON to u, with its length given or
// chunked, and wants 413.
func pushOversized(t *testing.T, pf *platform, token, u string, size int, chunked bool) {
	t.Helper()
	prefix := `{"assertion":{"@context":"`
	body := io.MultiReader(strings.NewReader(prefix), io.LimitReader(repeatReader('a'), int64(size-len(prefix))))
	req, _ := http.NewRequest(http.MethodPost, u, body)
	if !chunked {
		req.ContentLength = int64(size)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := pf.hc.Do(req)
	if err != nil {
		t.Fatalf("the oversized push got no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a %d-byte push (chunked %v) to %s answered %d, want 413", size, chunked, u, resp.StatusCode)
	}
}

func badgeJSON(t *testing.T, v any) []byte {
	t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOBAPIRefusal_BadgeConnectPushes(t *testing.T) {
	t.Parallel()
	is := newIssuer20(t)
	e := MustStart(t, withIssuer(is))
	b := e.browser()
	b.devSignIn("Grace Hopper", "grace@example.org")
	pf := newPlatform(t, e.ts.URL, "Example Moodle")
	pf.discoverBadgeConnect()
	scopes := []string{scopeAssertionReadonly, scopeAssertionCreate, scopeBCProfileReadonly, scopeOfflineAccess}
	pf.mustRegister(scopes...)
	tok := pf.connect(b, scopes)

	is.hosted(t, "else", "someone.else@example.org")
	is.mu.Lock()
	forElse := json.RawMessage(is.docs["/assertions/else.json"])
	is.mu.Unlock()
	// A forgery: the assertion as posted names Grace, the issuer's hosted
	// copy at its id names someone else.
	var forged map[string]any
	json.Unmarshal(forElse, &forged)
	forged["recipient"] = map[string]any{"type": "email", "hashed": true, "salt": "salt", "identity": hashedIdentity("grace@example.org", "salt")}
	for name, body := range map[string]any{
		"an assertion for someone else":                  map[string]any{"assertion": forElse},
		"an assertion that differs from its hosted copy": map[string]any{"assertion": forged},
		"not an assertion":                               map[string]any{"assertion": map[string]any{"hello": "world"}},
		"no assertion":                                   map[string]any{"badge": "x"},
	} {
		r := pf.postJSON(pf.apiBase+"/assertions", tok.AccessToken, body)
		if r.Status < 400 || r.Status >= 500 {
			t.Errorf("%s: %d, want a 4xx refusal: %s", name, r.Status, r.Body)
			continue
		}
		wantBCStatus(t, name, r, r.Status)
	}
	t.Run("over the upload limit, its length given", func(t *testing.T) {
		pushOversized(t, pf, tok.AccessToken, pf.apiBase+"/assertions", web.ImportMaxFileBytes+1, false)
	})
	t.Run("over the upload limit, chunked", func(t *testing.T) {
		pushOversized(t, pf, tok.AccessToken, pf.apiBase+"/assertions", web.ImportMaxFileBytes+1, true)
	})
	if n := countBadges(t, e, "grace@example.org"); n != 0 {
		t.Errorf("%d badges stored from refused assertions", n)
	}
	// Badge Connect's 401 and 403.
	r := pf.call(http.MethodGet, pf.apiBase+"/assertions", "", "", nil)
	if r.Status != http.StatusUnauthorized {
		t.Errorf("GET /assertions without a token: %d, want 401", r.Status)
	}
	ro := pf.connect(b, []string{scopeAssertionReadonly, scopeOfflineAccess})
	r = pf.postJSON(pf.apiBase+"/assertions", ro.AccessToken, map[string]any{"assertion": forElse})
	if r.Status != http.StatusForbidden {
		t.Errorf("POST /assertions with assertion.readonly only: %d, want 403: %s", r.Status, r.Body)
	}
}

func TestOBAPIRefusal_Registration(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	pf := newPlatform(t, e.ts.URL, "Example LMS")
	pf.discoverOB3()
	for _, c := range []struct {
		name   string
		change func(map[string]any)
		code   string
	}{
		{"http redirect URI off loopback", func(m map[string]any) { m["redirect_uris"] = []string{"http://lms.example/cb"} }, "invalid_redirect_uri"},
		{"redirect URI with a fragment", func(m map[string]any) { m["redirect_uris"] = []string{pf.redirectURI + "#x"} }, "invalid_redirect_uri"},
		{"no redirect URI", func(m map[string]any) { delete(m, "redirect_uris") }, "invalid_redirect_uri"},
		{"terms on another host", func(m map[string]any) { m["tos_uri"] = "https://elsewhere.example/terms" }, "invalid_client_metadata"},
		{"an unknown scope", func(m map[string]any) { m["scope"] = "https://purl.imsglobal.org/spec/ob/v3p0/scope/everything" }, "invalid_client_metadata"},
		{"implicit grant", func(m map[string]any) { m["grant_types"] = []string{"implicit"} }, "invalid_client_metadata"},
		{"client_secret_post", func(m map[string]any) { m["token_endpoint_auth_method"] = "client_secret_post" }, "invalid_client_metadata"},
		{"no client name", func(m map[string]any) { delete(m, "client_name") }, "invalid_client_metadata"},
	} {
		t.Run(c.name, func(t *testing.T) {
			meta := pf.metadata(ob3AllScopes...)
			c.change(meta)
			status, m := pf.register(meta)
			if status != http.StatusBadRequest || m["error"] != c.code {
				t.Errorf("got %d %v, want 400 %s", status, m, c.code)
			}
			if m["client_id"] != nil {
				t.Error("a refused registration gave a client_id")
			}
		})
	}
}

// linkRels parses an RFC 8288 Link header into rel → URL.
func linkRels(h string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		i := strings.Index(part, ">")
		if !strings.HasPrefix(part, "<") || i < 0 {
			continue
		}
		target := part[1:i]
		for _, p := range strings.Split(part[i+1:], ";") {
			p = strings.TrimSpace(p)
			if v, ok := strings.CutPrefix(p, "rel="); ok {
				for _, rel := range strings.Fields(strings.Trim(v, `"`)) {
					out[rel] = target
				}
			}
		}
	}
	return out
}

func TestOBAPI_CredentialsPagingAndCompactJWS(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	tok := pf.connect(b, ob3AllScopes)
	is := newTestIssuer(t)
	from := time.Now().Add(-72 * time.Hour)
	for i := 1; i <= 2; i++ {
		c := is.signLD(t, is.credential(credentialID(10+i), "Basket Weaving "+strconv.Itoa(i), obLearner, from.Add(time.Duration(i)*time.Hour)))
		if r := pf.postJSON(ob3Credentials, tok.AccessToken, c); r.Status != http.StatusCreated {
			t.Fatalf("push %d answered %d: %s", i, r.Status, r.Body)
		}
	}
	jws := string(is.signJWT(t, is.credential(credentialID(13), "Basket Weaving 3", obLearner, from.Add(3*time.Hour))))
	r := pf.call(http.MethodPost, ob3Credentials, tok.AccessToken, "text/plain", strings.NewReader(jws))
	if r.Status != http.StatusCreated || strings.TrimSpace(string(r.Body)) != jws {
		t.Fatalf("a compact JWS push answered %d with %q, want 201 and the JWS as sent", r.Status, r.Body)
	}

	page := func(offset int) (map[string]string, int) {
		t.Helper()
		r := pf.call(http.MethodGet, ob3Credentials+"?limit=1&offset="+strconv.Itoa(offset), tok.AccessToken, "", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("offset %d: %d %s", offset, r.Status, r.Body)
		}
		if got := r.Header.Get("X-Total-Count"); got != "3" {
			t.Errorf("offset %d: X-Total-Count %q, want 3", offset, got)
		}
		var list struct {
			Credential       []json.RawMessage `json:"credential"`
			CompactJwsString []string          `json:"compactJwsString"`
		}
		json.Unmarshal(r.Body, &list)
		return linkRels(r.Header.Get("Link")), len(list.Credential) + len(list.CompactJwsString)
	}
	for offset, want := range []map[string]bool{
		0: {"first": true, "last": true, "next": true, "prev": false},
		1: {"first": true, "last": true, "next": true, "prev": true},
		2: {"first": true, "last": true, "next": false, "prev": true},
	} {
		rels, n := page(offset)
		if n != 1 {
			t.Errorf("offset %d: %d credentials on a page of limit 1", offset, n)
		}
		for rel, present := range want {
			if _, ok := rels[rel]; ok != present {
				t.Errorf("offset %d: Link rel %s present=%v, want %v (Link %v)", offset, rel, ok, present, rels)
			}
		}
		if next, ok := rels["next"]; ok {
			u, err := url.Parse(next)
			if err != nil || u.Query().Get("offset") != strconv.Itoa(offset+1) || u.Query().Get("limit") != "1" {
				t.Errorf("offset %d: next is %q", offset, next)
			}
		}
	}
	// Reading all: the JWS comes back as compactJwsString.
	r = pf.call(http.MethodGet, ob3Credentials, tok.AccessToken, "", nil)
	var all struct {
		Credential       []json.RawMessage `json:"credential"`
		CompactJwsString []string          `json:"compactJwsString"`
	}
	json.Unmarshal(r.Body, &all)
	if len(all.Credential) != 2 || len(all.CompactJwsString) != 1 || all.CompactJwsString[0] != jws {
		t.Errorf("the full list: %s", r.Body)
	}
	// since: only credentials issued after it.
	since := from.Add(150 * time.Minute).UTC().Format(time.RFC3339)
	r = pf.call(http.MethodGet, ob3Credentials+"?since="+url.QueryEscape(since), tok.AccessToken, "", nil)
	if got := r.Header.Get("X-Total-Count"); r.Status != http.StatusOK || got != "1" {
		t.Errorf("since=%s: %d X-Total-Count %q, want the one issued after it: %s", since, r.Status, got, r.Body)
	}
}

// TestOBAPI_ConsentPageOverHTTP: a learner who is not signed in signs in
// first and comes back to the same request; the page names the platform
// and its host in plain text, says what the scopes allow, and cannot be
// framed.
func TestOBAPI_ConsentPageOverHTTP(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	pf := newPlatform(t, e.ts.URL, "Satchel Official Importer")
	// The platform's own address is on localhost, which Satchel (on
	// 127.0.0.1) is not: the host shown is the platform's.
	local := strings.Replace(pf.site.URL, "127.0.0.1", "localhost", 1)
	pf.redirectURI = local + "/oauth/callback"
	pf.discoverOB3()
	meta := pf.metadata(ob3AllScopes...)
	for _, k := range []string{"client_uri", "tos_uri", "policy_uri"} {
		meta[k] = strings.Replace(meta[k].(string), "127.0.0.1", "localhost", 1)
	}
	status, m := pf.register(meta)
	if status != http.StatusCreated {
		t.Fatalf("registration: %d %v", status, m)
	}
	pf.clientID, pf.clientSecret = str(m["client_id"]), str(m["client_secret"])

	b := e.browser()
	ar := pf.authorize(ob3AllScopes)
	b.follow = false
	p := b.get(ar.URL)
	for i := 0; i < 5 && p.StatusCode >= 300 && p.StatusCode < 400; i++ {
		loc, _ := p.Request.URL.Parse(p.Header.Get("Location"))
		if !strings.HasPrefix(loc.String(), e.ts.URL) {
			t.Fatalf("a learner who is not signed in was sent to %s", loc)
		}
		p = b.get(loc.String())
	}
	b.follow = true
	if p.Request.URL.Path != "/signin" {
		t.Fatalf("a learner who is not signed in ended at %s (%d), want the sign-in page", p.Request.URL, p.StatusCode)
	}
	p = b.devSignIn("Ada Lovelace", obLearner)
	if !strings.HasPrefix(p.Request.URL.Path, "/oauth/consent/") {
		t.Fatalf("after signing in the learner is at %s, not back at the consent page", p.Request.URL)
	}
	if p.Header.Get("X-Frame-Options") != "DENY" && !strings.Contains(p.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Error("the consent page may be framed (clickjacking)")
	}
	mainAll := strings.Join(strings.Fields(p.Doc.Find("main").Text()), " ")
	if !strings.Contains(mainAll, pf.name) {
		t.Errorf("the consent page does not name the platform:\n%s", mainAll)
	}
	if !strings.Contains(mainAll, "localhost") {
		t.Errorf("the consent page does not show the platform's host localhost in plain text:\n%s", mainAll)
	}
	if !strings.Contains(strings.ToLower(mainAll), "badges") || !strings.Contains(strings.ToLower(mainAll), "name") {
		t.Errorf("the consent page does not say in words what all four scopes allow:\n%s", mainAll)
	}
	allow := p.Doc.Find(`form button[type="submit"][name="decision"][value="allow"]`)
	deny := p.Doc.Find(`form button[type="submit"][name="decision"][value="deny"]`)
	if strings.TrimSpace(allow.Text()) != "Allow" || strings.TrimSpace(deny.Text()) != "Deny" {
		t.Errorf("the consent form's buttons: allow %q deny %q", allow.Text(), deny.Text())
	}

	// A narrower request reads differently.
	ar = pf.authorize([]string{scopeCredentialReadonly})
	p = b.get(ar.URL)
	mainRead := strings.Join(strings.Fields(p.Doc.Find("main").Text()), " ")
	if !strings.HasPrefix(p.Request.URL.Path, "/oauth/consent/") || mainRead == mainAll {
		t.Errorf("asking for credential.readonly alone shows the same page as asking for everything:\n%s", mainRead)
	}
}

// The implicit grant is not offered: no token in the redirect (RFC 6749
// § 4.1.2.1).
func TestOBAPIRefusal_UnsupportedResponseType(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	ar := pf.authorize(ob3AllScopes, func(q url.Values) { q.Set("response_type", "token") })
	pf.refused(t, b, ar, "allow", "unsupported_response_type", "response_type=token")
}

// TestOBAPIRefusal_CodeRedeemedOnceUnderConcurrency sends the same code
// to the token endpoint many times at once: exactly one gets tokens.
func TestOBAPIRefusal_CodeRedeemedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	code, ar := pf.codeHTTP(b, ob3AllScopes)
	const n = 8
	results := make(chan tokenResponse, n)
	start := make(chan struct{})
	for range n {
		go func() {
			<-start
			results <- pf.tokenRequest(pf.exchangeForm(code, ar.Verifier))
		}()
	}
	close(start)
	ok := 0
	for range n {
		tr := <-results
		switch {
		case tr.Status == http.StatusOK && tr.AccessToken != "":
			ok++
		case tr.Status == http.StatusBadRequest && tr.Error == "invalid_grant":
		default:
			t.Errorf("a concurrent redemption answered %d %v", tr.Status, tr.Raw)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d concurrent redemptions of one code got tokens, want exactly 1", ok, n)
	}
}

// TestOBAPIRefusal_RefreshTokenRotatedOnceUnderConcurrency refreshes with
// the same refresh token many times at once: at most one gets tokens.
func TestOBAPIRefusal_RefreshTokenRotatedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	tok := pf.connect(b, ob3AllScopes)
	const n = 8
	results := make(chan tokenResponse, n)
	start := make(chan struct{})
	for range n {
		go func() {
			<-start
			results <- pf.refresh(tok.RefreshToken)
		}()
	}
	close(start)
	ok := 0
	for range n {
		tr := <-results
		switch {
		case tr.Status == http.StatusOK && tr.AccessToken != "":
			ok++
		case tr.Status == http.StatusBadRequest && tr.Error == "invalid_grant":
		default:
			t.Errorf("a concurrent refresh answered %d %v", tr.Status, tr.Raw)
		}
	}
	if ok > 1 {
		t.Errorf("%d of %d concurrent refreshes with one refresh token got tokens, want at most 1", ok, n)
	}
}

// TestOBAPI_SecretsAreNotStoredInTheClear looks for the client secret, the
// code and the tokens in the database files: only their hashes may be
// there.
func TestOBAPI_SecretsAreNotStoredInTheClear(t *testing.T) {
	t.Parallel()
	e, b, pf := obSetup(t, nil)
	if e.dbPath == "" {
		t.Skip("the database is not a file here")
	}
	code, ar := pf.codeHTTP(b, ob3AllScopes)
	tok := pf.exchange(code, ar.Verifier)
	tok2 := mustTokens(t, pf.refresh(tok.RefreshToken), true)
	// The database file and its write-ahead log hold every row written.
	var data []byte
	for _, suffix := range []string{"", "-wal"} {
		if b, err := os.ReadFile(e.dbPath + suffix); err == nil {
			data = append(data, b...)
		}
	}
	// The client_id is no secret and is stored as is: finding it shows the
	// search sees what was written.
	if !bytes.Contains(data, []byte(pf.clientID)) {
		t.Fatal("the client_id is not in the database files: this search cannot see what was written")
	}
	for what, secret := range map[string]string{
		"client secret": pf.clientSecret, "code": code,
		"access token": tok.AccessToken, "refresh token": tok.RefreshToken,
		"second access token": tok2.AccessToken, "second refresh token": tok2.RefreshToken,
	} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("the %s is stored in the clear", what)
		}
	}
}

// TestOBAPI_UpsertReplacesTheSameCredential pushes a newer version of a
// credential (same id, later validFrom, another name): 200, one badge,
// the newer name.
func TestOBAPI_UpsertReplacesTheSameCredential(t *testing.T) {
	t.Parallel()
	e, b, pf := obSetup(t, nil)
	tok := pf.connect(b, ob3AllScopes)
	is := newTestIssuer(t)
	id := credentialID(20)
	t0 := time.Now().Add(-10 * 24 * time.Hour)
	v1 := is.signLD(t, is.credential(id, "Basket Weaving", obLearner, t0))
	v2 := is.signLD(t, is.credential(id, "Basket Weaving II", obLearner, t0.Add(24*time.Hour)))
	if r := pf.postJSON(ob3Credentials, tok.AccessToken, v1); r.Status != http.StatusCreated {
		t.Fatalf("v1: %d %s", r.Status, r.Body)
	}
	r := pf.postJSON(ob3Credentials, tok.AccessToken, v2)
	if r.Status != http.StatusOK || !sameJSON(r.Body, v2) {
		t.Fatalf("a newer version of the same credential answered %d, want 200 with it: %s", r.Status, r.Body)
	}
	if n := countBadges(t, e, obLearner); n != 1 {
		t.Errorf("%d badges after replacing, want 1", n)
	}
	r = pf.call(http.MethodGet, ob3Credentials, tok.AccessToken, "", nil)
	var list struct {
		Credential []map[string]any `json:"credential"`
	}
	json.Unmarshal(r.Body, &list)
	if len(list.Credential) != 1 || list.Credential[0]["name"] != "Basket Weaving II" {
		t.Errorf("after replacing, the list has %s", r.Body)
	}
}

// TestOBAPIRefusal_ConsentAnsweredOnce: a consent request, once answered,
// gives no second code, whether it was allowed or denied.
func TestOBAPIRefusal_ConsentAnsweredOnce(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	for _, first := range []string{"allow", "deny"} {
		t.Run(first+" then allow", func(t *testing.T) {
			ar := pf.authorize(ob3AllScopes)
			action, fields, early := consentForm(t, b, ar.URL)
			if early != nil {
				t.Fatalf("no consent page: %s", early)
			}
			answerConsent(t, b, action, fields, first)
			b.follow = false
			f := url.Values{}
			for k, v := range fields {
				f[k] = v
			}
			f.Set("decision", "allow")
			p := b.post(action, f)
			b.follow = true
			if loc := p.Header.Get("Location"); strings.Contains(loc, "code=") {
				t.Errorf("the consent request answered %s once gave a code again: %s", first, loc)
			}
			if p.StatusCode < 300 {
				t.Errorf("answering the consent request again: %d", p.StatusCode)
			}
		})
	}
}

// TestOBAPIRefusal_DeletedAccountsTokens: once the learner deletes the
// account, the platform's tokens are worth nothing.
func TestOBAPIRefusal_DeletedAccountsTokens(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	tok := pf.connect(b, ob3AllScopes)
	p := b.submit("/account/delete", "/account/delete", url.Values{"confirm": {"delete"}})
	if p.signedInAs() != "" {
		t.Fatalf("the account was not deleted: at %s signed in as %q", p.Request.URL, p.signedInAs())
	}
	wantStatusInfo(t, "getCredentials after the account was deleted", pf.call(http.MethodGet, ob3Credentials, tok.AccessToken, "", nil), "unauthorizedrequest", http.StatusUnauthorized)
	wantOAuthError(t, "refresh after the account was deleted", pf.refresh(tok.RefreshToken), http.StatusBadRequest, "invalid_grant")
}

// TestOBAPIRefusal_RevocationNeedsTheClient: RFC 7009 § 2.1, the
// revocation request authenticates the client like the token request.
func TestOBAPIRefusal_RevocationNeedsTheClient(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	tok := pf.connect(b, ob3AllScopes)
	for name, auth := range map[string][2]string{
		"no client authentication": {"", ""},
		"a wrong client secret":    {pf.clientID, pf.clientSecret + "x"},
	} {
		req, _ := http.NewRequest(http.MethodPost, pf.revocationURL, strings.NewReader(url.Values{"token": {tok.RefreshToken}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth[0] != "" {
			req.SetBasicAuth(url.QueryEscape(auth[0]), url.QueryEscape(auth[1]))
		}
		resp, err := pf.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || m["error"] != "invalid_client" {
			t.Errorf("revocation with %s: %d %v, want 401 invalid_client", name, resp.StatusCode, m)
		}
	}
	// Nothing was revoked.
	mustTokens(t, pf.refresh(tok.RefreshToken), true)
}

func TestOBAPIRefusal_BadQueryParameters(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	tok := pf.connect(b, ob3AllScopes)
	for _, q := range []string{"limit=-1", "limit=0", "limit=ten", "offset=-1", "since=yesterday"} {
		r := pf.call(http.MethodGet, ob3Credentials+"?"+q, tok.AccessToken, "", nil)
		wantStatusInfo(t, q, r, "invalid_query_parameter", http.StatusBadRequest)
	}
}

// TestOBAPIRefusal_RepeatedParameters: RFC 6749 § 3.1 and § 3.2, a
// parameter may not be sent twice.
func TestOBAPIRefusal_RepeatedParameters(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	t.Run("token endpoint", func(t *testing.T) {
		code, ar := pf.codeHTTP(b, ob3AllScopes)
		f := pf.exchangeForm(code, ar.Verifier)
		f.Add("code_verifier", ar.Verifier)
		wantOAuthError(t, "code_verifier twice", pf.tokenRequest(f), http.StatusBadRequest, "invalid_request")
	})
	t.Run("authorization endpoint, redirect_uri twice", func(t *testing.T) {
		ar := pf.authorize(ob3AllScopes, func(q url.Values) { q.Add("redirect_uri", pf.redirectURI) })
		b.follow = false
		defer func() { b.follow = true }()
		p := b.get(ar.URL)
		if p.StatusCode != http.StatusBadRequest || p.Header.Get("Location") != "" {
			t.Errorf("redirect_uri twice: %d Location %q, want 400 and no redirect", p.StatusCode, p.Header.Get("Location"))
		}
	})
	t.Run("authorization endpoint, scope twice", func(t *testing.T) {
		ar := pf.authorize([]string{scopeCredentialReadonly}, func(q url.Values) { q.Add("scope", scopeCredentialUpsert) })
		pf.refused(t, b, ar, "allow", "invalid_request", "scope twice")
	})
}

// TestOBAPIRefusal_ClientWithoutTheRefreshGrant: a client registered for
// authorization_code alone gets no refresh token, and the refresh grant
// is unauthorized_client for it (RFC 6749 § 5.2).
func TestOBAPIRefusal_ClientWithoutTheRefreshGrant(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada Lovelace", obLearner)
	pf := newPlatform(t, e.ts.URL, "Example LMS")
	pf.discoverOB3()
	meta := pf.metadata(ob3AllScopes...)
	meta["grant_types"] = []string{"authorization_code"}
	status, m := pf.register(meta)
	if status != http.StatusCreated {
		t.Fatalf("registration: %d %v", status, m)
	}
	pf.clientID, pf.clientSecret = str(m["client_id"]), str(m["client_secret"])
	code, ar := pf.codeHTTP(b, ob3AllScopes)
	tok := mustTokens(t, pf.tokenRequest(pf.exchangeForm(code, ar.Verifier)), false)
	if tok.RefreshToken != "" {
		t.Errorf("a client without the refresh_token grant got a refresh token")
	}
	wantOAuthError(t, "the refresh grant for a client without it", pf.refresh("anything"), http.StatusBadRequest, "unauthorized_client")
}

// A credential in a media type upsertCredential does not take is 415, with
// Satchel's own words for the platform, and nothing is stored.
func TestOBAPIRefusal_UnsupportedMediaType(t *testing.T) {
	t.Parallel()
	_, b, pf := obSetup(t, nil)
	tok := pf.connect(b, ob3AllScopes)
	r := pf.call(http.MethodPost, ob3Credentials, tok.AccessToken, "text/html", strings.NewReader("<p>a badge</p>"))
	wantStatusInfo(t, "a credential as text/html", r, "unknown", http.StatusUnsupportedMediaType)
	if !strings.Contains(string(r.Body), "application/json") {
		t.Errorf("the 415 does not say which media types are taken: %s", r.Body)
	}
	if total, n := listTotal(t, pf, tok.AccessToken); total != "0" || n != 0 {
		t.Errorf("after a refused push the list has %s (%d) credentials", total, n)
	}
}
