package badge_test

import (
	"encoding/json"
	"testing"

	"github.com/satchel-backpack/satchel/internal/badge"
)

// A 3.0 credential whose issuer gave the name and description in English
// and Spanish, as language value objects (VC Data Model 2.0), with the
// achievement in Spanish (inLanguage) and its criteria in one language.
const multilingualOB3 = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "urn:uuid:6b7a1c1e-1111-4c3b-9a55-000000000001",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "issuer": {"id": "https://issuer.example/profile", "type": ["Profile"], "name": "Escuela Example"},
  "validFrom": "2024-05-01T00:00:00Z",
  "name": [{"@value": "First aid", "@language": "en"}, {"@value": "Primeros auxilios", "@language": "es"}],
  "description": [{"@value": "Gives first aid.", "@language": "en"}, {"@value": "Presta primeros auxilios.", "@language": "es"}],
  "credentialSubject": {
    "type": ["AchievementSubject"],
    "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": false, "identityHash": "ana@example.org"}],
    "achievement": {
      "id": "https://issuer.example/achievements/1", "type": ["Achievement"],
      "inLanguage": "es",
      "name": [{"@value": "First aid", "@language": "en"}, {"@value": "Primeros auxilios", "@language": "es"}],
      "description": "Presta primeros auxilios.",
      "criteria": {"narrative": {"@value": "Aprobar el examen práctico.", "@language": "es", "@direction": "ltr"}}
    }
  }
}`

func TestLanguage_OB3LanguageValueObjects(t *testing.T) {
	b, err := badge.Read([]byte(multilingualOB3))
	if err != nil {
		t.Fatal(err)
	}
	if b.Language != "es" {
		t.Errorf("Language %q, want the achievement's inLanguage es", b.Language)
	}
	// The one value kept is the one in the badge's own language.
	if b.Name != "Primeros auxilios" || b.Description != "Presta primeros auxilios." || b.Criteria.Narrative != "Aprobar el examen práctico." {
		t.Errorf("kept %q / %q / %q", b.Name, b.Description, b.Criteria.Narrative)
	}
	// A reader of each language gets the version in it, marked with it.
	for _, tc := range []struct {
		field, value, want string
		text               badge.Text
	}{
		{badge.FieldName, b.Name, "en-GB", badge.Text{Value: "First aid", Lang: "en"}},
		{badge.FieldName, b.Name, "es-MX", badge.Text{Value: "Primeros auxilios", Lang: "es"}},
		// No French version: the badge's own.
		{badge.FieldName, b.Name, "fr", badge.Text{Value: "Primeros auxilios", Lang: "es"}},
		// Given once, in the badge's language, whatever the reader's.
		{badge.FieldDescription, b.Description, "en", badge.Text{Value: "Presta primeros auxilios.", Lang: "es"}},
		{badge.FieldCriteria, b.Criteria.Narrative, "en", badge.Text{Value: "Aprobar el examen práctico.", Lang: "es"}},
	} {
		if got := b.In(tc.field, tc.value, tc.want); got.Value != tc.text.Value || got.Lang != tc.text.Lang {
			t.Errorf("In(%s, %s) = %+v, want %+v", tc.field, tc.want, got, tc.text)
		}
	}
	// The translations survive the stored model (store keeps its JSON).
	js, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var again badge.Badge
	if err := json.Unmarshal(js, &again); err != nil {
		t.Fatal(err)
	}
	if got := again.In(badge.FieldName, again.Name, "en"); got.Value != "First aid" {
		t.Errorf("after a JSON round trip, In(name, en) = %+v", got)
	}
}

func TestLanguage_OB2AndPlainBadges(t *testing.T) {
	ob2 := `{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "https://issuer.example/a/1",
	  "recipient": {"type": "email", "hashed": false, "identity": "ana@example.org"},
	  "issuedOn": "2024-05-01T00:00:00Z", "verification": {"type": "hosted"},
	  "badge": {"type": "BadgeClass", "id": "https://issuer.example/b/1", "@language": "fr-CA", "name": "Secourisme",
	    "description": "Premiers soins.", "image": "https://issuer.example/b/1.png", "criteria": {"narrative": "Réussir l'examen."},
	    "issuer": {"type": "Profile", "id": "https://issuer.example/i", "name": "École"}}}`
	b, err := badge.Read([]byte(ob2))
	if err != nil {
		t.Fatal(err)
	}
	if b.Language != "fr-CA" || b.Name != "Secourisme" {
		t.Errorf("2.0 BadgeClass @language: %q %q", b.Language, b.Name)
	}
	if got := b.In(badge.FieldName, b.Name, "en"); got.Value != "Secourisme" || got.Lang != "fr-CA" {
		t.Errorf("In = %+v", got)
	}

	// A language that is not a BCP 47 tag is dropped, never passed on.
	hostile := `{"@context": ["https://w3id.org/openbadges/v2", {"@language": "en\" onmouseover=\"x"}], "type": "BadgeClass",
	  "id": "https://issuer.example/b/2", "name": "Plain", "description": "d", "image": "https://issuer.example/i.png",
	  "criteria": "https://issuer.example/c", "issuer": "https://issuer.example/i"}`
	if b, err = badge.Read([]byte(hostile)); err != nil {
		t.Fatal(err)
	}
	if b.Language != "" {
		t.Errorf("a malformed language came through: %q", b.Language)
	}
	if got := b.In(badge.FieldName, b.Name, "es"); got.Value != "Plain" || got.Lang != "" {
		t.Errorf("In = %+v", got)
	}
}
