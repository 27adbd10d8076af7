package obapi

import (
	"errors"
	"strings"
)

// BadgeConnectContext is the manifest's JSON-LD context, as the
// specification's "Manifest Structure" example gives it.
const BadgeConnectContext = "https://purl.imsglobal.org/spec/ob/v2p1/ob_v2p1.jsonld"

// BadgeConnectVersion is the version the manifest declares, in the
// vMAJORpMINOR form the specification requires, as in its example.
const BadgeConnectVersion = "v1p0"

// Manifest is the Badge Connect manifest served at
// /.well-known/badgeconnect.json (OB 2.1 "Manifest"; the getManifest
// response schema).
type Manifest struct {
	Context         string            `json:"@context"`
	ID              string            `json:"id"`
	Type            string            `json:"type"`
	BadgeConnectAPI []BadgeConnectAPI `json:"badgeConnectAPI"`
}

// BadgeConnectAPI is one configuration of the manifest. Clients such as
// Moodle read the last one and map every property ending in "Url" to an
// endpoint, so the names matter to the letter.
type BadgeConnectAPI struct {
	ID                 string  `json:"id"`
	Type               string  `json:"type"`
	Name               string  `json:"name"`
	Image              string  `json:"image,omitempty"`
	APIBase            string  `json:"apiBase"`
	Version            string  `json:"version"`
	TermsOfServiceURL  string  `json:"termsOfServiceUrl"`
	PrivacyPolicyURL   string  `json:"privacyPolicyUrl"`
	ScopesOffered      []Scope `json:"scopesOffered"`
	RegistrationURL    string  `json:"registrationUrl"`
	AuthorizationURL   string  `json:"authorizationUrl"`
	TokenURL           string  `json:"tokenUrl"`
	TokenRevocationURL string  `json:"tokenRevocationUrl,omitempty"`
}

// BadgeConnect builds the Badge Connect manifest for a Satchel served at
// base, pointing at the same authorization server as the discovery
// document.
func BadgeConnect(base string, s Server, e Endpoints) (Manifest, error) {
	r, err := newResolver(base)
	if err != nil {
		return Manifest{}, err
	}
	if strings.TrimSpace(s.Name) == "" {
		return Manifest{}, errors.New("obapi: the server needs a name")
	}
	if err := r.resolveAll([]namedURL{
		{"privacy policy", &s.PrivacyPolicy}, {"terms of service", &s.TermsOfService},
		{"registration endpoint", &e.Registration}, {"authorization endpoint", &e.Authorization},
		{"token endpoint", &e.Token},
	}); err != nil {
		return Manifest{}, err
	}
	if e.Revocation != "" {
		if e.Revocation, err = r.resolve("revocation endpoint", e.Revocation); err != nil {
			return Manifest{}, err
		}
	}
	if s.Image != "" && !strings.HasPrefix(s.Image, "data:") {
		if s.Image, err = r.resolve("image", s.Image); err != nil {
			return Manifest{}, err
		}
	}
	id := r.base + BadgeConnectManifestPath
	return Manifest{
		Context: BadgeConnectContext,
		ID:      id,
		Type:    "Manifest",
		BadgeConnectAPI: []BadgeConnectAPI{{
			ID:                 id,
			Type:               "BadgeConnectAPI",
			Name:               s.Name,
			Image:              s.Image,
			APIBase:            r.base + BadgeConnectBase,
			Version:            BadgeConnectVersion,
			TermsOfServiceURL:  s.TermsOfService,
			PrivacyPolicyURL:   s.PrivacyPolicy,
			ScopesOffered:      append([]Scope(nil), BadgeConnectScopes...),
			RegistrationURL:    e.Registration,
			AuthorizationURL:   e.Authorization,
			TokenURL:           e.Token,
			TokenRevocationURL: e.Revocation,
		}},
	}, nil
}
