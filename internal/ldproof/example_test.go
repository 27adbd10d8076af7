package ldproof_test

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/satchel-backpack/satchel/internal/ldproof"
)

func Example() {
	// A fixed seed keeps the example's output stable.
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	pub := priv.Public()

	credential := map[string]any{
		"@context": []any{
			"https://www.w3.org/ns/credentials/v2",
			"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
		},
		"id":        "urn:uuid:0b4bd1bd-8d53-4b34-8e1f-2b2cd5a6a54f",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": "https://issuer.example/", "type": []any{"Profile"}, "name": "Example Issuer"},
		"validFrom": "2024-01-01T00:00:00Z",
		"name":      "Example badge",
		"credentialSubject": map[string]any{
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id": "https://issuer.example/achievements/1", "type": []any{"Achievement"},
				"name": "Example", "description": "An example.", "criteria": map[string]any{"narrative": "Be an example."},
			},
		},
	}
	signed, err := ldproof.Sign(credential, priv, "https://issuer.example/#key-1", ldproof.SuiteEddsaRdfc2022,
		time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range ldproof.Proofs(signed) {
		fmt.Println(p.Suite(), ldproof.Verify(signed, p, pub) == nil)
	}

	signed["name"] = "Forged badge"
	err = ldproof.Verify(signed, ldproof.Proofs(signed)[0], pub)
	fmt.Println(errors.Is(err, ldproof.ErrSignature))
	// Output:
	// eddsa-rdfc-2022 true
	// true
}
