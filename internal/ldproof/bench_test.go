package ldproof

import (
	"crypto/ed25519"
	"path/filepath"
	"testing"
)

func benchFixture(b *testing.B) (map[string]any, Proof, ed25519.PublicKey) {
	b.Helper()
	doc := mustReadJSON(b, filepath.Join(conformanceDir(b), "ob30", "simple.json"))
	p := Proofs(doc)[0]
	t := &testing.T{}
	return doc, p, multikeyEd25519(t, p.VerificationMethod)
}

// BenchmarkVerifyEddsaRdfc2022 measures verifying one eddsa-rdfc-2022
// credential once the embedded contexts are parsed.
func BenchmarkVerifyEddsaRdfc2022(b *testing.B) {
	doc, p, pub := benchFixture(b)
	if err := Verify(doc, p, pub); err != nil { // warm the contexts
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(doc, p, pub); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCanonicalize(b *testing.B) {
	doc, _, _ := benchFixture(b)
	doc = withoutProof(doc)
	if _, err := Canonicalize(doc); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Canonicalize(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyEcdsaSd2023(b *testing.B) {
	doc := mustReadJSON(b, filepath.Join(conformanceDir(b), "ob30", "sd", "derivedcredential.json"))
	p := Proofs(doc)[0]
	key := multikeyP256(&testing.T{}, p.VerificationMethod)
	if err := Verify(doc, p, key); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(doc, p, key); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyEd25519Signature2020(b *testing.B) {
	doc := mustReadJSON(b, filepath.Join(conformanceDir(b), "ob30", "simple_v1.json"))
	p := Proofs(doc)[0]
	pub := multikeyEd25519(&testing.T{}, p.VerificationMethod)
	if err := Verify(doc, p, pub); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(doc, p, pub); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckJSONLD(b *testing.B) {
	doc, _, _ := benchFixture(b)
	if err := CheckJSONLD(doc); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := CheckJSONLD(doc); err != nil {
			b.Fatal(err)
		}
	}
}
