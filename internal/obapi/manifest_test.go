package obapi_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/obapi"
)

func TestBadgeConnect_ManifestHasTheSpecificationsFields(t *testing.T) {
	t.Parallel()
	m, err := obapi.BadgeConnect("https://backpack.example", testServer, testEndpoints)
	if err != nil {
		t.Fatal(err)
	}
	doc := asJSON(t, m)
	for path, want := range map[string]string{
		"@context":                             "https://purl.imsglobal.org/spec/ob/v2p1/ob_v2p1.jsonld",
		"id":                                   "https://backpack.example/.well-known/badgeconnect.json",
		"type":                                 "Manifest",
		"badgeConnectAPI.0.type":               "BadgeConnectAPI",
		"badgeConnectAPI.0.name":               "Satchel at Example School",
		"badgeConnectAPI.0.image":              "https://backpack.example/static/logo.png",
		"badgeConnectAPI.0.apiBase":            "https://backpack.example/ims/ob/v2p1",
		"badgeConnectAPI.0.termsOfServiceUrl":  "https://backpack.example/terms",
		"badgeConnectAPI.0.privacyPolicyUrl":   "https://school.example/privacy",
		"badgeConnectAPI.0.registrationUrl":    "https://backpack.example/oauth/register",
		"badgeConnectAPI.0.authorizationUrl":   "https://backpack.example/oauth/authorize",
		"badgeConnectAPI.0.tokenUrl":           "https://backpack.example/oauth/token",
		"badgeConnectAPI.0.tokenRevocationUrl": "https://backpack.example/oauth/revoke",
	} {
		if got := at(t, doc, strings.Split(path, ".")...); got != want {
			t.Errorf("%s = %v, want %q", path, got, want)
		}
	}
	api := at(t, doc, "badgeConnectAPI", "0").(map[string]any)
	// The getManifest schema's required properties.
	for _, k := range []string{"apiBase", "authorizationUrl", "name", "privacyPolicyUrl", "registrationUrl", "scopesOffered", "termsOfServiceUrl", "tokenUrl", "version"} {
		if v, ok := api[k]; !ok || v == "" {
			t.Errorf("required %s missing", k)
		}
	}
	if v := api["version"].(string); !regexp.MustCompile(`^v[0-9]+p[0-9]+$`).MatchString(v) {
		t.Errorf("version %q is not vMAJORpMINOR", v)
	}
	if strings.HasSuffix(api["apiBase"].(string), "/") {
		t.Error("apiBase SHOULD NOT have a trailing slash")
	}
	var offered []string
	for _, s := range api["scopesOffered"].([]any) {
		offered = append(offered, s.(string))
	}
	if got, want := strings.Join(offered, " "), obapi.Scopes(obapi.BadgeConnectScopes).String(); got != want {
		t.Errorf("scopesOffered = %s, want %s", got, want)
	}
}

// TestBadgeConnect_ReadsAsMoodleReadsIt follows Moodle's Badge Connect
// discovery: the last configuration, each property ending in "Url" becoming
// the endpoint named by its lower-cased prefix.
func TestBadgeConnect_ReadsAsMoodleReadsIt(t *testing.T) {
	t.Parallel()
	m, err := obapi.BadgeConnect("https://backpack.example", testServer, testEndpoints)
	if err != nil {
		t.Fatal(err)
	}
	apis := asJSON(t, m)["badgeConnectAPI"].([]any)
	endpoints := map[string]string{}
	for k, v := range apis[len(apis)-1].(map[string]any) {
		if strings.HasSuffix(k, "Url") {
			endpoints[strings.ToLower(strings.TrimSuffix(k, "Url"))+"_endpoint"] = v.(string)
		}
	}
	for name, want := range map[string]string{
		"authorization_endpoint":   "https://backpack.example/oauth/authorize",
		"token_endpoint":           "https://backpack.example/oauth/token",
		"registration_endpoint":    "https://backpack.example/oauth/register",
		"tokenrevocation_endpoint": "https://backpack.example/oauth/revoke",
	} {
		if endpoints[name] != want {
			t.Errorf("%s = %q, want %q", name, endpoints[name], want)
		}
	}
}

func TestBadgeConnect_WithoutRevocationLeavesItOut(t *testing.T) {
	t.Parallel()
	e := testEndpoints
	e.Revocation = ""
	m, err := obapi.BadgeConnect("https://backpack.example", testServer, e)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := at(t, asJSON(t, m), "badgeConnectAPI", "0").(map[string]any)["tokenRevocationUrl"]; ok {
		t.Error("tokenRevocationUrl should be absent when there is no revocation endpoint")
	}
}
