package ldproof

import (
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// addFixtureSeeds adds the shared ob30 JSON fixtures to a fuzz corpus when
// the conformance folder is present; the inline seeds always run.
func addFixtureSeeds(f *testing.F) {
	dir := os.Getenv("SATCHEL_CONFORMANCE_DIR")
	if dir == "" {
		dir = filepath.Join(repoRoot(f), "..", "shared", "conformance")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "ob30", "*.json"))
	for _, name := range []string{"simple.json", "simple_v1.json", "simple-multiple-proofs.json", "endorsement-valid.json"} {
		for _, p := range files {
			if filepath.Base(p) == name {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "ob30", "sd", "derivedcredential.json")); err == nil {
		f.Add(b)
	}
}

var fuzzSeeds = []string{
	`{}`,
	`[]`,
	`{"@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential"}`,
	`{"@context": {"@protected": "x", "a": {"@id": 3}}, "a": 1}`,
	`{"@context": [{"@vocab": "http://e/"}], "@id": "_:a", "p": {"@id": "_:a"}}`,
	`{"@context": {"@vocab": "http://e/"}, "@graph": [{"@id": "_:a", "p": {"@id": "_:b"}}, {"@id": "_:b", "p": {"@id": "_:a"}}]}`,
	`{"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:x", "type": ["VerifiableCredential"], "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod", "verificationMethod": "did:key:z6Mk", "proofValue": "z1111"}}`,
	`{"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": [{"type": "DataIntegrityProof", "cryptosuite": "ecdsa-sd-2023", "proofPurpose": "assertionMethod", "verificationMethod": "x", "proofValue": "u2V0BhQ"}]}`,
}

// FuzzCanonicalize: hostile JSON-LD must give a result or an error, never a
// panic or a hang.
func FuzzCanonicalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Canonicalize(data)
		_ = CheckJSONLD(data)
	})
}

// FuzzVerify runs every embedded proof of a hostile document through Verify
// with an Ed25519 key: it must never panic, and it must never accept one,
// since nothing here was signed with that key.
func FuzzVerify(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	addFixtureSeeds(f)
	pub, _, _ := ed25519.GenerateKey(nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc map[string]any
		if json.Unmarshal(data, &doc) != nil {
			return
		}
		for _, p := range Proofs(doc) {
			if err := Verify(doc, p, pub); err == nil {
				t.Fatalf("proof %+v verified with an unrelated key", p)
			}
		}
	})
}

func FuzzValidateSchema(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = ValidateSchema(data, SchemaAchievementCredential)
		_ = ValidateSchema(data, SchemaEndorsementCredential)
	})
}

func FuzzParseSdDerivedProof(f *testing.F) {
	f.Add("u2V0BhVhA")
	f.Add("u2V0BhUA")
	f.Add("u2V0AhQ")
	f.Add("u2V0BhUBAQKBAQOhAUACgA")
	f.Fuzz(func(t *testing.T, v string) {
		_, _ = parseSdDerivedProof(v)
	})
}
