package obapi

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// The paths the specifications fix, below the site's base URL.
const (
	// OB3Base is where the Open Badges 3.0 API lives (OB 3.0 § 6.2).
	OB3Base = "/ims/ob/v3p0"
	// DiscoveryPath serves the service description document, unprotected
	// (OB 3.0 § 6.3.1 getServiceDescription).
	DiscoveryPath = OB3Base + "/discovery"
	// CredentialsPath is getCredentials (GET) and upsertCredential (POST).
	CredentialsPath = OB3Base + "/credentials"
	// ProfilePath is getProfile (GET) and putProfile (PUT).
	ProfilePath = OB3Base + "/profile"

	// BadgeConnectManifestPath is the well-known manifest (OB 2.1
	// "Manifest", RFC 5785).
	BadgeConnectManifestPath = "/.well-known/badgeconnect.json"
	// BadgeConnectBase is the manifest's apiBase below the site: the
	// endpoints are apiBase + "/assertions" and apiBase + "/profile".
	BadgeConnectBase = "/ims/ob/v2p1"
	// AssertionsPath is Badge Connect's GET and POST /assertions.
	AssertionsPath = BadgeConnectBase + "/assertions"
	// BadgeConnectProfilePath is Badge Connect's GET and POST /profile.
	BadgeConnectProfilePath = BadgeConnectBase + "/profile"
)

// Server is what the discovery document and the manifest say about this
// Satchel. URLs may be absolute or relative to the base URL.
type Server struct {
	// Name is the server's name as learners and platforms know it
	// (info.title; the manifest's name). Required.
	Name string
	// Image is a logo URL or data URI (x-imssf-image; the manifest's
	// image). Optional.
	Image string
	// PrivacyPolicy and TermsOfService are the server's policies
	// (x-imssf-privacyPolicyUrl, termsOfService; privacyPolicyUrl,
	// termsOfServiceUrl). Both required by both specifications.
	PrivacyPolicy  string
	TermsOfService string
}

// Endpoints are the authorization server's endpoints, as paths below the
// base URL or absolute URLs. Revocation (RFC 7009) is optional: only the
// manifest can name it.
type Endpoints struct {
	Registration  string // RFC 7591 dynamic client registration
	Authorization string // RFC 6749 § 3.1
	Token         string // RFC 6749 § 3.2; also the refreshUrl
	Revocation    string // RFC 7009
}

// ServiceDescription is the Open Badges 3.0 service description document
// (OB 3.0 Appendix B.4.1 ServiceDescriptionDocument): a profiled OpenAPI
// 3.0 document with the security scheme a client registers against.
type ServiceDescription struct {
	OpenAPI    string              `json:"openapi"`
	Info       ServiceInfo         `json:"info"`
	Servers    []ServiceServer     `json:"servers"`
	Paths      map[string]pathItem `json:"paths"`
	Components ServiceComponents   `json:"components"`
}

// ServiceInfo is OpenApiInfo (B.4.3).
type ServiceInfo struct {
	Title          string `json:"title"`
	Description    string `json:"description,omitempty"`
	Version        string `json:"version"`
	TermsOfService string `json:"termsOfService"`
	PrivacyPolicy  string `json:"x-imssf-privacyPolicyUrl"`
	Image          string `json:"x-imssf-image,omitempty"`
}

// ServiceServer is an OpenAPI server object: the API's base URL.
type ServiceServer struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
}

// ServiceComponents is OpenApiComponents (B.4.2).
type ServiceComponents struct {
	SecuritySchemes SecuritySchemes `json:"securitySchemes"`
}

// SecuritySchemes is OpenApiSecuritySchemes (B.4.5).
type SecuritySchemes struct {
	OAuth2ACG OAuth2SecurityScheme `json:"OAuth2ACG"`
}

// OAuth2SecurityScheme is OpenApiOAuth2SecurityScheme (B.4.4) with the
// extensions the § 6.3.1 example shows beside the required
// x-imssf-registrationUrl.
type OAuth2SecurityScheme struct {
	Type            string     `json:"type"`
	Description     string     `json:"description,omitempty"`
	Name            string     `json:"x-imssf-name,omitempty"`
	PrivacyPolicy   string     `json:"x-imssf-privacyPolicyUrl,omitempty"`
	RegistrationURL string     `json:"x-imssf-registrationUrl"`
	TermsOfService  string     `json:"x-imssf-termsOfServiceUrl,omitempty"`
	Flows           OAuthFlows `json:"flows"`
}

// OAuthFlows offers the authorization code flow only: OB 3.0 § 7 requires
// it where learners control their badges.
type OAuthFlows struct {
	AuthorizationCode OAuthFlow `json:"authorizationCode"`
}

// OAuthFlow is an OpenAPI OAuth flow object; scopes map each scope to its
// description.
type OAuthFlow struct {
	AuthorizationURL string           `json:"authorizationUrl"`
	TokenURL         string           `json:"tokenUrl"`
	RefreshURL       string           `json:"refreshUrl,omitempty"`
	Scopes           map[Scope]string `json:"scopes"`
}

// securitySchemeName is the scheme's key in securitySchemes, which
// operations name in their security requirements.
const securitySchemeName = "OAuth2ACG"

// Discovery builds the service description document for a Satchel served
// at base (an absolute http(s) URL, without query or fragment).
func Discovery(base string, s Server, e Endpoints) (ServiceDescription, error) {
	r, err := newResolver(base)
	if err != nil {
		return ServiceDescription{}, err
	}
	if strings.TrimSpace(s.Name) == "" {
		return ServiceDescription{}, errors.New("obapi: the server needs a name")
	}
	if err := r.resolveAll([]namedURL{
		{"privacy policy", &s.PrivacyPolicy}, {"terms of service", &s.TermsOfService},
		{"registration endpoint", &e.Registration}, {"authorization endpoint", &e.Authorization},
		{"token endpoint", &e.Token},
	}); err != nil {
		return ServiceDescription{}, err
	}
	if s.Image != "" && !strings.HasPrefix(s.Image, "data:") {
		if s.Image, err = r.resolve("image", s.Image); err != nil {
			return ServiceDescription{}, err
		}
	}
	scopes := make(map[Scope]string, len(OB3Scopes))
	for _, sc := range OB3Scopes {
		scopes[sc] = sc.SpecDescription()
	}
	return ServiceDescription{
		OpenAPI: "3.0.1",
		Info: ServiceInfo{
			Title:          s.Name,
			Description:    "The Open Badges 3.0 API of " + s.Name + ", in the host role.",
			Version:        "3.0",
			TermsOfService: s.TermsOfService,
			PrivacyPolicy:  s.PrivacyPolicy,
			Image:          s.Image,
		},
		Servers: []ServiceServer{{URL: r.base + OB3Base, Description: s.Name}},
		Paths:   ob3Paths(),
		Components: ServiceComponents{SecuritySchemes: SecuritySchemes{OAuth2ACG: OAuth2SecurityScheme{
			Type:            "oauth2",
			Description:     "OAuth 2.0 Authorization Code Grant authorization",
			Name:            s.Name,
			PrivacyPolicy:   s.PrivacyPolicy,
			RegistrationURL: e.Registration,
			TermsOfService:  s.TermsOfService,
			Flows: OAuthFlows{AuthorizationCode: OAuthFlow{
				AuthorizationURL: e.Authorization,
				TokenURL:         e.Token,
				RefreshURL:       e.Token,
				Scopes:           scopes,
			}},
		}}},
	}, nil
}

// resolver makes URLs absolute against a base URL.
type resolver struct {
	base string // without a trailing slash
	u    *url.URL
}

func newResolver(base string) (resolver, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return resolver{}, fmt.Errorf("obapi: base URL %q must be an absolute http(s) URL without query or fragment", base)
	}
	b := strings.TrimSuffix(u.String(), "/")
	u, _ = url.Parse(b + "/")
	return resolver{base: b, u: u}, nil
}

// resolve makes ref absolute: a path is taken below the base URL's path,
// an absolute http(s) URL stays as it is.
func (r resolver) resolve(what, ref string) (string, error) {
	if strings.TrimSpace(ref) == "" {
		return "", fmt.Errorf("obapi: the %s is missing", what)
	}
	u, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("obapi: the %s %q is not a URL: %w", what, ref, err)
	}
	if u.IsAbs() {
		if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", fmt.Errorf("obapi: the %s %q must be an http(s) URL", what, ref)
		}
		return u.String(), nil
	}
	if u.Host != "" {
		return "", fmt.Errorf("obapi: the %s %q must be a path or an absolute URL", what, ref)
	}
	return r.base + "/" + strings.TrimPrefix(u.String(), "/"), nil
}

// namedURL is a URL to resolve in place, with what it is for messages.
type namedURL struct {
	what string
	ref  *string
}

func (r resolver) resolveAll(refs []namedURL) error {
	for _, n := range refs {
		abs, err := r.resolve(n.what, *n.ref)
		if err != nil {
			return err
		}
		*n.ref = abs
	}
	return nil
}
