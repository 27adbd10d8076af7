package verify

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
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
		r.add("structure", Failed, "The badge data could not be understood as an Open Badges 3.0 credential.", "no credential")
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
		r.add("context", Failed, "The credential has no @context, so its meaning cannot be established.", "")
		return
	}
	first, _ := ctxs[0].(string)
	var warns []string
	switch first {
	case ctxVC2:
	case ctxVC11:
		warns = append(warns, "it uses the outdated Verifiable Credentials 1.1 data model")
	default:
		r.add("context", Failed, "The credential does not start with the Verifiable Credentials vocabulary (@context), so it is not a valid Open Badges 3.0 credential.",
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
		r.add("context", Failed, "The credential does not use the Open Badges 3.0 vocabulary (@context).", fmt.Sprint(ctxs))
		return
	case ob != ctxOB3Current:
		warns = append(warns, "it uses an older Open Badges 3.0 vocabulary ("+ob+")")
	}
	if len(warns) > 0 {
		r.add("context", Warning, "The credential is readable, but "+strings.Join(warns, " and ")+"; ask the issuer to update it.", fmt.Sprint(ctxs))
		return
	}
	r.add("context", Passed, "The credential uses the current Open Badges 3.0 vocabulary.", fmt.Sprint(ctxs))
}

func (r *run) ob3Type(b *badge.Badge) {
	t := b.OB3.Types
	want := []string{"OpenBadgeCredential", "AchievementCredential"}
	what := "an Open Badges credential"
	if slices.Contains(t, "EndorsementCredential") {
		want = []string{"EndorsementCredential"}
		what = "an endorsement credential"
	}
	if !slices.Contains(t, "VerifiableCredential") || !hasAny(t, want...) {
		r.add("type", Failed, fmt.Sprintf("The credential's type does not say it is %s (it needs VerifiableCredential and %s).", what, strings.Join(want, " or ")),
			fmt.Sprintf("type %v", t))
		return
	}
	r.add("type", Passed, "The credential is "+what+".", strings.Join(t, ", "))
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
			r.add("schema", Passed, "The credential follows the Open Badges 3.0 structure (1EdTech JSON Schema).", name+"; "+oneLine(err.Error()))
			return
		}
		r.add("schema", Failed, "The credential does not follow the Open Badges 3.0 rules for its structure (1EdTech JSON Schema).", oneLine(err.Error()))
		return
	}
	r.add("schema", Passed, "The credential follows the Open Badges 3.0 structure (1EdTech JSON Schema).", name)
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
		r.add("proof", Failed, "The credential carries no signature (proof), so nothing shows the issuer made it.", "")
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
			msg := "The credential's signature does not match: it was changed after signing, or signed with another key."
			switch {
			case errors.Is(err, ldproof.ErrUnsupportedProof):
				msg = "The credential is signed with a kind of proof Satchel cannot check (" + p.Suite() + ")."
			case errors.Is(err, ldproof.ErrTooComplex):
				msg = "The credential is too large or intricate for Satchel to check its signature safely."
			case errors.Is(err, ldproof.ErrJSONLD):
				msg = "The credential uses terms its vocabulary does not define, so its signature cannot be checked."
			case errors.Is(err, ldproof.ErrProofPurpose), errors.Is(err, ldproof.ErrMalformedProof), errors.Is(err, ldproof.ErrKeyType):
				msg = "The credential's signature is malformed: " + firstSentence(err) + "."
			}
			r.add("proof", Failed, msg, label+" ("+p.Suite()+"): "+err.Error())
			return
		}
		r.add("proof", Passed, fmt.Sprintf("The issuer's signature (%s) is valid.", p.Suite()), label+" by "+p.VerificationMethod)
	}
}

// keyFailed records a key that could not be had, or that is not the
// issuer's.
func (r *run) keyFailed(err error, detail string) {
	r.addErr("key", Failed, keyMessage(err), err, detail)
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
		r.add("key", Passed, "The signing key is published in the issuer's DID document ("+key.Where+").", detail)
	case keys.HostedDocument:
		r.add("key", Passed, "The signing key is published at "+key.Where+", the issuer's own address.", detail)
	case keys.SelfKey:
		r.add("key", Passed, "The issuer is the key itself (did:key or did:jwk): anyone can create such an issuer, so its name is only its own claim.", detail)
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
func unconfirmedMessage(key *keys.Key, issuerID string) string {
	switch {
	case isHTTPURL(issuerID):
		return fmt.Sprintf("%s does not publish this key, so Satchel cannot confirm that %s issued it. The signature itself is intact.", key.Where, key.Where)
	case strings.HasPrefix(issuerID, "did:web:"):
		return fmt.Sprintf("The issuer's DID document (%s) could not be read, so Satchel cannot confirm that the key that signed this badge is the issuer's. The signature itself is intact.", key.Where)
	case issuerID == "":
		return "The badge names no issuer that could publish its key, so Satchel cannot confirm who issued it. The signature itself is intact."
	}
	return fmt.Sprintf("The issuer (%s) is not a web address or a DID that can publish keys, so Satchel cannot confirm that it issued this badge. The signature itself is intact.", shortID(issuerID))
}

func shortID(s string) string {
	if len(s) > 80 {
		return s[:77] + "…"
	}
	return s
}

func keyMessage(err error) string {
	var ke *keys.Error
	if errors.As(err, &ke) {
		return ke.Message()
	}
	return "The issuer's public key could not be found."
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
		r.add("endorsements", Warning, fmt.Sprintf("%d of %d endorsements of this badge could not be verified; the badge itself is not affected.", len(bad), len(bad)+ok),
			strings.Join(bad, "; "))
	case ok > 0:
		r.add("endorsements", Passed, fmt.Sprintf("%d endorsement(s) of this badge verified.", ok), "")
	}
}
