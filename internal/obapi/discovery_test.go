package obapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/obapi"
)

var (
	testServer = obapi.Server{
		Name:           "Satchel at Example School",
		Image:          "/static/logo.png",
		PrivacyPolicy:  "https://school.example/privacy",
		TermsOfService: "/terms",
	}
	testEndpoints = obapi.Endpoints{
		Registration:  "/oauth/register",
		Authorization: "/oauth/authorize",
		Token:         "/oauth/token",
		Revocation:    "/oauth/revoke",
	}
)

// asJSON is v marshalled and read back as generic JSON, so tests look at
// the names a client sees.
func asJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// at follows a path of object keys (or array indexes, as "0") through v.
func at(t *testing.T, v any, path ...string) any {
	t.Helper()
	for i, k := range path {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				t.Fatalf("no %q at %s", k, strings.Join(path[:i], "."))
			}
		case []any:
			if k != "0" || len(x) == 0 {
				t.Fatalf("no element %s at %s", k, strings.Join(path[:i], "."))
			}
			v = x[0]
		default:
			t.Fatalf("%s is not an object", strings.Join(path[:i], "."))
		}
	}
	return v
}

func TestDiscovery_HasTheSpecificationsFields(t *testing.T) {
	t.Parallel()
	sd, err := obapi.Discovery("https://backpack.example/", testServer, testEndpoints)
	if err != nil {
		t.Fatal(err)
	}
	doc := asJSON(t, sd)
	for path, want := range map[string]string{
		"openapi":                       "3.0.1",
		"info.title":                    "Satchel at Example School",
		"info.version":                  "3.0",
		"info.termsOfService":           "https://backpack.example/terms",
		"info.x-imssf-privacyPolicyUrl": "https://school.example/privacy",
		"info.x-imssf-image":            "https://backpack.example/static/logo.png",
		"servers.0.url":                 "https://backpack.example/ims/ob/v3p0",
		"components.securitySchemes.OAuth2ACG.type":                                     "oauth2",
		"components.securitySchemes.OAuth2ACG.x-imssf-registrationUrl":                  "https://backpack.example/oauth/register",
		"components.securitySchemes.OAuth2ACG.flows.authorizationCode.authorizationUrl": "https://backpack.example/oauth/authorize",
		"components.securitySchemes.OAuth2ACG.flows.authorizationCode.tokenUrl":         "https://backpack.example/oauth/token",
		"components.securitySchemes.OAuth2ACG.flows.authorizationCode.refreshUrl":       "https://backpack.example/oauth/token",
		"paths./credentials.get.operationId":                                            "getCredentials",
		"paths./credentials.post.operationId":                                           "upsertCredential",
		"paths./profile.get.operationId":                                                "getProfile",
		"paths./profile.put.operationId":                                                "putProfile",
		"paths./discovery.get.operationId":                                              "getServiceDescription",
	} {
		if got := at(t, doc, strings.Split(path, ".")...); got != want {
			t.Errorf("%s = %v, want %q", path, got, want)
		}
	}
	scopes := at(t, doc, "components", "securitySchemes", "OAuth2ACG", "flows", "authorizationCode", "scopes").(map[string]any)
	if len(scopes) != len(obapi.OB3Scopes) {
		t.Errorf("scopes = %v, want the %d OB 3.0 scopes", scopes, len(obapi.OB3Scopes))
	}
	for _, s := range obapi.OB3Scopes {
		if scopes[string(s)] != s.SpecDescription() {
			t.Errorf("scope %s described as %v", s, scopes[string(s)])
		}
	}
}

func TestDiscovery_EachOperationNeedsItsScope(t *testing.T) {
	t.Parallel()
	sd, err := obapi.Discovery("https://backpack.example", testServer, testEndpoints)
	if err != nil {
		t.Fatal(err)
	}
	doc := asJSON(t, sd)
	for op, scope := range map[string]obapi.Scope{
		"/credentials.get":  obapi.ScopeCredentialReadonly,
		"/credentials.post": obapi.ScopeCredentialUpsert,
		"/profile.get":      obapi.ScopeProfileReadonly,
		"/profile.put":      obapi.ScopeProfileUpdate,
	} {
		path, method, _ := strings.Cut(op, ".")
		got := at(t, doc, "paths", path, method, "security", "0", "OAuth2ACG")
		if list, ok := got.([]any); !ok || len(list) != 1 || list[0] != string(scope) {
			t.Errorf("%s needs %v, want [%s]", op, got, scope)
		}
	}
	if _, ok := at(t, doc, "paths", "/discovery", "get").(map[string]any)["security"]; ok {
		t.Error("discovery MUST NOT be protected (OB 3.0 § 6.3)")
	}
	upsert := at(t, doc, "paths", "/credentials", "post", "responses").(map[string]any)
	for _, code := range []string{"200", "201", "400", "401", "403", "default"} {
		if _, ok := upsert[code]; !ok {
			t.Errorf("upsertCredential lacks response %s", code)
		}
	}
	params := at(t, doc, "paths", "/credentials", "get", "parameters").([]any)
	var names []string
	for _, p := range params {
		names = append(names, p.(map[string]any)["name"].(string))
	}
	if strings.Join(names, ",") != "limit,offset,since" {
		t.Errorf("getCredentials parameters = %v", names)
	}
}

func TestDiscovery_BelowAPathPrefixAndWithADataImage(t *testing.T) {
	t.Parallel()
	s := testServer
	s.Image = "data:image/png;base64,iVBORw0KGgo="
	sd, err := obapi.Discovery("https://school.example/satchel", s, testEndpoints)
	if err != nil {
		t.Fatal(err)
	}
	if sd.Servers[0].URL != "https://school.example/satchel/ims/ob/v3p0" {
		t.Errorf("server URL = %s", sd.Servers[0].URL)
	}
	if got := sd.Components.SecuritySchemes.OAuth2ACG.RegistrationURL; got != "https://school.example/satchel/oauth/register" {
		t.Errorf("registration URL = %s", got)
	}
	if sd.Info.Image != s.Image {
		t.Errorf("a data URI image should stay as it is, got %s", sd.Info.Image)
	}
	s.Image = ""
	sd, _ = obapi.Discovery("https://school.example/satchel", s, testEndpoints)
	if _, ok := asJSON(t, sd)["info"].(map[string]any)["x-imssf-image"]; ok {
		t.Error("x-imssf-image is optional: leave it out when there is no image")
	}
}

func TestDiscovery_RefusesWhatTheDocumentCannotDoWithout(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		base string
		edit func(*obapi.Server, *obapi.Endpoints)
		want string
	}{
		{"no name", "https://b.example", func(s *obapi.Server, _ *obapi.Endpoints) { s.Name = " " }, "name"},
		{"no privacy policy", "https://b.example", func(s *obapi.Server, _ *obapi.Endpoints) { s.PrivacyPolicy = "" }, "privacy policy"},
		{"no terms", "https://b.example", func(s *obapi.Server, _ *obapi.Endpoints) { s.TermsOfService = "" }, "terms of service"},
		{"no registration", "https://b.example", func(_ *obapi.Server, e *obapi.Endpoints) { e.Registration = "" }, "registration endpoint"},
		{"no token endpoint", "https://b.example", func(_ *obapi.Server, e *obapi.Endpoints) { e.Token = "" }, "token endpoint"},
		{"ftp policy", "https://b.example", func(s *obapi.Server, _ *obapi.Endpoints) { s.PrivacyPolicy = "ftp://b.example/p" }, "privacy policy"},
		{"scheme-relative terms", "https://b.example", func(s *obapi.Server, _ *obapi.Endpoints) { s.TermsOfService = "//evil.example/t" }, "terms of service"},
		{"relative base", "backpack.example", nil, "base URL"},
		{"base with query", "https://b.example/?x=1", nil, "base URL"},
		{"ftp base", "ftp://b.example", nil, "base URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, e := testServer, testEndpoints
			if tc.edit != nil {
				tc.edit(&s, &e)
			}
			if _, err := obapi.Discovery(tc.base, s, e); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Discovery = %v, want an error about the %s", err, tc.want)
			}
			if _, err := obapi.BadgeConnect(tc.base, s, e); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("BadgeConnect = %v, want an error about the %s", err, tc.want)
			}
		})
	}
}
