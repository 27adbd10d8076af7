package verify

import (
	"crypto"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/jsonv"
	"github.com/satchel-backpack/satchel/internal/ldproof"
	"strconv"
)

// Open Badges 2.0 context URLs (the same document under two addresses).
var ob2Contexts = []string{
	"https://w3id.org/openbadges/v2",
	"https://openbadgespec.org/v2/context.json",
}

const obiNS = "https://w3id.org/openbadges#"

// ob2 verifies an Open Badges 2.0 node (legacy badges arrive upgraded).
func (r *run) ob2(b *badge.Badge) {
	if b.OB2 == nil || b.OB2.Node == nil {
		r.add("structure", Failed, say("check.ob2.no_node"), "no 2.0 node")
		return
	}
	switch {
	case b.OB2.Assertion != nil:
		r.ob2Assertion(b)
	case b.OB2.Node != nil && sameNode(b.OB2.Node, b.OB2.BadgeClass):
		r.ob2BadgeClassDoc(b)
	case b.OB2.Node != nil && sameNode(b.OB2.Node, b.OB2.Issuer) && b.Type != "Endorsement":
		r.ob2IssuerDoc(b)
	case b.Type == "Endorsement":
		r.ob2EndorsementDoc(b)
	default:
		r.ob2OtherDoc(b)
	}
}

func sameNode(a, b map[string]any) bool {
	return a != nil && b != nil && reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer()
}

// --- assertion ---

// assertion2 collects what the 2.0 assertion checks learn.
type assertion2 struct {
	revoked       bool
	revokedReason string
	revokedHow    msg
	signedKeyID   string
	signedKeyDoc  map[string]any
	signedKey     crypto.PublicKey
	// revocationUnknown: the issuer's revocation list could not be read,
	// so nothing may say the badge is not revoked.
	revocationUnknown bool
	hosted            bool
	signed            bool
	hostedURL         string
}

func (r *run) ob2Assertion(b *badge.Badge) {
	a := b.OB2.Assertion
	upgraded := b.OB2.Upgraded
	st := &assertion2{}

	vtype := strings.ToLower(jsonv.TrimmedString(jsonv.Object(a["verification"]), "type"))
	switch {
	case b.JWS != "":
		st.signed = true
	case vtype == "signed" || vtype == "signedbadge":
		r.add("signature", Failed, say("check.ob2.signed_without_signature"),
			"verification.type is "+vtype+" but the input was not a JWS")
		st.signed = true
	default:
		st.hosted = true
	}

	if st.hosted && !r.ob2Hosted(b, st) {
		return
	}
	a = b.OB2.Assertion
	if a == nil {
		r.add("structure", Failed, say("check.ob2.not_assertion"), b.Type)
		return
	}
	if !upgraded {
		r.ob2Context(a, "context", "check.term.the_badge")
	} else {
		r.add("context", Passed, say("check.ob2.upgraded"), "version "+string(b.Version))
	}
	r.ob2Type(a, nil, []string{"Assertion"}, "type", "check.term.the_badge_assertion")
	r.ob2Structure(a, "Assertion", "structure", "check.term.subject_badge")

	if st.signed && b.JWS != "" {
		r.ob2Signed(b, st)
	}

	bc, bcRaw := r.ob2BadgeClass(b, a)
	var is map[string]any
	var isRaw []byte
	if bc != nil {
		is, isRaw = r.ob2Issuer(b, bc, bcRaw == nil && !sameNode(bc, b.OB2.BadgeClass))
	}
	if bcRaw != nil || isRaw != nil {
		if err := b.Complete(bcRaw, isRaw); err != nil {
			r.add("structure", Warning, say("check.ob2.details_unreadable"), err.Error())
		}
	}

	if is != nil {
		if st.hosted {
			r.ob2Policy(b, is, st)
		}
		if st.signed && st.signedKeyID != "" {
			r.ob2KeyBelongs(is, st)
			r.ob2RevocationList(b, is, st)
		}
	}
	r.ob2Revocation(b, a, st)
	r.ob2Image(a)
	r.dates2(a, !upgraded || b.Version != badge.V0_5) // issued_on was optional in 0.5
	r.ob2Extensions(a, bc, is)
	r.ob2Endorsements(b)
}

// ob2Hosted fetches a hosted assertion by its id and adopts what the issuer
// serves. It reports false when nothing more can be checked.
func (r *run) ob2Hosted(b *badge.Badge, st *assertion2) bool {
	id := jsonv.TrimmedString(b.OB2.Assertion, "id")
	if b.OB2.Upgraded && b.URL != "" && id == "" {
		id = b.URL
	}
	if !isHTTPURL(id) {
		r.add("hosted", Failed, say("check.hosted.no_id"),
			fmt.Sprintf("assertion id %q is not an http(s) URL", id))
		return false
	}
	resp, err := r.get(id, fetchJSON)
	if err != nil {
		r.addErr("hosted", Failed, say("check.hosted.fetch_failed").then(fetchMsg(err)), err, err.Error())
		return false
	}
	if resp.Status == 410 {
		r.add("hosted", Passed, say("check.hosted.fetched"), "HTTP 410 from "+resp.URL)
		st.revoked, st.revokedHow = true, say("check.revocation.how_gone")
		r.ob2Revocation(b, b.OB2.Assertion, st)
		return false
	}
	if resp.Status < 200 || resp.Status > 299 {
		r.addErr("hosted", Failed, say("check.hosted.status", "Status", strconv.Itoa(resp.Status)), &statusError{status: resp.Status, url: resp.URL}, resp.URL)
		return false
	}
	nb, err := badge.Read(resp.Body)
	if err != nil || nb.OB2 == nil || nb.OB2.Assertion == nil {
		detail := "not an assertion"
		if err != nil {
			detail = err.Error()
		}
		r.add("hosted", Failed, say("check.hosted.not_badge"), detail)
		return false
	}
	served := jsonv.TrimmedString(nb.OB2.Assertion, "id")
	detail := "fetched " + resp.URL
	if served != id {
		moved, note := r.followID(id, served, "check.term.moved_badge", &nb)
		detail += "; " + note
		if moved {
			id = served // the issuer's policy applies where the badge now lives
		}
	}
	st.hostedURL = id
	r.add("hosted", Passed, say("check.hosted.confirmed"), detail)
	adopt(b, nb, id)
	return true
}

// followID handles a node fetched from one address that calls itself by
// another id. The address the badge links to is what the issuer published,
// so its copy stands unless the declared id serves a different version of
// the node: then Satchel warns and uses the copy at the declared id (the
// node has moved). A declared id that is not a web address, or where nothing
// is served, leaves the linked copy in use. It reports whether *nb was
// replaced, and a note for the check's detail.
func (r *run) followID(fetched, declared, what string, nb **badge.Badge) (bool, string) {
	if !isHTTPURL(declared) {
		return false, "declared id " + declared + " is not a web address; used the copy at " + fetched
	}
	resp, err := r.get(declared, fetchJSON)
	if err != nil || resp.Status < 200 || resp.Status > 299 {
		return false, "nothing served at declared id " + declared + "; used the copy at " + fetched
	}
	other, err := badge.Read(resp.Body)
	if err != nil || other.OB2 == nil || other.OB2.Node == nil || jsonv.TrimmedString(other.OB2.Node, "id") != declared {
		return false, "declared id " + declared + " does not hold the node; used the copy at " + fetched
	}
	if jsonEqual((*nb).Payload, other.Payload) {
		return false, "same document also served at " + declared
	}
	r.add("moved", Warning, say("check.moved.different", "Fetched", fetched, "Declared", declared).term("What", what),
		"node fetched from "+fetched+" declared its id as "+declared)
	*nb = other
	return true, "moved to " + declared
}

// fetchNode fetches a 2.0 node (BadgeClass, Issuer, Endorsement) by URL,
// following a differing id as followID explains.
func (r *run) fetchNode(u, what string) (map[string]any, []byte, error) {
	m, resp, err := r.getJSON(u)
	if err != nil {
		return nil, nil, err
	}
	raw := resp.Body
	declared := jsonv.TrimmedString(m, "id")
	if declared != "" && declared != u && declared != resp.URL {
		nb := &badge.Badge{Payload: raw}
		if moved, _ := r.followID(u, declared, what, &nb); moved {
			if m2, err := jsonv.DecodeObjectText(nb.Payload); err == nil {
				return m2, nb.Payload, nil
			}
		}
	}
	return m, raw, nil
}

// --- context, type, structure ---

func (r *run) ob2Context(node map[string]any, id, what string) bool {
	c, ok := node["@context"]
	if !ok {
		r.add(id, Failed, say("check.ob2.context_missing").term("What", what), "missing @context")
		return false
	}
	ok, unknown := ob2ContextOK(c)
	switch {
	case ok:
		r.add(id, Passed, say("check.ob2.context_ok").term("What", what), fmt.Sprint(c))
		return true
	case unknown != "":
		r.add(id, Failed, say("check.ob2.context_unknown").term("What", what), "unknown @context "+unknown)
		return false
	}
	r.add(id, Failed, say("check.ob2.context_wrong").term("What", what), fmt.Sprintf("@context %v", c))
	return false
}

// ob2ExtensionContexts are the prefixes of Open Badges 2.0 extension
// contexts, which may follow the 2.0 context.
var ob2ExtensionContexts = []string{"https://w3id.org/openbadges/extensions/", "https://openbadgespec.org/extensions/"}

// ob2ContextOK accepts an @context that is the Open Badges 2.0 context
// (or an inline copy binding its namespace), optionally followed by
// extension contexts. Any other context could redefine the 2.0 terms; it
// is returned as unknown.
func ob2ContextOK(c any) (ok bool, unknown string) {
	found := false
	for _, e := range jsonv.Items(c) {
		switch t := e.(type) {
		case string:
			switch {
			case slices.Contains(ob2Contexts, strings.TrimSuffix(t, "/")):
				found = true
			case hasAnyPrefix(t, ob2ExtensionContexts):
			default:
				return false, t
			}
		case map[string]any:
			// An inline copy of the vocabulary: it must bind the obi namespace.
			if s, _ := t["obi"].(string); s == obiNS {
				found = true
			}
		default:
			return false, fmt.Sprint(e)
		}
	}
	return found, ""
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// ob2Type checks that every type value of node is defined (by the contexts in
// scope or as an absolute IRI) and that one of want is among them (want nil:
// any defined type). parentCtx is the @context of the enclosing document.
func (r *run) ob2Type(node map[string]any, parentCtx any, want []string, id, what string) bool {
	types, err := ob2TypeErr(node, parentCtx, want)
	if err != nil {
		r.add(id, Failed, say("check.ob2.type_wrong").term("What", what).then(err), fmt.Sprintf("type %v", node["type"]))
		return false
	}
	r.add(id, Passed, say("check.ob2.type_ok", "Types", strings.Join(types, ", ")).term("What", what), "")
	return true
}

func ob2TypeErr(node map[string]any, parentCtx any, want []string) ([]string, msg) {
	tv, ok := node["type"]
	if !ok {
		return nil, say("check.ob2.type_none")
	}
	types := jsonv.Strings(tv)
	if len(types) == 0 || len(types) != len(jsonv.Items(tv)) {
		return nil, say("check.ob2.type_empty")
	}
	var ctxs []any
	if parentCtx != nil {
		ctxs = append(ctxs, jsonv.Items(parentCtx)...)
	}
	if c, ok := node["@context"]; ok {
		ctxs = append(ctxs, jsonv.Items(c)...)
	}
	probe := map[string]any{"@context": ctxs, "type": tv}
	if len(ctxs) == 0 {
		delete(probe, "@context")
	}
	if err := ldproof.CheckJSONLD(probe); err != nil {
		return nil, say("check.ob2.type_undefined", "Error", err.Error())
	}
	if want != nil {
		okType := false
		for _, w := range want {
			if slices.Contains(types, w) || slices.Contains(types, obiNS+w) {
				okType = true
			}
		}
		if !okType {
			return nil, say("check.ob2.type_unexpected", "Want", strings.Join(want, " or "), "Found", strings.Join(types, ", "))
		}
	}
	return types, nil
}

// required properties per 2.0 class and how to check them.
func (r *run) ob2Structure(n map[string]any, class, id, what string) bool {
	var problems []string
	need := func(k string) bool {
		v, ok := n[k]
		if !ok || v == nil {
			problems = append(problems, "it has no "+k)
			return false
		}
		return true
	}
	text := func(k string) {
		if need(k) {
			if s, ok := n[k].(string); !ok || strings.TrimSpace(s) == "" {
				problems = append(problems, k+" must be text")
			}
		}
	}
	iri := func(k string) {
		if need(k) {
			if s := jsonv.TrimmedID(n[k]); s == "" || !strings.Contains(s, ":") {
				problems = append(problems, k+" must be a web address or other IRI")
			}
		}
	}
	switch class {
	case "Assertion":
		iri("id")
		need("type")
		if need("recipient") {
			rc := jsonv.Object(n["recipient"])
			switch {
			case rc == nil:
				problems = append(problems, "recipient must be an object")
			case jsonv.TrimmedString(rc, "identity") == "":
				problems = append(problems, "recipient has no identity")
			case jsonv.TrimmedString(rc, "type") == "":
				problems = append(problems, "recipient has no type")
			}
			if rc != nil {
				if h, ok := rc["hashed"]; ok {
					if _, isBool := h.(bool); !isBool {
						problems = append(problems, "recipient.hashed must be true or false")
					}
				}
			}
		}
		if need("badge") {
			if jsonv.TrimmedID(n["badge"]) == "" && jsonv.Object(n["badge"]) == nil {
				problems = append(problems, "badge must be a web address or a BadgeClass")
			}
		}
		if need("verification") && jsonv.Object(n["verification"]) == nil {
			problems = append(problems, "verification must be an object")
		}
		if need("issuedOn") {
			if _, _, err := parseISODate(n["issuedOn"]); err != nil {
				problems = append(problems, "issuedOn: "+err.Error())
			}
		}
	case "BadgeClass", "LegacyBadgeClass":
		if class == "BadgeClass" {
			iri("id") // 1.x BadgeClasses had no id
		}
		need("type")
		text("name")
		text("description")
		if need("criteria") {
			switch c := n["criteria"].(type) {
			case string:
			case map[string]any:
				if jsonv.TrimmedString(c, "id") == "" && jsonv.TrimmedString(c, "narrative") == "" {
					problems = append(problems, "criteria needs a web address or a narrative")
				}
			default:
				problems = append(problems, "criteria must be a web address or an object")
			}
		}
		if need("issuer") && jsonv.TrimmedID(n["issuer"]) == "" {
			problems = append(problems, "issuer must be a web address or an Issuer")
		}
		for _, al := range jsonv.Items(n["alignment"]) {
			if m := jsonv.Object(al); m == nil || jsonv.TrimmedString(m, "targetName") == "" || jsonv.TrimmedString(m, "targetUrl") == "" {
				problems = append(problems, "each alignment needs targetName and targetUrl")
				break
			}
		}
	case "Issuer", "LegacyIssuer":
		if class == "Issuer" {
			iri("id") // Open Badges 1.x issuers were identified by their origin
		}
		need("type")
		text("name")
		if need("url") && jsonv.TrimmedID(n["url"]) == "" {
			problems = append(problems, "url must be a web address")
		}
		if class == "Issuer" {
			text("email") // optional before 2.0
		}
	}
	if len(problems) > 0 {
		r.add(id, Failed, say("check.ob2.structure_problems", "Problems", strings.Join(problems, "; ")).term("What", what), class)
		return false
	}
	r.add(id, Passed, say("check.ob2.structure_ok").term("What", what), class)
	return true
}

// --- BadgeClass and Issuer ---

// ob2BadgeClass returns the BadgeClass node (embedded or fetched) and, when
// fetched, its exact bytes for badge.Complete.
func (r *run) ob2BadgeClass(b *badge.Badge, a map[string]any) (map[string]any, []byte) {
	parentCtx := a["@context"]
	if bc := jsonv.Object(a["badge"]); bc != nil {
		ok := r.ob2Type(bc, parentCtx, []string{"BadgeClass"}, "badgeclass", "check.term.the_badgeclass")
		if ok {
			r.ob2Structure(bc, "BadgeClass", "badgeclass", "check.term.subject_badgeclass")
		}
		r.ob2BadgeClassImage(bc)
		return bc, nil
	}
	u := jsonv.TrimmedID(a["badge"])
	if !isHTTPURL(u) {
		r.add("badgeclass", Failed, say("check.badgeclass.missing"), fmt.Sprintf("badge %q", u))
		return nil, nil
	}
	bc, raw, err := r.fetchNode(u, "check.term.moved_badgeclass")
	if err != nil {
		r.addErr("badgeclass", Failed, say("check.badgeclass.fetch_failed").then(fetchMsg(err)), err, err.Error())
		return nil, nil
	}
	if b.OB2.Upgraded {
		// An older badge's description is upgraded to 2.0 shapes first.
		if err := b.Complete(raw, nil); err != nil || b.OB2.BadgeClass == nil {
			r.add("badgeclass", Failed, say("check.badgeclass.unreadable"), fmt.Sprint(err))
			return nil, nil
		}
		bc, raw = b.OB2.BadgeClass, nil
	}
	if !r.ob2ContextQuiet(bc) {
		r.add("badgeclass", Failed, say("check.badgeclass.context_wrong"), fmt.Sprint(bc["@context"]))
		return nil, nil
	}
	if !r.ob2Type(bc, nil, []string{"BadgeClass"}, "badgeclass", "check.term.the_badgeclass") {
		return nil, nil
	}
	class := "BadgeClass"
	if b.OB2.Upgraded {
		class = "LegacyBadgeClass"
	}
	r.ob2Structure(bc, class, "badgeclass", "check.term.subject_badgeclass")
	r.ob2BadgeClassImage(bc)
	return bc, raw
}

func (r *run) ob2ContextQuiet(n map[string]any) bool {
	c, ok := n["@context"]
	good, _ := ob2ContextOK(c)
	return ok && good
}

// ob2Issuer returns the issuer node (embedded in the BadgeClass, or fetched).
func (r *run) ob2Issuer(b *badge.Badge, bc map[string]any, _ bool) (map[string]any, []byte) {
	if is := jsonv.Object(bc["issuer"]); is != nil {
		if r.ob2Type(is, bc["@context"], []string{"Issuer", "Profile"}, "issuer", "check.term.the_issuer") {
			r.ob2Structure(is, "Issuer", "issuer", "check.term.subject_issuer_profile")
			r.ob2IssuerID(is)
		}
		return is, nil
	}
	u := jsonv.TrimmedID(bc["issuer"])
	if !isHTTPURL(u) {
		r.add("issuer", Failed, say("check.issuer.missing"), fmt.Sprintf("issuer %q", u))
		return nil, nil
	}
	is, raw, err := r.fetchNode(u, "check.term.moved_issuer")
	if err != nil {
		r.addErr("issuer", Failed, say("check.issuer.fetch_failed").then(fetchMsg(err)), err, err.Error())
		return nil, nil
	}
	if b.OB2.Upgraded {
		if err := b.Complete(nil, raw); err != nil || b.OB2.Issuer == nil {
			r.add("issuer", Failed, say("check.issuer.unreadable"), fmt.Sprint(err))
			return nil, nil
		}
		is, raw = b.OB2.Issuer, nil
	}
	if !r.ob2ContextQuiet(is) {
		r.add("issuer", Failed, say("check.issuer.context_wrong"), fmt.Sprint(is["@context"]))
		return nil, nil
	}
	if !r.ob2Type(is, nil, []string{"Issuer", "Profile"}, "issuer", "check.term.the_issuer") {
		return nil, nil
	}
	class := "Issuer"
	if b.OB2.Upgraded {
		class = "LegacyIssuer"
	}
	r.ob2Structure(is, class, "issuer", "check.term.subject_issuer_profile")
	if !b.OB2.Upgraded {
		r.ob2IssuerID(is)
	}
	return is, raw
}

func (r *run) ob2IssuerID(is map[string]any) {
	if id := jsonv.TrimmedString(is, "id"); !isHTTPURL(id) {
		r.add("issuer-id", Warning, say("check.issuer_id.not_web"),
			fmt.Sprintf("issuer id %q is not http(s)", id))
	}
}

// --- hosted policy ---

func (r *run) ob2Policy(b *badge.Badge, is map[string]any, st *assertion2) {
	aid := st.hostedURL
	if aid == "" {
		aid = b.ID
	}
	au, err := url.Parse(aid)
	if err != nil {
		r.add("issuer-policy", Failed, say("check.policy.unreadable"), err.Error())
		return
	}
	pol := jsonv.Object(is["verification"])
	origins := jsonv.Strings(pol["allowedOrigins"])
	starts := jsonv.Strings(pol["startsWith"])
	host := strings.ToLower(au.Hostname())
	var allowed bool
	var detail string
	if len(origins) > 0 {
		for _, o := range origins {
			o = strings.ToLower(strings.TrimSpace(o))
			if o == host || o == strings.ToLower(au.Host) {
				allowed = true
			}
		}
		detail = "allowedOrigins " + strings.Join(origins, ", ")
	} else {
		iid := jsonv.TrimmedString(is, "id")
		if !isHTTPURL(iid) && b.OB2.Upgraded {
			iid = jsonv.TrimmedID(is["url"]) // Open Badges 1.x: the issuer's origin
		}
		iu, err := url.Parse(iid)
		if err == nil && iu.Hostname() != "" {
			allowed = strings.EqualFold(iu.Hostname(), host)
			detail = "default policy: issuer host " + iu.Hostname()
		} else {
			r.add("issuer-policy", Warning, say("check.policy.cannot_check"),
				"issuer id "+jsonv.TrimmedString(is, "id")+"; badge host "+host)
			return
		}
	}
	if !allowed {
		r.add("issuer-policy", Failed, say("check.policy.host_not_allowed", "Host", au.Host),
			detail+"; badge host "+host)
		return
	}
	if len(starts) > 0 {
		ok := false
		for _, s := range starts {
			if strings.HasPrefix(aid, strings.TrimSpace(s)) {
				ok = true
			}
		}
		if !ok {
			r.add("issuer-policy", Failed, say("check.policy.path_not_allowed"),
				"startsWith "+strings.Join(starts, ", ")+"; badge id "+aid)
			return
		}
		detail += "; startsWith " + strings.Join(starts, ", ")
	}
	r.add("issuer-policy", Passed, say("check.policy.ok"), detail)
}

// --- revocation ---

func (r *run) ob2Revocation(b *badge.Badge, a map[string]any, st *assertion2) {
	if jsonv.Bool(a["revoked"]) && !st.revoked {
		st.revoked = true
		st.revokedHow = say("check.revocation.how_marked")
		st.revokedReason = jsonv.TrimmedString(a, "revocationReason")
	}
	if st.revoked {
		m := say("check.revocation.revoked").then(st.revokedHow)
		if st.revokedReason != "" {
			m = m.then(say("check.revocation.reason", "Reason", st.revokedReason))
		}
		b.Revoked = true
		if st.revokedReason != "" {
			b.RevocationReason = st.revokedReason
		}
		r.add("revocation", Failed, m, st.revokedHow.text())
		return
	}
	if st.revocationUnknown {
		return // the revocation-list warning says Satchel could not check
	}
	if st.hosted || st.signed {
		r.add("revocation", Passed, say("check.revocation.not_revoked"), "")
	}
}

// --- images ---

func (r *run) ob2Image(a map[string]any) {
	img := jsonv.TrimmedID(a["image"])
	if img == "" {
		return
	}
	if strings.HasPrefix(strings.ToLower(img), "data:") {
		r.add("image", Failed, say("check.image.embedded_on_assertion"),
			"Assertion.image is a data: URI")
		return
	}
	if !isHTTPURL(img) {
		r.add("image", Failed, say("check.image.not_web"), img)
	}
}

func (r *run) ob2BadgeClassImage(bc map[string]any) {
	img := jsonv.TrimmedID(bc["image"])
	if img == "" {
		return
	}
	low := strings.ToLower(img)
	switch {
	case strings.HasPrefix(low, "data:image/png") || strings.HasPrefix(low, "data:image/svg+xml"):
	case strings.HasPrefix(low, "data:"):
		r.add("image", Failed, say("check.image.badgeclass_not_picture"), firstN(img, 40))
	case !isHTTPURL(img):
		r.add("image", Failed, say("check.image.badgeclass_not_web"), img)
	}
}

func firstN(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// --- dates ---

// dates2 checks issuedOn and expires: issued in the future, expired, and
// expiring before issue are three distinct findings.
func (r *run) dates2(n map[string]any, requireIssued bool) {
	issued, hasIssued, ierr := parseISODate(n["issuedOn"])
	expires, hasExp, eerr := parseISODate(n["expires"])
	r.dateChecks(issued, hasIssued, ierr, expires, hasExp, eerr, requireIssued, words2)
}

// dateWords name the dates in messages: 2.0 badges are issued and expire,
// 3.0 credentials are valid from and until.
type dateWords struct{ start, issuedOn, validUntil string }

var (
	words2 = dateWords{start: "check.term.issue_date", issuedOn: "check.dates.issued_on", validUntil: "check.dates.valid_until"}
	words3 = dateWords{start: "check.term.start_date", issuedOn: "check.dates.valid_from", validUntil: "check.dates.valid_until"}
)

func (r *run) dateChecks(issued time.Time, hasIssued bool, ierr error, expires time.Time, hasExp bool, eerr error, requireIssued bool, w dateWords) {
	switch {
	case ierr != nil:
		r.add("issued", Failed, say("check.dates.start_unreadable").term("Start", w.start), ierr.Error())
	case !hasIssued:
		if requireIssued {
			r.add("issued", Failed, say("check.dates.start_missing").term("Start", w.start), "")
		}
	case issued.After(r.now.Add(clockSkew)):
		r.add("issued", Failed, say("check.dates.start_future").term("Start", w.start).at("Date", issued), issued.Format(time.RFC3339))
	default:
		r.add("issued", Passed, say(w.issuedOn).at("Date", issued), issued.Format(time.RFC3339))
	}
	switch {
	case eerr != nil:
		r.add("expiry", Failed, say("check.dates.expiry_unreadable"), eerr.Error())
	case !hasExp:
		r.add("expiry", Passed, say("check.dates.no_expiry"), "")
	case expires.Before(r.now):
		r.add("expiry", Failed, say("check.dates.expired").at("Date", expires), expires.Format(time.RFC3339))
	default:
		r.add("expiry", Passed, say(w.validUntil).at("Date", expires), expires.Format(time.RFC3339))
	}
	if hasIssued && hasExp && ierr == nil && eerr == nil && expires.Before(issued) {
		r.add("expiry-order", Failed, say("check.dates.expiry_before_start").term("Start", w.start),
			fmt.Sprintf("expires %s < starts %s", expires.Format(time.RFC3339), issued.Format(time.RFC3339)))
	}
}

// clockSkew tolerates small differences between the issuer's clock and ours.
const clockSkew = 5 * time.Minute

// --- other top-level 2.0 nodes ---

func (r *run) ob2BadgeClassDoc(b *badge.Badge) {
	bc := b.OB2.Node
	r.ob2Context(bc, "context", "check.term.the_badge_description")
	if !r.ob2Type(bc, nil, []string{"BadgeClass"}, "type", "check.term.the_badgeclass") {
		return
	}
	r.ob2Structure(bc, "BadgeClass", "structure", "check.term.subject_badgeclass")
	r.ob2BadgeClassImage(bc)
	is, isRaw := r.ob2Issuer(b, bc, false)
	if isRaw != nil {
		_ = b.Complete(nil, isRaw)
	}
	r.ob2Extensions(bc, nil, is)
	r.ob2Endorsements(b)
	r.add("badge", Skipped, say("check.badge.badgeclass_only"), "")
}

func (r *run) ob2IssuerDoc(b *badge.Badge) {
	is := b.OB2.Node
	r.ob2Context(is, "context", "check.term.the_issuer_profile")
	if !r.ob2Type(is, nil, []string{"Issuer", "Profile"}, "type", "check.term.the_issuer_profile") {
		return
	}
	r.ob2Structure(is, "Issuer", "structure", "check.term.subject_issuer_profile")
	r.ob2IssuerID(is)
	r.ob2Endorsements(b)
	r.add("badge", Skipped, say("check.badge.issuer_only"), "")
}

func (r *run) ob2EndorsementDoc(b *badge.Badge) {
	n := b.OB2.Node
	r.ob2Context(n, "context", "check.term.the_endorsement")
	if problem := r.endorsement2Problem(n, nil); problem != nil {
		r.add("endorsement", Failed, say("check.endorsement.failed").then(problem), "")
		return
	}
	r.add("endorsement", Passed, say("check.endorsement.ok"), "")
}

func (r *run) ob2OtherDoc(b *badge.Badge) {
	n := b.OB2.Node
	r.ob2Context(n, "context", "check.term.the_document")
	r.ob2Type(n, nil, nil, "type", "check.term.the_document")
	r.add("badge", Skipped, say("check.badge.other_only"), b.Type)
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(a, b []byte) bool {
	ma, err1 := jsonv.DecodeObjectText(a)
	mb, err2 := jsonv.DecodeObjectText(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return reflect.DeepEqual(ma, mb)
}
