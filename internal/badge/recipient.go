package badge

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// MatchRecipient reports which of the learner's verified identifiers the
// badge was issued to. It compares only identifiers of the same type
// ("email", "url", "telephone"), plainly or by hash (sha256$ / md5$ of the
// value followed by the salt, hex compared case-insensitively); an email is
// also tried lower-cased. For 3.0 it considers every identifier[] identity
// object and a mailto:, tel: or http(s) credentialSubject.id.
func MatchRecipient(b *Badge, ids []Identifier) (Identifier, bool) {
	if b == nil {
		return Identifier{}, false
	}
	for _, who := range recipientIdentities(b) {
		for _, id := range ids {
			if normaliseType(id.Type) != normaliseType(who.Type) {
				continue
			}
			if identityMatches(who, normaliseType(id.Type), id.Value) {
				return id, true
			}
		}
	}
	return Identifier{}, false
}

func recipientIdentities(b *Badge) []Identity {
	if len(b.Recipient.Identities) > 0 {
		return b.Recipient.Identities
	}
	if b.Recipient.Identity == "" {
		return nil
	}
	r := b.Recipient
	return []Identity{{Type: r.Type, Identity: r.Identity, Hashed: r.Hashed, Salt: r.Salt}}
}

func normaliseType(t string) string {
	t = mapIdentityType(strings.TrimSpace(t))
	if strings.EqualFold(t, "phone") {
		return "telephone"
	}
	return strings.ToLower(t)
}

// candidates lists the forms of a learner's identifier to try.
func candidates(typ, v string) []string {
	v = strings.TrimSpace(v)
	out := []string{v}
	switch typ {
	case "email":
		if l := strings.ToLower(v); l != v {
			out = append(out, l)
		}
	case "telephone":
		if n := normalisePhone(v); n != v {
			out = append(out, n)
		}
	}
	return out
}

// normalisePhone keeps a leading + and the digits.
func normalisePhone(v string) string {
	var sb strings.Builder
	for i, r := range v {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// splitHash splits "sha256$hex" / "md5$hex"; ok is false for other values.
func splitHash(s string) (alg, digest string, ok bool) {
	alg, digest, found := strings.Cut(s, "$")
	if !found {
		return "", "", false
	}
	alg = strings.ToLower(alg)
	if alg != "sha256" && alg != "md5" {
		return "", "", false
	}
	if _, err := hex.DecodeString(digest); err != nil || digest == "" {
		return "", "", false
	}
	return alg, digest, true
}

func identityMatches(who Identity, typ, value string) bool {
	if value == "" || who.Identity == "" {
		return false
	}
	alg, digest, isHash := splitHash(who.Identity)
	if who.Hashed && !isHash {
		return false
	}
	for _, c := range candidates(typ, value) {
		if isHash {
			var sum []byte
			if alg == "sha256" {
				h := sha256.Sum256([]byte(c + who.Salt))
				sum = h[:]
			} else {
				h := md5.Sum([]byte(c + who.Salt))
				sum = h[:]
			}
			if strings.EqualFold(hex.EncodeToString(sum), digest) {
				return true
			}
			continue
		}
		switch typ {
		case "email":
			if strings.EqualFold(strings.TrimSpace(who.Identity), c) {
				return true
			}
		case "telephone":
			if normalisePhone(who.Identity) == normalisePhone(c) && normalisePhone(c) != "" {
				return true
			}
		default:
			if strings.TrimSpace(who.Identity) == c {
				return true
			}
		}
	}
	return false
}

// RecipientTypes lists the distinct kinds of identity ("email", "url",
// "telephone", "id", or a 3.0 identityType) the badge was issued to, in
// order, without revealing any value.
func RecipientTypes(b *Badge) []string {
	if b == nil {
		return nil
	}
	var out []string
	for _, who := range recipientIdentities(b) {
		t := normaliseType(who.Type)
		if t == "" || slices.Contains(out, t) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// IssuedTo says in plain words which kind of identity the badge was issued
// to, e.g. "an email address", for messages such as "This badge was issued
// to an email address you have not verified". It never reveals the value or
// its hash.
func IssuedTo(b *Badge) string {
	types := RecipientTypes(b)
	if len(types) == 0 {
		return "no named recipient"
	}
	var words []string
	for _, t := range types {
		words = append(words, identityWords(t))
	}
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func identityWords(t string) string {
	switch t {
	case "email":
		return "an email address"
	case "url":
		return "a web address"
	case "telephone":
		return "a phone number"
	case "id":
		return "a digital identifier (DID)"
	}
	return "an identifier of type " + t
}
