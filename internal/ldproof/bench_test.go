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
