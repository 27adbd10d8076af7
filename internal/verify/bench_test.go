package verify

import (
	"context"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/satchel-backpack/satchel/internal/badge"
)

func benchVerify(b *testing.B, v *Verifier, data []byte, want Verdict) {
	b.Helper()
	ctx := context.Background()
	// Warm up (contexts, schemas, connections) and check the input once.
	bd, err := badge.Read(data)
	if err != nil {
		b.Fatal(err)
	}
	if rep := v.Verify(ctx, bd, learner); rep.Verdict != want {
		b.Fatalf("verdict %s, want %s\n%s", rep.Verdict, want, reportText(rep))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer() // reading is benchmarked in package badge
		bd, err := badge.Read(data)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if rep := v.Verify(ctx, bd, learner); rep.Verdict != want {
			b.Fatalf("verdict %s", rep.Verdict)
		}
	}
}

// BenchmarkVerify20Signed: RS256 JWS, key, issuer and BadgeClass fetched
// from a loopback HTTPS server (each once per verification).
func BenchmarkVerify20Signed(b *testing.B) {
	srv, v := newTestVerifier(b)
	set := newOB2("bench")
	jws := set.signed(b, srv, testRSA(b))
	benchVerify(b, v, []byte(jws), Valid)
}

// BenchmarkVerify20Hosted: assertion, BadgeClass and issuer fetched from a
// loopback HTTPS server.
func BenchmarkVerify20Hosted(b *testing.B) {
	srv, v := newTestVerifier(b)
	set := newOB2("bench")
	set.serve(b, srv)
	benchVerify(b, v, mustJSON(b, set.assertion), Valid)
}

// BenchmarkVerifyEddsaRdfc: a whole Verifier.Verify of an Open Badges 3.0
// credential with an embedded eddsa-rdfc-2022 proof, issued by did:key (no
// network), schema validation included; the contexts and schemas are warm.
// Budget: 1.2 ms an operation.
func BenchmarkVerifyEddsaRdfc(b *testing.B) {
	_, v := newTestVerifier(b)
	iss := newEdIssuer(b)
	benchVerify(b, v, mustJSON(b, iss.sign(b, newCredential(iss.did), "eddsa-rdfc-2022")), Valid)
}

// BenchmarkVerify30VCJWT: EdDSA VC-JWT with a did:key kid (no network),
// schema validation included.
func BenchmarkVerify30VCJWT(b *testing.B) {
	_, v := newTestVerifier(b)
	iss := newEdIssuer(b)
	c := newCredential(iss.did)
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", iss.vm)
	jwt := signJWS(b, jose.EdDSA, iss.priv, mustJSON(b, jwtClaims(c)), opts)
	benchVerify(b, v, []byte(jwt), Valid)
}
