package verify

import (
	"bytes"
	"crypto/rsa"
	"fmt"
	"slices"

	"github.com/go-jose/go-jose/v4"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/jsonv"
	"github.com/satchel-backpack/satchel/internal/keys"
)

const fetchJSON = fetch.JSON

// ob2Signed checks the RS256 signature of a signed 2.0 badge with the key
// named by verification.creator.
func (r *run) ob2Signed(b *badge.Badge, st *assertion2) {
	a := b.OB2.Assertion
	jws, err := jose.ParseSigned(b.JWS, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		r.add("signature", Failed, say("check.ob2_signature.not_rs256"), err.Error())
		return
	}
	creator := jsonv.TrimmedString(jsonv.Object(a["verification"]), "creator")
	if creator == "" {
		r.add("signature", Failed, say("check.ob2_signature.no_creator"), "")
		return
	}
	if !isHTTPURL(creator) {
		r.add("signature", Failed, say("check.ob2_signature.creator_not_web"), creator)
		return
	}
	keyDoc, _, err := r.getJSON(creator)
	if err != nil {
		r.addErr("signature", Failed, say("check.ob2_signature.key_fetch_failed").then(fetchMsg(err)), err, err.Error())
		return
	}
	pub, err := keys.FromPEM(jsonv.TrimmedString(keyDoc, "publicKeyPem"))
	if err == nil {
		if _, isRSA := pub.(*rsa.PublicKey); !isRSA {
			err = fmt.Errorf("key is %T, not RSA", pub)
		}
	}
	if err != nil {
		r.add("signature", Failed, say("check.ob2_signature.key_unreadable"), err.Error())
		return
	}
	payload, err := jws.Verify(pub)
	if err != nil {
		r.add("signature", Failed, say("check.ob2_signature.mismatch"), err.Error())
		return
	}
	if !bytes.Equal(payload, b.Payload) && !jsonEqual(payload, b.Payload) {
		r.add("signature", Failed, say("check.ob2_signature.payload_mismatch"), "payload mismatch")
		return
	}
	st.signedKeyID = creator
	if id := jsonv.TrimmedString(keyDoc, "id"); id != "" {
		st.signedKeyID = id
	}
	st.signedKeyDoc, st.signedKey = keyDoc, pub
	r.add("signature", Passed, say("check.ob2_signature.ok"), "key "+creator)
}

// ob2KeyBelongs binds the signing key to the issuer by the one rule
// (keys.ResolveOB2): the issuer Profile lists it under publicKey and, when
// the key names an owner, the owner is the issuer.
func (r *run) ob2KeyBelongs(is map[string]any, st *assertion2) {
	key, err := keys.ResolveOB2(r.ctx, r.memo, st.signedKeyID, jsonv.Marshal(is))
	if err == nil && !keys.SameKey(key.Public, st.signedKey) {
		err = &keys.Error{Kind: keys.NotIssuerKey, Method: st.signedKeyID, Err: fmt.Errorf("the issuer lists another key under %s", st.signedKeyID)}
	}
	if err != nil {
		r.keyFailed(err, "key "+st.signedKeyID+": "+err.Error())
		return
	}
	r.keyChecked(key, "key", jsonv.TrimmedString(is, "id"))
}

// ob2RevocationList fetches the issuer's revocation list, when it has one.
func (r *run) ob2RevocationList(b *badge.Badge, is map[string]any, st *assertion2) {
	u := jsonv.TrimmedID(is["revocationList"])
	if u == "" {
		return
	}
	list, _, err := r.getJSON(u)
	if err != nil {
		r.add("revocation-list", Warning, say("check.revocation_list.fetch_failed").then(fetchMsg(err)), err.Error())
		st.revocationUnknown = true
		return
	}
	ids := []string{b.ID}
	if uid := jsonv.TrimmedString(b.OB2.Assertion, "uid"); uid != "" {
		ids = append(ids, uid, "urn:uuid:"+uid)
	}
	for _, e := range jsonv.Items(list["revokedAssertions"]) {
		rid := jsonv.TrimmedID(e)
		reason := jsonv.TrimmedString(jsonv.Object(e), "revocationReason")
		if uid := jsonv.TrimmedString(jsonv.Object(e), "uid"); uid != "" && slices.Contains(ids, uid) {
			rid = uid
		}
		if rid != "" && slices.Contains(ids, rid) {
			st.revoked = true
			st.revokedHow = say("check.revocation.how_listed")
			st.revokedReason = reason
			return
		}
	}
	r.add("revocation-list", Passed, say("check.revocation_list.ok"), u)
}

// trimJWS removes white space a JWS may have picked up in transit.
func trimJWS(s string) string { return string(bytes.TrimSpace([]byte(s))) }
