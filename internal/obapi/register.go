package obapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The grant types, response type and client authentication method the
// specifications allow a registration to ask for (OB 3.0 § 7 and OB 2.1
// "Registration": client_secret_basic only; authorization_code and
// refresh_token; code).
const (
	GrantAuthorizationCode      = "authorization_code"
	GrantRefreshToken           = "refresh_token"
	ResponseTypeCode            = "code"
	AuthMethodClientSecretBasic = "client_secret_basic"
)

// Limits on what a registration may hold, so that a client cannot fill
// the database or the consent page.
const (
	MaxRegistrationBytes = 16 << 10
	maxNameRunes         = 100
	maxURILength         = 2000
	maxRedirectURIs      = 10
	maxContacts          = 10
	maxContactLength     = 320
	maxSoftwareLength    = 200
)

// Registration is a client's validated RFC 7591 metadata, normalised:
// defaults filled in (RFC 7591 § 2), repetitions dropped.
type Registration struct {
	ClientName      string
	ClientURI       string
	LogoURI         string // "" when not given
	TermsURI        string // tos_uri; "" when not given
	PolicyURI       string // "" when not given
	RedirectURIs    []string
	Scopes          Scopes
	GrantTypes      []string
	ResponseTypes   []string
	AuthMethod      string
	Contacts        []string
	SoftwareID      string
	SoftwareVersion string
}

// Host is the client's host name as the consent page shows it: the host
// of client_uri, which every other URL of the registration shares.
func (r Registration) Host() string { return HostOf(r.ClientURI) }

// HostOf is the lower-cased host name of an absolute URL (no port), as a
// consent page or the connected apps list shows a platform's address; ""
// when uri has none.
func HostOf(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// AllowsRefresh reports whether the client registered the refresh_token
// grant, so that the token endpoint may issue it refresh tokens.
func (r Registration) AllowsRefresh() bool {
	return slices.Contains(r.GrantTypes, GrantRefreshToken)
}

// ParseRegistration reads and validates an RFC 7591 client registration
// request body field by field. A refusal is an *OAuthError with
// invalid_redirect_uri (a redirect URI) or invalid_client_metadata
// (anything else) and a description that names the field.
//
// The rules: client_name, client_uri and redirect_uris are required;
// every URL is absolute https, or http on a loopback host (for
// development), has an ASCII host and no user information; all of them
// share client_uri's host name (OB 3.0 § 7.1.1.2 and OB 2.1
// "Registration": "all URLs MUST have the same hostname"); a redirect URI
// has no fragment (RFC 6749 § 3.1.2) and is later matched exactly;
// token_endpoint_auth_method is client_secret_basic; grant_types are
// authorization_code and refresh_token, response_types code; scope lists
// only scopes of Offered (all of them when absent, RFC 7591 § 2). Unknown
// fields are ignored (RFC 7591 § 2). The specifications also list
// logo_uri, tos_uri, policy_uri, software_id and software_version as
// required; they are accepted absent, since nothing depends on them.
func ParseRegistration(body []byte) (Registration, error) {
	if len(body) > MaxRegistrationBytes {
		return Registration{}, metadataError("the registration request is larger than %d bytes", MaxRegistrationBytes)
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return Registration{}, metadataError("the registration request must be a JSON object")
	}
	if dec.More() {
		return Registration{}, metadataError("the registration request must be one JSON object")
	}
	p := regParser{fields: fields}
	var r Registration

	r.ClientName = p.str("client_name", maxNameRunes*4)
	if p.err == nil {
		r.ClientName = strings.TrimSpace(r.ClientName)
		switch {
		case r.ClientName == "":
			p.fail(ErrInvalidClientMetadata, "client_name is required")
		case utf8.RuneCountInString(r.ClientName) > maxNameRunes:
			p.fail(ErrInvalidClientMetadata, fmt.Sprintf("client_name is longer than %d characters", maxNameRunes))
		case strings.IndexFunc(r.ClientName, notPrintable) >= 0:
			p.fail(ErrInvalidClientMetadata, "client_name contains control or invisible characters")
		}
	}
	clientURI := p.str("client_uri", maxURILength)
	if p.err == nil && clientURI == "" {
		p.fail(ErrInvalidClientMetadata, "client_uri is required")
	}
	var host string
	if p.err == nil {
		var u *url.URL
		if u, p.err = webURL("client_uri", clientURI, ErrInvalidClientMetadata); p.err == nil {
			r.ClientURI, host = u.String(), strings.ToLower(u.Hostname())
		}
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"logo_uri", &r.LogoURI}, {"tos_uri", &r.TermsURI}, {"policy_uri", &r.PolicyURI}} {
		v := p.str(f.name, maxURILength)
		if p.err != nil || v == "" {
			continue
		}
		u, err := webURL(f.name, v, ErrInvalidClientMetadata)
		if err != nil {
			p.err = err
			continue
		}
		if !strings.EqualFold(u.Hostname(), host) {
			p.fail(ErrInvalidClientMetadata, f.name+" must be on the same host as client_uri")
			continue
		}
		*f.dst = u.String()
	}

	redirects := p.strs("redirect_uris", maxRedirectURIs, maxURILength, ErrInvalidRedirectURI)
	if p.err == nil && len(redirects) == 0 {
		p.fail(ErrInvalidRedirectURI, "redirect_uris must list at least one redirect URI")
	}
	for _, v := range redirects {
		if p.err != nil {
			break
		}
		u, err := webURL("each of redirect_uris", v, ErrInvalidRedirectURI)
		switch {
		case err != nil:
			p.err = err
		case u.Fragment != "" || strings.Contains(v, "#"):
			p.fail(ErrInvalidRedirectURI, "a redirect URI must not have a fragment")
		case !strings.EqualFold(u.Hostname(), host):
			p.fail(ErrInvalidRedirectURI, "every redirect URI must be on the same host as client_uri")
		case !slices.Contains(r.RedirectURIs, v):
			// Kept as sent: an authorization request must repeat it exactly.
			r.RedirectURIs = append(r.RedirectURIs, v)
		}
	}

	r.AuthMethod = p.str("token_endpoint_auth_method", 100)
	if p.err == nil {
		if r.AuthMethod == "" {
			r.AuthMethod = AuthMethodClientSecretBasic
		} else if r.AuthMethod != AuthMethodClientSecretBasic {
			p.fail(ErrInvalidClientMetadata, "token_endpoint_auth_method must be client_secret_basic")
		}
	}
	r.GrantTypes = p.strs("grant_types", 5, 100, ErrInvalidClientMetadata)
	if p.err == nil {
		r.GrantTypes = unique(r.GrantTypes)
		if len(r.GrantTypes) == 0 {
			r.GrantTypes = []string{GrantAuthorizationCode}
		}
		for _, g := range r.GrantTypes {
			if g != GrantAuthorizationCode && g != GrantRefreshToken {
				p.fail(ErrInvalidClientMetadata, "grant_types may list only authorization_code and refresh_token")
				break
			}
		}
		if p.err == nil && !slices.Contains(r.GrantTypes, GrantAuthorizationCode) {
			p.fail(ErrInvalidClientMetadata, "grant_types must include authorization_code")
		}
	}
	r.ResponseTypes = p.strs("response_types", 5, 100, ErrInvalidClientMetadata)
	if p.err == nil {
		r.ResponseTypes = unique(r.ResponseTypes)
		if len(r.ResponseTypes) == 0 {
			r.ResponseTypes = []string{ResponseTypeCode}
		}
		if len(r.ResponseTypes) != 1 || r.ResponseTypes[0] != ResponseTypeCode {
			p.fail(ErrInvalidClientMetadata, "response_types may list only code")
		}
	}

	scope := p.str("scope", 4096)
	if p.err == nil {
		r.Scopes = ParseScopes(scope)
		if len(r.Scopes) == 0 {
			r.Scopes = append(Scopes(nil), Offered...)
		}
		if unknown := r.Scopes.Unknown(); len(unknown) > 0 {
			p.fail(ErrInvalidClientMetadata, "scope lists scopes this server does not offer: "+unknown.String())
		}
	}

	r.Contacts = p.strs("contacts", maxContacts, maxContactLength, ErrInvalidClientMetadata)
	if p.err == nil {
		for _, c := range r.Contacts {
			if strings.IndexFunc(c, notPrintable) >= 0 {
				p.fail(ErrInvalidClientMetadata, "contacts contains control or invisible characters")
				break
			}
		}
	}
	r.SoftwareID = p.text("software_id", maxSoftwareLength)
	r.SoftwareVersion = p.text("software_version", maxSoftwareLength)

	if p.err != nil {
		return Registration{}, p.err
	}
	return r, nil
}

// regParser reads the fields of a registration request, keeping the first
// refusal and skipping the rest once there is one.
type regParser struct {
	fields map[string]json.RawMessage
	err    error
}

func (p *regParser) fail(code ErrorCode, description string) {
	if p.err == nil {
		p.err = NewOAuthError(code, description)
	}
}

// raw is the field's JSON, or nil when it is absent or null.
func (p *regParser) raw(name string) json.RawMessage {
	v, ok := p.fields[name]
	if !ok || p.err != nil || string(bytes.TrimSpace(v)) == "null" {
		return nil
	}
	return v
}

// str is a string field ("" when absent).
func (p *regParser) str(name string, maxLen int) string {
	v := p.raw(name)
	if v == nil {
		return ""
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		p.fail(codeFor(name), name+" must be a string")
		return ""
	}
	if len(s) > maxLen {
		p.fail(codeFor(name), fmt.Sprintf("%s is longer than %d bytes", name, maxLen))
		return ""
	}
	return s
}

// text is a string or number field, as its text: Moodle sends
// software_version as a JSON number.
func (p *regParser) text(name string, maxLen int) string {
	v := p.raw(name)
	if v == nil {
		return ""
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err == nil {
		return n.String()
	}
	s := p.str(name, maxLen)
	if strings.IndexFunc(s, notPrintable) >= 0 {
		p.fail(ErrInvalidClientMetadata, name+" contains control or invisible characters")
	}
	return s
}

// strs is an array of strings field (nil when absent). RFC 7591 § 2 and
// the specifications want arrays even for one value.
func (p *regParser) strs(name string, maxItems, maxLen int, code ErrorCode) []string {
	v := p.raw(name)
	if v == nil {
		return nil
	}
	var ss []string
	if err := json.Unmarshal(v, &ss); err != nil {
		p.fail(code, name+" must be an array of strings")
		return nil
	}
	if len(ss) > maxItems {
		p.fail(code, fmt.Sprintf("%s lists more than %d values", name, maxItems))
		return nil
	}
	for _, s := range ss {
		if len(s) > maxLen {
			p.fail(code, fmt.Sprintf("a value of %s is longer than %d bytes", name, maxLen))
			return nil
		}
	}
	return ss
}

func codeFor(field string) ErrorCode {
	if field == "redirect_uris" {
		return ErrInvalidRedirectURI
	}
	return ErrInvalidClientMetadata
}

// webURL parses an absolute https URL, or an http one on a loopback host,
// with an ASCII host name and no user information.
func webURL(name, raw string, code ErrorCode) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return nil, NewOAuthError(code, name+" must be an absolute https URL")
	}
	if u.User != nil {
		return nil, NewOAuthError(code, name+" must not contain a user name or password")
	}
	for _, r := range u.Host {
		if r > unicode.MaxASCII {
			return nil, NewOAuthError(code, name+" must give its host name in ASCII (an internationalised name as xn--)")
		}
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && IsLoopback(u.Hostname()):
	default:
		return nil, NewOAuthError(code, name+" must use https (http only on a loopback address, for development)")
	}
	return u, nil
}

// IsLoopback reports whether host (a host name or IP literal, without
// port or brackets) is this machine: localhost or a loopback IP address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// MatchRedirectURI reports whether requested is one of the registered
// redirect URIs, compared as exact strings (RFC 6749 § 3.1.2.3 with the
// OAuth 2.0 security best current practice's exact matching; no loopback
// port wildcard). An empty request never matches: the specifications
// require redirect_uri in every authorization request.
func MatchRedirectURI(registered []string, requested string) bool {
	return requested != "" && slices.Contains(registered, requested)
}

func notPrintable(r rune) bool {
	return !unicode.IsPrint(r) && r != ' '
}

func unique(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func metadataError(format string, args ...any) error {
	return NewOAuthError(ErrInvalidClientMetadata, fmt.Sprintf(format, args...))
}

// RegistrationResponse is the RFC 7591 § 3.2.1 client information
// response: the credentials and, as both specifications require, every
// registered value, including those Satchel filled in.
type RegistrationResponse struct {
	ClientID                string   `json:"client_id"`
	ClientSecret            string   `json:"client_secret"`
	ClientIDIssuedAt        int64    `json:"client_id_issued_at"`
	ClientSecretExpiresAt   int64    `json:"client_secret_expires_at"`
	ClientName              string   `json:"client_name"`
	ClientURI               string   `json:"client_uri"`
	LogoURI                 string   `json:"logo_uri,omitempty"`
	TermsURI                string   `json:"tos_uri,omitempty"`
	PolicyURI               string   `json:"policy_uri,omitempty"`
	SoftwareID              string   `json:"software_id,omitempty"`
	SoftwareVersion         string   `json:"software_version,omitempty"`
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	Scope                   string   `json:"scope"`
	Contacts                []string `json:"contacts,omitempty"`
}

// Response is the registration response for r, given the credentials
// issued; the secret does not expire (client_secret_expires_at 0).
func (r Registration) Response(clientID, clientSecret string, issuedAt time.Time) RegistrationResponse {
	return RegistrationResponse{
		ClientID:                clientID,
		ClientSecret:            clientSecret,
		ClientIDIssuedAt:        issuedAt.Unix(),
		ClientSecretExpiresAt:   0,
		ClientName:              r.ClientName,
		ClientURI:               r.ClientURI,
		LogoURI:                 r.LogoURI,
		TermsURI:                r.TermsURI,
		PolicyURI:               r.PolicyURI,
		SoftwareID:              r.SoftwareID,
		SoftwareVersion:         r.SoftwareVersion,
		RedirectURIs:            r.RedirectURIs,
		TokenEndpointAuthMethod: r.AuthMethod,
		GrantTypes:              r.GrantTypes,
		ResponseTypes:           r.ResponseTypes,
		Scope:                   r.Scopes.String(),
		Contacts:                r.Contacts,
	}
}
