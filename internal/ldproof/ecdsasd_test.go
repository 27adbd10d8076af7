package ldproof

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mr-tron/base58"
)

// multikeyP256 decodes a zDn… multikey (base58btc, multicodec 0x8024,
// compressed point) from a verificationMethod.
func multikeyP256(t *testing.T, vm string) *ecdsa.PublicKey {
	t.Helper()
	mk := vm[strings.LastIndexAny(vm, "#:")+1:]
	b, err := base58.Decode(strings.TrimPrefix(mk, "z"))
	if err != nil || len(b) != 35 || b[0] != 0x80 || b[1] != 0x24 {
		t.Fatalf("%s: not a P-256 multikey", vm)
	}
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), b[2:])
	if x == nil {
		t.Fatalf("%s: bad point", vm)
	}
	return &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}
}

func sdFixture(t *testing.T) (map[string]any, Proof, *ecdsa.PublicKey) {
	t.Helper()
	doc := mustReadJSON(t, filepath.Join(conformanceDir(t), "ob30", "sd", "derivedcredential.json"))
	p := Proofs(doc)
	if len(p) != 1 || p[0].Suite() != SuiteEcdsaSd2023 {
		t.Fatalf("proofs = %+v", p)
	}
	return doc, p[0], multikeyP256(t, p[0].VerificationMethod)
}

func TestVerify_EcdsaSd2023DerivedFixture(t *testing.T) {
	t.Parallel()
	doc, p, key := sdFixture(t)
	if err := Verify(doc, p, key); err != nil {
		t.Fatal(err)
	}
}

func TestVerify_EcdsaSd2023DetectsChanges(t *testing.T) {
	t.Parallel()
	doc, p, key := sdFixture(t)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err := Verify(doc, p, &other.PublicKey); !errors.Is(err, ErrSignature) {
		t.Errorf("other key: %v", err)
	}
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	if err := Verify(doc, p, edPub); !errors.Is(err, ErrKeyType) {
		t.Errorf("ed25519 key: %v", err)
	}
	edits := map[string]func(map[string]any){
		"achievement name": func(d map[string]any) {
			d["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["name"] = "Forged"
		},
		"issuer name":   func(d map[string]any) { d["issuer"].(map[string]any)["name"] = "Forged Corp" },
		"validFrom":     func(d map[string]any) { d["validFrom"] = "2011-01-01T00:00:00Z" },
		"added claim":   func(d map[string]any) { d["name"] = "Extra" },
		"removed claim": func(d map[string]any) { delete(d["issuer"].(map[string]any), "url") },
	}
	for name, edit := range edits {
		d := deepCopy(doc)
		edit(d)
		if err := Verify(d, Proofs(d)[0], key); !errors.Is(err, ErrSignature) {
			t.Errorf("%s: err = %v, want ErrSignature", name, err)
		}
	}
	for name, pv := range map[string]string{
		"not multibase": "zabc",
		"bad base64":    "u!!!",
		"base proof":    "u2V0AhVhA",
		"not cbor":      "u2V0B_w",
		"empty":         "",
	} {
		d := deepCopy(doc)
		d["proof"].([]any)[0].(map[string]any)["proofValue"] = pv
		err := Verify(d, Proofs(d)[0], key)
		if !errors.Is(err, ErrMalformedProof) && !errors.Is(err, ErrUnsupportedProof) {
			t.Errorf("%s: err = %v, want a malformed or unsupported proof", name, err)
		}
	}
}
