package obapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/obapi"
)

// moodleRequest is the registration Moodle's Badge Connect discovery sends:
// every scope the manifest offers, software_version as a JSON number.
const moodleRequest = `{
  "client_name": "Example School Moodle",
  "client_uri": "https://moodle.school.example/",
  "logo_uri": "https://moodle.school.example/pix/f/moodle-256.png",
  "tos_uri": "https://moodle.school.example/",
  "policy_uri": "https://moodle.school.example/",
  "software_id": "moodle",
  "software_version": 2024100700.01,
  "redirect_uris": ["https://moodle.school.example/admin/oauth2callback.php"],
  "token_endpoint_auth_method": "client_secret_basic",
  "grant_types": ["authorization_code", "refresh_token"],
  "response_types": ["code"],
  "scope": "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.create https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.readonly https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.update offline_access"
}`

// specRequest is shaped as the OB 3.0 § 7.1.1.2 example.
func specRequest() map[string]any {
	return map[string]any{
		"client_name":                "Example Client Application",
		"client_uri":                 "https://client.example.com/",
		"logo_uri":                   "https://client.example.com/logo.png",
		"tos_uri":                    "https://client.example.com/terms",
		"policy_uri":                 "https://client.example.com/privacy",
		"software_id":                "c88b6ed8-269e-448e-99be-7e2ff47167d1",
		"software_version":           "v4.0.30319",
		"redirect_uris":              []any{"https://client.example.com/Authorize"},
		"token_endpoint_auth_method": "client_secret_basic",
		"grant_types":                []any{"authorization_code", "refresh_token"},
		"response_types":             []any{"code"},
		"scope":                      "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert offline_access",
	}
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseRegistration_AcceptsMoodle(t *testing.T) {
	t.Parallel()
	r, err := obapi.ParseRegistration([]byte(moodleRequest))
	if err != nil {
		t.Fatalf("Moodle's registration refused: %v", err)
	}
	if r.SoftwareVersion != "2024100700.01" {
		t.Errorf("software_version = %q, want the number's text", r.SoftwareVersion)
	}
	if r.Host() != "moodle.school.example" {
		t.Errorf("Host = %q", r.Host())
	}
	if !r.AllowsRefresh() {
		t.Error("refresh_token was registered")
	}
	if got := r.Scopes.String(); got != obapi.Scopes(obapi.BadgeConnectScopes).String() {
		t.Errorf("scopes = %s", got)
	}
}

func TestParseRegistration_AcceptsTheSpecificationsExampleAndEchoesIt(t *testing.T) {
	t.Parallel()
	req := specRequest()
	r, err := obapi.ParseRegistration(mustMarshal(t, req))
	if err != nil {
		t.Fatal(err)
	}
	issued := time.Unix(1565715850, 0)
	resp := asJSON(t, r.Response("4ad36680810420ed", "af7aa0d679778e12", issued))
	for k, want := range req {
		if got := resp[k]; string(mustMarshal(t, got)) != string(mustMarshal(t, want)) {
			t.Errorf("response %s = %v, want %v as sent", k, got, want)
		}
	}
	for k, want := range map[string]any{
		"client_id": "4ad36680810420ed", "client_secret": "af7aa0d679778e12",
		"client_id_issued_at": float64(1565715850), "client_secret_expires_at": float64(0),
	} {
		if resp[k] != want {
			t.Errorf("response %s = %v, want %v", k, resp[k], want)
		}
	}
}

func TestParseRegistration_FillsInTheRFC7591Defaults(t *testing.T) {
	t.Parallel()
	r, err := obapi.ParseRegistration([]byte(`{"client_name":"LMS","client_uri":"https://lms.example",
		"redirect_uris":["https://lms.example/cb","https://lms.example/cb"],"unknown_field":{"x":1},"jwks_uri":"https://x.example"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.AuthMethod != "client_secret_basic" || strings.Join(r.GrantTypes, " ") != "authorization_code" ||
		strings.Join(r.ResponseTypes, " ") != "code" {
		t.Errorf("defaults: %s %v %v", r.AuthMethod, r.GrantTypes, r.ResponseTypes)
	}
	if r.AllowsRefresh() {
		t.Error("without refresh_token in grant_types there is no refresh")
	}
	if r.Scopes.String() != obapi.Scopes(obapi.Offered).String() {
		t.Errorf("absent scope should register every offered scope, got %s", r.Scopes)
	}
	if len(r.RedirectURIs) != 1 {
		t.Errorf("repeated redirect URIs should be kept once, got %v", r.RedirectURIs)
	}
	if r.LogoURI != "" || r.TermsURI != "" || r.PolicyURI != "" {
		t.Error("absent optional URIs stay empty")
	}
}

func TestParseRegistration_Refusals(t *testing.T) {
	t.Parallel()
	const (
		redirect = obapi.ErrInvalidRedirectURI
		metadata = obapi.ErrInvalidClientMetadata
	)
	for _, tc := range []struct {
		name  string
		field string
		value any // nil with del: remove the field
		del   bool
		code  obapi.ErrorCode
		says  string
	}{
		{name: "no client_name", field: "client_name", del: true, code: metadata, says: "client_name is required"},
		{name: "blank client_name", field: "client_name", value: "   ", code: metadata, says: "client_name is required"},
		{name: "client_name not a string", field: "client_name", value: 7, code: metadata, says: "client_name must be a string"},
		{name: "client_name too long", field: "client_name", value: strings.Repeat("n", 101), code: metadata, says: "longer than 100"},
		{name: "client_name hides characters", field: "client_name", value: "Example\u200bSchool", code: metadata, says: "invisible"},
		{name: "client_name turns text around", field: "client_name", value: "Example \u202eloohcS", code: metadata, says: "invisible"},
		{name: "no client_uri", field: "client_uri", del: true, code: metadata, says: "client_uri is required"},
		{name: "http client_uri", field: "client_uri", value: "http://client.example.com/", code: metadata, says: "https"},
		{name: "relative client_uri", field: "client_uri", value: "/home", code: metadata, says: "absolute"},
		{name: "client_uri with password", field: "client_uri", value: "https://a:b@client.example.com/", code: metadata, says: "user name"},
		{name: "unicode host", field: "client_uri", value: "https://clíent.example.com/", code: metadata, says: "ASCII"},
		{name: "http logo", field: "logo_uri", value: "http://client.example.com/logo.png", code: metadata, says: "logo_uri must use https"},
		{name: "data logo", field: "logo_uri", value: "data:image/png;base64,AAAA", code: metadata, says: "logo_uri"},
		{name: "logo elsewhere", field: "logo_uri", value: "https://cdn.example.net/logo.png", code: metadata, says: "logo_uri must be on the same host"},
		{name: "terms elsewhere", field: "tos_uri", value: "https://other.example/terms", code: metadata, says: "tos_uri must be on the same host"},
		{name: "policy not https", field: "policy_uri", value: "javascript:alert(1)", code: metadata, says: "policy_uri"},
		{name: "no redirect_uris", field: "redirect_uris", del: true, code: redirect, says: "at least one"},
		{name: "empty redirect_uris", field: "redirect_uris", value: []any{}, code: redirect, says: "at least one"},
		{name: "redirect_uris a string", field: "redirect_uris", value: "https://client.example.com/cb", code: redirect, says: "array of strings"},
		{name: "http redirect", field: "redirect_uris", value: []any{"http://client.example.com/cb"}, code: redirect, says: "https"},
		{name: "custom scheme redirect", field: "redirect_uris", value: []any{"com.example.app:/cb"}, code: redirect, says: "https"},
		{name: "redirect with fragment", field: "redirect_uris", value: []any{"https://client.example.com/cb#x"}, code: redirect, says: "fragment"},
		{name: "redirect with empty fragment", field: "redirect_uris", value: []any{"https://client.example.com/cb#"}, code: redirect, says: "fragment"},
		{name: "redirect elsewhere", field: "redirect_uris", value: []any{"https://client.example.com/cb", "https://attacker.example/cb"}, code: redirect, says: "same host"},
		{name: "relative redirect", field: "redirect_uris", value: []any{"/cb"}, code: redirect, says: "absolute"},
		{name: "too many redirects", field: "redirect_uris", value: []any{"https://client.example.com/1", "https://client.example.com/2", "https://client.example.com/3", "https://client.example.com/4", "https://client.example.com/5", "https://client.example.com/6", "https://client.example.com/7", "https://client.example.com/8", "https://client.example.com/9", "https://client.example.com/10", "https://client.example.com/11"}, code: redirect, says: "more than 10"},
		{name: "public client", field: "token_endpoint_auth_method", value: "none", code: metadata, says: "client_secret_basic"},
		{name: "secret in the body", field: "token_endpoint_auth_method", value: "client_secret_post", code: metadata, says: "client_secret_basic"},
		{name: "implicit grant", field: "grant_types", value: []any{"authorization_code", "implicit"}, code: metadata, says: "grant_types may list only"},
		{name: "client credentials", field: "grant_types", value: []any{"client_credentials"}, code: metadata, says: "grant_types may list only"},
		{name: "refresh alone", field: "grant_types", value: []any{"refresh_token"}, code: metadata, says: "must include authorization_code"},
		{name: "token response", field: "response_types", value: []any{"token"}, code: metadata, says: "only code"},
		{name: "two response types", field: "response_types", value: []any{"code", "code id_token"}, code: metadata, says: "only code"},
		{name: "scope not offered", field: "scope", value: "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly openid", code: metadata, says: "does not offer: openid"},
		{name: "scope an array", field: "scope", value: []any{"offline_access"}, code: metadata, says: "scope must be a string"},
		{name: "contacts not strings", field: "contacts", value: []any{1}, code: metadata, says: "contacts must be an array"},
		{name: "software_id an object", field: "software_id", value: map[string]any{}, code: metadata, says: "software_id must be a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := specRequest()
			if tc.del {
				delete(req, tc.field)
			} else {
				req[tc.field] = tc.value
			}
			_, err := obapi.ParseRegistration(mustMarshal(t, req))
			var oe *obapi.OAuthError
			if !errors.As(err, &oe) {
				t.Fatalf("accepted, want %s", tc.code)
			}
			if oe.Code != tc.code || !strings.Contains(oe.Description, tc.says) {
				t.Errorf("got %s %q, want %s saying %q", oe.Code, oe.Description, tc.code, tc.says)
			}
			if oe.Status() != http.StatusBadRequest {
				t.Errorf("status %d, want 400 (RFC 7591 § 3.2.2)", oe.Status())
			}
			if oe.Description != obapi.SafeDescription(oe.Description) {
				t.Errorf("description %q has characters RFC 6749 does not allow", oe.Description)
			}
		})
	}
}

func TestParseRegistration_RefusesWhatIsNotOneJSONObject(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `null`, `[]`, `"x"`, `{"client_name":`, `{} {}`, `{"a":1}x`, "{\"client_name\":\"" + strings.Repeat("x", obapi.MaxRegistrationBytes) + "\"}"} {
		_, err := obapi.ParseRegistration([]byte(body))
		var oe *obapi.OAuthError
		if !errors.As(err, &oe) || oe.Code != obapi.ErrInvalidClientMetadata {
			t.Errorf("ParseRegistration(%.40q) = %v, want invalid_client_metadata", body, err)
		}
	}
}

func TestParseRegistration_LoopbackHTTPForDevelopment(t *testing.T) {
	t.Parallel()
	for _, host := range []string{"localhost:3000", "127.0.0.1:8081", "[::1]:9000", "127.0.0.2"} {
		body := `{"client_name":"Dev LMS","client_uri":"http://` + host + `/","redirect_uris":["http://` + host + `/cb"],"logo_uri":"http://` + host + `/logo.png"}`
		if _, err := obapi.ParseRegistration([]byte(body)); err != nil {
			t.Errorf("loopback %s refused: %v", host, err)
		}
	}
	// A name that only looks local is not loopback.
	for _, host := range []string{"localhost.example.com", "127.0.0.1.nip.io", "10.0.0.1", "0.0.0.0"} {
		body := `{"client_name":"LMS","client_uri":"http://` + host + `/","redirect_uris":["http://` + host + `/cb"]}`
		if _, err := obapi.ParseRegistration([]byte(body)); err == nil {
			t.Errorf("http on %s accepted", host)
		}
	}
}

func TestMatchRedirectURI_IsExact(t *testing.T) {
	t.Parallel()
	registered := []string{"https://client.example.com/Authorize", "http://127.0.0.1:8081/cb"}
	for _, tc := range []struct {
		uri  string
		want bool
	}{
		{"https://client.example.com/Authorize", true},
		{"http://127.0.0.1:8081/cb", true},
		{"https://client.example.com/Authorizf", false}, // one character
		{"https://client.example.com/authorize", false}, // case of the path
		{"https://client.example.com/Authorize/", false},
		{"https://client.example.com/Authorize?x=1", false},
		{"https://CLIENT.example.com/Authorize", false},
		{"https://client.example.com:443/Authorize", false},
		{"http://127.0.0.1:8082/cb", false}, // no loopback port wildcard
		{"", false},
	} {
		if got := obapi.MatchRedirectURI(registered, tc.uri); got != tc.want {
			t.Errorf("MatchRedirectURI(%q) = %v, want %v", tc.uri, got, tc.want)
		}
	}
}

func TestSafeDescription(t *testing.T) {
	t.Parallel()
	if got := obapi.SafeDescription("bad \"value\" \\ é\n ok!"); got != "bad ?value? ? ?? ok!" {
		t.Errorf("SafeDescription = %q", got)
	}
	e := obapi.NewOAuthError(obapi.ErrInvalidGrant, "code \"x\" used")
	if e.Description != "code ?x? used" || e.Error() != "invalid_grant: code ?x? used" {
		t.Errorf("NewOAuthError = %+v", e)
	}
	for code, want := range map[obapi.ErrorCode]int{
		obapi.ErrInvalidClient:          http.StatusUnauthorized,
		obapi.ErrInvalidGrant:           http.StatusBadRequest,
		obapi.ErrServerError:            http.StatusInternalServerError,
		obapi.ErrTemporarilyUnavailable: http.StatusServiceUnavailable,
		obapi.ErrUnsupportedTokenType:   http.StatusBadRequest,
	} {
		if got := obapi.NewOAuthError(code, "").Status(); got != want {
			t.Errorf("%s status %d, want %d", code, got, want)
		}
	}
}

func FuzzParseRegistration(f *testing.F) {
	f.Add([]byte(moodleRequest))
	f.Add(mustMarshal(f, specRequest()))
	f.Add([]byte(`{"client_name":"x","client_uri":"http://[::1]/","redirect_uris":["http://[::1]/#"]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := obapi.ParseRegistration(body)
		if err != nil {
			var oe *obapi.OAuthError
			if !errors.As(err, &oe) || (oe.Code != obapi.ErrInvalidClientMetadata && oe.Code != obapi.ErrInvalidRedirectURI) {
				t.Fatalf("refusal %v is not an RFC 7591 error", err)
			}
			if oe.Description != obapi.SafeDescription(oe.Description) {
				t.Fatalf("unsafe description %q", oe.Description)
			}
			return
		}
		if r.ClientName == "" || len(r.RedirectURIs) == 0 || r.Host() == "" {
			t.Fatalf("accepted an incomplete registration %+v", r)
		}
		for _, ru := range r.RedirectURIs {
			u, err := url.Parse(ru)
			if err != nil || u.Fragment != "" || !strings.EqualFold(u.Hostname(), r.Host()) ||
				(u.Scheme != "https" && !(u.Scheme == "http" && obapi.IsLoopback(u.Hostname()))) {
				t.Fatalf("accepted redirect URI %q", ru)
			}
		}
		if len(r.Scopes.Unknown()) > 0 {
			t.Fatalf("accepted unknown scopes %s", r.Scopes.Unknown())
		}
	})
}

func TestHostOf(t *testing.T) {
	t.Parallel()
	for uri, want := range map[string]string{
		"https://LMS.Example:8443/path": "lms.example",
		"http://[::1]:3000/":            "::1",
		"not a url at all%":             "",
		"/relative":                     "",
	} {
		if got := obapi.HostOf(uri); got != want {
			t.Errorf("HostOf(%q) = %q, want %q", uri, got, want)
		}
	}
}
