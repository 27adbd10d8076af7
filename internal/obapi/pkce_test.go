package obapi_test

import (
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/obapi"
)

// The RFC 7636 Appendix B example.
const (
	rfcVerifier  = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	rfcChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
)

func TestVerifyS256(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		verifier  string
		challenge string
		want      bool
	}{
		{"RFC 7636 appendix B", rfcVerifier, rfcChallenge, true},
		{"wrong verifier", "eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", rfcChallenge, false},
		{"missing verifier", "", rfcChallenge, false},
		{"verifier as challenge (plain)", rfcChallenge, rfcChallenge, false},
		{"too short", rfcVerifier[:42], rfcChallenge, false},
		{"too long", strings.Repeat("a", 129), rfcChallenge, false},
		{"not unreserved", rfcVerifier[:42] + "+", rfcChallenge, false},
		{"padded challenge", rfcVerifier, rfcChallenge + "=", false},
	} {
		if got := obapi.VerifyS256(tc.verifier, tc.challenge); got != tc.want {
			t.Errorf("%s: VerifyS256 = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCheckCodeChallenge(t *testing.T) {
	t.Parallel()
	if err := obapi.CheckCodeChallenge(rfcChallenge, "S256"); err != nil {
		t.Errorf("a proper S256 challenge refused: %v", err)
	}
	for _, tc := range []struct{ challenge, method, says string }{
		{"", "", "code_challenge is required"},
		{"", "S256", "code_challenge is required"},
		{rfcChallenge, "", "code_challenge_method is required"},
		{rfcChallenge, "plain", "must be S256"},
		{rfcChallenge, "s256", "must be S256"},
		{rfcChallenge + "=", "S256", "base64url"},
		{strings.Repeat("+", 43), "S256", "base64url"},
		{rfcVerifier + "x", "S256", "base64url"},
	} {
		err := obapi.CheckCodeChallenge(tc.challenge, tc.method)
		if err == nil || err.Code != obapi.ErrInvalidRequest || !strings.Contains(err.Description, tc.says) {
			t.Errorf("CheckCodeChallenge(%q, %q) = %v, want invalid_request saying %q", tc.challenge, tc.method, err, tc.says)
		}
	}
}
