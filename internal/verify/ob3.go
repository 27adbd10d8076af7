package verify

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/jsonv"
	"github.com/satchel-backpack/satchel/internal/keys"
	"github.com/satchel-backpack/satchel/internal/ldproof"
)

const (
	ctxVC2  = "https://www.w3.org/ns/credentials/v2"
	ctxVC11 = "https://www.w3.org/2018/credentials/v1"
	// ctxOB3Current is the newest Open Badges 3.0 context.
	ctxOB3Current = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

var ob3ContextRE = regexp.MustCompile(`^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d+\.\d+)?\.json$`)

func (r *run) ob3(b *badge.Badge) {
	o := b.OB3
	if o == nil || o.Credential == nil {
		r.add("structure", Failed, say("check.ob3.no_credential"), "no credential")
		return
	}
	c := o.Credential
	r.ob3Context(c)
	r.ob3Type(b)
	r.ob3Schema(b)
	if b.JWS != "" {
		r.vcJWT(b)
	} else {
		r.ob3Proofs(b)
	}
	r.ob3Status(b)
	r.ob3Dates(b)
	r.ob3Endorsements(b)
}

func (r *run) ob3Context(c map[string]any) {
	ctxs := jsonv.Items(c["@context"])
	if len(ctxs) == 0 {
		r.add("context", Failed, say("check.ob3.context_missing"), "")
		return
	}
	first, _ := ctxs[0].(string)
	var vc11 bool
	switch first {
	case ctxVC2:
	case ctxVC11:
		vc11 = true
	default:
		r.add("context", Failed, say("check.ob3.context_not_vc"),
			fmt.Sprintf("first @context %v", ctxs[0]))
		return
	}
	ob := ""
	for _, e := range ctxs[1:] {
		if s, ok := e.(string); ok && (ob3ContextRE.MatchString(s) || s == "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld") {
			ob = s
			break
		}
	}
	switch {
	case ob == "":
		r.add("context", Failed, say("check.ob3.context_not_ob3"), fmt.Sprint(ctxs))
		return
	}
	older := ob != ctxOB3Current
	switch {
	case vc11 && older:
		r.add("context", Warning, say("check.ob3.context_vc11_older_ob3", "Context", ob), fmt.Sprint(ctxs))
		return
	case vc11:
		r.add("context", Warning, say("check.ob3.context_vc11"), fmt.Sprint(ctxs))
		return
	case older:
		r.add("context", Warning, say("check.ob3.context_older_ob3", "Context", ob), fmt.Sprint(ctxs))
		return
	}
	r.add("context", Passed, say("check.ob3.context_ok"), fmt.Sprint(ctxs))
}

func (r *run) ob3Type(b *badge.Badge) {
	t := b.OB3.Types
	want := []string{"OpenBadgeCredential", "AchievementCredential"}
	endorsement := slices.Contains(t, "EndorsementCredential")
	if endorsement {
		want = []string{"EndorsementCredential"}
	}
	if !slices.Contains(t, "VerifiableCredential") || !hasAny(t, want...) {
		m := say("check.ob3.type_not_badge", "Want", strings.Join(want, " or "))
		if endorsement {
			m = say("check.ob3.type_not_endorsement", "Want", strings.Join(want, " or "))
		}
		r.add("type", Failed, m,
			fmt.Sprintf("type %v", t))
		return
	}
	m := say("check.ob3.type_badge")
	if endorsement {
		m = say("check.ob3.type_endorsement")
	}
	r.add("type", Passed, m, strings.Join(t, ", "))
}

// ob3Schema validates against the 1EdTech JSON Schema. A VCDM 1.1 credential
// is checked with its dates and first context mapped onto the 2.0 names the
// schema expects (the older model is reported by the context check).
func (r *run) ob3Schema(b *badge.Badge) {
	c := b.OB3.Credential
	name := "achievementcredential"
	if slices.Contains(b.OB3.Types, "EndorsementCredential") {
		name = "endorsementcredential"
	}
	doc := c
	raw := b.Payload // validate the exact bytes when nothing needs mapping
	if ctxs := jsonv.Items(c["@context"]); len(ctxs) > 0 && ctxs[0] == ctxVC11 {
		doc = shallowCopy(c)
		nc := append([]any{ctxVC2}, ctxs[1:]...)
		doc["@context"] = nc
		renameKey(doc, "issuanceDate", "validFrom")
		renameKey(doc, "expirationDate", "validUntil")
		raw = nil
	}
	if len(raw) == 0 {
		raw = jsonv.Marshal(doc)
	}
	if err := ldproof.ValidateSchema(raw, name); err != nil {
		var se *ldproof.SchemaError
		if errors.As(err, &se) && se.OnlyShape {
			// A single value where the schema wants a list reads the same as
			// linked data; note it, but it is not a fault in the badge.
			r.add("schema", Passed, say("check.ob3.schema_ok"), name+"; "+oneLine(err.Error()))
			return
		}
		r.add("schema", Failed, say("check.ob3.schema_failed"), oneLine(err.Error()))
		return
	}
	r.add("schema", Passed, say("check.ob3.schema_ok"), name)
}

func shallowCopy(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func renameKey(m map[string]any, from, to string) {
	if v, ok := m[from]; ok {
		if _, exists := m[to]; !exists {
			m[to] = v
		}
		delete(m, from)
	}
}

// ob3Proofs verifies every embedded Data Integrity proof.
func (r *run) ob3Proofs(b *badge.Badge) {
	c := b.OB3.Credential
	proofs := ldproof.Proofs(c)
	if len(proofs) == 0 {
		r.add("proof", Failed, say("check.proof.none"), "")
		return
	}
	// Every proof must verify: one of an unknown type (which JSON-LD could
	// not even expand) fails as unsupported rather than being ignored.
	issuerID := jsonv.TrimmedID(c["issuer"])
	for i, p := range proofs {
		label := "proof"
		if len(proofs) > 1 {
			label = fmt.Sprintf("proof %d of %d", i+1, len(proofs))
		}
		key, err := keys.Resolve(r.ctx, r.memo, p.VerificationMethod, issuerID)
		if err != nil {
			r.keyFailed(err, label+": "+err.Error())
			return
		}
		r.keyChecked(key, label, issuerID)
		if err := ldproof.Verify(c, p, key.Public); err != nil {
			m := say("check.proof.mismatch")
			switch {
			case errors.Is(err, ldproof.ErrUnsupportedProof):
				m = say("check.proof.unsupported", "Suite", p.Suite())
			case errors.Is(err, ldproof.ErrTooComplex):
				m = say("check.proof.too_complex")
			case errors.Is(err, ldproof.ErrJSONLD):
				m = say("check.proof.undefined_terms")
			case errors.Is(err, ldproof.ErrProofPurpose), errors.Is(err, ldproof.ErrMalformedProof), errors.Is(err, ldproof.ErrKeyType):
				m = say("check.proof.malformed", "Error", firstSentence(err))
			}
			r.add("proof", Failed, m, label+" ("+p.Suite()+"): "+err.Error())
			return
		}
		r.add("proof", Passed, say("check.signature.ok", "Suite", p.Suite()), label+" by "+p.VerificationMethod)
	}
}

// keyFailed records a key that could not be had, or that is not the
// issuer's.
func (r *run) keyFailed(err error, detail string) {
	r.addErr("key", Failed, keyMsg(err), err, detail)
	var ke *keys.Error
	if errors.As(err, &ke) && (ke.Kind == keys.NotIssuerKey || ke.Kind == keys.NotAssertionMethod) {
		r.rep.Checks[len(r.rep.Checks)-1].Reason = ReasonKeyNotIssuer
	}
}

// keyChecked records how the key was bound to the issuer, in words an
// employer reads at a glance, and keeps the weakest binding of the report.
func (r *run) keyChecked(key *keys.Key, label, issuerID string) {
	detail := label + ": " + key.ID + " (" + string(key.Source) + ", " + string(key.Binding) + ")"
	switch key.Binding {
	case keys.DIDDocument:
		r.add("key", Passed, say("check.key.did_document", "Where", key.Where), detail)
	case keys.HostedDocument:
		r.add("key", Passed, say("check.key.hosted", "Where", key.Where), detail)
	case keys.SelfKey:
		r.add("key", Passed, say("check.key.self"), detail)
	default:
		r.add("key", Unconfirmed, unconfirmedMessage(key, issuerID), detail)
	}
	if r.depth == 0 && (r.rep.IssuerBinding == "" || bindingRank[key.Binding] < bindingRank[r.rep.IssuerBinding]) {
		r.rep.IssuerBinding, r.rep.IssuerWhere = key.Binding, key.Where
	}
}

// bindingRank orders bindings from the weakest; a report keeps its weakest.
var bindingRank = map[keys.Binding]int{keys.Unconfirmed: 0, keys.SelfKey: 1, keys.HostedDocument: 2, keys.DIDDocument: 2}

// unconfirmedMessage says in plain words what is missing for the key to
// count as the issuer's.
func unconfirmedMessage(key *keys.Key, issuerID string) msg {
	var m msg
	switch {
	case isHTTPURL(issuerID):
		m = say("check.key.unconfirmed_web", "Where", key.Where)
	case strings.HasPrefix(issuerID, "did:web:"):
		m = say("check.key.unconfirmed_did_web", "Where", key.Where)
	case issuerID == "":
		m = say("check.key.unconfirmed_no_issuer")
	default:
		m = say("check.key.unconfirmed_other", "Issuer", shortID(issuerID))
	}
	return m.then(say("check.key.signature_intact"))
}

func shortID(s string) string {
	if len(s) > 80 {
		return s[:77] + "…"
	}
	return s
}

// keyMsg says why the signing key could not be had (the English is
// keys.Error's Message).
func keyMsg(err error) msg {
	var ke *keys.Error
	if errors.As(err, &ke) {
		switch ke.Kind {
		case keys.NoScheme:
			return say("check.key.no_scheme")
		case keys.UnknownScheme:
			return say("check.key.unknown_scheme")
		case keys.UnknownDIDMethod:
			return say("check.key.unknown_did_method")
		case keys.BadKey:
			return say("check.key.bad_key")
		case keys.PrivateKey:
			return say("check.key.private_key")
		case keys.BadDocument:
			return say("check.key.bad_document")
		case keys.NotFound:
			return say("check.key.not_found")
		case keys.NotAssertionMethod:
			return say("check.key.not_issuer").then(say("check.key.not_assertion_method"))
		case keys.NotIssuerKey:
			return say("check.key.not_issuer")
		case keys.FetchFailed:
			var fe *fetch.Error
			if errors.As(ke.Err, &fe) {
				return say("check.key.download_failed").then(fetchMsg(fe))
			}
			return say("check.key.download_failed_later")
		}
	}
	return say("check.key.missing")
}

func firstSentence(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i > 0 {
		s = s[:i]
	}
	return s
}

func (r *run) ob3Dates(b *badge.Badge) {
	c := b.OB3.Credential
	fromKey, untilKey := "validFrom", "validUntil"
	if _, ok := c["validFrom"]; !ok {
		if _, ok := c["issuanceDate"]; ok {
			fromKey = "issuanceDate"
		}
	}
	if _, ok := c["validUntil"]; !ok {
		if _, ok := c["expirationDate"]; ok {
			untilKey = "expirationDate"
		}
	}
	from, hasFrom, ferr := parseISODate(c[fromKey])
	until, hasUntil, uerr := parseISODate(c[untilKey])
	// A VC-JWT's nbf and exp bound it too when the credential is silent.
	if claims := b.OB3.JWTClaims; claims != nil && b.JWS != "" {
		if sec, ok := numericDate(claims["nbf"]); ok && !hasFrom {
			from, hasFrom = time.Unix(sec, 0).UTC(), true
		}
		if sec, ok := numericDate(claims["exp"]); ok && !hasUntil {
			until, hasUntil = time.Unix(sec, 0).UTC(), true
		}
	}
	r.dateChecks(from, hasFrom, ferr, until, hasUntil, uerr, true, words3)
}

// ob3Endorsements verifies each endorsement credential; a bad one is a
// warning, never a failure of the badge.
func (r *run) ob3Endorsements(b *badge.Badge) {
	if len(b.Endorsements) == 0 || r.depth >= maxDepth {
		return
	}
	var bad []string
	ok := 0
	for i, e := range b.Endorsements {
		label := firstNonEmpty(e.ID, fmt.Sprintf("endorsement %d", i+1))
		var data []byte
		switch {
		case e.JWS != "":
			data = []byte(e.JWS)
		case len(e.Payload) > 0:
			data = e.Payload
		default:
			continue
		}
		eb, err := badge.Read(data)
		if err != nil {
			bad = append(bad, label+": "+err.Error())
			continue
		}
		sr := r.sub()
		sr.verify(eb, nil)
		sr.rep.Finish()
		if sr.rep.Verdict == Invalid {
			var why []string
			for _, c := range sr.rep.Checks {
				if c.Status == Failed {
					why = append(why, c.ID+": "+c.Message)
				}
			}
			bad = append(bad, label+": "+strings.Join(why, " "))
			continue
		}
		ok++
	}
	switch {
	case len(bad) > 0:
		r.add("endorsements", Warning, say("check.endorsements.some_failed").num("Bad", len(bad)).count(len(bad)+ok),
			strings.Join(bad, "; "))
	case ok > 0:
		r.add("endorsements", Passed, say("check.endorsements.ok").count(ok), "")
	}
}
