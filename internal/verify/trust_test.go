package verify

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/badgetest"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/keys"
	"github.com/satchel-backpack/satchel/internal/ldproof"
)

// The issuer–key binding, one rule for every format (see package keys):
// each case fails for the right reason with the right sentence, and its
// honest counterpart passes.

const notIssuersKey = "The badge is signed with a key that does not belong to its issuer."

func wantNotIssuersKey(t *testing.T, rep *Report) {
	t.Helper()
	wantVerdict(t, rep, Invalid)
	if rep.Reason != ReasonKeyNotIssuer {
		t.Errorf("reason %q, want %q\n%s", rep.Reason, ReasonKeyNotIssuer, reportText(rep))
	}
	if !strings.HasPrefix(rep.Headline, notIssuersKey) {
		t.Errorf("headline %q, want it to start %q", rep.Headline, notIssuersKey)
	}
}

// signWith signs c with priv under verification method vm.
func signWith(t *testing.T, c map[string]any, priv ed25519.PrivateKey, vm string) []byte {
	t.Helper()
	return mustJSON(t, badgetest.MustSignDataIntegrity(t, c, priv, vm, "eddsa-rdfc-2022", fixedNow.Add(-24*time.Hour)))
}

func TestTrust_DIDKeyIssuerSignedByAnotherKey(t *testing.T) {
	t.Parallel()
	_, v := newTestVerifier(t)
	a, b := newEdIssuer(t), newEdIssuer(t)
	forged := signWith(t, newCredential(a.did), b.priv, b.vm)
	wantNotIssuersKey(t, verifyData(t, v, forged, learner))

	honest := verifyData(t, v, signWith(t, newCredential(a.did), a.priv, a.vm), learner)
	wantVerdict(t, honest, Valid)
	if honest.IssuerBinding != keys.SelfKey || !strings.Contains(check(honest, "key").Message, "anyone can create such an issuer") {
		t.Errorf("binding %q, key check %q", honest.IssuerBinding, check(honest, "key").Message)
	}
}

func didJWK(t *testing.T, pub ed25519.PublicKey) string {
	t.Helper()
	return badgetest.MustDIDJWK(t, pub)
}

func TestTrust_DIDJWKIssuer(t *testing.T) {
	t.Parallel()
	_, v := newTestVerifier(t)
	a, b := newEdIssuer(t), newEdIssuer(t)
	issuer := didJWK(t, a.pub)
	c := newCredential(issuer)

	// Signed by another did:jwk.
	wantNotIssuersKey(t, verifyData(t, v, signWith(t, c, b.priv, didJWK(t, b.pub)+"#0"), learner))

	// A VC-JWT whose header carries another key, signed with that key.
	opts := (&jose.SignerOptions{}).WithType("JWT")
	opts.EmbedJWK = true
	wantNotIssuersKey(t, verifyData(t, v, []byte(signJWS(t, jose.EdDSA, b.priv, mustJSON(t, jwtClaims(c)), opts)), learner))

	// Honest: the issuer's own key, in the header or as the kid.
	rep := verifyData(t, v, []byte(signJWS(t, jose.EdDSA, a.priv, mustJSON(t, jwtClaims(c)), opts)), learner)
	wantVerdict(t, rep, Valid)
	if rep.IssuerBinding != keys.SelfKey {
		t.Errorf("binding %q", rep.IssuerBinding)
	}
	kid := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", issuer+"#0")
	wantVerdict(t, verifyData(t, v, []byte(signJWS(t, jose.EdDSA, a.priv, mustJSON(t, jwtClaims(c)), kid)), learner), Valid)
	wantVerdict(t, verifyData(t, v, signWith(t, c, a.priv, issuer+"#0"), learner), Valid)
}

// A forger's key in the fragment of a method under the issuer's address.
func TestTrust_FragmentKeyUnderHTTPSIssuer(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	issuer := issuerBase + "/issuers/uni"
	forger, real := newEdIssuer(t), newEdIssuer(t)
	fmk := strings.TrimPrefix(forger.did, "did:key:")
	rmk := strings.TrimPrefix(real.did, "did:key:")
	c := newCredential(issuer)
	forged := signWith(t, c, forger.priv, issuer+"#"+fmk)

	// The issuer publishes nothing: the signature is intact, the issuer
	// not confirmed.
	rep := verifyData(t, v, forged, learner)
	wantVerdict(t, rep, VerdictUnconfirmed)
	wantStatus(t, rep, "key", Unconfirmed)
	if want := "issuer.example does not publish this key, so Satchel cannot confirm that issuer.example issued it."; !strings.HasPrefix(rep.Headline, want) {
		t.Errorf("headline %q, want %q", rep.Headline, want)
	}
	if rep.IssuerBinding != keys.Unconfirmed || rep.Reason != ReasonUnconfirmed {
		t.Errorf("binding %q, reason %q", rep.IssuerBinding, rep.Reason)
	}

	// The issuer lists another key: invalid.
	list := func(mks ...string) {
		var methods, refs []any
		for _, mk := range mks {
			methods = append(methods, map[string]any{"id": issuer + "#" + mk, "type": "Multikey", "controller": issuer, "publicKeyMultibase": mk})
			refs = append(refs, issuer+"#"+mk)
		}
		srv.json(issuer, mustJSON(t, map[string]any{"@context": []any{"https://www.w3.org/ns/cid/v1"}, "id": issuer,
			"verificationMethod": methods, "assertionMethod": refs}))
	}
	list(rmk)
	wantNotIssuersKey(t, verifyData(t, newVerifierFor(srv), forged, learner))

	// The issuer lists the key that signed: valid, "published at".
	list(rmk, fmk)
	rep = verifyData(t, newVerifierFor(srv), forged, learner)
	wantVerdict(t, rep, Valid)
	if rep.IssuerBinding != keys.HostedDocument || rep.IssuerWhere != issuerHost ||
		!strings.Contains(check(rep, "key").Message, "published at issuer.example") {
		t.Errorf("binding %q at %q: %q", rep.IssuerBinding, rep.IssuerWhere, check(rep, "key").Message)
	}
}

func newVerifierFor(srv *issuerServer) *Verifier {
	return New(srv.client(), Options{Now: func() time.Time { return fixedNow }, Timeout: 10 * time.Second})
}

func TestTrust_DIDWebAuthenticationOnly(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	signer := newEdIssuer(t)
	mk := strings.TrimPrefix(signer.did, "did:key:")
	did := "did:web:" + issuerHost + ":uni"
	doc := func(relationship string) {
		srv.json(issuerBase+"/uni/did.json", mustJSON(t, map[string]any{
			"id":                 did,
			"verificationMethod": []any{map[string]any{"id": did + "#k", "type": "Multikey", "controller": did, "publicKeyMultibase": mk}},
			relationship:         []any{did + "#k"},
		}))
	}
	c := newCredential(did)
	signed := signWith(t, c, signer.priv, did+"#k")
	doc("authentication")
	wantNotIssuersKey(t, verifyData(t, v, signed, learner))
	doc("assertionMethod")
	rep := verifyData(t, newVerifierFor(srv), signed, learner)
	wantVerdict(t, rep, Valid)
	if rep.IssuerBinding != keys.DIDDocument || !strings.Contains(check(rep, "key").Message, "DID document") {
		t.Errorf("binding %q: %q", rep.IssuerBinding, check(rep, "key").Message)
	}
}

// An https issuer whose document lists key A; a VC-JWT carries key B in
// its header and is signed with it.
func TestTrust_EmbeddedJWKNotTheIssuers(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	issuer := issuerBase + "/issuers/jwt"
	a, b := newEdIssuer(t), newEdIssuer(t)
	publishIssuerKeys(t, srv, issuer, a.pub)
	opts := (&jose.SignerOptions{}).WithType("JWT")
	opts.EmbedJWK = true
	claims := mustJSON(t, jwtClaims(newCredential(issuer)))
	wantNotIssuersKey(t, verifyData(t, v, []byte(signJWS(t, jose.EdDSA, b.priv, claims, opts)), learner))
	rep := verifyData(t, newVerifierFor(srv), []byte(signJWS(t, jose.EdDSA, a.priv, claims, opts)), learner)
	wantVerdict(t, rep, Valid)
	if rep.IssuerBinding != keys.HostedDocument {
		t.Errorf("binding %q", rep.IssuerBinding)
	}
}

// Two proofs, one by the issuer, one by a stranger: every proof must pass.
func TestTrust_TwoProofsOneAStrangers(t *testing.T) {
	t.Parallel()
	_, v := newTestVerifier(t)
	issuer, stranger := newEdIssuer(t), newEdIssuer(t)
	c := newCredential(issuer.did)
	first, err := ldproof.Sign(c, issuer.priv, issuer.vm, "eddsa-rdfc-2022", fixedNow.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	second, err := ldproof.Sign(c, stranger.priv, stranger.vm, "eddsa-rdfc-2022", fixedNow.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	both := func(p1, p2 any) []byte {
		out := map[string]any{}
		for k, v := range c {
			out[k] = v
		}
		out["proof"] = []any{p1, p2}
		return mustJSON(t, out)
	}
	wantNotIssuersKey(t, verifyData(t, v, both(first["proof"], second["proof"]), learner))
	wantNotIssuersKey(t, verifyData(t, v, both(second["proof"], first["proof"]), learner))
	wantVerdict(t, verifyData(t, v, both(first["proof"], first["proof"]), learner), Valid)
}

// A signed 2.0 assertion whose revocation list cannot be fetched never
// says "not revoked".
func TestTrust_OB2RevocationListUnreachable(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	set := newOB2("revlist")
	set.issuer["revocationList"] = issuerBase + "/revocations.json"
	jws := set.signed(t, srv, testRSA(t))
	srv.set(issuerBase+"/revocations.json", 404, "application/json", []byte(`{}`))
	rep := verifyData(t, v, []byte(jws), learner)
	wantVerdict(t, rep, ValidWarn)
	if c := check(rep, "revocation-list"); c.Status != Warning || !strings.Contains(c.Message, "Satchel could not check whether it was revoked") {
		t.Errorf("revocation-list: %+v", c)
	}
	for _, c := range rep.Checks {
		if strings.Contains(c.Message, "not revoked") {
			t.Errorf("%s says %q", c.ID, c.Message)
		}
	}
	if rep.IssuerBinding != keys.HostedDocument {
		t.Errorf("binding %q", rep.IssuerBinding)
	}

	// Reachable and silent about this badge: not revoked.
	srv.json(issuerBase+"/revocations.json", mustJSON(t, map[string]any{"id": issuerBase + "/revocations.json", "type": "RevocationList", "revokedAssertions": []any{}}))
	rep = verifyData(t, newVerifierFor(srv), []byte(jws), learner)
	wantVerdict(t, rep, Valid)
	wantStatus(t, rep, "revocation", Passed)
}

// A 2.0 signed assertion whose key the issuer does not list.
func TestTrust_OB2KeyNotListed(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	set := newOB2("unlisted")
	jws := set.signed(t, srv, testRSA(t))
	set.issuer["publicKey"] = issuerBase + "/other-key.json"
	set.serve(t, srv)
	wantNotIssuersKey(t, verifyData(t, v, []byte(jws), learner))
}

func TestTrust_OB2UnknownContext(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	set := newOB2("ctx")
	set.assertion["@context"] = []any{"https://w3id.org/openbadges/v2", "https://evil.example/redefine.json"}
	set.serve(t, srv)
	rep := verifyData(t, v, mustJSON(t, set.assertion), learner)
	wantVerdict(t, rep, Invalid)
	if c := check(rep, "context"); c.Status != Failed || !strings.Contains(c.Detail, "evil.example") {
		t.Errorf("context: %+v", c)
	}
	// An extension context after the 2.0 one is fine.
	set.assertion["@context"] = []any{"https://w3id.org/openbadges/v2", "https://w3id.org/openbadges/extensions/exampleExtension/context.json"}
	set.serve(t, srv)
	wantStatus(t, verifyData(t, newVerifierFor(srv), mustJSON(t, set.assertion), learner), "context", Passed)
}

// The headline names the most important failed check, in a fixed order.
func TestHeadline_FixedOrder(t *testing.T) {
	t.Parallel()
	rep := &Report{}
	rep.Add("schema", Failed, "schema sentence", "")
	rep.Add("expiry", Failed, "expiry sentence", "")
	rep.Add("proof", Failed, "proof sentence", "")
	rep.Add("revocation", Failed, "revoked sentence", "")
	rep.Finish()
	if rep.Reason != ReasonSignature || rep.Headline != "proof sentence" {
		t.Errorf("reason %q headline %q", rep.Reason, rep.Headline)
	}
	rep.Checks = append(rep.Checks, Check{ID: "key", Status: Failed, Message: "key sentence", Reason: ReasonKeyNotIssuer})
	rep.Finish()
	if rep.Reason != ReasonKeyNotIssuer || rep.Headline != "key sentence" {
		t.Errorf("reason %q headline %q", rep.Reason, rep.Headline)
	}
	rep.Add("recipient", Failed, "someone else", "")
	rep.Finish()
	if rep.Reason != ReasonRecipient {
		t.Errorf("reason %q", rep.Reason)
	}
	rep.Add("format", Failed, "unreadable", "")
	rep.Finish()
	if rep.Reason != ReasonUnreadable || rep.Headline != "unreadable" {
		t.Errorf("reason %q headline %q", rep.Reason, rep.Headline)
	}
	// Only servers in trouble: unreachable.
	rep = &Report{Checks: []Check{{ID: "hosted", Status: Failed, Message: "down", Transient: true}}}
	rep.Finish()
	if rep.Reason != ReasonUnreachable || rep.Headline != "down" || rep.Standing() != "unverified" {
		t.Errorf("reason %q headline %q standing %q", rep.Reason, rep.Headline, rep.Standing())
	}
}

// ob30/simple.jwt: the headline names a real cause (its key, its
// vocabulary or its structure), never a changed signature.
func TestHeadline_SimpleJWT(t *testing.T) {
	t.Parallel()
	dir := conformanceDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "ob30", "simple.jwt"))
	if err != nil {
		t.Fatal(err)
	}
	_, rep, _ := New(offlineFetcher{}, Options{}).VerifyBytes(context.Background(), data, nil)
	wantVerdict(t, rep, Invalid)
	if strings.Contains(rep.Headline, "changed") {
		t.Errorf("headline %q blames a changed signature\n%s", rep.Headline, reportText(rep))
	}
	var failed []string
	for _, c := range rep.Checks {
		if c.Status == Failed {
			failed = append(failed, c.ID)
		}
	}
	if rep.Headline != check(rep, failed[0]).Message && rep.Reason == "" {
		t.Errorf("headline %q is no failed check's message", rep.Headline)
	}
	t.Logf("failed %v; headline %q", failed, rep.Headline)
}

// FuzzIssuerBinding: whatever the issuer and verification method, when the
// verdict is valid the signing key was found in the issuer's own material:
// the issuer is the signer's did:key, or the issuer's document (the only
// document served) lists the signer's key under assertionMethod.
func FuzzIssuerBinding(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	mk, _ := keys.EncodeMultikey(pub)
	did := "did:key:" + mk
	f.Add(did, did+"#"+mk, []byte(`{}`))
	f.Add("did:key:z6MknNHHrBzPytzu6CUBP9Lg7fg4KSBjzimc2Frh693YbMiv", did+"#"+mk, []byte(`{}`))
	f.Add("https://issuer.example/i", "https://issuer.example/i#"+mk, []byte(`{}`))
	f.Add("https://issuer.example/i", "https://issuer.example/i#"+mk,
		[]byte(`{"id":"https://issuer.example/i","verificationMethod":[{"id":"#k","publicKeyMultibase":"`+mk+`"}],"assertionMethod":["#k"]}`))
	f.Add("did:web:issuer.example", "did:web:issuer.example#k",
		[]byte(`{"id":"did:web:issuer.example","verificationMethod":[{"id":"#k","publicKeyMultibase":"z6MknNHHrBzPytzu6CUBP9Lg7fg4KSBjzimc2Frh693YbMiv"}],"assertionMethod":["#k"]}`))
	f.Add("urn:uuid:1", did+"#"+mk, []byte(`{}`))
	f.Fuzz(func(t *testing.T, issuer, vm string, doc []byte) {
		if len(issuer) > 300 || len(vm) > 300 || len(doc) > 4096 {
			return
		}
		c := newCredential(issuer)
		signed, err := ldproof.Sign(c, priv, vm, "eddsa-rdfc-2022", fixedNow.Add(-24*time.Hour))
		if err != nil {
			return
		}
		v := New(docFetcher{doc}, Options{Now: func() time.Time { return fixedNow }})
		rep := v.Verify(context.Background(), readBadgeOrSkip(t, signed), learner)
		if rep.Verdict != Valid && rep.Verdict != ValidWarn {
			return
		}
		if rep.IssuerBinding == keys.Unconfirmed || rep.IssuerBinding == "" {
			t.Fatalf("valid with binding %q", rep.IssuerBinding)
		}
		if issuer == did || strings.HasPrefix(issuer, did+"#") {
			return
		}
		if !bytesListKey(doc, mk) {
			t.Fatalf("valid for issuer %q signed by %q, but the issuer's document %s does not list the key", issuer, vm, doc)
		}
	})
}

func readBadgeOrSkip(t *testing.T, signed map[string]any) *badge.Badge {
	b, err := badge.Read(mustJSON(t, signed))
	if err != nil {
		t.Skip()
	}
	return b
}

// bytesListKey: the document names the multikey under assertionMethod, or
// in a method object it refers to (checked loosely: the key's text must be
// in the document and an assertionMethod must be there).
func bytesListKey(doc []byte, mk string) bool {
	var d map[string]any
	if json.Unmarshal(doc, &d) != nil {
		return false
	}
	_, am := d["assertionMethod"]
	return am && strings.Contains(string(doc), mk)
}

// docFetcher answers every URL with the same JSON document.
type docFetcher struct{ body []byte }

func (d docFetcher) Get(_ context.Context, url string, _ fetch.Kind) (*fetch.Response, error) {
	return &fetch.Response{URL: url, Status: 200, ContentType: "application/json", Body: d.body}, nil
}
