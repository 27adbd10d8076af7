package badge

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/satchel-backpack/satchel/internal/jsonv"
)

// Primary 3.0 credential types, in order of preference for Badge.Type.
var ob3Types = []string{"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"}

// fillOB3 fills b from a 3.0 Verifiable Credential (VCDM 2.0 or 1.1 field
// names); raw is its exact JSON.
func fillOB3(b *Badge, c map[string]any, data []byte) {
	raw := constRaw(data)
	o := &OB3{Credential: c, Contexts: contextURLs(c["@context"]), Types: jsonv.Strings(c["type"])}
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
		if slices.Contains(o.Types, t) {
			b.Type = t
			break
		}
	}
	if b.Type == "" && len(o.Types) > 0 {
		b.Type = o.Types[len(o.Types)-1]
	}

	b.ID = jsonv.String(c, "id")
	b.Language = ob3Language(c)
	b.setText(FieldName, c["name"], &b.Name)
	b.CredentialName = b.Name
	b.setText(FieldDescription, c["description"], &b.Description)
	b.Image = imageOf(c["image"])
	b.Issuer = profileOf(c["issuer"])
	if b.IssuedOn, _ = parseDate(c["validFrom"]); b.IssuedOn.IsZero() {
		b.IssuedOn, _ = parseDate(c["issuanceDate"])
	}
	if b.Expires, _ = parseDate(c["validUntil"]); b.Expires.IsZero() {
		b.Expires, _ = parseDate(c["expirationDate"])
	}
	b.AwardedOn, _ = parseDate(c["awardedDate"])

	for _, e := range jsonv.Items(c["evidence"]) {
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

	b.Endorsements = append(b.Endorsements, endorsementsOB3(c, raw, "credential")...)
	if is := jsonv.Object(c["issuer"]); is != nil {
		b.Endorsements = append(b.Endorsements, endorsementsOB3(is, sub(raw, "issuer"), "issuer")...)
	}

	// A credential normally has one subject; read the first.
	subjects := jsonv.Items(c["credentialSubject"])
	if len(subjects) == 0 {
		return
	}
	s := jsonv.Object(subjects[0])
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
	b.Narrative = jsonv.String(s, "narrative")
	if b.Type == "EndorsementCredential" {
		b.Description = firstNonEmpty(jsonv.String(s, "endorsementComment"), b.Description)
	}
	a := jsonv.Object(s["achievement"])
	if a == nil {
		return
	}
	b.BadgeClassID = jsonv.String(a, "id")
	b.setText(FieldName, a["name"], &b.Name)
	b.setText(FieldDescription, a["description"], &b.Description)
	if img := imageOf(a["image"]); img.URL != "" {
		b.Image = img
	}
	if cr := jsonv.Object(a["criteria"]); cr != nil {
		b.Criteria = Criteria{URL: jsonv.String(cr, "id")}
		b.setText(FieldCriteria, cr["narrative"], &b.Criteria.Narrative)
	}
	b.AchievementType = jsonv.String(a, "achievementType")
	for _, v := range jsonv.Items(a["alignment"]) {
		if al := jsonv.Object(v); al != nil {
			b.Alignments = append(b.Alignments, Alignment{
				TargetName: jsonv.String(al, "targetName"), TargetURL: jsonv.String(al, "targetUrl"),
				TargetDescription: jsonv.String(al, "targetDescription"), TargetFramework: jsonv.String(al, "targetFramework"),
				TargetCode: jsonv.String(al, "targetCode"), TargetType: jsonv.String(al, "targetType"),
			})
		}
	}
	b.Tags = jsonv.Strings(a["tag"])
	b.Endorsements = append(b.Endorsements, endorsementsOB3(a, sub(rawSubject, "achievement"), "achievement")...)
}

// ob3Language is the language of a 3.0 credential's content: its
// achievement's inLanguage, else the credential's, else the default
// language its @context sets; "" when it does not say.
func ob3Language(c map[string]any) string {
	for _, subject := range jsonv.Items(c["credentialSubject"]) {
		if a := jsonv.Object(jsonv.Object(subject)["achievement"]); a != nil {
			if l := cleanTag(jsonv.String(a, "inLanguage")); l != "" {
				return l
			}
		}
		break
	}
	if l := cleanTag(jsonv.String(c, "inLanguage")); l != "" {
		return l
	}
	return contextLanguage(c["@context"])
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
			ID: jsonv.String(t, "id"), Name: jsonv.String(t, "name"), URL: jsonv.String(t, "url"), Email: jsonv.String(t, "email"),
			Image: imageOf(t["image"]), Description: jsonv.String(t, "description"), Telephone: jsonv.String(t, "phone"),
		}
	}
	return Issuer{}
}

// endorsementsOB3 reads the endorsement and endorsementJwt properties of a
// credential, achievement or profile node (raw is the node's exact JSON).
func endorsementsOB3(node map[string]any, raw rawFn, on string) []Endorsement {
	var out []Endorsement
	list := jsonv.Items(node["endorsement"])
	var raws []json.RawMessage
	if len(list) > 0 {
		raws = rawItems(call(sub(raw, "endorsement")))
	}
	for i, e := range list {
		m := jsonv.Object(e)
		if m == nil {
			continue
		}
		var r []byte
		if len(raws) == len(list) {
			r = raws[i]
		} else {
			r = jsonv.Marshal(m)
		}
		out = append(out, endorsementOB3(m, r, on))
	}
	for _, e := range jsonv.Strings(node["endorsementJwt"]) {
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
	e := Endorsement{ID: jsonv.String(m, "id"), IssuerID: is.ID, IssuerName: is.Name, Payload: raw, On: on}
	if s := jsonv.Object(m["credentialSubject"]); s != nil {
		e.Comment = jsonv.String(s, "endorsementComment")
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
	for _, v := range jsonv.Items(s["identifier"]) {
		o := jsonv.Object(v)
		if o == nil {
			continue
		}
		r.Identities = append(r.Identities, Identity{
			Type: mapIdentityType(jsonv.String(o, "identityType")), Identity: jsonv.String(o, "identityHash"),
			Hashed: jsonv.TrimmedBool(o["hashed"]), Salt: jsonv.String(o, "salt"),
		})
	}
	if id := jsonv.String(s, "id"); id != "" {
		r.Identities = append(r.Identities, subjectIdentity(id))
	}
	if len(r.Identities) > 0 {
		f := r.Identities[0]
		r.Type, r.Identity, r.Hashed, r.Salt = f.Type, f.Identity, f.Hashed, f.Salt
	}
	return r
}
