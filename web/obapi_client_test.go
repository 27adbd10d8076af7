package web_test

// A client of Satchel's Open Badges APIs, written from the specifications
// and not from Satchel's code: the Open Badges 3.0 API (§ 6 and § 7, the
// service description document), Badge Connect (Open Badges 2.1: the
// manifest, /assertions, /profile), OAuth 2.0 (RFC 6749), dynamic client
// registration (RFC 7591), PKCE (RFC 7636) and token revocation (RFC
// 7009). It speaks plain HTTP and JSON, as a learning platform would; the
// learner's side (signing in, consenting) is played by the test's browser
// helpers or by Chromium.

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// The scope URIs the specifications define (OB 3.0 § 6.2.1; OB 2.1
// "Scopes").
const (
	scopeCredentialReadonly = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"
	scopeCredentialUpsert   = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"
	scopeProfileReadonly    = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly"
	scopeProfileUpdate      = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update"

	scopeAssertionReadonly = "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly"
	scopeAssertionCreate   = "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.create"
	scopeBCProfileReadonly = "https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.readonly"
	scopeOfflineAccess     = "offline_access"
)

var ob3AllScopes = []string{scopeCredentialReadonly, scopeCredentialUpsert, scopeProfileReadonly, scopeProfileUpdate}

// The well-known addresses a platform starts from.
const (
	ob3DiscoveryPath = "/ims/ob/v3p0/discovery"
	ob3Credentials   = "/ims/ob/v3p0/credentials"
	ob3Profile       = "/ims/ob/v3p0/profile"
	bcManifestPath   = "/.well-known/badgeconnect.json"
)

// platform is one learning platform: its own web site on loopback (its
// client_uri, and the redirect URI that records what the authorization
// server sends back), the endpoints it discovered, and its registration.
type platform struct {
	t    testing.TB
	name string
	// satchel is the backpack's base URL, the one thing a platform is told.
	satchel string
	hc      *http.Client // no cookies; redirects are not followed
	site    *httptest.Server
	// redirectURI is the registered redirect URI (on site).
	redirectURI string
	callbacks   chan url.Values

	registrationURL, authorizationURL, tokenURL, refreshURL, revocationURL string
	// apiBase is Badge Connect's apiBase (from the manifest).
	apiBase string

	clientID, clientSecret string
}

func newPlatform(t testing.TB, satchel, name string) *platform {
	t.Helper()
	pf := &platform{t: t, name: name, satchel: strings.TrimSuffix(satchel, "/"), callbacks: make(chan url.Values, 16)}
	pf.hc = &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	pf.site = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/callback" {
			select {
			case pf.callbacks <- r.URL.Query():
			default:
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, `<!doctype html><html lang="en"><title>Back at the platform</title><main><h1 id="platform-callback">Back at `+name+`</h1></main></html>`)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html lang="en"><title>`+name+`</title><main><h1>`+name+`</h1></main></html>`)
	}))
	t.Cleanup(pf.site.Close)
	pf.redirectURI = pf.site.URL + "/oauth/callback"
	return pf
}

// abs checks that a discovered URL is absolute, as the specifications'
// examples are, and returns it.
func (pf *platform) abs(what, s string) string {
	pf.t.Helper()
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" {
		pf.t.Fatalf("%s %q is not an absolute URL", what, s)
	}
	return s
}

// getJSON fetches a JSON document without credentials.
func (pf *platform) getJSON(u string) (int, http.Header, map[string]any) {
	pf.t.Helper()
	resp, err := pf.hc.Get(u)
	if err != nil {
		pf.t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &m); err != nil {
			pf.t.Fatalf("GET %s: not a JSON object (%v):\n%s", u, err, body)
		}
	}
	return resp.StatusCode, resp.Header, m
}

// discoverOB3 reads the service description document (OB 3.0 § 6.3,
// Appendix B.4) and, for the revocation endpoint the document has no
// place for, the Badge Connect manifest of the same authorization server.
func (pf *platform) discoverOB3() map[string]any {
	t := pf.t
	t.Helper()
	status, h, doc := pf.getJSON(pf.satchel + ob3DiscoveryPath)
	if status != http.StatusOK {
		t.Fatalf("discovery answered %d; it must not be protected (OB 3.0 § 6.3)", status)
	}
	if ct := h.Get("Content-Type"); !strings.Contains(ct, "json") {
		t.Errorf("discovery Content-Type %q", ct)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.0") {
		t.Errorf("discovery openapi = %v, want 3.0.x", doc["openapi"])
	}
	info := jsonObj(t, doc, "info")
	// Appendix B.4.3: title, version, termsOfService and
	// x-imssf-privacyPolicyUrl are required.
	for _, k := range []string{"title", "version", "termsOfService", "x-imssf-privacyPolicyUrl"} {
		if str(info[k]) == "" {
			t.Errorf("discovery info.%s is missing", k)
		}
	}
	acg := jsonObj(t, doc, "components", "securitySchemes", "OAuth2ACG")
	if acg["type"] != "oauth2" {
		t.Errorf("OAuth2ACG.type = %v", acg["type"])
	}
	reg, _ := acg["x-imssf-registrationUrl"].(string)
	pf.registrationURL = pf.abs("x-imssf-registrationUrl", reg)
	flow := jsonObj(t, acg, "flows", "authorizationCode")
	pf.authorizationURL = pf.abs("authorizationUrl", str(flow["authorizationUrl"]))
	pf.tokenURL = pf.abs("tokenUrl", str(flow["tokenUrl"]))
	if r := str(flow["refreshUrl"]); r != "" {
		pf.refreshURL = pf.abs("refreshUrl", r)
	} else {
		pf.refreshURL = pf.tokenURL
	}
	scopes := jsonObj(t, flow, "scopes")
	for _, s := range ob3AllScopes {
		if _, ok := scopes[s]; !ok {
			t.Errorf("discovery scopes lack %s; have %v", s, keys(scopes))
		}
	}
	// The same authorization server revokes tokens for both APIs.
	m := pf.fetchManifest()
	pf.revocationURL = pf.abs("tokenRevocationUrl", str(m["tokenRevocationUrl"]))
	return doc
}

// fetchManifest reads the last badgeConnectAPI entry of the Badge Connect
// manifest (the one Moodle uses).
func (pf *platform) fetchManifest() map[string]any {
	t := pf.t
	t.Helper()
	status, _, doc := pf.getJSON(pf.satchel + bcManifestPath)
	if status != http.StatusOK {
		t.Fatalf("the Badge Connect manifest answered %d", status)
	}
	apis, _ := doc["badgeConnectAPI"].([]any)
	if len(apis) == 0 {
		t.Fatalf("manifest has no badgeConnectAPI entries: %v", doc)
	}
	m, ok := apis[len(apis)-1].(map[string]any)
	if !ok {
		t.Fatalf("badgeConnectAPI entry is not an object: %v", apis[len(apis)-1])
	}
	return m
}

// discoverBadgeConnect reads the manifest's endpoints.
func (pf *platform) discoverBadgeConnect() map[string]any {
	t := pf.t
	t.Helper()
	m := pf.fetchManifest()
	for _, k := range []string{"name", "version", "termsOfServiceUrl", "privacyPolicyUrl"} {
		if str(m[k]) == "" {
			t.Errorf("the manifest's badgeConnectAPI entry has no %s", k)
		}
	}
	pf.apiBase = strings.TrimSuffix(pf.abs("apiBase", str(m["apiBase"])), "/")
	pf.registrationURL = pf.abs("registrationUrl", str(m["registrationUrl"]))
	pf.authorizationURL = pf.abs("authorizationUrl", str(m["authorizationUrl"]))
	pf.tokenURL = pf.abs("tokenUrl", str(m["tokenUrl"]))
	pf.refreshURL = pf.tokenURL
	pf.revocationURL = pf.abs("tokenRevocationUrl", str(m["tokenRevocationUrl"]))
	offered := strs(m["scopesOffered"])
	for _, s := range []string{scopeAssertionReadonly, scopeAssertionCreate, scopeBCProfileReadonly, scopeOfflineAccess} {
		if !slices.Contains(offered, s) {
			t.Errorf("manifest scopesOffered lacks %s: %v", s, offered)
		}
	}
	return m
}

// metadata is an RFC 7591 registration request with every URL on the
// platform's own (loopback) site.
func (pf *platform) metadata(scopes ...string) map[string]any {
	return map[string]any{
		"client_name":                pf.name,
		"client_uri":                 pf.site.URL + "/",
		"tos_uri":                    pf.site.URL + "/terms",
		"policy_uri":                 pf.site.URL + "/privacy",
		"redirect_uris":              []string{pf.redirectURI},
		"scope":                      strings.Join(scopes, " "),
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"token_endpoint_auth_method": "client_secret_basic",
		"software_id":                "7f3c1d0e-5f55-4c6e-9a51-2b2a8b1f0e11",
		"software_version":           "1.0",
	}
}

// register posts a registration request as is.
func (pf *platform) register(meta map[string]any) (int, map[string]any) {
	pf.t.Helper()
	body, _ := json.Marshal(meta)
	req, _ := http.NewRequest(http.MethodPost, pf.registrationURL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := pf.hc.Do(req)
	if err != nil {
		pf.t.Fatalf("POST %s: %v", pf.registrationURL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		pf.t.Fatalf("registration answered %d with a body that is not JSON:\n%s", resp.StatusCode, raw)
	}
	return resp.StatusCode, m
}

// mustRegister registers the platform for scopes and keeps its
// credentials (RFC 7591 § 3.2.1, OB 3.0 § 7.1).
func (pf *platform) mustRegister(scopes ...string) {
	t := pf.t
	t.Helper()
	status, m := pf.register(pf.metadata(scopes...))
	if status != http.StatusCreated {
		t.Fatalf("registration answered %d, want 201: %v", status, m)
	}
	pf.clientID, pf.clientSecret = str(m["client_id"]), str(m["client_secret"])
	if pf.clientID == "" || pf.clientSecret == "" {
		t.Fatalf("registration gave no client_id or client_secret: %v", m)
	}
	if n, ok := m["client_secret_expires_at"].(float64); !ok || n != 0 {
		t.Errorf("client_secret_expires_at = %v, want 0", m["client_secret_expires_at"])
	}
	if n, ok := m["client_id_issued_at"].(float64); !ok || n <= 0 {
		t.Errorf("client_id_issued_at = %v", m["client_id_issued_at"])
	}
	if got := strs(m["redirect_uris"]); !slices.Equal(got, []string{pf.redirectURI}) {
		t.Errorf("redirect_uris echoed as %v", got)
	}
	if m["client_name"] != pf.name {
		t.Errorf("client_name echoed as %v", m["client_name"])
	}
	if got := strings.Fields(str(m["scope"])); !sameSet(got, scopes) {
		t.Errorf("scope echoed as %q, want %q", m["scope"], strings.Join(scopes, " "))
	}
}

// pkcePair is an RFC 7636 code verifier and its S256 challenge.
func pkcePair() (verifier, challenge string) {
	b := make([]byte, 32)
	rand.Read(b)
	verifier = base64.RawURLEncoding.EncodeToString(b)
	return verifier, s256(verifier)
}

// s256 is RFC 7636 § 4.2's S256 code challenge of a verifier.
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// TestOBAPIClient_S256 checks the test client's PKCE against RFC 7636
// Appendix B, so that a refusal is the server's doing.
func TestOBAPIClient_S256(t *testing.T) {
	t.Parallel()
	if got := s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); got != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" {
		t.Errorf("S256 = %s", got)
	}
	v, c := pkcePair()
	if len(v) < 43 || len(v) > 128 || s256(v) != c {
		t.Errorf("verifier %q challenge %q", v, c)
	}
	if got := linkRels(`<https://a.example/x?offset=1>; rel="next", <https://a.example/x?offset=0>; rel="first prev"`); got["next"] != "https://a.example/x?offset=1" || got["prev"] != "https://a.example/x?offset=0" || got["first"] == "" {
		t.Errorf("linkRels: %v", got)
	}
}

func randomState() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// authRequest is one authorization request with its secrets.
type authRequest struct {
	URL      string
	State    string
	Verifier string
}

// authorize builds an authorization request (RFC 6749 § 4.1.1 with RFC
// 7636 S256); change may alter the query before it is encoded.
func (pf *platform) authorize(scopes []string, change ...func(url.Values)) authRequest {
	verifier, challenge := pkcePair()
	state := randomState()
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {pf.clientID},
		"redirect_uri":          {pf.redirectURI},
		"scope":                 {strings.Join(scopes, " ")},
		"state":                 {state},
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
	}
	for _, c := range change {
		c(q)
	}
	sep := "?"
	if strings.Contains(pf.authorizationURL, "?") {
		sep = "&"
	}
	return authRequest{URL: pf.authorizationURL + sep + q.Encode(), State: state, Verifier: verifier}
}

// awaitCallback waits for the browser to arrive at the redirect URI.
func (pf *platform) awaitCallback() url.Values {
	pf.t.Helper()
	select {
	case q := <-pf.callbacks:
		return q
	case <-time.After(30 * time.Second):
		pf.t.Fatal("the browser never came back to the platform's redirect URI")
		return nil
	}
}

// tokenResponse is RFC 6749 § 5.1 (or § 5.2's error) as received.
type tokenResponse struct {
	Status int
	Header http.Header
	Raw    map[string]any

	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    any    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	Error        string `json:"error"`
}

// tokenRequestAs posts form to the token endpoint authenticated as
// id:secret with HTTP Basic (client_secret_basic; RFC 6749 § 2.3.1 encodes
// both with application/x-www-form-urlencoded first).
func (pf *platform) tokenRequestAs(endpoint, id, secret string, form url.Values) tokenResponse {
	pf.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if id != "" {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	resp, err := pf.hc.Do(req)
	if err != nil {
		pf.t.Fatalf("POST %s: %v", endpoint, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	tr := tokenResponse{Status: resp.StatusCode, Header: resp.Header}
	if err := json.Unmarshal(raw, &tr.Raw); err != nil {
		pf.t.Fatalf("the token endpoint answered %d with a body that is not a JSON object:\n%s", resp.StatusCode, raw)
	}
	json.Unmarshal(raw, &tr)
	return tr
}

func (pf *platform) tokenRequest(form url.Values) tokenResponse {
	pf.t.Helper()
	return pf.tokenRequestAs(pf.tokenURL, pf.clientID, pf.clientSecret, form)
}

// exchangeForm is the authorization code grant's token request.
func (pf *platform) exchangeForm(code, verifier string) url.Values {
	f := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {pf.redirectURI}}
	if verifier != "" {
		f.Set("code_verifier", verifier)
	}
	return f
}

// mustTokens checks a successful token response (RFC 6749 § 5.1, OB 3.0 §
// 7: Bearer, an hour, not cached).
func mustTokens(t testing.TB, tr tokenResponse, wantRefresh bool) tokenResponse {
	t.Helper()
	if tr.Status != http.StatusOK {
		t.Fatalf("token endpoint answered %d, want 200: %v", tr.Status, tr.Raw)
	}
	if tr.AccessToken == "" || !strings.EqualFold(tr.TokenType, "Bearer") {
		t.Fatalf("token response %v", tr.Raw)
	}
	if n, ok := tr.ExpiresIn.(float64); !ok || n != 3600 {
		t.Errorf("expires_in = %v, want 3600", tr.ExpiresIn)
	}
	if wantRefresh && tr.RefreshToken == "" {
		t.Fatalf("no refresh_token: %v", tr.Raw)
	}
	if cc := tr.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("token response Cache-Control %q, want no-store (RFC 6749 § 5.1)", cc)
	}
	return tr
}

// exchange trades a code for tokens.
func (pf *platform) exchange(code, verifier string) tokenResponse {
	pf.t.Helper()
	return mustTokens(pf.t, pf.tokenRequest(pf.exchangeForm(code, verifier)), true)
}

// refresh is the refresh token grant (RFC 6749 § 6).
func (pf *platform) refresh(refreshToken string) tokenResponse {
	pf.t.Helper()
	return pf.tokenRequestAs(pf.refreshURL, pf.clientID, pf.clientSecret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}})
}

// revoke is RFC 7009's revocation request.
func (pf *platform) revoke(token, hint string) int {
	pf.t.Helper()
	f := url.Values{"token": {token}}
	if hint != "" {
		f.Set("token_type_hint", hint)
	}
	req, _ := http.NewRequest(http.MethodPost, pf.revocationURL, strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(pf.clientID), url.QueryEscape(pf.clientSecret))
	resp, err := pf.hc.Do(req)
	if err != nil {
		pf.t.Fatalf("POST %s: %v", pf.revocationURL, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// wantOAuthError checks an RFC 6749 § 5.2 error response.
func wantOAuthError(t testing.TB, what string, tr tokenResponse, status int, code string) {
	t.Helper()
	if tr.Status != status || tr.Error != code {
		t.Errorf("%s: got %d %v, want %d with error %q", what, tr.Status, tr.Raw, status, code)
	}
	if tr.AccessToken != "" {
		t.Errorf("%s: an error response carried an access token", what)
	}
}

// apiResponse is a resource endpoint's answer.
type apiResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r apiResponse) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object (%v):\n%s", r.Status, err, r.Body)
	}
	return m
}

// call sends a request with a bearer token (RFC 6750 § 2.1).
func (pf *platform) call(method, u, token, contentType string, body io.Reader) apiResponse {
	pf.t.Helper()
	if !strings.HasPrefix(u, "http") {
		u = pf.satchel + u
	}
	req, _ := http.NewRequest(method, u, body)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := pf.hc.Do(req)
	if err != nil {
		pf.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return apiResponse{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

func (pf *platform) postJSON(u, token string, v any) apiResponse {
	pf.t.Helper()
	var body []byte
	switch x := v.(type) {
	case []byte:
		body = x
	default:
		body, _ = json.Marshal(v)
	}
	return pf.call(http.MethodPost, u, token, "application/json", bytes.NewReader(body))
}

// wantStatusInfo checks an OB 3.0 error: the status and an Imsx_StatusInfo
// (Appendix B.3.1) naming minor as its TargetEndSystem code.
func wantStatusInfo(t testing.TB, what string, r apiResponse, minor string, statuses ...int) {
	t.Helper()
	if !slices.Contains(statuses, r.Status) {
		t.Errorf("%s: status %d, want %v; body %s", what, r.Status, statuses, r.Body)
		return
	}
	var info struct {
		Major     string `json:"imsx_codeMajor"`
		Severity  string `json:"imsx_severity"`
		CodeMinor struct {
			Fields []struct {
				Name  string `json:"imsx_codeMinorFieldName"`
				Value string `json:"imsx_codeMinorFieldValue"`
			} `json:"imsx_codeMinorField"`
		} `json:"imsx_codeMinor"`
	}
	if err := json.Unmarshal(r.Body, &info); err != nil {
		t.Errorf("%s: body is not an Imsx_StatusInfo: %s", what, r.Body)
		return
	}
	if info.Major != "failure" || info.Severity != "error" {
		t.Errorf("%s: imsx_codeMajor %q imsx_severity %q, want failure/error; body %s", what, info.Major, info.Severity, r.Body)
	}
	var values []string
	for _, f := range info.CodeMinor.Fields {
		values = append(values, f.Value)
	}
	if !slices.Contains(values, minor) {
		t.Errorf("%s: imsx_codeMinorFieldValue %v, want %q; body %s", what, values, minor, r.Body)
	}
	if r.Status == http.StatusUnauthorized && !strings.HasPrefix(strings.ToLower(r.Header.Get("WWW-Authenticate")), "bearer") {
		t.Errorf("%s: 401 without WWW-Authenticate: Bearer (RFC 6750 § 3); got %q", what, r.Header.Get("WWW-Authenticate"))
	}
}

// --- the learner's side, over plain HTTP ---

// consentHTTP sends the signed-in learner's browser b through an
// authorization request and the consent page, answering decision ("allow"
// or "deny") with the page's own form, and returns where Satchel sends
// the browser back to the platform. Any error redirect before the consent
// page is returned as is.
func consentHTTP(t testing.TB, b *browser, authURL, decision string) *url.URL {
	t.Helper()
	action, fields, early := consentForm(t, b, authURL)
	if early != nil {
		return early
	}
	return answerConsent(t, b, action, fields, decision)
}

// consentForm follows an authorization request to the consent page and
// reads its form: where it posts and its hidden fields. When Satchel
// sends the browser straight back to the platform instead (an error), it
// returns that address as early.
func consentForm(t testing.TB, b *browser, authURL string) (action string, fields url.Values, early *url.URL) {
	t.Helper()
	prev := b.follow
	b.follow = false
	defer func() { b.follow = prev }()

	p := b.get(authURL)
	for hops := 0; p.StatusCode >= 300 && p.StatusCode < 400; hops++ {
		loc, err := p.Request.URL.Parse(p.Header.Get("Location"))
		if err != nil || hops > 5 {
			t.Fatalf("authorization redirected to %q", p.Header.Get("Location"))
		}
		if !strings.HasPrefix(loc.String(), b.e.ts.URL+"/") {
			return "", nil, loc // straight back to the platform: an error
		}
		p = b.get(loc.String())
	}
	if p.StatusCode != http.StatusOK {
		t.Fatalf("the consent page answered %d:\n%s", p.StatusCode, p.Body)
	}
	form := p.Doc.Find(`form`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.Find(`button[name="decision"]`).Length() > 0
	})
	if form.Length() != 1 {
		t.Fatalf("the consent page has %d forms with decision buttons:\n%s", form.Length(), p.Body)
	}
	if m := strings.ToLower(form.AttrOr("method", "get")); m != "post" {
		t.Fatalf("the consent form's method is %q", m)
	}
	u, err := p.Request.URL.Parse(form.AttrOr("action", ""))
	if err != nil {
		t.Fatal(err)
	}
	fields = url.Values{}
	form.Find(`input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		if n, ok := s.Attr("name"); ok {
			fields.Add(n, s.AttrOr("value", ""))
		}
	})
	if fields.Get("_csrf") == "" {
		t.Fatalf("the consent form has no _csrf field:\n%s", p.Body)
	}
	return u.String(), fields, nil
}

// answerConsent posts the consent form with decision and returns where
// Satchel redirects.
func answerConsent(t testing.TB, b *browser, action string, fields url.Values, decision string) *url.URL {
	t.Helper()
	prev := b.follow
	b.follow = false
	defer func() { b.follow = prev }()
	f := url.Values{}
	for k, v := range fields {
		f[k] = v
	}
	f.Set("decision", decision)
	p := b.post(action, f)
	if p.StatusCode != http.StatusSeeOther && p.StatusCode != http.StatusFound {
		t.Fatalf("the consent form answered %d, want a redirect:\n%s", p.StatusCode, p.Body)
	}
	loc, err := p.Request.URL.Parse(p.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// codeHTTP runs an authorization request to the learner's consent and
// returns the code, checking that the redirect is the registered URI with
// the request's state.
func (pf *platform) codeHTTP(b *browser, scopes []string) (code string, ar authRequest) {
	pf.t.Helper()
	ar = pf.authorize(scopes)
	loc := consentHTTP(pf.t, b, ar.URL, "allow")
	q := pf.backAtPlatform(loc, ar.State)
	if q.Get("code") == "" {
		pf.t.Fatalf("no code in the redirect %s", loc)
	}
	return q.Get("code"), ar
}

// backAtPlatform checks that loc is the registered redirect URI carrying
// state, and returns its query.
// refused answers the consent page for ar over HTTP with decision and
// checks that the learner comes back to the platform with the RFC 6749
// error code want and neither a code nor a token. what names the request
// in the message.
func (pf *platform) refused(t testing.TB, b *browser, ar authRequest, decision, want, what string) {
	t.Helper()
	q := pf.backAtPlatform(consentHTTP(t, b, ar.URL, decision), ar.State)
	if q.Get("error") != want || q.Get("code") != "" || q.Get("access_token") != "" {
		t.Errorf("%s came back with %v, want error=%s and neither a code nor a token", what, q, want)
	}
}

func (pf *platform) backAtPlatform(loc *url.URL, state string) url.Values {
	pf.t.Helper()
	base := *loc
	base.RawQuery = ""
	if base.String() != pf.redirectURI {
		pf.t.Fatalf("redirected to %s, not the registered %s", loc, pf.redirectURI)
	}
	q := loc.Query()
	if q.Get("state") != state {
		pf.t.Errorf("state came back as %q, want %q", q.Get("state"), state)
	}
	return q
}

// connect is a whole authorization: consent and token exchange.
func (pf *platform) connect(b *browser, scopes []string) tokenResponse {
	pf.t.Helper()
	code, ar := pf.codeHTTP(b, scopes)
	return pf.exchange(code, ar.Verifier)
}

// --- small JSON helpers ---

func jsonObj(t testing.TB, v map[string]any, path ...string) map[string]any {
	t.Helper()
	cur := v
	for i, k := range path {
		next, ok := cur[k].(map[string]any)
		if !ok {
			t.Fatalf("no object at %s", strings.Join(path[:i+1], "."))
		}
		cur = next
	}
	return cur
}

func str(v any) string { s, _ := v.(string); return s }

func strs(v any) []string {
	arr, _ := v.([]any)
	var out []string
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// testClock is a clock a test moves forward (Options.Now).
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}
