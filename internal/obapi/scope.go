package obapi

import (
	"slices"
	"strings"
)

// Scope is one OAuth 2.0 scope value. The Open Badges scopes are URIs;
// offline_access is RFC-style.
type Scope string

// The Open Badges 3.0 scopes (OB 3.0 § 6.2.1 "Scopes").
const (
	// ScopeCredentialReadonly lets a client list the learner's credentials
	// (getCredentials).
	ScopeCredentialReadonly Scope = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"
	// ScopeCredentialUpsert lets a client add or replace credentials
	// (upsertCredential).
	ScopeCredentialUpsert Scope = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"
	// ScopeProfileReadonly lets a client read the learner's profile
	// (getProfile).
	ScopeProfileReadonly Scope = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly"
	// ScopeProfileUpdate lets a client change the learner's profile
	// (putProfile).
	ScopeProfileUpdate Scope = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update"
)

// The Badge Connect (Open Badges 2.1) scopes (OB 2.1 "Scopes").
const (
	ScopeAssertionReadonly Scope = "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly"
	ScopeAssertionCreate   Scope = "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.create"
	ScopeBCProfileReadonly Scope = "https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.readonly"
	ScopeBCProfileUpdate   Scope = "https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.update"
	// ScopeOfflineAccess asks for a refresh token (OB 2.1 "Scopes"; the
	// OB 3.0 registration examples request it too).
	ScopeOfflineAccess Scope = "offline_access"
)

const scopeSeparator = " "

// OB3Scopes are the scopes the service description document offers, in the
// specification's order.
var OB3Scopes = []Scope{ScopeCredentialReadonly, ScopeCredentialUpsert, ScopeProfileReadonly, ScopeProfileUpdate}

// BadgeConnectScopes are the scopes the Badge Connect manifest offers, in
// the specification's order; offline_access is listed there too, and
// Moodle registers with every scope a manifest offers.
var BadgeConnectScopes = []Scope{ScopeAssertionReadonly, ScopeAssertionCreate, ScopeBCProfileReadonly, ScopeBCProfileUpdate, ScopeOfflineAccess}

// Offered is every scope a client may register for or ask for: both APIs
// share one authorization server.
var Offered = append(slices.Clone(OB3Scopes), BadgeConnectScopes...)

// specDescriptions are the specifications' own words for each scope, as
// the discovery document and the manifest's readers expect them.
var specDescriptions = map[Scope]string{
	ScopeCredentialReadonly: "Permission to read OpenBadgeCredentials for the authenticated entity.",
	ScopeCredentialUpsert:   "Permission to create or update OpenBadgeCredentials for the authenticated entity.",
	ScopeProfileReadonly:    "Permission to read the profile for the authenticated entity.",
	ScopeProfileUpdate:      "Permission to update the profile for the authenticated entity.",
	ScopeAssertionReadonly:  "Permission to read assertions for the authenticated entity.",
	ScopeAssertionCreate:    "Permission to create assertions for the authenticated entity.",
	ScopeBCProfileReadonly:  "Permission to read the profile for the authenticated entity.",
	ScopeBCProfileUpdate:    "Permission to update the profile for the authenticated entity.",
	ScopeOfflineAccess:      "Permission to issue a refresh_token along with the access_token.",
}

// plainDescriptions say what a scope lets the platform do, in words a
// learner reads on the consent page ("Example LMS will be able to …").
// The 3.0 and 2.1 scopes that allow the same thing read the same.
var plainDescriptions = map[Scope]string{
	ScopeCredentialReadonly: "See the badges in your backpack.",
	ScopeCredentialUpsert:   "Add badges to your backpack, and update the ones it added. Satchel checks every badge as it checks an upload.",
	ScopeProfileReadonly:    "See your name and the email addresses you have confirmed.",
	ScopeProfileUpdate:      "Change your profile.",
	ScopeAssertionReadonly:  "See the badges in your backpack.",
	ScopeAssertionCreate:    "Add badges to your backpack. Satchel checks every badge as it checks an upload.",
	ScopeBCProfileReadonly:  "See your name and the email addresses you have confirmed.",
	ScopeBCProfileUpdate:    "Change your profile.",
	ScopeOfflineAccess:      "Keep this access while you are away, until you disconnect it.",
}

// Known reports whether s is a scope Satchel offers.
func (s Scope) Known() bool {
	_, ok := specDescriptions[s]
	return ok
}

// SpecDescription is the specification's description of s, or "" for a
// scope Satchel does not offer.
func (s Scope) SpecDescription() string { return specDescriptions[s] }

// Describe says in plain words what s lets a platform do, for the consent
// page and the connected apps list; "" for a scope Satchel does not offer.
func (s Scope) Describe() string { return plainDescriptions[s] }

// Scopes is a set of scopes as the scope parameter carries it (RFC 6749
// § 3.3: space-delimited, case-sensitive, order without meaning).
type Scopes []Scope

// ParseScopes splits a scope parameter into its values, dropping
// repetitions and keeping the first order. Runs of spaces are tolerated;
// an empty parameter gives no scopes.
func ParseScopes(param string) Scopes {
	var out Scopes
	for _, f := range strings.Split(param, scopeSeparator) {
		if f == "" || slices.Contains(out, Scope(f)) {
			continue
		}
		out = append(out, Scope(f))
	}
	return out
}

// String joins the scopes as the scope parameter spells them.
func (ss Scopes) String() string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, scopeSeparator)
}

// Has reports whether s is among ss.
func (ss Scopes) Has(s Scope) bool { return slices.Contains(ss, s) }

// Unknown lists the scopes of ss that Satchel does not offer, in order.
func (ss Scopes) Unknown() Scopes {
	var out Scopes
	for _, s := range ss {
		if !s.Known() {
			out = append(out, s)
		}
	}
	return out
}

// Within reports whether every scope of ss is in allowed: a token request
// may ask for no more than the client registered, and a refresh no more
// than the learner granted (RFC 6749 § 6).
func (ss Scopes) Within(allowed Scopes) bool {
	for _, s := range ss {
		if !allowed.Has(s) {
			return false
		}
	}
	return true
}
