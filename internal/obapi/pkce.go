package obapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// PKCEMethodS256 is the only code_challenge_method the specifications
// allow (OB 3.0 § 7.1.2.1; RFC 7636 § 4.2).
const PKCEMethodS256 = "S256"

// CheckCodeChallenge decides an authorization request's PKCE parameters:
// both are required, the method must be S256 (plain is refused), and the
// challenge must be what S256 makes: 43 characters of unpadded base64url
// (RFC 7636 § 4.2). A refusal is invalid_request, which the authorization
// endpoint sends back to the client's redirect URI (RFC 7636 § 4.4.1).
func CheckCodeChallenge(challenge, method string) *OAuthError {
	switch {
	case challenge == "":
		return NewOAuthError(ErrInvalidRequest, "code_challenge is required (PKCE with S256)")
	case method == "":
		return NewOAuthError(ErrInvalidRequest, "code_challenge_method is required and must be S256")
	case method != PKCEMethodS256:
		return NewOAuthError(ErrInvalidRequest, "code_challenge_method must be S256")
	case len(challenge) != 43 || !isBase64URL(challenge):
		return NewOAuthError(ErrInvalidRequest, "code_challenge must be the unpadded base64url SHA-256 of the code verifier")
	}
	return nil
}

// VerifyS256 reports whether verifier is a valid code_verifier (43 to 128
// characters of [A-Za-z0-9-._~], RFC 7636 § 4.1) whose S256 transform is
// challenge. A false answer at the token endpoint is invalid_grant
// (RFC 7636 § 4.6).
func VerifyS256(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	for i := 0; i < len(verifier); i++ {
		if !isUnreserved(verifier[i]) {
			return false
		}
	}
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

func isUnreserved(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
