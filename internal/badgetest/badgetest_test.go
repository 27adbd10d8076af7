package badgetest_test

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/badgetest"
	"github.com/satchel-backpack/satchel/internal/keys"
	"github.com/satchel-backpack/satchel/internal/ldproof"
)

// A credential signed with a did:key carries one proof, under the key's
// verification method, that the key's public half verifies and another
// key's does not.
func TestDIDKey_SignsWhatItsPublicKeyVerifies(t *testing.T) {
	t.Parallel()
	k, other := badgetest.MustDIDKey(t), badgetest.MustDIDKey(t)
	if pub, err := keys.FromMultibase(k.Multikey); err != nil || !keys.SameKey(pub, k.Public) {
		t.Fatalf("%s does not name the key (%v)", k.DID, err)
	}
	doc := map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2"},
		"type":              []any{"VerifiableCredential"},
		"issuer":            k.DID,
		"validFrom":         "2024-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:example:learner"},
	}
	signed := k.MustSign(t, doc, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	proofs := ldproof.Proofs(signed)
	if len(proofs) != 1 || proofs[0].VerificationMethod != k.VM {
		t.Fatalf("proofs %+v, want one by %s", proofs, k.VM)
	}
	if err := ldproof.Verify(signed, proofs[0], k.Public); err != nil {
		t.Errorf("own key: %v", err)
	}
	if err := ldproof.Verify(signed, proofs[0], other.Public); err == nil {
		t.Error("another key verified the proof")
	}
}

func TestMustRSA_SameKeyForTheSameIndex(t *testing.T) {
	t.Parallel()
	if badgetest.MustRSA(t, 0) != badgetest.MustRSA(t, 0) || badgetest.MustRSA(t, 0).Equal(badgetest.MustRSA(t, 1)) {
		t.Fatal("MustRSA(0) must be one key, and differ from MustRSA(1)")
	}
}

func TestMustTLSCert_ServesTheNamedHosts(t *testing.T) {
	t.Parallel()
	cert, pool := badgetest.MustTLSCert(t, "issuer.example", "127.0.0.1")
	for _, host := range []string{"issuer.example", "127.0.0.1"} {
		if err := cert.Leaf.VerifyHostname(host); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	if _, err := cert.Leaf.Verify(x509.VerifyOptions{Roots: pool}); err != nil {
		t.Errorf("the pool does not trust the certificate: %v", err)
	}
}

func TestHashedEmail(t *testing.T) {
	t.Parallel()
	// printf 'learner@example.netpepper' | sha256sum
	const want = "sha256$15f7d0a2de2a04f6b91769d1dc3637e36f1c44a5d55ecddb5b1bd3c23926487b"
	if got := badgetest.HashedEmail("learner@example.net", "pepper"); got != want {
		t.Fatalf("HashedEmail = %q, want %q", got, want)
	}
}
