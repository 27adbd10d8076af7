package ldproof

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mr-tron/base58"
)

// multikeyEd25519 decodes a z6Mk… multikey (base58btc, multicodec 0xed01)
// taken from a verificationMethod like did:key:z6Mk… or https://x#z6Mk….
func multikeyEd25519(t *testing.T, vm string) ed25519.PublicKey {
	t.Helper()
	mk := vm
	if i := strings.LastIndexAny(vm, "#:"); i >= 0 {
		mk = vm[i+1:]
	}
	if !strings.HasPrefix(mk, "z") {
		t.Fatalf("%s: not a base58btc multikey", vm)
	}
	b, err := base58.Decode(mk[1:])
	if err != nil {
		t.Fatalf("%s: %v", vm, err)
	}
	if len(b) != 34 || b[0] != 0xed || b[1] != 0x01 {
		t.Fatalf("%s: not an Ed25519 multikey", vm)
	}
	return ed25519.PublicKey(b[2:])
}

func TestVerify_TestVectorWithPublishedKey(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(conformanceDir(t), "vectors", "eddsa-rdfc-2022")
	doc := mustReadJSON(t, filepath.Join(dir, "signed-credential.json"))
	pubHex, _ := hex.DecodeString("4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5")
	if !bytes.Equal(pubHex, multikeyEd25519(t, "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")) {
		t.Fatal("multikey in the README does not match the hex key")
	}
	p := Proofs(doc)
	if len(p) != 1 {
		t.Fatalf("%d proofs", len(p))
	}
	if err := Verify(doc, p[0], ed25519.PublicKey(pubHex)); err != nil {
		t.Fatalf("vector does not verify: %v", err)
	}
}

// TestVerify_ConformanceFixtures checks every ob30 fixture with an embedded
// proof against the official validator's verdict on its signature.
func TestVerify_ConformanceFixtures(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(conformanceDir(t), "ob30")
	cases := []struct {
		file string
		// ok is true when every proof must verify; otherwise at least one
		// must fail with an error wrapping want.
		ok   bool
		want error
	}{
		{"simple.json", true, nil},
		{"simple_v1.json", true, nil},
		{"simple-did-key-method.json", true, nil},
		{"simple-eddsa-2022.json", true, nil},
		{"endorsement-valid.json", true, nil},
		{"simple-context-alias.json", true, nil},
		{"simple-context-version.json", true, nil},
		{"simple-err-expired.json", true, nil}, // signature fine, dates are not
		{"simple-err-issued.json", true, nil},
		{"simple-err-proof-value.json", false, ErrSignature},
		{"simple-multiple-proofs.json", false, ErrUnsupportedProof},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			doc := mustReadJSON(t, filepath.Join(dir, tc.file))
			proofs := Proofs(doc)
			if len(proofs) == 0 {
				t.Fatal("no proofs found")
			}
			var failed []error
			for _, p := range proofs {
				var key ed25519.PublicKey
				if p.VerificationMethod != "" {
					key = multikeyEd25519(t, p.VerificationMethod)
				}
				if err := Verify(doc, p, key); err != nil {
					failed = append(failed, err)
				}
			}
			if tc.ok {
				if len(failed) > 0 {
					t.Fatalf("want valid, got %v", failed)
				}
				return
			}
			if len(failed) == 0 {
				t.Fatal("want a failing proof, all verified")
			}
			if !errors.Is(failed[0], tc.want) {
				t.Fatalf("err = %v, want %v", failed[0], tc.want)
			}
			if len(failed) != 1 {
				t.Fatalf("%d of %d proofs failed, want only the bad one: %v", len(failed), len(proofs), failed)
			}
		})
	}
}

func TestCheckJSONLD_UnknownProofTypeBreaksDocument(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(conformanceDir(t), "ob30")
	doc := mustReadJSON(t, filepath.Join(dir, "simple-multiple-proofs.json"))
	err := CheckJSONLD(doc)
	if !errors.Is(err, ErrJSONLD) {
		t.Fatalf("err = %v, want ErrJSONLD", err)
	}
	good := mustReadJSON(t, filepath.Join(dir, "simple.json"))
	if err := CheckJSONLD(good); err != nil {
		t.Fatalf("simple.json: %v", err)
	}
}

func testCredential() map[string]any {
	var m map[string]any
	err := json.Unmarshal([]byte(`{
	  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
	  "id": "urn:uuid:2f1c1f2e-3d7b-4b7a-9a55-1f0a5f8e2c11",
	  "type": ["VerifiableCredential", "OpenBadgeCredential"],
	  "issuer": {"id": "https://issuer.test/", "type": ["Profile"], "name": "Test Issuer"},
	  "validFrom": "2024-01-01T00:00:00Z",
	  "name": "Round trip",
	  "credentialSubject": {
	    "type": ["AchievementSubject"],
	    "identifier": [{"type": "IdentityObject", "identityHash": "learner@example.org", "identityType": "emailAddress", "hashed": false}],
	    "achievement": {
	      "id": "https://issuer.test/achievements/1",
	      "type": ["Achievement"],
	      "name": "Knots",
	      "description": "Ties knots.",
	      "criteria": {"narrative": "Tie *ten* knots."}
	    }
	  }
	}`), &m)
	if err != nil {
		panic(err)
	}
	return m
}

func TestSign_RoundTripEachSuite(t *testing.T) {
	t.Parallel()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	created := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, suite := range []string{SuiteEddsaRdfc2022, SuiteEddsa2022, TypeEd25519Signature2020} {
		t.Run(suite, func(t *testing.T) {
			doc := testCredential()
			if suite == TypeEd25519Signature2020 {
				doc["@context"] = append(doc["@context"].([]any), "https://w3id.org/security/suites/ed25519-2020/v1")
			}
			signed, err := Sign(doc, priv, "https://issuer.test/#key-1", suite, created)
			if err != nil {
				t.Fatal(err)
			}
			if _, had := doc["proof"]; had {
				t.Fatal("Sign modified its input")
			}
			// Survive a JSON round trip, as a stored badge does.
			b, _ := json.Marshal(signed)
			var back map[string]any
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			p := Proofs(back)
			if len(p) != 1 || p[0].Suite() != suite || p[0].Created != "2024-05-06T07:08:09Z" {
				t.Fatalf("proofs = %+v", p)
			}
			if err := Verify(back, p[0], pub); err != nil {
				t.Fatalf("verify: %v", err)
			}
			otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
			if err := Verify(back, p[0], otherPub); !errors.Is(err, ErrSignature) {
				t.Fatalf("other key: err = %v, want ErrSignature", err)
			}
		})
	}
}

func TestVerify_DetectsTampering(t *testing.T) {
	t.Parallel()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	signed, err := Sign(testCredential(), priv, "https://issuer.test/#key-1", SuiteEddsaRdfc2022, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tamper := []struct {
		name string
		edit func(doc map[string]any, proof map[string]any)
		want error
	}{
		{"credential name", func(d, _ map[string]any) { d["name"] = "Forged" }, ErrSignature},
		{"nested achievement", func(d, _ map[string]any) {
			d["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["name"] = "Rocket science"
		}, ErrSignature},
		{"issuer id", func(d, _ map[string]any) { d["issuer"].(map[string]any)["id"] = "https://evil.test/" }, ErrSignature},
		{"validFrom", func(d, _ map[string]any) { d["validFrom"] = "2020-01-01T00:00:00Z" }, ErrSignature},
		{"added property", func(d, _ map[string]any) { d["description"] = "extra" }, ErrSignature},
		{"proof created", func(_, p map[string]any) { p["created"] = "2020-01-01T00:00:00Z" }, ErrSignature},
		{"proof verificationMethod", func(_, p map[string]any) { p["verificationMethod"] = "https://issuer.test/#key-2" }, ErrSignature},
		{"proofPurpose", func(_, p map[string]any) { p["proofPurpose"] = "authentication" }, ErrProofPurpose},
		{"cryptosuite", func(_, p map[string]any) { p["cryptosuite"] = "ecdsa-rdfc-2019" }, ErrUnsupportedProof},
		{"proofValue flipped", func(_, p map[string]any) {
			v := []byte(p["proofValue"].(string))
			if v[5] == 'A' {
				v[5] = 'B'
			} else {
				v[5] = 'A'
			}
			p["proofValue"] = string(v)
		}, ErrSignature},
		{"proofValue not multibase", func(_, p map[string]any) { p["proofValue"] = "abc" }, ErrMalformedProof},
		{"proofValue short", func(_, p map[string]any) { p["proofValue"] = "z3yQ" }, ErrMalformedProof},
		{"undefined term", func(d, _ map[string]any) { d["sneaky"] = "not in any context" }, ErrJSONLD},
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			doc := deepCopy(signed)
			proof := doc["proof"].(map[string]any)
			tc.edit(doc, proof)
			p := Proofs(doc)
			if err := Verify(doc, p[0], pub); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// Untouched copy still verifies, so the failures above come from the edits.
	doc := deepCopy(signed)
	if err := Verify(doc, Proofs(doc)[0], pub); err != nil {
		t.Fatal(err)
	}
}

func TestVerify_WrongKeyType(t *testing.T) {
	t.Parallel()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signed, err := Sign(testCredential(), priv, "https://issuer.test/#key-1", SuiteEddsaRdfc2022, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, k := range []any{nil, &ec.PublicKey, []byte("short"), ed25519.PublicKey{1, 2, 3}} {
		if err := Verify(signed, Proofs(signed)[0], k); !errors.Is(err, ErrKeyType) {
			t.Errorf("%T: err = %v, want ErrKeyType", k, err)
		}
	}
}

func TestSign_ProofSetEachProofVerifies(t *testing.T) {
	t.Parallel()
	pub1, priv1, _ := ed25519.GenerateKey(rand.Reader)
	pub2, priv2, _ := ed25519.GenerateKey(rand.Reader)
	one, err := Sign(testCredential(), priv1, "https://issuer.test/#k1", SuiteEddsaRdfc2022, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	two, err := Sign(one, priv2, "https://issuer.test/#k2", SuiteEddsaRdfc2022, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p := Proofs(two)
	if len(p) != 2 {
		t.Fatalf("%d proofs", len(p))
	}
	if err := Verify(two, p[0], pub1); err != nil {
		t.Errorf("first proof: %v", err)
	}
	if err := Verify(two, p[1], pub2); err != nil {
		t.Errorf("second proof: %v", err)
	}
	if err := Verify(two, p[1], pub1); !errors.Is(err, ErrSignature) {
		t.Errorf("second proof with first key: %v", err)
	}
}

func TestSign_RefusesUnknownSuiteAndBadKey(t *testing.T) {
	t.Parallel()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := Sign(testCredential(), priv, "k", "rsa-2000", time.Now()); !errors.Is(err, ErrUnsupportedProof) {
		t.Errorf("unknown suite: %v", err)
	}
	if _, err := Sign(testCredential(), priv[:10], "k", SuiteEddsaRdfc2022, time.Now()); !errors.Is(err, ErrKeyType) {
		t.Errorf("short key: %v", err)
	}
	doc := testCredential()
	doc["undefinedThing"] = 1
	if _, err := Sign(doc, priv, "k", SuiteEddsaRdfc2022, time.Now()); !errors.Is(err, ErrJSONLD) {
		t.Errorf("undefined term: %v", err)
	}
}

func TestProofs_Shapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		proof any
		n     int
	}{
		{nil, 0},
		{"string", 0},
		{map[string]any{"type": "DataIntegrityProof"}, 1},
		{[]any{map[string]any{"type": "A"}, 3, map[string]any{"type": []any{"B"}}}, 2},
	}
	for _, tc := range cases {
		if got := Proofs(map[string]any{"proof": tc.proof}); len(got) != tc.n {
			t.Errorf("%v: %d proofs, want %d", tc.proof, len(got), tc.n)
		}
	}
	p := Proofs(map[string]any{"proof": map[string]any{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "verificationMethod": map[string]any{"id": "did:key:z6Mk"}}})
	if p[0].VerificationMethod != "did:key:z6Mk" || p[0].Suite() != "eddsa-rdfc-2022" {
		t.Errorf("%+v", p[0])
	}
}

func deepCopy(m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// TestVerify_ConcurrentUseSharesContextsSafely verifies credentials from
// several goroutines at once; the processed contexts are shared between them.
// Run with -race to check the sharing.
func TestVerify_ConcurrentUseSharesContextsSafely(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(conformanceDir(t), "ob30")
	files := []string{"simple.json", "simple_v1.json", "simple-eddsa-2022.json", "endorsement-valid.json"}
	type job struct {
		doc map[string]any
		p   Proof
		key ed25519.PublicKey
	}
	var jobs []job
	for _, f := range files {
		doc := mustReadJSON(t, filepath.Join(dir, f))
		p := Proofs(doc)[0]
		jobs = append(jobs, job{doc, p, multikeyEd25519(t, p.VerificationMethod)})
	}
	errs := make(chan error, 4*len(jobs))
	for i := 0; i < 4; i++ {
		for _, j := range jobs {
			go func() { errs <- Verify(j.doc, j.p, j.key) }()
		}
	}
	for i := 0; i < 4*len(jobs); i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestVerify_ProofWithOwnContext(t *testing.T) {
	t.Parallel()
	doc := mustReadJSON(t, filepath.Join(conformanceDir(t), "ob30", "simple.json"))
	key := multikeyEd25519(t, Proofs(doc)[0].VerificationMethod)

	// A proof that repeats the document's @context verifies as before.
	same := deepCopy(doc)
	same["proof"].([]any)[0].(map[string]any)["@context"] = same["@context"]
	if err := Verify(same, Proofs(same)[0], key); err != nil {
		t.Fatalf("proof with the document's context: %v", err)
	}
	// One that is not a prefix of the document's is refused.
	other := deepCopy(doc)
	other["proof"].([]any)[0].(map[string]any)["@context"] = []any{"https://www.w3.org/2018/credentials/v1"}
	if err := Verify(other, Proofs(other)[0], key); !errors.Is(err, ErrMalformedProof) {
		t.Fatalf("mismatched proof context: err = %v, want ErrMalformedProof", err)
	}
}

// RDF has no order for repeated values, so reordering a type list or the
// keys of an object does not change what was signed; a VCDM 1.1 credential
// with the Data Integrity context signs and verifies too.
func TestSign_CanonicalFormIgnoresJSONOrder(t *testing.T) {
	t.Parallel()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	doc := testCredential()
	doc["@context"] = []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "https://w3id.org/security/data-integrity/v1"}
	doc["issuanceDate"] = doc["validFrom"]
	delete(doc, "validFrom")
	signed, err := Sign(doc, priv, "https://issuer.test/#k", SuiteEddsaRdfc2022, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	reordered := deepCopy(signed)
	reordered["type"] = []any{"OpenBadgeCredential", "VerifiableCredential"}
	if err := Verify(reordered, Proofs(reordered)[0], pub); err != nil {
		t.Fatalf("reordered types: %v", err)
	}
	// AchievementCredential is the context's alias of OpenBadgeCredential:
	// the same statement, so the same signature.
	alias := deepCopy(signed)
	alias["type"] = []any{"VerifiableCredential", "AchievementCredential"}
	if err := Verify(alias, Proofs(alias)[0], pub); err != nil {
		t.Fatalf("aliased type: %v", err)
	}
	changed := deepCopy(signed)
	changed["type"] = []any{"VerifiableCredential", "EndorsementCredential"}
	if err := Verify(changed, Proofs(changed)[0], pub); !errors.Is(err, ErrSignature) {
		t.Fatalf("changed type: err = %v, want ErrSignature", err)
	}
}
