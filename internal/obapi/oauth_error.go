package obapi

import (
	"net/http"
	"strings"
)

// ErrorCode is an OAuth 2.0 error code: RFC 6749 § 4.1.2.1 (authorization),
// § 5.2 (token), RFC 7009 § 2.2.1 (revocation) and RFC 7591 § 3.2.2
// (registration); OB 3.0 Appendix B.5 lists the same vocabularies.
type ErrorCode string

// The error codes.
const (
	ErrInvalidRequest          ErrorCode = "invalid_request"
	ErrUnauthorizedClient      ErrorCode = "unauthorized_client"
	ErrAccessDenied            ErrorCode = "access_denied"
	ErrUnsupportedResponseType ErrorCode = "unsupported_response_type"
	ErrInvalidScope            ErrorCode = "invalid_scope"
	ErrServerError             ErrorCode = "server_error"
	ErrTemporarilyUnavailable  ErrorCode = "temporarily_unavailable"
	ErrInvalidClient           ErrorCode = "invalid_client"
	ErrInvalidGrant            ErrorCode = "invalid_grant"
	ErrUnsupportedGrantType    ErrorCode = "unsupported_grant_type"
	ErrUnsupportedTokenType    ErrorCode = "unsupported_token_type"

	// RFC 6750 § 3.1: the resource endpoints' refusals of a bearer token
	// (401 invalid_token, 403 insufficient_scope, in WWW-Authenticate).
	ErrInvalidToken      ErrorCode = "invalid_token"
	ErrInsufficientScope ErrorCode = "insufficient_scope"

	ErrInvalidRedirectURI          ErrorCode = "invalid_redirect_uri"
	ErrInvalidClientMetadata       ErrorCode = "invalid_client_metadata"
	ErrInvalidSoftwareStatement    ErrorCode = "invalid_software_statement"
	ErrUnapprovedSoftwareStatement ErrorCode = "unapproved_software_statement"
)

// OAuthError is the JSON error body of the token, revocation and
// registration endpoints, and the error parameters of an authorization
// error redirect.
type OAuthError struct {
	Code        ErrorCode `json:"error"`
	Description string    `json:"error_description,omitempty"`
}

// NewOAuthError is an error with a description made safe for the
// error_description parameter.
func NewOAuthError(code ErrorCode, description string) *OAuthError {
	return &OAuthError{Code: code, Description: SafeDescription(description)}
}

func (e *OAuthError) Error() string {
	if e.Description == "" {
		return string(e.Code)
	}
	return string(e.Code) + ": " + e.Description
}

// Status is the HTTP status of the error's JSON response: 401 for
// invalid_client (RFC 6749 § 5.2; the response then carries
// WWW-Authenticate), 500 and 503 for the server's own failures, 400
// otherwise (RFC 7591 § 3.2.2 for registration).
func (e *OAuthError) Status() int {
	switch e.Code {
	case ErrInvalidClient:
		return http.StatusUnauthorized
	case ErrServerError:
		return http.StatusInternalServerError
	case ErrTemporarilyUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

// SafeDescription keeps only the characters RFC 6749 allows in
// error_description (%x20-21 / %x23-5B / %x5D-7E: printable ASCII without
// '"' and '\'), putting '?' for the others, so a client's own input echoed
// in a message cannot break the rule.
func SafeDescription(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 0x20 && r <= 0x7e && r != '"' && r != '\\' {
			b.WriteRune(r)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}
