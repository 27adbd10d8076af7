package badge

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func sha(s string) string { h := sha256.Sum256([]byte(s)); return "sha256$" + hex.EncodeToString(h[:]) }
func md(s string) string  { h := md5.Sum([]byte(s)); return "md5$" + hex.EncodeToString(h[:]) }

func badge20(rec Identity) *Badge {
	return &Badge{Version: V2_0, Recipient: Recipient{Type: rec.Type, Identity: rec.Identity, Hashed: rec.Hashed, Salt: rec.Salt, Identities: []Identity{rec}}}
}

func TestMatchRecipient(t *testing.T) {
	t.Parallel()
	email := Identifier{Type: "email", Value: "Nobody@Example.org"}
	site := Identifier{Type: "url", Value: "https://learner.example/me"}
	phone := Identifier{Type: "telephone", Value: "+44 7700 900123"}
	tests := []struct {
		name  string
		b     *Badge
		ids   []Identifier
		match bool
		want  Identifier
	}{
		{"conformance recipient sha256+salt, lower-cased email", badge20(Identity{Type: "email", Hashed: true, Salt: "deadsea",
			Identity: "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942"}), []Identifier{email}, true, email},
		{"upper-case hex digest", badge20(Identity{Type: "email", Hashed: true, Salt: "s",
			Identity: "SHA256$" + strings.ToUpper(sha("nobody@example.org" + "s")[7:])}), []Identifier{email}, true, email},
		{"md5 without salt", badge20(Identity{Type: "email", Hashed: true, Identity: md("Nobody@Example.org")}), []Identifier{email}, true, email},
		{"wrong salt", badge20(Identity{Type: "email", Hashed: true, Salt: "other", Identity: sha("nobody@example.org" + "deadsea")}), []Identifier{email}, false, Identifier{}},
		{"plain email, case-insensitive", badge20(Identity{Type: "email", Identity: "nobody@example.ORG"}), []Identifier{email}, true, email},
		{"plain email of someone else", badge20(Identity{Type: "email", Identity: "somebody@example.org"}), []Identifier{email}, false, Identifier{}},
		{"type must match: url hash vs email", badge20(Identity{Type: "url", Hashed: true, Identity: sha("nobody@example.org")}), []Identifier{email}, false, Identifier{}},
		{"url hashed", badge20(Identity{Type: "url", Hashed: true, Salt: "x", Identity: sha("https://learner.example/me" + "x")}), []Identifier{email, site}, true, site},
		{"telephone plain with formatting", badge20(Identity{Type: "telephone", Identity: "+447700900123"}), []Identifier{phone}, true, phone},
		{"hashed flag without algorithm never matches", badge20(Identity{Type: "email", Hashed: true, Identity: "nobody@example.org"}), []Identifier{email}, false, Identifier{}},
		{"unknown algorithm", badge20(Identity{Type: "email", Hashed: true, Identity: "sha1$" + sha("nobody@example.org")[7:]}), []Identifier{email}, false, Identifier{}},
		{"no identifiers", badge20(Identity{Type: "email", Identity: "nobody@example.org"}), nil, false, Identifier{}},
		{"3.0 identifier emailAddress hashed", mustReadBadge(t, credential30With(`[{"type":"IdentityObject","identityType":"emailAddress","hashed":true,"salt":"pepper","identityHash":"`+sha("nobody@example.org"+"pepper")+`"}]`, "did:example:x")),
			[]Identifier{email}, true, email},
		{"3.0 identifier phoneNumber plain", mustReadBadge(t, credential30With(`[{"type":"IdentityObject","identityType":"phoneNumber","hashed":false,"identityHash":"+447700900123"}]`, "")),
			[]Identifier{email, phone}, true, phone},
		{"3.0 other identityType not matched as email", mustReadBadge(t, credential30With(`[{"type":"IdentityObject","identityType":"studentId","hashed":false,"identityHash":"Nobody@Example.org"}]`, "")),
			[]Identifier{email}, false, Identifier{}},
		{"3.0 subject id mailto", mustReadBadge(t, credential30With(`[]`, "mailto:nobody@example.org")), []Identifier{email}, true, email},
		{"3.0 subject id URL", mustReadBadge(t, credential30With(`[]`, "https://learner.example/me")), []Identifier{email, site}, true, site},
		{"3.0 subject DID is not an email", mustReadBadge(t, credential30With(`[]`, "did:example:nobody@example.org")), []Identifier{email}, false, Identifier{}},
		{"nil badge", nil, []Identifier{email}, false, Identifier{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := MatchRecipient(tc.b, tc.ids)
			if ok != tc.match || got != tc.want {
				t.Errorf("MatchRecipient = %+v, %v; want %+v, %v", got, ok, tc.want, tc.match)
			}
		})
	}
}

func credential30With(identifiers, subjectID string) string {
	id := ""
	if subjectID != "" {
		id = `"id":"` + subjectID + `",`
	}
	return `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
		"type":["VerifiableCredential","OpenBadgeCredential"],"issuer":"https://i.example",
		"credentialSubject":{` + id + `"type":["AchievementSubject"],"identifier":` + identifiers + `}}`
}

func mustReadBadge(t *testing.T, s string) *Badge {
	t.Helper()
	b, err := Read([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestIssuedTo_NamesKindWithoutValue(t *testing.T) {
	t.Parallel()
	hashed := "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942"
	tests := []struct {
		b     *Badge
		types []string
		words string
	}{
		{badge20(Identity{Type: "email", Hashed: true, Identity: hashed}), []string{"email"}, "an email address"},
		{badge20(Identity{Type: "url", Identity: "https://x.example"}), []string{"url"}, "a web address"},
		{mustReadBadge(t, credential30With(`[{"type":"IdentityObject","identityType":"phoneNumber","identityHash":"`+hashed+`","hashed":true}]`, "did:example:l")),
			[]string{"telephone", "id"}, "a phone number or a digital identifier (DID)"},
		{&Badge{}, nil, "no named recipient"},
	}
	for _, tc := range tests {
		if got := RecipientTypes(tc.b); strings.Join(got, ",") != strings.Join(tc.types, ",") {
			t.Errorf("RecipientTypes = %v, want %v", got, tc.types)
		}
		got := IssuedTo(tc.b)
		if got != tc.words {
			t.Errorf("IssuedTo = %q, want %q", got, tc.words)
		}
		if strings.Contains(got, "ecf5409f") {
			t.Error("IssuedTo revealed the hash")
		}
	}
}
