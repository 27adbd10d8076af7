package badge

import (
	"encoding/json"
	"strings"
)

// Primary 3.0 credential types, in order of preference for Badge.Type.
var ob3Types = []string{"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"}

// fillOB3 fills b from a 3.0 Verifiable Credential (VCDM 2.0 or 1.1 field
// names); raw is its exact JSON.
func fillOB3(b *Badge, c map[string]any, data []byte) {
	raw := constRaw(data)
	o := &OB3{Credential: c, Contexts: contextURLs(c["@context"]), Types: strs(c["type"])}
	if len(o.Contexts) > 0 {
		switch o.Contexts[0] {
		case contextVC2:
			o.VCDM = "2.0"
		case contextVC11:
			o.VCDM = "1.1"
		}
	}
	b.OB3 = o
	for _, t := range ob3Types {
		if has(o.Types, t) {
			b.Type = t
			break
		}
	}
	if b.Type == "" && len(o.Types) > 0 {
		b.Type = o.Types[len(o.Types)-1]
	}

	b.ID = str(c, "id")
	b.CredentialName = str(c, "name")
	b.Name = b.CredentialName
	b.Description = str(c, "description")
	b.Image = imageOf(c["image"])
	b.Issuer = profileOf(c["issuer"])
	if b.IssuedOn, _ = parseDate(c["validFrom"]); b.IssuedOn.IsZero() {
		b.IssuedOn, _ = parseDate(c["issuanceDate"])
	}
	if b.Expires, _ = parseDate(c["validUntil"]); b.Expires.IsZero() {
		b.Expires, _ = parseDate(c["expirationDate"])
	}
	b.AwardedOn, _ = parseDate(c["awardedDate"])

	for _, e := range items(c["evidence"]) {
		switch t := e.(type) {
		case string:
			b.Evidence = append(b.Evidence, Evidence{URL: t})
		case map[string]any:
			b.Evidence = append(b.Evidence, Evidence{
				URL: str(t, "id"), Name: str(t, "name"), Description: str(t, "description"),
				Narrative: str(t, "narrative"), Genre: str(t, "genre"), Audience: str(t, "audience"),
			})
		}
	}

	b.Endorsements = append(b.Endorsements, endorsementsOB3(c, raw, "credential")...)
	if is := obj(c["issuer"]); is != nil {
		b.Endorsements = append(b.Endorsements, endorsementsOB3(is, sub(raw, "issuer"), "issuer")...)
	}

	// A credential normally has one subject; read the first.
	subjects := items(c["credentialSubject"])
	if len(subjects) == 0 {
		return
	}
	s := obj(subjects[0])
	if s == nil {
		return
	}
	rawSubject := func() []byte {
		if rs := rawItems(call(sub(raw, "credentialSubject"))); len(rs) > 0 {
			return rs[0]
		}
		return nil
	}
	b.Recipient = recipientOB3(s)
	b.Narrative = str(s, "narrative")
	if b.Type == "EndorsementCredential" {
		b.Description = firstNonEmpty(str(s, "endorsementComment"), b.Description)
	}
	a := obj(s["achievement"])
	if a == nil {
		return
	}
	b.BadgeClassID = str(a, "id")
	b.Name = firstNonEmpty(str(a, "name"), b.Name)
	b.Description = firstNonEmpty(str(a, "description"), b.Description)
	if img := imageOf(a["image"]); img.URL != "" {
		b.Image = img
	}
	if cr := obj(a["criteria"]); cr != nil {
		b.Criteria = Criteria{URL: str(cr, "id"), Narrative: str(cr, "narrative")}
	}
	b.AchievementType = str(a, "achievementType")
	for _, v := range items(a["alignment"]) {
		if al := obj(v); al != nil {
			b.Alignments = append(b.Alignments, Alignment{
				TargetName: str(al, "targetName"), TargetURL: str(al, "targetUrl"),
				TargetDescription: str(al, "targetDescription"), TargetFramework: str(al, "targetFramework"),
				TargetCode: str(al, "targetCode"), TargetType: str(al, "targetType"),
			})
		}
	}
	b.Tags = strs(a["tag"])
	b.Endorsements = append(b.Endorsements, endorsementsOB3(a, sub(rawSubject, "achievement"), "achievement")...)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// profileOf reads a 3.0 issuer: a URI or a Profile.
func profileOf(v any) Issuer {
	switch t := v.(type) {
	case string:
		return Issuer{ID: t}
	case map[string]any:
		return Issuer{
			ID: str(t, "id"), Name: str(t, "name"), URL: str(t, "url"), Email: str(t, "email"),
			Image: imageOf(t["image"]), Description: str(t, "description"), Telephone: str(t, "phone"),
		}
	}
	return Issuer{}
}

// endorsementsOB3 reads the endorsement and endorsementJwt properties of a
// credential, achievement or profile node (raw is the node's exact JSON).
func endorsementsOB3(node map[string]any, raw rawFn, on string) []Endorsement {
	var out []Endorsement
	list := items(node["endorsement"])
	var raws []json.RawMessage
	if len(list) > 0 {
		raws = rawItems(call(sub(raw, "endorsement")))
	}
	for i, e := range list {
		m := obj(e)
		if m == nil {
			continue
		}
		var r []byte
		if len(raws) == len(list) {
			r = raws[i]
		} else {
			r = marshal(m)
		}
		out = append(out, endorsementOB3(m, r, on))
	}
	for _, e := range strs(node["endorsementJwt"]) {
		end := Endorsement{JWS: e, On: on}
		if b, err := readJWS(e); err == nil && b.OB3 != nil {
			end = endorsementOB3(b.OB3.Credential, b.Payload, on)
			end.JWS = e
		}
		out = append(out, end)
	}
	return out
}

func endorsementOB3(m map[string]any, raw []byte, on string) Endorsement {
	is := profileOf(m["issuer"])
	e := Endorsement{ID: str(m, "id"), IssuerID: is.ID, IssuerName: is.Name, Payload: raw, On: on}
	if s := obj(m["credentialSubject"]); s != nil {
		e.Comment = str(s, "endorsementComment")
	}
	if e.IssuedOn, _ = parseDate(m["validFrom"]); e.IssuedOn.IsZero() {
		e.IssuedOn, _ = parseDate(m["issuanceDate"])
	}
	return e
}

// identityTypes maps 3.0 identityType values onto the 2.0 recipient types.
var identityTypes = map[string]string{
	"emailaddress": "email",
	"email":        "email",
	"url":          "url",
	"phonenumber":  "telephone",
	"telephone":    "telephone",
	"did":          "id",
}

func mapIdentityType(t string) string {
	if m, ok := identityTypes[strings.ToLower(t)]; ok {
		return m
	}
	return t
}

// subjectIdentity turns a credentialSubject id into an identity: mailto:
// is an email, tel: a telephone, http(s) a URL, anything else (a DID) an id.
func subjectIdentity(id string) Identity {
	low := strings.ToLower(id)
	switch {
	case strings.HasPrefix(low, "mailto:"):
		return Identity{Type: "email", Identity: id[len("mailto:"):]}
	case strings.HasPrefix(low, "tel:"):
		return Identity{Type: "telephone", Identity: id[len("tel:"):]}
	case strings.HasPrefix(low, "http://"), strings.HasPrefix(low, "https://"):
		return Identity{Type: "url", Identity: id}
	}
	return Identity{Type: "id", Identity: id}
}

// recipientOB3 reads identifier[] identity objects and the subject id.
func recipientOB3(s map[string]any) Recipient {
	var r Recipient
	for _, v := range items(s["identifier"]) {
		o := obj(v)
		if o == nil {
			continue
		}
		r.Identities = append(r.Identities, Identity{
			Type: mapIdentityType(str(o, "identityType")), Identity: str(o, "identityHash"),
			Hashed: boolOf(o["hashed"]), Salt: str(o, "salt"),
		})
	}
	if id := str(s, "id"); id != "" {
		r.Identities = append(r.Identities, subjectIdentity(id))
	}
	if len(r.Identities) > 0 {
		f := r.Identities[0]
		r.Type, r.Identity, r.Hashed, r.Salt = f.Type, f.Identity, f.Hashed, f.Salt
	}
	return r
}
