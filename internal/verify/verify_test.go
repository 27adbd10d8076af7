package verify

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/keys"
	"github.com/satchel-backpack/satchel/internal/ldproof"
)

// --- Open Badges 2.0, hosted ---

func TestHosted_ValidBadgeFetchesEachURLOnce(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	set := newOB2("1")
	set.serve(t, srv)
	rep := verifyData(t, v, mustJSON(t, set.assertion), learner)
	wantVerdict(t, rep, Valid)
	for _, id := range []string{"hosted", "context", "type", "structure", "badgeclass", "issuer", "issuer-policy", "revocation", "issued", "expiry", "recipient"} {
		wantStatus(t, rep, id, Passed)
	}
	for _, u := range []string{set.assertion["id"].(string), set.class["id"].(string), set.issuer["id"].(string)} {
		if n := srv.hitCount(u); n != 1 {
			t.Errorf("%s fetched %d times, want once", u, n)
		}
	}
}

func TestHosted_VerifyFillsBadgeFromIssuer(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	set := newOB2("1")
	set.serve(t, srv)
	b := readBadge(t, mustJSON(t, set.assertion))
	if b.Name != "" {
		t.Fatalf("name known before verifying: %q", b.Name)
	}
	v.Verify(context.Background(), b, nil)
	if b.Name != "Soldering Basics" || b.Issuer.Name != "Maker Space" {
		t.Errorf("badge not filled: name %q issuer %q", b.Name, b.Issuer.Name)
	}
}

func TestHosted_UsesWhatTheIssuerServes(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	set := newOB2("1")
	set.serve(t, srv)
	// The learner's copy claims a later expiry; the issuer's copy has expired.
	served := set.assertion
	served["expires"] = "2025-01-01T00:00:00Z"
	srv.json(served["id"].(string), mustJSON(t, served))
	mine := newOB2("1").assertion
	mine["expires"] = "2030-01-01T00:00:00Z"
	rep := verifyData(t, v, mustJSON(t, mine), nil)
	wantVerdict(t, rep, Invalid)
	wantStatus(t, rep, "expiry", Failed)
}

func TestHosted_RevokedBy410AndByFlag(t *testing.T) {
	t.Parallel()
	t.Run("410 Gone", func(t *testing.T) {
		srv, v := newTestVerifier(t)
		set := newOB2("gone")
		set.serve(t, srv)
		srv.set(set.assertion["id"].(string), http.StatusGone, "text/plain", []byte("gone"))
		rep := verifyData(t, v, mustJSON(t, set.assertion), nil)
		wantVerdict(t, rep, Invalid)
		wantStatus(t, rep, "revocation", Failed)
		if !strings.Contains(check(rep, "revocation").Message, "410") {
			t.Errorf("message does not say why: %q", check(rep, "revocation").Message)
		}
	})
	t.Run("revoked true", func(t *testing.T) {
		srv, v := newTestVerifier(t)
		set := newOB2("revoked")
		set.serve(t, srv)
		set.assertion["revoked"] = true
		set.assertion["revocationReason"] = "Awarded by mistake"
		srv.json(set.assertion["id"].(string), mustJSON(t, set.assertion))
		b := readBadge(t, mustJSON(t, newOB2("revoked").assertion))
		rep := v.Verify(context.Background(), b, nil)
		wantVerdict(t, rep, Invalid)
		wantStatus(t, rep, "revocation", Failed)
		if !strings.Contains(check(rep, "revocation").Message, "Awarded by mistake") || !b.Revoked {
			t.Errorf("reason not reported: %q, revoked=%v", check(rep, "revocation").Message, b.Revoked)
		}
	})
}

func TestHosted_IssuerPolicy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		policy map[string]any
		host   string
		want   Status
	}{
		{"default: same host as issuer", nil, issuerHost, Passed},
		{"default: other host", nil, otherHost, Failed},
		{"allowedOrigins names the host", map[string]any{"allowedOrigins": []any{otherHost}}, otherHost, Passed},
		{"startsWith matches", map[string]any{"startsWith": []any{"https://issuer.example/assertions/"}}, issuerHost, Passed},
		{"startsWith does not match", map[string]any{"startsWith": "https://issuer.example/other/"}, issuerHost, Failed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, v := newTestVerifier(t)
			set := newOB2("p")
			set.assertion["id"] = "https://" + tc.host + "/assertions/p.json"
			if tc.policy != nil {
				set.issuer["verification"] = tc.policy
			}
			set.serve(t, srv)
			rep := verifyData(t, v, mustJSON(t, set.assertion), nil)
			wantStatus(t, rep, "issuer-policy", tc.want)
		})
	}
}

func TestHosted_MovedNodeWarnsAndFollows(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	set := newOB2("1")
	set.serve(t, srv)
	// The assertion links an old address whose document says it now lives
	// at the class URL, where a different (current) version is served.
	old := map[string]any{}
	for k, val := range set.class {
		old[k] = val
	}
	old["name"] = "Old Name"
	srv.json(issuerBase+"/old-class.json", mustJSON(t, old))
	set.assertion["badge"] = issuerBase + "/old-class.json"
	srv.json(set.assertion["id"].(string), mustJSON(t, set.assertion))
	b := readBadge(t, mustJSON(t, set.assertion))
	rep := v.Verify(context.Background(), b, nil)
	wantVerdict(t, rep, ValidWarn)
	wantStatus(t, rep, "moved", Warning)
	if b.Name != "Soldering Basics" {
		t.Errorf("did not use the node at its declared id: %q", b.Name)
	}
}

func TestHosted_UnreachableIssuerFails(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	set := newOB2("1")
	srv.json(set.assertion["id"].(string), mustJSON(t, set.assertion))
	rep := verifyData(t, v, mustJSON(t, set.assertion), nil)
	wantVerdict(t, rep, Invalid)
	wantStatus(t, rep, "badgeclass", Failed)
	if !strings.Contains(check(rep, "badgeclass").Message, "does not exist") {
		t.Errorf("message: %q", check(rep, "badgeclass").Message)
	}
}

func TestDates_ThreeDistinctFindings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name            string
		issued, expires string
		failed          []string
	}{
		{"fine", "2024-01-01T00:00:00Z", "2030-01-01T00:00:00Z", nil},
		{"issued in the future", "2100-01-01T00:00:00Z", "", []string{"issued"}},
		{"expired", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", []string{"expiry"}},
		{"expires before issue", "2024-06-01T00:00:00Z", "2024-05-01T00:00:00Z", []string{"expiry", "expiry-order"}},
		{"expires before issue, both future", "2101-01-01T00:00:00Z", "2100-01-01T00:00:00Z", []string{"issued", "expiry-order"}},
		{"unreadable date", "last Tuesday", "", []string{"issued"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, v := newTestVerifier(t)
			set := newOB2("d")
			set.assertion["issuedOn"] = tc.issued
			if tc.expires != "" {
				set.assertion["expires"] = tc.expires
			}
			set.serve(t, srv)
			rep := verifyData(t, v, mustJSON(t, set.assertion), nil)
			for _, id := range []string{"issued", "expiry", "expiry-order"} {
				want := Passed
				if id == "expiry-order" {
					want = ""
				}
				for _, f := range tc.failed {
					if f == id {
						want = Failed
					}
				}
				if got := status(rep, id); got != want {
					t.Errorf("%s: %q, want %q\n%s", id, got, want, reportText(rep))
				}
			}
		})
	}
}

// --- Open Badges 2.0, signed ---

func TestSigned20(t *testing.T) {
	t.Parallel()
	key := testRSA(t)
	t.Run("valid", func(t *testing.T) {
		srv, v := newTestVerifier(t)
		set := newOB2("s1")
		jws := set.signed(t, srv, key)
		rep := verifyData(t, v, []byte(jws), learner)
		wantVerdict(t, rep, Valid)
		wantStatus(t, rep, "signature", Passed)
		wantStatus(t, rep, "key", Passed)
		if status(rep, "hosted") != "" {
			t.Error("a signed badge was treated as hosted")
		}
	})
	t.Run("tampered", func(t *testing.T) {
		srv, v := newTestVerifier(t)
		set := newOB2("s2")
		jws := set.signed(t, srv, key)
		parts := strings.Split(jws, ".")
		set.assertion["issuedOn"] = "2020-01-01T00:00:00Z"
		parts[1] = b64(mustJSON(t, set.assertion))
		rep := verifyData(t, v, []byte(strings.Join(parts, ".")), nil)
		wantVerdict(t, rep, Invalid)
		wantStatus(t, rep, "signature", Failed)
	})
	t.Run("key not listed by issuer", func(t *testing.T) {
		srv, v := newTestVerifier(t)
		set := newOB2("s3")
		jws := set.signed(t, srv, key)
		delete(set.issuer, "publicKey")
		srv.json(set.issuer["id"].(string), mustJSON(t, set.issuer))
		rep := verifyData(t, v, []byte(jws), nil)
		wantVerdict(t, rep, Invalid)
		wantStatus(t, rep, "key", Failed)
	})
	t.Run("revocation list lists it", func(t *testing.T) {
		srv, v := newTestVerifier(t)
		set := newOB2("s4")
		set.issuer["revocationList"] = issuerBase + "/revoked.json"
		jws := set.signed(t, srv, key)
		srv.json(issuerBase+"/revoked.json", mustJSON(t, map[string]any{
			"@context": "https://w3id.org/openbadges/v2", "type": "RevocationList", "id": issuerBase + "/revoked.json",
			"revokedAssertions": []any{"urn:uuid:other", map[string]any{"id": set.assertion["id"], "revocationReason": "Cheating"}},
		}))
		rep := verifyData(t, v, []byte(jws), nil)
		wantVerdict(t, rep, Invalid)
		wantStatus(t, rep, "revocation", Failed)
		if !strings.Contains(check(rep, "revocation").Message, "Cheating") {
			t.Errorf("reason missing: %q", check(rep, "revocation").Message)
		}
	})
	t.Run("revocation list does not list it", func(t *testing.T) {
		srv, v := newTestVerifier(t)
		set := newOB2("s5")
		set.issuer["revocationList"] = issuerBase + "/revoked.json"
		jws := set.signed(t, srv, key)
		srv.json(issuerBase+"/revoked.json", mustJSON(t, map[string]any{"revokedAssertions": []any{"urn:uuid:other"}}))
		rep := verifyData(t, v, []byte(jws), nil)
		wantVerdict(t, rep, Valid)
		wantStatus(t, rep, "revocation-list", Passed)
	})
	t.Run("signed badge without its signature", func(t *testing.T) {
		srv, v := newTestVerifier(t)
		set := newOB2("s6")
		set.signed(t, srv, key)
		rep := verifyData(t, v, mustJSON(t, set.assertion), nil)
		wantVerdict(t, rep, Invalid)
		wantStatus(t, rep, "signature", Failed)
	})
}

func b64(b []byte) string {
	return strings.TrimRight(jsonB64.EncodeToString(b), "=")
}

// --- Open Badges 3.0, embedded proofs ---

func TestOB30_EachProofType(t *testing.T) {
	t.Parallel()
	for _, suite := range []string{"eddsa-rdfc-2022", "eddsa-2022", "Ed25519Signature2020"} {
		t.Run(suite, func(t *testing.T) {
			_, v := newTestVerifier(t)
			iss := newEdIssuer(t)
			c := newCredential(iss.did)
			if suite == "Ed25519Signature2020" {
				c["@context"] = append(c["@context"].([]any), "https://w3id.org/security/suites/ed25519-2020/v1")
			}
			signed := iss.sign(t, c, suite)
			rep := verifyData(t, v, mustJSON(t, signed), learner)
			wantVerdict(t, rep, Valid)
			wantStatus(t, rep, "proof", Passed)
			wantStatus(t, rep, "recipient", Passed)

			signed["name"] = "Forged"
			rep = verifyData(t, v, mustJSON(t, signed), nil)
			wantVerdict(t, rep, Invalid)
			wantStatus(t, rep, "proof", Failed)
		})
	}
}

func TestOB30_KeyMustBelongToIssuer(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	iss := newEdIssuer(t)
	mk := strings.TrimPrefix(iss.did, "did:key:")
	issuerID := issuerBase + "/issuers/1"
	c := newCredential(issuerID)
	// A key document on the issuer's site controlled by someone else.
	srv.json(issuerBase+"/keys/1", mustJSON(t, map[string]any{
		"id": issuerBase + "/keys/1", "type": "Multikey", "controller": issuerBase + "/issuers/2", "publicKeyMultibase": mk,
	}))
	signed, err := ldproof.Sign(c, iss.priv, issuerBase+"/keys/1", "eddsa-rdfc-2022", fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	rep := verifyData(t, v, mustJSON(t, signed), nil)
	wantVerdict(t, rep, Invalid)
	wantStatus(t, rep, "key", Failed)
}

func TestOB30_ContextAndType(t *testing.T) {
	t.Parallel()
	_, v := newTestVerifier(t)
	iss := newEdIssuer(t)
	cases := []struct {
		name   string
		edit   func(c map[string]any)
		id     string
		want   Status
		verdic Verdict
	}{
		{"current", func(map[string]any) {}, "context", Passed, Valid},
		{"older 3.0 context", func(c map[string]any) {
			c["@context"] = []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"}
		}, "context", Warning, ValidWarn},
		{"no VC context first", func(c map[string]any) {
			c["@context"] = []any{"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}
		}, "context", Failed, Invalid},
		{"not an Open Badge type", func(c map[string]any) { c["type"] = []any{"VerifiableCredential"} }, "type", Failed, Invalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCredential(iss.did)
			tc.edit(c)
			signed, err := ldproof.Sign(c, iss.priv, iss.vm, "eddsa-rdfc-2022", fixedNow)
			if err != nil {
				signed = c // not signable (bad context): still must be reported
			}
			rep := verifyData(t, v, mustJSON(t, signed), nil)
			wantStatus(t, rep, tc.id, tc.want)
			wantVerdict(t, rep, tc.verdic)
		})
	}
}

func TestOB30_ValidityDates(t *testing.T) {
	t.Parallel()
	_, v := newTestVerifier(t)
	iss := newEdIssuer(t)
	c := newCredential(iss.did)
	c["validFrom"] = "2030-01-01T00:00:00Z"
	rep := verifyData(t, v, mustJSON(t, iss.sign(t, c, "eddsa-rdfc-2022")), nil)
	wantStatus(t, rep, "issued", Failed)
	wantStatus(t, rep, "proof", Passed)

	c = newCredential(iss.did)
	c["validUntil"] = "2025-01-01T00:00:00Z"
	rep = verifyData(t, v, mustJSON(t, iss.sign(t, c, "eddsa-rdfc-2022")), nil)
	wantStatus(t, rep, "expiry", Failed)
	wantVerdict(t, rep, Invalid)
}

// --- VC-JWT ---

func TestVCJWT_EachAlgorithmAndKeySource(t *testing.T) {
	t.Parallel()
	rsaPriv := testRSA(t)
	ecPriv := p256Key(t)
	_, edPriv, _ := ed25519.GenerateKey(nil)
	type algCase struct {
		alg  jose.SignatureAlgorithm
		priv crypto.Signer
	}
	algs := []algCase{{jose.RS256, rsaPriv}, {jose.ES256, ecPriv}, {jose.EdDSA, edPriv}}
	for _, ac := range algs {
		for _, source := range []string{"jwk", "kid"} {
			t.Run(string(ac.alg)+"/"+source, func(t *testing.T) {
				srv, v := newTestVerifier(t)
				issuerID := issuerBase + "/issuers/jwt"
				opts := &jose.SignerOptions{}
				opts.WithType("JWT")
				if source == "jwk" {
					opts.EmbedJWK = true
					// The header's key counts because the issuer publishes it.
					publishIssuerKeys(t, srv, issuerID, ac.priv.Public())
				} else {
					kid := kidFor(t, srv, ac.priv.Public(), issuerID)
					opts.WithHeader("kid", kid)
					if strings.HasPrefix(kid, "did:") {
						issuerID = strings.SplitN(kid, "#", 2)[0]
					}
				}
				c := newCredential(issuerID)
				claims := jwtClaims(c)
				jwt := signJWS(t, ac.alg, ac.priv, mustJSON(t, claims), opts)
				rep := verifyData(t, v, []byte(jwt), learner)
				wantVerdict(t, rep, Valid)
				wantStatus(t, rep, "signature", Passed)
				wantStatus(t, rep, "jwt-claims", Passed)
				wantStatus(t, rep, "recipient", Passed)

				// Claims that contradict the credential are caught.
				claims["jti"] = "urn:uuid:someone-else"
				jwt = signJWS(t, ac.alg, ac.priv, mustJSON(t, claims), opts)
				rep = verifyData(t, v, []byte(jwt), nil)
				wantVerdict(t, rep, Invalid)
				wantStatus(t, rep, "jwt-claims", Failed)
			})
		}
	}
}

// kidFor publishes (or derives) a key id for pub: a did:key for Ed25519 and
// P-256, a JsonWebKey document on the issuer's site for RSA.
func kidFor(t *testing.T, srv *issuerServer, pub crypto.PublicKey, issuerID string) string {
	t.Helper()
	if _, isRSA := pub.(*rsa.PublicKey); !isRSA {
		mk, err := keys.EncodeMultikey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return "did:key:" + mk + "#" + mk
	}
	jwk := jose.JSONWebKey{Key: pub}
	raw, err := jwk.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	kid := issuerBase + "/keys/rsa"
	srv.json(kid, mustJSON(t, map[string]any{
		"id": kid, "type": "JsonWebKey", "controller": issuerID, "publicKeyJwk": json.RawMessage(raw),
	}))
	srv.json(issuerID, mustJSON(t, map[string]any{"id": issuerID, "type": "Profile", "assertionMethod": []any{kid}}))
	return kid
}

// publishIssuerKeys serves, at the issuer's https address, an issuer
// document (an Open Badges Profile with verificationMethod and
// assertionMethod) that lists the keys.
func publishIssuerKeys(t testing.TB, srv *issuerServer, issuerID string, pubs ...crypto.PublicKey) {
	t.Helper()
	var methods, refs []any
	for i, pub := range pubs {
		raw, err := (&jose.JSONWebKey{Key: pub}).MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("%s#key-%d", issuerID, i+1)
		methods = append(methods, map[string]any{"id": id, "type": "JsonWebKey", "controller": issuerID, "publicKeyJwk": json.RawMessage(raw)})
		refs = append(refs, id)
	}
	srv.json(issuerID, mustJSON(t, map[string]any{
		"@context": []any{"https://www.w3.org/ns/cid/v1"}, "id": issuerID, "type": "Profile",
		"verificationMethod": methods, "assertionMethod": refs,
	}))
}

func jwtClaims(c map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range c {
		out[k] = v
	}
	out["iss"] = c["issuer"].(map[string]any)["id"]
	out["sub"] = c["credentialSubject"].(map[string]any)["id"]
	out["jti"] = c["id"]
	from, _ := time.Parse(time.RFC3339, c["validFrom"].(string))
	out["nbf"] = from.Unix()
	return out
}

func TestVCJWT_VCClaimFormWarns(t *testing.T) {
	t.Parallel()
	_, v := newTestVerifier(t)
	c := newCredential("")
	c["@context"] = []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}
	c["issuanceDate"] = c["validFrom"]
	delete(c, "validFrom")
	ec := p256Key(t)
	mk, _ := keys.EncodeMultikey(&ec.PublicKey)
	did := "did:key:" + mk
	c["issuer"].(map[string]any)["id"] = did
	opts := (&jose.SignerOptions{}).WithHeader("kid", did+"#"+mk)
	jwt := signJWS(t, jose.ES256, ec, mustJSON(t, map[string]any{"vc": c, "iss": did, "jti": c["id"]}), opts)
	rep := verifyData(t, v, []byte(jwt), nil)
	wantVerdict(t, rep, ValidWarn)
	wantStatus(t, rep, "jwt-format", Warning)
	wantStatus(t, rep, "signature", Passed)
}

func TestVCJWT_RefusesPrivateJWKAndMissingKey(t *testing.T) {
	t.Parallel()
	_, v := newTestVerifier(t)
	ec := p256Key(t)
	c := newCredential(issuerBase + "/issuers/jwt")
	priv := jose.JSONWebKey{Key: ec}
	opts := (&jose.SignerOptions{}).WithHeader("jwk", priv)
	rep := verifyData(t, v, []byte(signJWS(t, jose.ES256, ec, mustJSON(t, c), opts)), nil)
	wantVerdict(t, rep, Invalid)
	wantStatus(t, rep, "key", Failed)

	rep = verifyData(t, v, []byte(signJWS(t, jose.ES256, ec, mustJSON(t, c), nil)), nil)
	wantVerdict(t, rep, Invalid)
	wantStatus(t, rep, "key", Failed)
}

// --- status lists ---

func TestStatusList(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		set     []int
		purpose string
		serve   bool
		want    Status
	}{
		{"bit clear", []int{3, 100}, "revocation", true, Passed},
		{"bit set", []int{3, 42, 100}, "revocation", true, Failed},
		{"suspended", []int{42}, "suspension", true, Failed},
		{"list unreachable", nil, "revocation", false, Warning},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, v := newTestVerifier(t)
			iss := newEdIssuer(t)
			if tc.serve {
				list := iss.sign(t, statusListCredential(iss.did, encodeStatusList(t, 16384, tc.set...), tc.purpose), "eddsa-rdfc-2022")
				srv.json(issuerBase+"/status/1", mustJSON(t, list))
			}
			c := newCredential(iss.did)
			c["credentialStatus"] = map[string]any{
				"id": issuerBase + "/status/1#42", "type": "BitstringStatusListEntry",
				"statusPurpose": tc.purpose, "statusListIndex": "42", "statusListCredential": issuerBase + "/status/1",
			}
			rep := verifyData(t, v, mustJSON(t, iss.sign(t, c, "eddsa-rdfc-2022")), nil)
			wantStatus(t, rep, "revocation", tc.want)
		})
	}
}

func TestStatusList_UnsignedListCannotClear(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	iss := newEdIssuer(t)
	srv.json(issuerBase+"/status/1", mustJSON(t, statusListCredential(iss.did, encodeStatusList(t, 16384), "revocation")))
	c := newCredential(iss.did)
	c["credentialStatus"] = map[string]any{
		"id": issuerBase + "/status/1#7", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
		"statusListIndex": "7", "statusListCredential": issuerBase + "/status/1",
	}
	rep := verifyData(t, v, mustJSON(t, iss.sign(t, c, "eddsa-rdfc-2022")), nil)
	wantStatus(t, rep, "revocation", Warning)
}

func TestDecodeStatusList_MSBFirst(t *testing.T) {
	t.Parallel()
	bits, err := decodeStatusList(encodeStatusList(t, 16, 0, 9))
	if err != nil {
		t.Fatal(err)
	}
	if bits[0] != 0x80 || bits[1] != 0x40 {
		t.Errorf("bits % x", bits)
	}
	for _, bad := range []string{"", "u!!!", "uAAAA"} {
		if _, err := decodeStatusList(bad); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

// --- endorsements ---

func TestEndorsements30_BadOneWarnsOnly(t *testing.T) {
	t.Parallel()
	_, v := newTestVerifier(t)
	iss := newEdIssuer(t)
	endorser := newEdIssuer(t)
	endorsement := func(n int, comment string) map[string]any {
		return map[string]any{
			"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
			"id":        fmt.Sprintf("urn:uuid:7d5c2c8e-0d6a-4d55-9b8e-0f3c7c7e0a0%d", n),
			"type":      []any{"VerifiableCredential", "EndorsementCredential"},
			"issuer":    map[string]any{"id": endorser.did, "type": []any{"Profile"}, "name": "Guild"},
			"validFrom": "2024-01-01T00:00:00Z",
			"name":      "Guild endorsement",
			"credentialSubject": map[string]any{
				"id": issuerBase + "/achievements/soldering", "type": []any{"EndorsementSubject"}, "endorsementComment": comment,
			},
		}
	}
	good := endorser.sign(t, endorsement(1, "Good course"), "eddsa-rdfc-2022")
	bad := endorser.sign(t, endorsement(2, "Fine teachers"), "eddsa-rdfc-2022")
	bad["credentialSubject"].(map[string]any)["endorsementComment"] = "Tampered"

	c := newCredential(iss.did)
	c["endorsement"] = []any{good}
	rep := verifyData(t, v, mustJSON(t, iss.sign(t, c, "eddsa-rdfc-2022")), nil)
	wantVerdict(t, rep, Valid)
	wantStatus(t, rep, "endorsements", Passed)

	c = newCredential(iss.did)
	c["endorsement"] = []any{good, bad}
	rep = verifyData(t, v, mustJSON(t, iss.sign(t, c, "eddsa-rdfc-2022")), nil)
	wantVerdict(t, rep, ValidWarn)
	wantStatus(t, rep, "endorsements", Warning)
	wantStatus(t, rep, "proof", Passed)
	if !strings.Contains(check(rep, "endorsements").Message, "1 of 2") {
		t.Errorf("message: %q", check(rep, "endorsements").Message)
	}
}

func TestEndorsements20_UnreachableWarnsOnly(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	set := newOB2("e")
	set.class["endorsement"] = []any{issuerBase + "/endorsements/missing.json"}
	set.serve(t, srv)
	rep := verifyData(t, v, mustJSON(t, set.assertion), nil)
	wantVerdict(t, rep, ValidWarn)
	wantStatus(t, rep, "endorsements", Warning)
}

// --- robustness ---

func TestVerify_NeverHangs(t *testing.T) {
	t.Parallel()
	srv := newIssuerServer(t, issuerHost)
	block := make(chan struct{})
	defer close(block)
	srv.files = func(host, path string) (route, bool) {
		<-block // never answers
		return route{}, false
	}
	v := New(srv.client(), Options{Now: func() time.Time { return fixedNow }, Timeout: 300 * time.Millisecond})
	set := newOB2("slow")
	start := time.Now()
	rep := verifyData(t, v, mustJSON(t, set.assertion), nil)
	if time.Since(start) > 3*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	wantVerdict(t, rep, Invalid)
	wantStatus(t, rep, "hosted", Failed)
}

func TestVerify_HostileInputNeverPanics(t *testing.T) {
	t.Parallel()
	_, v := newTestVerifier(t)
	rep := v.Verify(context.Background(), nil, nil)
	wantVerdict(t, rep, Invalid)

	inputs := []string{
		`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","badge":{"issuer":[1,2]},"recipient":"x","verification":7}`,
		`{"@context":"https://w3id.org/openbadges/v2","type":["Assertion"],"id":"https://issuer.example/a","badge":{"type":"BadgeClass","issuer":{"type":7}},"verification":{"type":"signed"}}`,
		`{"@context":["https://www.w3.org/ns/credentials/v2",{"@version":"oops"}],"type":["VerifiableCredential","OpenBadgeCredential"],"issuer":[],"credentialSubject":"x","proof":{"type":"DataIntegrityProof","verificationMethod":{"id":5}},"credentialStatus":[{"type":"BitstringStatusListEntry","statusListIndex":-1}]}`,
		`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","validFrom":12,"proof":[null,"x"],"endorsement":[{"a":1},"zzz"]}`,
	}
	for i, in := range inputs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			b, err := badge.Read([]byte(in))
			if err != nil {
				t.Skipf("not read as a badge: %v", err)
			}
			rep := v.Verify(context.Background(), b, learner)
			if rep.Verdict != Invalid {
				t.Errorf("verdict %s\n%s", rep.Verdict, reportText(rep))
			}
			for _, c := range rep.Checks {
				if c.ID == "internal" {
					t.Errorf("panicked: %s", c.Detail)
				}
				if c.Message == "" {
					t.Errorf("check %s has no message", c.ID)
				}
			}
		})
	}
}

func TestVerify_RecipientOutcomes(t *testing.T) {
	t.Parallel()
	_, v := newTestVerifier(t)
	iss := newEdIssuer(t)
	data := mustJSON(t, iss.sign(t, newCredential(iss.did), "eddsa-rdfc-2022"))
	cases := []struct {
		ids  []badge.Identifier
		want Status
	}{
		{nil, Skipped},
		{[]badge.Identifier{{Type: "email", Value: "LEARNER@example.net"}}, Passed},
		{[]badge.Identifier{{Type: "email", Value: "other@example.net"}}, Failed},
		{[]badge.Identifier{{Type: "telephone", Value: "+15555550100"}}, Warning},
	}
	for _, tc := range cases {
		rep := verifyData(t, v, data, tc.ids)
		wantStatus(t, rep, "recipient", tc.want)
	}
}

func TestVerifyBytes_NotABadge(t *testing.T) {
	t.Parallel()
	_, v := newTestVerifier(t)
	b, rep, err := v.VerifyBytes(context.Background(), []byte("hello"), nil)
	if b != nil || err == nil || rep.Verdict != Invalid || status(rep, "format") != Failed {
		t.Fatalf("b=%v err=%v\n%s", b, err, reportText(rep))
	}
	if !strings.HasPrefix(check(rep, "format").Message, "This is not an Open Badge") {
		t.Errorf("message %q", check(rep, "format").Message)
	}
}

var _ = ecdsa.PublicKey{}

// panicFetcher stands for a component that fails in an unforeseen way.
type panicFetcher struct{}

func (panicFetcher) Get(context.Context, string, fetch.Kind) (*fetch.Response, error) {
	panic("boom")
}

func TestVerify_RecoversFromPanic(t *testing.T) {
	t.Parallel()
	v := New(panicFetcher{}, Options{Now: func() time.Time { return fixedNow }})
	rep := verifyData(t, v, mustJSON(t, newOB2("x").assertion), nil)
	wantVerdict(t, rep, Invalid)
	wantStatus(t, rep, "internal", Failed)
	if strings.Contains(check(rep, "internal").Message, "boom") {
		t.Error("internal error text reached the learner's message")
	}
}

func TestSigned20_FetchesEachURLOnce(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	set := newOB2("once")
	set.issuer["revocationList"] = issuerBase + "/revoked.json"
	jws := set.signed(t, srv, testRSA(t))
	srv.json(issuerBase+"/revoked.json", mustJSON(t, map[string]any{"revokedAssertions": []any{}}))
	rep := verifyData(t, v, []byte(jws), nil)
	wantVerdict(t, rep, Valid)
	for _, u := range []string{issuerBase + "/key.json", issuerBase + "/class.json", issuerBase + "/issuer.json", issuerBase + "/revoked.json"} {
		if n := srv.hitCount(u); n != 1 {
			t.Errorf("%s fetched %d times, want once", u, n)
		}
	}
}

func TestHosted_Legacy10Badge(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	aURL := issuerBase + "/legacy/assertion.json"
	srv.json(aURL, mustJSON(t, map[string]any{
		"uid":       "abc-123",
		"recipient": map[string]any{"type": "email", "hashed": true, "salt": "pepper", "identity": hashedEmail(learnerEmail, "pepper")},
		"badge":     issuerBase + "/legacy/class.json",
		"verify":    map[string]any{"type": "hosted", "url": aURL},
		"issuedOn":  "2014-05-01",
	}))
	srv.json(issuerBase+"/legacy/class.json", mustJSON(t, map[string]any{
		"name": "Old Badge", "description": "From 2014.", "image": issuerBase + "/legacy/badge.png",
		"criteria": issuerBase + "/legacy/criteria.html", "issuer": issuerBase + "/legacy/issuer.json",
	}))
	srv.json(issuerBase+"/legacy/issuer.json", mustJSON(t, map[string]any{"name": "Old Issuer", "url": issuerBase}))
	b := readBadge(t, []byte(aURL))
	rep := v.Verify(context.Background(), b, learner)
	wantVerdict(t, rep, Valid)
	wantStatus(t, rep, "hosted", Passed)
	wantStatus(t, rep, "issuer-policy", Passed)
	if b.Name != "Old Badge" || b.Issuer.Name != "Old Issuer" || b.Version != badge.V1_0 {
		t.Errorf("badge not filled: %q %q %s", b.Name, b.Issuer.Name, b.Version)
	}
}

func TestStatus_1EdTechRevocationList(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	iss := newEdIssuer(t)
	c := newCredential(iss.did)
	c["@context"] = append(c["@context"].([]any), "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
	c["credentialStatus"] = map[string]any{"id": issuerBase + "/revocations", "type": "1EdTechRevocationList"}
	data := mustJSON(t, iss.sign(t, c, "eddsa-rdfc-2022"))

	srv.json(issuerBase+"/revocations", mustJSON(t, map[string]any{"revokedCredential": []any{}}))
	wantStatus(t, verifyData(t, v, data, nil), "revocation", Passed)

	srv.json(issuerBase+"/revocations", mustJSON(t, map[string]any{"revokedCredential": []any{
		map[string]any{"id": c["id"], "revocationReason": "Issued in error"},
	}}))
	rep := verifyData(t, v, data, nil)
	wantStatus(t, rep, "revocation", Failed)
	if !strings.Contains(check(rep, "revocation").Message, "Issued in error") {
		t.Errorf("message %q", check(rep, "revocation").Message)
	}
}

func TestDecodeStatusList_StatusList2021PlainBase64(t *testing.T) {
	t.Parallel()
	enc := strings.TrimPrefix(encodeStatusList(t, 16, 15), "u")
	bits, err := decodeStatusList(enc)
	if err != nil {
		t.Fatal(err)
	}
	if bits[1] != 0x01 {
		t.Errorf("bits % x", bits)
	}
}

func TestVCJWT_ExpClaimBoundsValidity(t *testing.T) {
	t.Parallel()
	_, v := newTestVerifier(t)
	iss := newEdIssuer(t)
	claims := jwtClaims(newCredential(iss.did))
	claims["exp"] = fixedNow.Add(-time.Hour).Unix()
	opts := (&jose.SignerOptions{}).WithHeader("kid", iss.vm)
	rep := verifyData(t, v, []byte(signJWS(t, jose.EdDSA, iss.priv, mustJSON(t, claims), opts)), nil)
	wantVerdict(t, rep, Invalid)
	wantStatus(t, rep, "expiry", Failed)
	wantStatus(t, rep, "signature", Passed)
}

func TestPointer_FetchesAndVerifiesOnce(t *testing.T) {
	t.Parallel()
	srv, v := newTestVerifier(t)
	set := newOB2("ptr")
	set.serve(t, srv)
	u := set.assertion["id"].(string)
	b, rep, err := v.VerifyBytes(context.Background(), []byte(u), learner)
	if err != nil {
		t.Fatal(err)
	}
	wantVerdict(t, rep, Valid)
	wantStatus(t, rep, "fetch", Passed)
	if b.Format != badge.FormatURL || string(b.Original) != u || b.Name != "Soldering Basics" {
		t.Errorf("format %s original %q name %q", b.Format, b.Original, b.Name)
	}
	if n := srv.hitCount(u); n != 1 {
		t.Errorf("fetched %d times", n)
	}

	srv.set(u, http.StatusGone, "text/plain", nil)
	_, rep, _ = v.VerifyBytes(context.Background(), []byte(u), nil)
	wantVerdict(t, rep, Invalid)
	wantStatus(t, rep, "revocation", Failed)
}

// Options.Observe hears each verification's outcome, as the badge's
// status, once per Verify: what the metrics count.
func TestObserve_HearsEachOutcome(t *testing.T) {
	t.Parallel()
	srv := newIssuerServer(t, issuerHost, otherHost)
	var outcomes []string
	v := New(srv.client(), Options{Now: func() time.Time { return fixedNow }, Timeout: 10 * time.Second,
		Observe: func(outcome string, took time.Duration) {
			if took <= 0 {
				t.Errorf("duration %v", took)
			}
			outcomes = append(outcomes, outcome)
		}})
	good := newOB2("1")
	good.serve(t, srv)
	verifyData(t, v, mustJSON(t, good.assertion), learner)
	revoked := newOB2("2")
	revoked.assertion["revoked"] = true
	revoked.serve(t, srv)
	verifyData(t, v, mustJSON(t, revoked.assertion), learner)
	if strings.Join(outcomes, ",") != "valid,revoked" {
		t.Fatalf("outcomes %q, want valid then revoked", outcomes)
	}
}
