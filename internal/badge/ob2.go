package badge

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/satchel-backpack/satchel/internal/jsonv"
)

// ContextOB2 is the Open Badges 2.0 JSON-LD context that upgraded legacy
// nodes receive.
const ContextOB2 = "https://w3id.org/openbadges/v2"

// VC context URLs that mark a 3.0 credential.
const (
	contextVC2  = "https://www.w3.org/ns/credentials/v2"
	contextVC11 = "https://www.w3.org/2018/credentials/v1"
)

// contextURLs lists the string entries of an @context value.
func contextURLs(v any) []string { return jsonv.Strings(v) }

// detectVersion follows the reference validator: a Verifiable Credential
// (VC or Open Badges 3.0 context, or type VerifiableCredential) is 3.0;
// otherwise an @context containing "/v1" is 1.1 and any other @context is
// 2.0 (a wrong one is reported by the verifier); without a context a string
// recipient means 0.5 and an object recipient 1.0.
func detectVersion(m map[string]any) (Version, bool) {
	ctx := contextURLs(m["@context"])
	for _, c := range ctx {
		if c == contextVC2 || c == contextVC11 ||
			strings.Contains(c, "purl.imsglobal.org/spec/ob/v3p0") ||
			strings.Contains(c, "imsglobal.github.io/openbadges-specification") {
			return V3_0, true
		}
	}
	if slices.Contains(jsonv.Strings(m["type"]), "VerifiableCredential") {
		return V3_0, true
	}
	if _, ok := m["@context"]; ok {
		for _, c := range ctx {
			if strings.Contains(c, "/v2") {
				return V2_0, true
			}
		}
		for _, c := range ctx {
			if strings.Contains(c, "/v1") {
				return V1_1, true
			}
		}
		return V2_0, true
	}
	if m["badge"] == nil {
		return "", false
	}
	switch m["recipient"].(type) {
	case string:
		return V0_5, true
	case map[string]any:
		return V1_0, true
	}
	return "", false
}

// 2.0 node roles.
const (
	roleAssertion   = "Assertion"
	roleBadgeClass  = "BadgeClass"
	roleIssuer      = "Issuer"
	roleEndorsement = "Endorsement"
)

// ob2Role says what kind of 2.0 node m is, from its type or, when the type
// is missing or unknown, its shape.
func ob2Role(m map[string]any) string {
	types := jsonv.Strings(m["type"])
	switch {
	case slices.Contains(types, "Assertion"):
		return roleAssertion
	case slices.Contains(types, "BadgeClass"):
		return roleBadgeClass
	case slices.Contains(types, "Issuer"), slices.Contains(types, "Profile"):
		return roleIssuer
	case slices.Contains(types, "Endorsement"):
		return roleEndorsement
	case m["recipient"] != nil || m["badge"] != nil:
		return roleAssertion
	case m["criteria"] != nil:
		return roleBadgeClass
	case m["claim"] != nil:
		return roleEndorsement
	}
	return ""
}

// fillOB2 fills b from a 2.0 or legacy node; raw is its exact JSON.
func fillOB2(b *Badge, m map[string]any, v Version, data []byte) {
	raw := constRaw(data)
	if v != V2_0 {
		m = upgradeAssertion(m, v)
		raw = nil // the upgraded nodes have no original bytes of their own
	}
	b.OB2 = &OB2{Node: m, Upgraded: v != V2_0}
	role := ob2Role(m)
	b.Type = role
	if t := jsonv.Strings(m["type"]); len(t) > 0 {
		b.Type = t[0]
	}
	switch role {
	case roleAssertion:
		fillAssertion(b, m, raw)
	case roleBadgeClass:
		b.ID = jsonv.String(m, "id")
		fillBadgeClass(b, m, raw)
	case roleIssuer:
		b.ID = jsonv.String(m, "id")
		fillIssuer(b, m, raw)
		b.Name, b.Description, b.Image = b.Issuer.Name, b.Issuer.Description, b.Issuer.Image
	case roleEndorsement:
		e := endorsementOB2(m, call(raw), "")
		b.ID, b.Issuer.ID, b.Issuer.Name, b.IssuedOn = e.ID, e.IssuerID, e.IssuerName, e.IssuedOn
		b.Description = e.Comment
		if is := jsonv.Object(m["issuer"]); is != nil {
			b.OB2.Issuer = is
			fillIssuer(b, is, sub(raw, "issuer"))
		} else {
			b.OB2.IssuerURL = jsonv.ID(m["issuer"])
		}
	default:
		b.ID = jsonv.String(m, "id")
		b.Name = jsonv.String(m, "name")
		b.Description = jsonv.String(m, "description")
	}
}

func fillAssertion(b *Badge, a map[string]any, raw rawFn) {
	b.OB2.Assertion = a
	b.ID = jsonv.String(a, "id")
	b.Language = firstNonEmpty(cleanTag(jsonv.String(a, "@language")), contextLanguage(a["@context"]))
	b.Recipient = recipientOB2(a["recipient"])
	b.IssuedOn, _ = parseDate(a["issuedOn"])
	b.Expires, _ = parseDate(a["expires"])
	b.Narrative = jsonv.String(a, "narrative")
	b.Image = imageOf(a["image"])
	b.Revoked = jsonv.TrimmedBool(a["revoked"])
	b.RevocationReason = jsonv.String(a, "revocationReason")
	b.Evidence = nil
	for _, e := range jsonv.Items(a["evidence"]) {
		switch t := e.(type) {
		case string:
			b.Evidence = append(b.Evidence, Evidence{URL: t})
		case map[string]any:
			b.Evidence = append(b.Evidence, Evidence{
				URL: jsonv.String(t, "id"), Name: jsonv.String(t, "name"), Description: jsonv.String(t, "description"),
				Narrative: jsonv.String(t, "narrative"), Genre: jsonv.String(t, "genre"), Audience: jsonv.String(t, "audience"),
			})
		}
	}
	b.Endorsements = append(dropEndorsements(b.Endorsements, "assertion"),
		endorsementsOB2(a["endorsement"], sub(raw, "endorsement"), "assertion")...)
	switch bc := a["badge"].(type) {
	case string:
		b.OB2.BadgeClassURL = bc
		b.BadgeClassID = bc
	case map[string]any:
		b.OB2.BadgeClassURL = jsonv.String(bc, "id")
		fillBadgeClass(b, bc, sub(raw, "badge"))
	}
}

func fillBadgeClass(b *Badge, bc map[string]any, raw rawFn) {
	b.OB2.BadgeClass = bc
	b.BadgeClassID = jsonv.String(bc, "id")
	// Open Badges 2.0 gives an object's language as its @language.
	if l := firstNonEmpty(cleanTag(jsonv.String(bc, "@language")), contextLanguage(bc["@context"])); l != "" {
		b.Language = l
	}
	b.Name = jsonv.String(bc, "name")
	b.Description = jsonv.String(bc, "description")
	if img := imageOf(bc["image"]); img.URL != "" || b.Image.URL == "" {
		b.Image = img
	}
	switch c := bc["criteria"].(type) {
	case string:
		b.Criteria = Criteria{URL: c}
	case map[string]any:
		b.Criteria = Criteria{URL: jsonv.String(c, "id"), Narrative: jsonv.String(c, "narrative")}
	default:
		b.Criteria = Criteria{}
	}
	b.Alignments = nil
	for _, v := range jsonv.Items(bc["alignment"]) {
		if al := jsonv.Object(v); al != nil {
			b.Alignments = append(b.Alignments, Alignment{
				TargetName: jsonv.String(al, "targetName"), TargetURL: jsonv.String(al, "targetUrl"),
				TargetDescription: jsonv.String(al, "targetDescription"), TargetFramework: jsonv.String(al, "targetFramework"),
				TargetCode: jsonv.String(al, "targetCode"),
			})
		}
	}
	b.Tags = jsonv.Strings(bc["tags"])
	b.Endorsements = append(dropEndorsements(b.Endorsements, "badgeclass"),
		endorsementsOB2(bc["endorsement"], sub(raw, "endorsement"), "badgeclass")...)
	switch is := bc["issuer"].(type) {
	case string:
		b.OB2.IssuerURL = is
		if b.Issuer.ID == "" {
			b.Issuer.ID = is
		}
	case map[string]any:
		b.OB2.IssuerURL = jsonv.String(is, "id")
		fillIssuer(b, is, sub(raw, "issuer"))
	}
}

func fillIssuer(b *Badge, is map[string]any, raw rawFn) {
	b.OB2.Issuer = is
	b.Issuer = Issuer{
		ID: jsonv.String(is, "id"), Name: jsonv.String(is, "name"), URL: jsonv.String(is, "url"), Email: jsonv.String(is, "email"),
		Image: imageOf(is["image"]), Description: jsonv.String(is, "description"), Telephone: jsonv.String(is, "telephone"),
	}
	b.Endorsements = append(dropEndorsements(b.Endorsements, "issuer"),
		endorsementsOB2(is["endorsement"], sub(raw, "endorsement"), "issuer")...)
}

// recipientOB2 reads a 2.0 IdentityObject.
func recipientOB2(v any) Recipient {
	r := jsonv.Object(v)
	if r == nil {
		return Recipient{}
	}
	id := Identity{Type: jsonv.String(r, "type"), Identity: jsonv.String(r, "identity"), Hashed: jsonv.TrimmedBool(r["hashed"]), Salt: jsonv.String(r, "salt")}
	return Recipient{Type: id.Type, Identity: id.Identity, Hashed: id.Hashed, Salt: id.Salt, Identities: []Identity{id}}
}

func dropEndorsements(list []Endorsement, on string) []Endorsement {
	out := list[:0:0]
	for _, e := range list {
		if e.On != on {
			out = append(out, e)
		}
	}
	return out
}

// endorsementsOB2 reads an endorsement property: URLs or embedded
// Endorsement nodes (raw holds the property's exact JSON).
func endorsementsOB2(v any, raw rawFn, on string) []Endorsement {
	list := jsonv.Items(v)
	if len(list) == 0 {
		return nil
	}
	raws := rawItems(call(raw))
	var out []Endorsement
	for i, e := range list {
		switch t := e.(type) {
		case string:
			out = append(out, Endorsement{ID: t, URL: t, On: on})
		case map[string]any:
			var r []byte
			if i < len(raws) && len(list) == len(raws) {
				r = raws[i]
			}
			out = append(out, endorsementOB2(t, r, on))
		}
	}
	return out
}

func endorsementOB2(m map[string]any, raw []byte, on string) Endorsement {
	if len(raw) == 0 {
		raw = jsonv.Marshal(m)
	}
	e := Endorsement{ID: jsonv.String(m, "id"), IssuerID: jsonv.ID(m["issuer"]), Payload: raw, On: on}
	if is := jsonv.Object(m["issuer"]); is != nil {
		e.IssuerName = jsonv.String(is, "name")
	}
	if c := jsonv.Object(m["claim"]); c != nil {
		e.Comment = jsonv.String(c, "endorsementComment")
	}
	e.IssuedOn, _ = parseDate(m["issuedOn"])
	return e
}

// Complete fills the 2.0 fields that the badge only references, from the
// fetched BadgeClass and Issuer documents (either may be nil). Legacy 1.x
// nodes are upgraded first. A BadgeClass that embeds its issuer fills the
// issuer too.
func (b *Badge) Complete(badgeClass, issuer []byte) error {
	if b.OB2 == nil {
		return errors.New("badge: Complete applies only to Open Badges 2.0 and older badges")
	}
	if badgeClass != nil {
		bc, raw, err := completeNode(badgeClass, b.OB2.Upgraded, upgradeBadgeClass)
		if err != nil {
			return malformed(FormatJSON, "the badge's description (BadgeClass) is not valid JSON", err)
		}
		fillBadgeClass(b, bc, constRaw(raw))
	}
	if issuer != nil {
		is, raw, err := completeNode(issuer, b.OB2.Upgraded, upgradeIssuer)
		if err != nil {
			return malformed(FormatJSON, "the issuer's profile is not valid JSON", err)
		}
		fillIssuer(b, is, constRaw(raw))
	}
	return nil
}

func completeNode(data []byte, legacy bool, upgrade func(map[string]any, Version, string) map[string]any) (map[string]any, []byte, error) {
	data = trimText(data)
	m, err := jsonv.DecodeObject(data)
	if err != nil {
		return nil, nil, err
	}
	if legacy {
		if v, _ := detectVersion(m); v != V2_0 {
			return upgrade(m, V1_0, ""), nil, nil
		}
	}
	return m, data, nil
}

// --- legacy upgrades (0.5, 1.0, 1.1 → 2.0 shapes) ---

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// resolve makes a 0.5 relative URL absolute against the issuer origin.
func resolve(base, ref string) string {
	if base == "" || ref == "" || strings.HasPrefix(ref, "data:") {
		return ref
	}
	bu, err := url.Parse(base)
	if err != nil {
		return ref
	}
	ru, err := url.Parse(ref)
	if err != nil || ru.IsAbs() {
		return ref
	}
	return bu.ResolveReference(ru).String()
}

func upgradeAssertion(in map[string]any, v Version) map[string]any {
	m := clone(in)
	m["@context"] = ContextOB2
	m["type"] = "Assertion"
	if v == V0_5 {
		r, _ := in["recipient"].(string)
		rec := map[string]any{"type": "email", "identity": r, "hashed": !strings.Contains(r, "@")}
		if s, ok := in["salt"].(string); ok {
			rec["salt"] = s
		}
		m["recipient"] = rec
		delete(m, "salt")
		if d, ok := in["issued_on"]; ok {
			m["issuedOn"] = d
			delete(m, "issued_on")
		}
		var origin string
		if bc := jsonv.Object(in["badge"]); bc != nil {
			origin = jsonv.String(jsonv.Object(bc["issuer"]), "origin")
		}
		if e, ok := m["evidence"].(string); ok {
			m["evidence"] = resolve(origin, e)
		}
		if bc := jsonv.Object(in["badge"]); bc != nil {
			m["badge"] = upgradeBadgeClass(bc, v, origin)
		}
		if _, ok := m["verification"]; !ok {
			m["verification"] = map[string]any{"type": "HostedBadge"} // 0.5 badges were all hosted
		}
	} else {
		if r := jsonv.Object(in["recipient"]); r != nil {
			r = clone(r)
			if _, ok := r["hashed"]; ok {
				r["hashed"] = jsonv.TrimmedBool(r["hashed"])
			}
			m["recipient"] = r
		}
		if vf := jsonv.Object(in["verify"]); vf != nil {
			vt, vu := strings.ToLower(jsonv.String(vf, "type")), jsonv.String(vf, "url")
			switch vt {
			case "signed", "signedbadge":
				m["verification"] = map[string]any{"type": "SignedBadge", "creator": vu}
				if _, ok := in["id"]; !ok && jsonv.String(in, "uid") != "" {
					m["id"] = "uid:" + jsonv.String(in, "uid")
				}
			default:
				m["verification"] = map[string]any{"type": "HostedBadge"}
				if _, ok := in["id"]; !ok && vu != "" {
					m["id"] = vu
				}
			}
			delete(m, "verify")
		}
		if bc := jsonv.Object(in["badge"]); bc != nil {
			m["badge"] = upgradeBadgeClass(bc, v, "")
		}
	}
	for _, k := range []string{"issuedOn", "expires"} {
		if d, ok := m[k]; ok {
			m[k] = isoDate(d)
		}
	}
	return m
}

func upgradeBadgeClass(in map[string]any, v Version, origin string) map[string]any {
	m := clone(in)
	m["@context"] = ContextOB2
	m["type"] = "BadgeClass"
	if v == V0_5 {
		delete(m, "version")
		if s, ok := m["image"].(string); ok {
			m["image"] = resolve(origin, s)
		}
		if s, ok := m["criteria"].(string); ok {
			m["criteria"] = resolve(origin, s)
		}
	}
	if list := jsonv.Items(in["alignment"]); list != nil {
		var out []any
		for _, e := range list {
			a := jsonv.Object(e)
			if a == nil {
				out = append(out, e)
				continue
			}
			a = clone(a)
			for old, nu := range map[string]string{"name": "targetName", "url": "targetUrl", "description": "targetDescription"} {
				if val, ok := a[old]; ok {
					if _, exists := a[nu]; !exists {
						a[nu] = val
						delete(a, old)
					}
				}
			}
			out = append(out, a)
		}
		m["alignment"] = out
	}
	if is := jsonv.Object(in["issuer"]); is != nil {
		m["issuer"] = upgradeIssuer(is, v, origin)
	}
	return m
}

func upgradeIssuer(in map[string]any, v Version, _ string) map[string]any {
	m := clone(in)
	m["@context"] = ContextOB2
	m["type"] = "Issuer"
	if o, ok := m["origin"]; ok {
		if _, exists := m["url"]; !exists {
			m["url"] = o
		}
		delete(m, "origin")
	}
	if c, ok := m["contact"]; ok {
		if _, exists := m["email"]; !exists {
			m["email"] = c
		}
		delete(m, "contact")
	}
	if v == V0_5 { // 0.5 "org" is the organisation above the named issuer
		if org := jsonv.String(m, "org"); org != "" {
			if name := jsonv.String(m, "name"); name != "" {
				m["name"] = name + ": " + org
			} else {
				m["name"] = org
			}
			delete(m, "org")
		}
	}
	return m
}
