package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/jsonv"
	"github.com/satchel-backpack/satchel/internal/keys"
)

// vcJWTAlgs are the algorithms accepted for a VC-JWT.
var vcJWTAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.EdDSA}

// vcJWT checks a credential given as a VC-JWT: the signature with the key
// from the header (jwk, without private parts, or kid resolved like a
// verificationMethod) and the registered claims against the credential.
func (r *run) vcJWT(b *badge.Badge) {
	o := b.OB3
	if jwk, ok := o.JWTHeader["jwk"]; ok {
		// A header key with private parts is refused before go-jose sees it.
		if _, err := keys.FromJWK(jsonv.Marshal(jwk)); err != nil {
			r.keyFailed(err, "header jwk: "+err.Error())
			return
		}
	}
	jws, err := jose.ParseSigned(b.JWS, vcJWTAlgs)
	if err != nil {
		r.add("signature", Failed, say("check.jwt.unsupported_alg"), err.Error())
		return
	}
	if len(jws.Signatures) != 1 {
		r.add("signature", Failed, say("check.jwt.one_signature"), fmt.Sprintf("%d signatures", len(jws.Signatures)))
		return
	}
	h := o.JWTHeader
	alg, _ := h["alg"].(string)
	issuerID := jsonv.TrimmedID(o.Credential["issuer"])
	kid := jsonv.TrimmedString(h, "kid")
	if kid != "" && !strings.Contains(kid, ":") {
		// A bare fragment is relative to the issuer.
		if isHTTPURL(issuerID) || strings.HasPrefix(issuerID, "did:") {
			base, _, _ := strings.Cut(issuerID, "#")
			kid = base + "#" + strings.TrimPrefix(kid, "#")
		}
	}
	var key *keys.Key
	var keyDetail string
	switch {
	case h["jwk"] != nil:
		key, err = keys.ResolveJWK(r.ctx, r.memo, jsonv.Marshal(h["jwk"]), kid, issuerID)
		keyDetail = "key embedded in the token header (jwk)"
		if kid != "" {
			keyDetail += ", kid " + kid
		}
	case kid != "":
		key, err = keys.Resolve(r.ctx, r.memo, kid, issuerID)
		keyDetail = "kid " + kid
	default:
		r.add("key", Failed, say("check.jwt.no_key"), "")
		return
	}
	if err != nil {
		r.keyFailed(err, keyDetail+": "+err.Error())
		return
	}
	r.keyChecked(key, keyDetail, issuerID)
	pub := key.Public
	payload, err := jws.Verify(pub)
	if err != nil {
		r.add("signature", Failed, say("check.proof.mismatch"), alg+": "+err.Error())
		return
	}
	// The model was read from this same token; make sure it was not changed
	// since (a Badge can be built by hand or reloaded from storage).
	if !bytes.Equal(payload, b.Payload) && !jsonEqual(payload, jsonv.Marshal(o.JWTClaims)) {
		r.add("signature", Failed, say("check.jwt.payload_mismatch"), "payload mismatch")
		return
	}
	r.add("signature", Passed, say("check.signature.ok", "Suite", alg), keyDetail)

	vcForm := o.JWTClaims["vc"] != nil && o.JWTClaims["@context"] == nil
	if vcForm {
		r.add("jwt-format", Warning, say("check.jwt.older_form"), "vc claim")
	}
	r.jwtClaims(o.JWTClaims, o.Credential)
}

// jwtClaims checks iss, sub, jti, nbf and exp against the credential.
func (r *run) jwtClaims(claims, c map[string]any) {
	var problems []string
	check := func(claim, want, what string) {
		v, ok := claims[claim]
		if !ok {
			return
		}
		got, _ := v.(string)
		if want != "" && got != want {
			problems = append(problems, fmt.Sprintf("%s %q is not the credential's %s %q", claim, got, what, want))
		}
	}
	check("iss", jsonv.TrimmedID(c["issuer"]), "issuer")
	if subj := jsonv.Object(firstItem(c["credentialSubject"])); subj != nil {
		check("sub", jsonv.TrimmedString(subj, "id"), "subject id")
	}
	check("jti", jsonv.TrimmedString(c, "id"), "id")
	timeClaim := func(claim string, keysToTry ...string) {
		v, ok := claims[claim]
		if !ok {
			return
		}
		sec, ok := numericDate(v)
		if !ok {
			problems = append(problems, claim+" is not a number of seconds")
			return
		}
		for _, k := range keysToTry {
			if t, has, err := parseISODate(c[k]); has && err == nil {
				if t.Unix() != sec {
					problems = append(problems, fmt.Sprintf("%s %s does not match %s %s", claim, time.Unix(sec, 0).UTC().Format(time.RFC3339), k, t.Format(time.RFC3339)))
				}
				return
			}
		}
	}
	timeClaim("nbf", "validFrom", "issuanceDate")
	timeClaim("exp", "validUntil", "expirationDate")
	if len(problems) > 0 {
		r.add("jwt-claims", Failed, say("check.jwt.claims_contradict"), strings.Join(problems, "; "))
		return
	}
	r.add("jwt-claims", Passed, say("check.jwt.claims_ok"), "")
}

func firstItem(v any) any {
	if l := jsonv.Items(v); len(l) > 0 {
		return l[0]
	}
	return nil
}

func numericDate(v any) (int64, bool) {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i, true
		}
		if f, err := t.Float64(); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return int64(f), true
		}
	case float64:
		return int64(t), true
	}
	return 0, false
}
