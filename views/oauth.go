package views

import (
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/obapi"
)

// Consent is the page where a learner allows or denies a platform's
// request to connect to their backpack.
type Consent struct {
	ID        string // the authorization request
	Name      string // the platform's name, as it registered it
	Host      string // its web address's host, shown in plain text
	ClientURI string
	LogoSrc   string // "" when it has no logo Satchel could keep
	PolicyURI string
	TermsURI  string
	Scopes    obapi.Scopes
	Refresh   bool // the platform may keep access while the learner is away
}

// ConnectedApp is one platform on the account page's Connected apps.
type ConnectedApp struct {
	GrantID     int64
	Name        string
	Host        string
	LogoSrc     string
	Scopes      obapi.Scopes
	ConnectedAt time.Time
	LastUsedAt  time.Time // zero when never used
}

// scopeMessages are the catalog messages that say in plain words what the
// scopes let a platform do, each once: Open Badges 3.0 and Badge Connect
// scopes that allow the same thing read the same.
func scopeMessages(scopes obapi.Scopes) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range scopes {
		id := scopeMessage(s)
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// scopeMessage is the message id of one scope ("" for one Satchel does
// not offer): oauth.scope.<what>, by the scope's last path segment.
func scopeMessage(s obapi.Scope) string {
	if !s.Known() {
		return ""
	}
	name := string(s)
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	switch name {
	case "credential.readonly", "assertion.readonly":
		return "oauth.scope.read_badges"
	case "credential.upsert", "assertion.create":
		return "oauth.scope.add_badges"
	case "profile.readonly":
		return "oauth.scope.read_profile"
	case "profile.update":
		return "oauth.scope.update_profile"
	case "offline_access":
		return "oauth.scope.offline"
	}
	return ""
}
