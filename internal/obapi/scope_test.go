package obapi_test

import (
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/obapi"
)

func TestScopes_AreTheSpecificationURIs(t *testing.T) {
	t.Parallel()
	want := map[obapi.Scope]string{
		obapi.ScopeCredentialReadonly: "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly",
		obapi.ScopeCredentialUpsert:   "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert",
		obapi.ScopeProfileReadonly:    "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly",
		obapi.ScopeProfileUpdate:      "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update",
		obapi.ScopeAssertionReadonly:  "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly",
		obapi.ScopeAssertionCreate:    "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.create",
		obapi.ScopeBCProfileReadonly:  "https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.readonly",
		obapi.ScopeBCProfileUpdate:    "https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.update",
		obapi.ScopeOfflineAccess:      "offline_access",
	}
	for s, uri := range want {
		if string(s) != uri {
			t.Errorf("scope %q, want %q", s, uri)
		}
	}
	if len(obapi.Offered) != len(want) {
		t.Errorf("Offered has %d scopes, want %d", len(obapi.Offered), len(want))
	}
}

func TestScopes_EveryOfferedScopeIsDescribedInPlainWords(t *testing.T) {
	t.Parallel()
	for _, s := range obapi.Offered {
		if !s.Known() {
			t.Errorf("%s is offered but not known", s)
		}
		d := s.Describe()
		if d == "" || strings.Contains(d, "http") || strings.Contains(d, "scope") {
			t.Errorf("%s: plain description %q should say in words what it allows", s, d)
		}
		if s.SpecDescription() == "" {
			t.Errorf("%s has no specification description", s)
		}
	}
	if obapi.Scope("openid").Known() || obapi.Scope("openid").Describe() != "" {
		t.Error("openid is not offered, so it must be unknown and undescribed")
	}
}

func TestParseScopes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		param string
		want  string
	}{
		{"", ""},
		{"   ", ""},
		{"a b", "a b"},
		{"b  a", "b a"},
		{"a b a", "a b"},
		{" offline_access ", "offline_access"},
	} {
		if got := obapi.ParseScopes(tc.param).String(); got != tc.want {
			t.Errorf("ParseScopes(%q) = %q, want %q", tc.param, got, tc.want)
		}
	}
}

func TestScopes_WithinAndUnknown(t *testing.T) {
	t.Parallel()
	granted := obapi.Scopes{obapi.ScopeCredentialReadonly, obapi.ScopeCredentialUpsert}
	if !(obapi.Scopes{obapi.ScopeCredentialUpsert}).Within(granted) {
		t.Error("a subset should be within")
	}
	if (obapi.Scopes{obapi.ScopeCredentialUpsert, obapi.ScopeProfileUpdate}).Within(granted) {
		t.Error("asking for more than granted must not be within")
	}
	if !(obapi.Scopes{}).Within(granted) {
		t.Error("no scopes are within anything")
	}
	// Case matters (RFC 6749 § 3.3): a differently spelled scope is another scope.
	shouted := obapi.Scope(strings.ToUpper(string(obapi.ScopeCredentialReadonly)))
	if got := (obapi.Scopes{obapi.ScopeCredentialReadonly, shouted, "openid"}).Unknown().String(); got != string(shouted)+" openid" {
		t.Errorf("Unknown = %q", got)
	}
}
