package verify

// Outside evidence from the W3C test suites: each row below mirrors one
// statement (a mocha it(...)) of a W3C suite and asserts the verdict Satchel
// gives. The suites drive an implementation's HTTP issuer and verifier with
// credentials they generate and mutate in JavaScript; their code is not
// copied here. Static data they publish (keys, JSON inputs) is stored under
// testdata/w3c/<suite>/ with a SOURCE file; the mutations they make in code
// are made again in Go, and each row says which statement it mirrors.
//
// Suites and files (as stored by the index the cases were read from):
//
//   - w3c/vc-di-eddsa-test-suite: tests/20-rdfc-verify.js (commit 06cb6e1c),
//     whose credentials come from tests/vc-generator/generators.js (commit
//     1b9a7b79); tests/15-di-rdfc-verify.js (commit 0d83ebfa) runs
//     checkDataIntegrityProofVerifyErrors, whose statements live in
//     w3c-ccg/data-integrity-test-suite-assertion suites/verify.js (stored
//     versions 001e58a4 and a later one with the proofValue, undefined term
//     and conformance statements).
//   - w3c/vc-data-model-2.0-test-suite: tests/412-securing-mechanisms.js
//     (commit 32aaeff6), tests/4.09-validity-period.js (commit 3e858544) and
//     tests/80-validity-period.js (commit f617fdc1) with testTemporality in
//     tests/assertions.js (commit 05f9ae3e), tests/100-status.js (commit
//     f617fdc1), and their tests/input/*.json.
//   - w3c/vc-bitstring-status-list-test-suite: tests/20-verify.js, the
//     "BitstringStatusList Credentials (Verify)" version. Neither suite above
//     tests revocation or suspension (the data model suite's status tests only
//     check the shape an issuer accepts), so these rows come from the W3C
//     suite that does. Its statements are skipped there ("Pending verifier
//     tests") but say what a verifier must do; its static status lists have
//     bits 201, 57444 and 94023 set (README; fixtures/status-credentials/
//     *-purpose-ok.jsonld, 200000 entries). No licence file of that suite
//     could be read, so nothing of it is stored: the lists are rebuilt here
//     with the same bits and the same (unprefixed base64url) encoding.
//
// Every case is applied to an Open Badges 3.0 credential built by
// newCredential, so that the verifier's Open Badges checks pass and only the
// W3C mutation decides: the W3C cases concern the proof, the key, the proof
// purpose, the status and the dates, which apply to any credential.

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mr-tron/base58"

	"github.com/satchel-backpack/satchel/internal/keys"
	"github.com/satchel-backpack/satchel/internal/ldproof"
)

const (
	suiteEdDSA = "w3c/vc-di-eddsa-test-suite"
	// suiteDI is the assertion library the eddsa suite runs for its verifier
	// error statements.
	suiteDI   = "w3c/vc-di-eddsa-test-suite → w3c-ccg/data-integrity-test-suite-assertion"
	suiteVCDM = "w3c/vc-data-model-2.0-test-suite"
	suiteBSL  = "w3c/vc-bitstring-status-list-test-suite"
)

// w3cCase is one W3C test statement applied to an Open Badges credential.
type w3cCase struct {
	name        string // the subtest's name
	suite, file string
	statement   string // the it(...) title, verbatim (the pending row adds a note)
	mutation    string // what is done to the credential, as the suite does it
	expects     string // the suite's expectation
	// now is when the verifier judges the credential (fixedNow if zero).
	now   time.Time
	build func(t *testing.T, e *w3cEnv) map[string]any
	// Satchel's verdict, and the check that decides it with its status
	// (and a part of its message, if given).
	want    Verdict
	check   string
	status  Status
	message string
}

// w3cEnv holds what the rows share: the issuer server (for status lists),
// the suites' own keys, and the time the current row is judged at.
type w3cEnv struct {
	srv   *issuerServer
	eddsa *edIssuer // the eddsa suite's test key
	vcdm  *edIssuer // the data model suite's key
	// bsl issues the Bitstring Status List rows: that suite has no key of
	// its own (implementations issue), so a generated did:key.
	bsl *edIssuer
	now time.Time
}

func TestW3C(t *testing.T) {
	t.Parallel()
	runW3C(t, w3cCases())
}

// TestW3C_KeyBinding_StrangerDIDKey holds the cases of the key-binding
// rule (a signature counts only when its key is proven to be the
// issuer's): a did:key issuer's credential signed by another did:key.
func TestW3C_KeyBinding_StrangerDIDKey(t *testing.T) {
	t.Parallel()
	runW3C(t, w3cKeyBindingCases())
}

// TestW3C_SignerMatchesLdproof checks the rows' signer against Satchel's: on
// the same credential and proof options they must give the same proof, so a
// row differs from a valid credential by its mutation only.
func TestW3C_SignerMatchesLdproof(t *testing.T) {
	t.Parallel()
	e := &w3cEnv{eddsa: eddsaSuiteKey(t), now: fixedNow}
	c := newCredential(e.eddsa.did)
	mine := e.sign(t, e.eddsa, c, nil)
	theirs, err := ldproof.Sign(c, e.eddsa.priv, e.eddsa.vm, ldproof.SuiteEddsaRdfc2022, e.now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := string(mustJSON(t, mine)), string(mustJSON(t, theirs)); a != b {
		t.Errorf("proofs differ:\n%s\n%s", a, b)
	}
}

func runW3C(t *testing.T, cases []w3cCase) {
	e := &w3cEnv{
		srv:   newIssuerServer(t, issuerHost, otherHost),
		eddsa: eddsaSuiteKey(t),
		vcdm:  vcdmSuiteKey(t),
		bsl:   newEdIssuer(t),
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.now = fixedNow
			if !tc.now.IsZero() {
				e.now = tc.now
			}
			now := e.now
			v := New(e.srv.client(), Options{Now: func() time.Time { return now }, Timeout: 10 * time.Second})
			rep := verifyData(t, v, mustJSON(t, tc.build(t, e)), nil)
			var failed []string
			for _, c := range rep.Checks {
				if c.Status == Failed || c.Status == Warning {
					failed = append(failed, c.ID+" "+string(c.Status))
				}
			}
			t.Logf("W3C expects: %s; Satchel: %s %v", tc.expects, rep.Verdict, failed)
			if rep.Verdict != tc.want {
				t.Errorf("%s %s\nstatement: %s\nmutation: %s\nW3C expects: %s\nverdict %s, want %s\n%s",
					tc.suite, tc.file, tc.statement, tc.mutation, tc.expects, rep.Verdict, tc.want, reportText(rep))
				return
			}
			c := check(rep, tc.check)
			if got := status(rep, tc.check); got != tc.status {
				t.Errorf("check %q is %q, want %q\n%s", tc.check, got, tc.status, reportText(rep))
			}
			if tc.message != "" && !strings.Contains(c.Message, tc.message) {
				t.Errorf("check %q says %q, want it to say %q", tc.check, c.Message, tc.message)
			}
		})
	}
}

func w3cCases() []w3cCase {
	const (
		rdfcVerify = "tests/20-rdfc-verify.js"
		diVerify   = "tests/15-di-rdfc-verify.js → suites/verify.js"
		securing   = "tests/412-securing-mechanisms.js"
		validity   = "tests/4.09-validity-period.js, tests/80-validity-period.js"
		status100  = "tests/100-status.js"
		bslVerify  = "tests/20-verify.js"
		fails      = "verification fails (400/422, or verified: false)"
		verifies   = "verification succeeds"
	)
	validFrom := "If present, the value of the validFrom property MUST be an [XMLSCHEMA11-2] dateTimeStamp string value representing the date and time the credential becomes valid, which could be a date and time in the future or in the past."
	validUntil := "If present, the value of the validUntil property MUST be an [XMLSCHEMA11-2] dateTimeStamp string value representing the date and time the credential ceases to be valid, which could be a date and time in the past or in the future."
	temporality := "If a validUntil value also exists, the validFrom value MUST express a datetime that is temporally the same or earlier than the datetime expressed by the validUntil value."
	verifier412 := "A conforming verifier implementation consumes conforming documents, MUST perform verification on a conforming document as described in Section 4.12 Securing Mechanisms, MUST check that each required property satisfies the normative requirements for that property, and MUST produce errors when non-conforming documents are detected."
	statusType := "(If a credentialStatus property is present), The type property is REQUIRED. It is used to express the type of status information expressed by the object. The related normative guidance in Section 4.4 Types MUST be followed."

	return []w3cCase{
		// --- vc-di-eddsa-test-suite, eddsa-rdfc-2022 (verifier) ---
		{
			name:  "eddsa/valid",
			suite: suiteEdDSA, file: rdfcVerify,
			statement: "MUST verify a valid VC with an eddsa-rdfc-2022 proof",
			mutation:  "none: issuedVc, signed by the suite's test key, issuer = its did:key",
			expects:   verifies,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.sign(t, e.eddsa, newCredential(e.eddsa.did), nil)
			},
			want: Valid, check: "proof", status: Passed,
		},
		{
			name:  "eddsa/proofValue-too-long",
			suite: suiteEdDSA, file: rdfcVerify,
			statement: `If the "proofValue" field, when decoded to raw bytes, is not 64 bytes in length if the associated public key is 32 bytes in length, or 114 bytes in length if the public key is 57 bytes in length, an error MUST be raised.`,
			mutation:  "32 random bytes appended to the decoded proofValue",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				c := e.sign(t, e.eddsa, newCredential(e.eddsa.did), nil)
				p := c["proof"].(map[string]any)
				sig, err := base58.Decode(strings.TrimPrefix(p["proofValue"].(string), "z"))
				if err != nil {
					t.Fatal(err)
				}
				extra := make([]byte, 32)
				if _, err := rand.Read(extra); err != nil {
					t.Fatal(err)
				}
				p["proofValue"] = "z" + base58.Encode(append(sig, extra...))
				return c
			},
			want: Invalid, check: "proof", status: Failed, message: "malformed",
		},
		{
			name:  "eddsa/canonize-jcs",
			suite: suiteEdDSA, file: rdfcVerify,
			statement: "If a canonicalization algorithm other than URDNA2015 is used, an error MUST be raised.",
			mutation:  "canonizeJcs: document and proof options canonicalized as JCS-style JSON instead of RDFC-1.0, then signed",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return diSign(t, newCredential(e.eddsa.did), e.eddsa.priv, e.options(e.eddsa), canonJSON, sha256Hash)
			},
			want: Invalid, check: "proof", status: Failed, message: "does not match",
		},
		{
			name:  "eddsa/digest-sha512",
			suite: suiteEdDSA, file: rdfcVerify,
			statement: "If a canonicalization data hashing other than algorithm SHA-2-256 is used, an error MUST be raised.",
			mutation:  "digestSha512: SHA-512 of the canonical proof options and document, then signed",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return diSign(t, newCredential(e.eddsa.did), e.eddsa.priv, e.options(e.eddsa), ldproof.Canonicalize, sha512Hash)
			},
			want: Invalid, check: "proof", status: Failed, message: "does not match",
		},
		{
			name:  "eddsa/unknown-cryptosuite",
			suite: suiteEdDSA, file: rdfcVerify,
			statement: `If the "cryptosuite" field is not the string "eddsa-rdfc-2022", an error MUST be raised.`,
			mutation:  `incorrectCryptosuite: signed as eddsa-rdfc-2022 with cryptosuite "unknown-cryptosuite-2017"`,
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.sign(t, e.eddsa, newCredential(e.eddsa.did), func(o map[string]any) { o["cryptosuite"] = "unknown-cryptosuite-2017" })
			},
			want: Invalid, check: "proof", status: Failed, message: "cannot check",
		},

		// --- checkDataIntegrityProofVerifyErrors, as run by the eddsa suite ---
		{
			name:  "di/proof-missing",
			suite: suiteDI, file: diVerify,
			statement: `If the "proof" field is missing, an error MUST be raised.`,
			mutation:  "proof deleted from issuedVc",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				c := e.sign(t, e.eddsa, newCredential(e.eddsa.did), nil)
				delete(c, "proof")
				return c
			},
			want: Invalid, check: "proof", status: Failed, message: "no signature",
		},
		{
			name:  "di/proof-null",
			suite: suiteDI, file: diVerify,
			statement: `If the "proof" field is invalid, an error MUST be raised.`,
			mutation:  "proof set to null",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				c := e.sign(t, e.eddsa, newCredential(e.eddsa.did), nil)
				c["proof"] = nil
				return c
			},
			want: Invalid, check: "proof", status: Failed, message: "no signature",
		},
		{
			name:  "di/proof-type-missing",
			suite: suiteDI, file: diVerify,
			statement: `If the "proof.type" field is missing, an error MUST be raised.`,
			mutation:  "proof.type deleted from issuedVc",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				c := e.sign(t, e.eddsa, newCredential(e.eddsa.did), nil)
				delete(c["proof"].(map[string]any), "type")
				return c
			},
			want: Invalid, check: "proof", status: Failed, message: "malformed",
		},
		{
			name:  "di/proof-type-unknown",
			suite: suiteDI, file: diVerify,
			statement: `If the "proof.type" field is not the string "DataIntegrityProof", an error MUST be raised.`,
			mutation:  `invalidProofType: proof type "UnknownProofType" (set after signing, see proofAfter)`,
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.proofAfter(t, e.eddsa, newCredential(e.eddsa.did), "type", "UnknownProofType")
			},
			want: Invalid, check: "proof", status: Failed, message: "cannot check",
		},
		{
			name:  "di/verificationMethod-missing",
			suite: suiteDI, file: diVerify,
			statement: `If the "proof.verificationMethod" field is missing, an error MUST be raised.`,
			mutation:  "noVm: signed without a verificationMethod",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.sign(t, e.eddsa, newCredential(e.eddsa.did), func(o map[string]any) { delete(o, "verificationMethod") })
			},
			want: Invalid, check: "key", status: Failed,
		},
		{
			name:  "di/verificationMethod-invalid",
			suite: suiteDI, file: diVerify,
			statement: `If the "proof.verificationMethod" field is invalid, an error MUST be raised.`,
			mutation:  `invalidVm: signed with verificationMethod "did:key:@invalidVm@"`,
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.sign(t, e.eddsa, newCredential(e.eddsa.did), func(o map[string]any) { o["verificationMethod"] = "did:key:@invalidVm@" })
			},
			want: Invalid, check: "key", status: Failed,
		},
		{
			name:  "di/proofPurpose-missing",
			suite: suiteDI, file: diVerify,
			statement: `If the "proof.proofPurpose" field is missing, an error MUST be raised.`,
			mutation:  "noProofPurpose: signed without a proofPurpose",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.sign(t, e.eddsa, newCredential(e.eddsa.did), func(o map[string]any) { delete(o, "proofPurpose") })
			},
			want: Invalid, check: "proof", status: Failed, message: "assertionMethod",
		},
		{
			name:  "di/proofPurpose-invalid",
			suite: suiteDI, file: diVerify,
			statement: `If the "proof.proofPurpose" field is invalid, an error MUST be raised.`,
			mutation:  `invalidProofPurpose: proofPurpose "invalidPurpose" (set after signing, see proofAfter)`,
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.proofAfter(t, e.eddsa, newCredential(e.eddsa.did), "proofPurpose", "invalidPurpose")
			},
			want: Invalid, check: "proof", status: Failed, message: "assertionMethod",
		},
		{
			// The suite sends an assertionMethod proof to a verifier told to
			// expect "authentication". Satchel always expects assertionMethod
			// (a badge is an assertion), so the same mismatch is the
			// converse: a proof made for authentication.
			name:  "di/proofPurpose-authentication",
			suite: suiteDI, file: diVerify,
			statement: `If the "proof.proofPurpose" value does not match "options.expectedProofPurpose", an error MUST be raised.`,
			mutation:  `signed with proofPurpose "authentication" (Satchel expects assertionMethod)`,
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.sign(t, e.eddsa, newCredential(e.eddsa.did), func(o map[string]any) { o["proofPurpose"] = "authentication" })
			},
			want: Invalid, check: "proof", status: Failed, message: "assertionMethod",
		},
		{
			name:  "di/proofValue-missing",
			suite: suiteDI, file: diVerify,
			statement: `If the "proof.proofValue" field is missing, an error MUST be raised.`,
			mutation:  "proof.proofValue deleted from issuedVc",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				c := e.sign(t, e.eddsa, newCredential(e.eddsa.did), nil)
				delete(c["proof"].(map[string]any), "proofValue")
				return c
			},
			want: Invalid, check: "proof", status: Failed, message: "malformed",
		},
		{
			name:  "di/proofValue-null",
			suite: suiteDI, file: diVerify,
			statement: `If the "proof.proofValue" field is invalid, an error MUST be raised.`,
			mutation:  "proof.proofValue set to null",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				c := e.sign(t, e.eddsa, newCredential(e.eddsa.did), nil)
				c["proof"].(map[string]any)["proofValue"] = nil
				return c
			},
			want: Invalid, check: "proof", status: Failed, message: "malformed",
		},
		{
			name:  "di/proofValue-not-multibase",
			suite: suiteDI, file: diVerify,
			statement: `If the "proof.proofValue" field is not multibase-encoded, an error MUST be raised.`,
			mutation:  "multibase header (first character) removed from proof.proofValue",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				c := e.sign(t, e.eddsa, newCredential(e.eddsa.did), nil)
				p := c["proof"].(map[string]any)
				p["proofValue"] = p["proofValue"].(string)[1:]
				return c
			},
			want: Invalid, check: "proof", status: Failed, message: "malformed",
		},
		{
			name:  "di/cryptosuite-invalid",
			suite: suiteDI, file: diVerify,
			statement: "The value of the cryptosuite property MUST be a string that identifies the cryptographic suite. If the processing environment supports subtypes of string, the type of the cryptosuite value MUST be the https://w3id.org/security#cryptosuiteString subtype of string.",
			mutation:  `invalidCryptosuite: signed as eddsa-rdfc-2022 with cryptosuite "unknown-cryptosuite-2017"`,
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.sign(t, e.eddsa, newCredential(e.eddsa.did), func(o map[string]any) { o["cryptosuite"] = "unknown-cryptosuite-2017" })
			},
			want: Invalid, check: "proof", status: Failed, message: "cannot check",
		},
		{
			// The VC 2.0 context maps undefined terms with @vocab, so the
			// term is not dropped here; it is still data added after signing.
			name:  "di/undefined-term-added",
			suite: suiteDI, file: diVerify,
			statement: "Implementations that use JSON-LD processing, such as RDF Dataset Canonicalization [RDF-CANON], MUST throw an error, which SHOULD be DATA_LOSS_DETECTION_ERROR, when data is dropped by a JSON-LD processor, such as when an undefined term is detected in an input document.",
			mutation:  `credentialSubject.undefinedTerm = "IfDroppedWillVerify" added after issuance`,
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				c := e.sign(t, e.eddsa, newCredential(e.eddsa.did), nil)
				c["credentialSubject"].(map[string]any)["undefinedTerm"] = "IfDroppedWillVerify"
				return c
			},
			want: Invalid, check: "proof", status: Failed,
		},
		{
			name:  "di/undefined-type-added",
			suite: suiteDI, file: diVerify,
			statement: "Implementations that use JSON-LD processing, such as RDF Dataset Canonicalization [RDF-CANON], MUST throw an error, which SHOULD be DATA_LOSS_DETECTION_ERROR, when data is dropped by a JSON-LD processor, such as when an undefined term is detected in an input document.",
			mutation:  `"UndefinedType" pushed onto type after issuance`,
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				c := e.sign(t, e.eddsa, newCredential(e.eddsa.did), nil)
				c["type"] = append(c["type"].([]any), "UndefinedType")
				return c
			},
			want: Invalid, check: "proof", status: Failed,
		},

		// --- vc-data-model-2.0-test-suite, 4.12 Securing Mechanisms ---
		{
			name:  "vcdm/securing-issued",
			suite: suiteVCDM, file: securing,
			statement: verifier412,
			mutation:  "none: a credential issued (signed) by the suite's key, issuer = its did:key",
			expects:   verifies,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.sign(t, e.vcdm, newCredential(e.vcdm.did), nil)
			},
			want: Valid, check: "proof", status: Passed,
		},
		{
			name:  "vcdm/securing-no-proof",
			suite: suiteVCDM, file: securing,
			statement: verifier412,
			mutation:  "unsigned, as the suite sends credential-ok.json: no proof",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return newCredential(e.vcdm.did)
			},
			want: Invalid, check: "proof", status: Failed, message: "no signature",
		},

		// --- vc-data-model-2.0-test-suite, 4.9 Validity Period ---
		// The suite only asks issuers to accept well-formed dates and refuse
		// malformed ones (and, in testTemporality, issuer or verifier to
		// refuse validUntil before validFrom). Satchel is a verifier: it reads
		// the same values and judges them at a moment. The "ok" fixtures are
		// judged inside their own window, where they must be valid, and again
		// where their offset decides, to show the offset is read.
		{
			name:  "vcdm/validFrom-ms",
			suite: suiteVCDM, file: validity, statement: validFrom,
			mutation: "validFrom of credential-validfrom-ms-ok.json (milliseconds)",
			expects:  "accepted (well-formed)",
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "credential-validfrom-ms-ok.json", nil)
			},
			want: Valid, check: "issued", status: Passed,
		},
		{
			name:  "vcdm/validFrom-tz",
			suite: suiteVCDM, file: validity, statement: validFrom,
			mutation: "validFrom of credential-validfrom-tz-ok.json (-06:00 offset)",
			expects:  "accepted (well-formed)",
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "credential-validfrom-tz-ok.json", nil)
			},
			want: Valid, check: "issued", status: Passed,
		},
		{
			// 2023-02-25T19:10:39-06:00 is 01:10:39Z on the 26th: ten minutes
			// after this verifier's clock, beyond the five minutes of skew
			// Satchel tolerates. Read without its offset it would be past.
			name:  "vcdm/validFrom-tz-offset-read",
			suite: suiteVCDM, file: validity, statement: validFrom,
			mutation: "validFrom of credential-validfrom-tz-ok.json, judged at 2023-02-26T01:00:00Z",
			expects:  "accepted (well-formed)",
			now:      time.Date(2023, 2, 26, 1, 0, 0, 0, time.UTC),
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "credential-validfrom-tz-ok.json", nil)
			},
			want: Invalid, check: "issued", status: Failed, message: "in the future",
		},
		{
			name:  "vcdm/validFrom-invalid",
			suite: suiteVCDM, file: validity, statement: validFrom,
			mutation: "validFrom of credential-validfrom-invalid-fail.json",
			expects:  "rejected (malformed date-time)",
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "credential-validfrom-invalid-fail.json", nil)
			},
			want: Invalid, check: "issued", status: Failed, message: "cannot be read",
		},
		{
			// The suite accepts a future validFrom at issuance ("a validFrom
			// far into the future"); it states nothing for a verifier. The
			// data model says validFrom is when the credential becomes
			// valid, so a verifier judging it now finds it not valid yet.
			name:  "vcdm/validFrom-future",
			suite: suiteVCDM, file: validity, statement: validFrom,
			mutation: "validFrom one year after the verifier's clock",
			expects:  "accepted at issuance (well-formed); no verifier expectation",
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "", map[string]any{"validFrom": stamp(e.now.AddDate(1, 0, 0))})
			},
			want: Invalid, check: "issued", status: Failed, message: "in the future",
		},
		{
			name:  "vcdm/validUntil-ok",
			suite: suiteVCDM, file: validity, statement: validUntil,
			mutation: "validFrom/validUntil of credential-validuntil-ok.json, judged at its validFrom",
			expects:  "accepted (well-formed)",
			now:      time.Date(2023, 2, 26, 1, 19, 19, 0, time.UTC),
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "credential-validuntil-ok.json", nil)
			},
			want: Valid, check: "expiry", status: Passed,
		},
		{
			name:  "vcdm/validUntil-ms",
			suite: suiteVCDM, file: validity, statement: validUntil,
			mutation: "validFrom/validUntil of credential-validuntil-ms-ok.json (milliseconds), judged at its validFrom",
			expects:  "accepted (well-formed)",
			now:      time.Date(2023, 2, 26, 1, 20, 0, 0, time.UTC),
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "credential-validuntil-ms-ok.json", nil)
			},
			want: Valid, check: "expiry", status: Passed,
		},
		{
			name:  "vcdm/validUntil-tz",
			suite: suiteVCDM, file: validity, statement: validUntil,
			mutation: "validFrom/validUntil of credential-validuntil-tz-ok.json (-06:00 offset), judged at its validFrom",
			expects:  "accepted (well-formed)",
			now:      time.Date(2023, 2, 26, 1, 21, 23, 0, time.UTC),
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "credential-validuntil-tz-ok.json", nil)
			},
			want: Valid, check: "expiry", status: Passed,
		},
		{
			// 2023-02-25T19:21:29-06:00 is 01:21:29Z on the 26th, before this
			// verifier's clock; read without its offset it would be hours
			// ahead.
			name:  "vcdm/validUntil-tz-offset-read",
			suite: suiteVCDM, file: validity, statement: validUntil,
			mutation: "validFrom/validUntil of credential-validuntil-tz-ok.json, judged at 2023-02-26T01:21:33Z",
			expects:  "accepted (well-formed)",
			now:      time.Date(2023, 2, 26, 1, 21, 33, 0, time.UTC),
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "credential-validuntil-tz-ok.json", nil)
			},
			want: Invalid, check: "expiry", status: Failed, message: "expired",
		},
		{
			// "which could be a date and time in the past": such a
			// credential is well-formed, and no longer valid.
			name:  "vcdm/validUntil-past",
			suite: suiteVCDM, file: validity, statement: validUntil,
			mutation: "validFrom/validUntil of credential-validuntil-ok.json (2023), judged in 2025",
			expects:  "accepted at issuance (well-formed); no verifier expectation",
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "credential-validuntil-ok.json", nil)
			},
			want: Invalid, check: "expiry", status: Failed, message: "expired",
		},
		{
			name:  "vcdm/validUntil-invalid",
			suite: suiteVCDM, file: validity, statement: validUntil,
			mutation: "validFrom/validUntil of credential-validuntil-invalid-fail.json",
			expects:  "rejected (malformed date-time)",
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "credential-validuntil-invalid-fail.json", nil)
			},
			want: Invalid, check: "expiry", status: Failed, message: "cannot be read",
		},
		{
			// The suite replaces PAST DATE / FUTURE DATE with
			// createTimeStamp({skewYears: -1 / 1}). (In the stored
			// tests/data-generator.js, commit 036dd7f2, createTimeStamp reads
			// `skew`, not `skewYears`, so there both become "now"; the rows
			// follow the stated intent of one year either side.)
			name:  "vcdm/temporality-ok",
			suite: suiteVCDM, file: validity, statement: temporality,
			mutation: "credential-validUntil-validFrom-ok.json: validFrom a year ago, validUntil in a year",
			expects:  "accepted",
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "credential-validUntil-validFrom-ok.json", map[string]any{
					"validFrom": stamp(e.now.AddDate(-1, 0, 0)), "validUntil": stamp(e.now.AddDate(1, 0, 0)),
				})
			},
			want: Valid, check: "expiry", status: Passed,
		},
		{
			name:  "vcdm/temporality-fail",
			suite: suiteVCDM, file: validity + " (testTemporality)", statement: temporality,
			mutation: "credential-validUntil-validFrom-fail.json: validFrom in a year, validUntil a year ago",
			expects:  "shouldRejectEitherIssueOrVerify: issuance refused, or " + fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmDates(t, "credential-validUntil-validFrom-fail.json", map[string]any{
					"validFrom": stamp(e.now.AddDate(1, 0, 0)), "validUntil": stamp(e.now.AddDate(-1, 0, 0)),
				})
			},
			want: Invalid, check: "expiry-order", status: Failed,
		},

		// --- vc-data-model-2.0-test-suite, 4.10 Status ---
		{
			// The suite asks issuers to accept any typed status entry.
			// Satchel cannot check a status scheme it does not know, so it
			// says so: the badge is valid, with a warning.
			name:  "vcdm/status-unknown-type",
			suite: suiteVCDM, file: status100, statement: statusType,
			mutation: "@context term and credentialStatus of credential-status-ok.json (type CredentialStatusList2017)",
			expects:  "accepted",
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmStatus(t, "credential-status-ok.json")
			},
			want: ValidWarn, check: "revocation", status: Warning, message: "does not know",
		},
		{
			// Satchel refuses it for the reason the suite does: Open Badges
			// 3.0 (its JSON Schema) requires a credentialStatus type. The
			// status check alone would only warn that it cannot check it.
			name:  "vcdm/status-missing-type",
			suite: suiteVCDM, file: status100, statement: statusType,
			mutation: "credentialStatus of credential-status-missing-type-fail.json (no type)",
			expects:  "rejected",
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.vcdmStatus(t, "credential-status-missing-type-fail.json")
			},
			want: Invalid, check: "schema", status: Failed,
		},

		// --- vc-bitstring-status-list-test-suite, BitstringStatusList Credentials (Verify) ---
		// The entries are those of fixtures/sl-purpose-single-ok.jsonld
		// (index 1, revocation), fixtures/should-be-revoked.jsonld (index
		// 201, revocation) and fixtures/should-be-suspended.jsonld (index
		// 201, suspension), pointed at a list on the issuer's test host
		// instead of w3c-ccg.github.io, with the id Open Badges 3.0 requires
		// of a credentialStatus. The list is the suite's (bits 201,
		// 57444, 94023 of 200000), made a credential of the issuer (id,
		// issuer, validFrom) and signed by it: Satchel trusts a clear bit
		// only from a list the issuer signed.
		{
			name:  "bsl/revocation-clear",
			suite: suiteBSL, file: bslVerify,
			statement: `MUST verify a valid "BitstringStatusListCredential" with "revocation" status purpose`,
			mutation:  "entry of sl-purpose-single-ok.jsonld (index 1) on the single-purpose list",
			expects:   verifies,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.bslCredential(t, "revocation", "revocation", "1")
			},
			want: Valid, check: "revocation", status: Passed,
		},
		{
			name:  "bsl/suspension-clear",
			suite: suiteBSL, file: bslVerify,
			statement: `MUST verify a valid "BitstringStatusListCredential" with "suspension" status purpose`,
			mutation:  "suspension entry, index 1, on the multi-purpose list [revocation, suspension]",
			expects:   verifies,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.bslCredential(t, []any{"revocation", "suspension"}, "suspension", "1")
			},
			want: Valid, check: "revocation", status: Passed,
		},
		{
			name:  "bsl/revoked",
			suite: suiteBSL, file: bslVerify,
			statement: "MUST fail to verify a revoked status list credential",
			mutation:  "entry of should-be-revoked.jsonld (index 201, revocation) on the single-purpose list",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.bslCredential(t, "revocation", "revocation", "201")
			},
			want: Invalid, check: "revocation", status: Failed, message: "revoked",
		},
		{
			name:  "bsl/suspended",
			suite: suiteBSL, file: bslVerify,
			statement: "MUST fail to verify a suspended status list credential",
			mutation:  "entry of should-be-suspended.jsonld (index 201, suspension) on the multi-purpose list",
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				return e.bslCredential(t, []any{"revocation", "suspension"}, "suspension", "201")
			},
			want: Invalid, check: "revocation", status: Failed, message: "suspended",
		},
		{
			// The suite edits its signed validVcForRevocation (klona, then
			// set), so the change comes after signing and breaks the proof;
			// the status check itself only warns that the list is not at a
			// web address (a pointer Satchel cannot follow proves neither
			// revocation nor forgery).
			name:  "bsl/statusListCredential-invalid",
			suite: suiteBSL, file: bslVerify,
			statement: `MUST fail to verify a VC with invalid "credentialStatus.statusListCredential"`,
			mutation:  `statusListCredential of the signed credential set to "invalid-statusListCredential"`,
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				c := e.bslCredential(t, "revocation", "revocation", "1")
				c["credentialStatus"].(map[string]any)["statusListCredential"] = "invalid-statusListCredential"
				return c
			},
			want: Invalid, check: "proof", status: Failed,
		},
		{
			// As above: set after signing, so the proof fails; an unknown
			// status type alone only warns (see credential-status-ok.json).
			name:  "bsl/status-type-invalid",
			suite: suiteBSL, file: bslVerify,
			statement: `MUST fail to verify a VC with invalid "credentialStatus.type"`,
			mutation:  `credentialStatus.type of the signed credential set to "invalid-type"`,
			expects:   fails,
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				c := e.bslCredential(t, "revocation", "revocation", "1")
				c["credentialStatus"].(map[string]any)["type"] = "invalid-type"
				return c
			},
			want: Invalid, check: "proof", status: Failed,
		},
	}
}

// w3cKeyBindingCases are the key-binding rule's W3C-derived cases.
func w3cKeyBindingCases() []w3cCase {
	return []w3cCase{
		{
			// The suite's own precondition: its getMultikey says "The issuer
			// needs to match the signer or the controller of the signer", and
			// every verify statement's issuedVc is signed by the issuer's own
			// did:key. The negative, a stranger's did:key signing for that
			// issuer, is what the key-binding rule refuses.
			name:  "eddsa/key-binding-stranger-did-key",
			suite: suiteEdDSA, file: "tests/vc-generator/helpers.js (getMultikey), tests/20-rdfc-verify.js",
			statement: "MUST verify a valid VC with an eddsa-rdfc-2022 proof (negative: signer is not the issuer)",
			mutation:  "issuer = the suite key's did:key; signed by another did:key (verificationMethod did:key:z6Mk…#z6Mk… of a stranger)",
			expects:   "issuer must match the signer or its controller: " + "verification fails",
			build: func(t *testing.T, e *w3cEnv) map[string]any {
				stranger := newEdIssuer(t)
				return e.sign(t, stranger, newCredential(e.eddsa.did), nil)
			},
			want: Invalid, check: "key", status: Failed, message: "does not belong to its issuer",
		},
	}
}

// --- signing as the suites do ---

type canonFunc func(any) (string, error)

// options are the proof options an eddsa-rdfc-2022 signer sets before it signs.
func (e *w3cEnv) options(iss *edIssuer) map[string]any {
	return map[string]any{
		"type":               "DataIntegrityProof",
		"cryptosuite":        "eddsa-rdfc-2022",
		"created":            stamp(e.now.Add(-time.Hour)),
		"verificationMethod": iss.vm,
		"proofPurpose":       "assertionMethod",
	}
}

// sign secures c with eddsa-rdfc-2022 (RDFC-1.0, SHA-256), after edit has
// changed the proof options if given.
func (e *w3cEnv) sign(t *testing.T, iss *edIssuer, c map[string]any, edit func(map[string]any)) map[string]any {
	t.Helper()
	opts := e.options(iss)
	if edit != nil {
		edit(opts)
	}
	return diSign(t, c, iss.priv, opts, ldproof.Canonicalize, sha256Hash)
}

// diSign follows the eddsa-rdfc-2022 proof algorithm (vc-di-eddsa: hash the
// canonical proof configuration, with the document's @context, and the
// canonical document; sign the two hashes concatenated; proofValue is
// base58btc multibase), written here apart from ldproof.Sign so the suites'
// mutations (another canonicalization, another hash, any proof options) can
// be made. It replaces any proof c has.
func diSign(t *testing.T, c map[string]any, priv ed25519.PrivateKey, opts map[string]any, canon canonFunc, hash func([]byte) []byte) map[string]any {
	t.Helper()
	doc := withoutProofs(c)
	cfg := map[string]any{"@context": doc["@context"]}
	for k, v := range opts {
		cfg[k] = v
	}
	pc, err := canon(cfg)
	if err != nil {
		t.Fatalf("canonicalize proof options: %v", err)
	}
	dc, err := canon(doc)
	if err != nil {
		t.Fatalf("canonicalize credential: %v", err)
	}
	data := append(hash([]byte(pc)), hash([]byte(dc))...)
	proof := map[string]any{}
	for k, v := range opts {
		proof[k] = v
	}
	proof["proofValue"] = "z" + base58.Encode(ed25519.Sign(priv, data))
	doc["proof"] = proof
	return doc
}

// proofAfter signs c and then sets one proof option. The suite signs with
// the bad value in place, but its JSON-LD processor lets the value through
// (an unknown proof type loses the Data Integrity terms, an unknown purpose
// is not an IRI), while ldproof refuses to canonicalize such proof options,
// so those exact bytes cannot be signed here. A verifier must refuse the
// value before it looks at the signature, so the row tests the same thing.
func (e *w3cEnv) proofAfter(t *testing.T, iss *edIssuer, c map[string]any, key string, value any) map[string]any {
	t.Helper()
	out := e.sign(t, iss, c, nil)
	out["proof"].(map[string]any)[key] = value
	return out
}

func withoutProofs(c map[string]any) map[string]any {
	out := make(map[string]any, len(c))
	for k, v := range c {
		if k != "proof" {
			out[k] = v
		}
	}
	return out
}

func sha256Hash(b []byte) []byte { s := sha256.Sum256(b); return s[:] }
func sha512Hash(b []byte) []byte { s := sha512.Sum512(b); return s[:] }

// canonJSON stands for the suite's JCS canonicalization: encoding/json writes
// object members sorted by key with no white space, which is JCS for these
// credentials (ASCII keys, no numbers); HTML escaping is turned off as JCS
// has none.
func canonJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// --- the suites' static data ---

const w3cData = "testdata/w3c"

func readW3CJSON(t *testing.T, suite, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(w3cData, suite, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s/%s: %v", suite, name, err)
	}
}

// multibaseBytes decodes a base58btc multibase value and checks its
// two-byte header.
func multibaseBytes(t *testing.T, s string, header ...byte) []byte {
	t.Helper()
	if !strings.HasPrefix(s, "z") {
		t.Fatalf("%q is not base58btc multibase", s)
	}
	b, err := base58.Decode(s[1:])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, header) {
		t.Fatalf("%q: header % x, want % x", s, b[:min(len(b), len(header))], header)
	}
	return b[len(header):]
}

func edIssuerFrom(t *testing.T, priv ed25519.PrivateKey) *edIssuer {
	t.Helper()
	pub := priv.Public().(ed25519.PublicKey)
	mk, err := keys.EncodeMultikey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return &edIssuer{pub: pub, priv: priv, did: "did:key:" + mk, vm: "did:key:" + mk + "#" + mk}
}

// eddsaSuiteKey is the eddsa suite's test key: getMultikey's default
// seedMultibase, a bnid secret key seed (an identity multihash, 0x00 0x20,
// of a 32-byte Ed25519 seed).
func eddsaSuiteKey(t *testing.T) *edIssuer {
	t.Helper()
	var k struct {
		SeedMultibase string `json:"seedMultibase"`
	}
	readW3CJSON(t, "vc-di-eddsa-test-suite", "test-key.json", &k)
	seed := multibaseBytes(t, k.SeedMultibase, 0x00, 0x20)
	if len(seed) != ed25519.SeedSize {
		t.Fatalf("seed of %d bytes", len(seed))
	}
	iss := edIssuerFrom(t, ed25519.NewKeyFromSeed(seed))
	// The suite's tests/vc-generator/validVc.js names this key's DID as its
	// credentialSubject.id: a check that the seed is read as the suite reads it.
	if want := "did:key:z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b"; iss.did != want {
		t.Fatalf("the suite's seed gives %s, want %s", iss.did, want)
	}
	return iss
}

// vcdmSuiteKey is the data model suite's key (tests/data-generator.js): an
// Ed25519 Multikey whose secretKeyMultibase (ed25519-priv, 0x80 0x26) holds
// the 64-byte private key. It must match its publicKeyMultibase and id.
func vcdmSuiteKey(t *testing.T) *edIssuer {
	t.Helper()
	var k struct {
		ID, Controller     string
		PublicKeyMultibase string `json:"publicKeyMultibase"`
		SecretKeyMultibase string `json:"secretKeyMultibase"`
	}
	readW3CJSON(t, "vc-data-model-2.0-test-suite", "key.json", &k)
	raw := multibaseBytes(t, k.SecretKeyMultibase, 0x80, 0x26)
	if len(raw) != ed25519.PrivateKeySize {
		t.Fatalf("secret key of %d bytes", len(raw))
	}
	iss := edIssuerFrom(t, ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize]))
	if !bytes.Equal(iss.priv, raw) || iss.did != "did:key:"+k.PublicKeyMultibase || iss.did != k.Controller || iss.vm != k.ID {
		t.Fatalf("the suite's secret key does not give its public key %s (got %s)", k.PublicKeyMultibase, iss.did)
	}
	return iss
}

// vcdmDates copies validFrom and validUntil of a data model suite input (and
// then set, which replaces its placeholders) onto an Open Badges credential
// of the suite's key, and signs it.
func (e *w3cEnv) vcdmDates(t *testing.T, input string, set map[string]any) map[string]any {
	t.Helper()
	c := newCredential(e.vcdm.did)
	if input != "" {
		var in map[string]any
		readW3CJSON(t, "vc-data-model-2.0-test-suite", input, &in)
		for _, k := range []string{"validFrom", "validUntil"} {
			if v, ok := in[k]; ok {
				c[k] = v
			}
		}
	}
	for k, v := range set {
		c[k] = v
	}
	return e.sign(t, e.vcdm, c, nil)
}

// vcdmStatus copies credentialStatus, and any @context entry after the VC
// context, of a data model suite input onto an Open Badges credential of the
// suite's key, and signs it.
func (e *w3cEnv) vcdmStatus(t *testing.T, input string) map[string]any {
	t.Helper()
	var in map[string]any
	readW3CJSON(t, "vc-data-model-2.0-test-suite", input, &in)
	c := newCredential(e.vcdm.did)
	c["@context"] = append(c["@context"].([]any), in["@context"].([]any)[1:]...)
	c["credentialStatus"] = in["credentialStatus"]
	return e.sign(t, e.vcdm, c, nil)
}

// bslCredential serves the suite's status list (listPurpose is its
// statusPurpose, a string or a list) signed by the issuer, and returns a
// signed credential with a BitstringStatusListEntry for purpose and index.
func (e *w3cEnv) bslCredential(t *testing.T, listPurpose any, purpose, index string) map[string]any {
	t.Helper()
	iss := e.bsl
	listURL := issuerBase + "/w3c/status/single"
	if _, multi := listPurpose.([]any); multi {
		listURL = issuerBase + "/w3c/status/multi"
	}
	list := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2"},
		"id":        listURL,
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    iss.did,
		"validFrom": "2023-01-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id": listURL + "#list", "type": "BitstringStatusList", "statusPurpose": listPurpose,
			// As the suite's fixtures encode it: base64url of the GZIP
			// bitstring, without the multibase "u" prefix.
			"encodedList": strings.TrimPrefix(encodeStatusList(t, 200000, 201, 57444, 94023), "u"),
		},
	}
	e.srv.json(listURL, mustJSON(t, e.sign(t, iss, list, nil)))
	c := newCredential(iss.did)
	// The suite's entries have no id; Open Badges 3.0 requires one.
	c["credentialStatus"] = map[string]any{
		"id": listURL + "#" + index, "type": "BitstringStatusListEntry", "statusPurpose": purpose, "statusListIndex": index, "statusListCredential": listURL,
	}
	return e.sign(t, iss, c, nil)
}
