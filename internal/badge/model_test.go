package badge

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRead_Fills20EmbeddedGraph(t *testing.T) {
	t.Parallel()
	b, err := Read([]byte(assertion20))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		field     string
		got, want any
	}{
		{"ID", b.ID, "https://issuer.example/assertions/1"},
		{"BadgeClassID", b.BadgeClassID, "https://issuer.example/badges/robotics"},
		{"Name", b.Name, "Robotics"},
		{"Description", b.Description, "Robots are fun."},
		{"Image", b.Image, Image{URL: "https://issuer.example/robot.png", Caption: "A robot"}},
		{"Criteria", b.Criteria, Criteria{URL: "https://issuer.example/criteria", Narrative: "Build a robot."}},
		{"Issuer", b.Issuer, Issuer{ID: "https://issuer.example/org", Name: "Robot Club", URL: "https://issuer.example", Email: "club@issuer.example"}},
		{"Recipient.Type", b.Recipient.Type, "email"},
		{"Recipient.Hashed", b.Recipient.Hashed, true},
		{"Recipient.Salt", b.Recipient.Salt, "deadsea"},
		{"IssuedOn", b.IssuedOn, time.Date(2016, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"Expires", b.Expires, time.Date(2029, 12, 31, 23, 0, 0, 0, time.UTC)},
		{"Narrative", b.Narrative, "Built a *robot*."},
		{"Evidence", b.Evidence, []Evidence{{URL: "https://issuer.example/work", Name: "Robot", Narrative: "It walks"}, {URL: "https://issuer.example/more"}}},
		{"Alignments", b.Alignments, []Alignment{{TargetName: "Mechanics", TargetURL: "https://skills.example/mech", TargetCode: "M1"}}},
		{"Tags", b.Tags, []string{"robots", "stem"}},
		{"OB2.BadgeClassURL", b.OB2.BadgeClassURL, "https://issuer.example/badges/robotics"},
		{"OB2.IssuerURL", b.OB2.IssuerURL, "https://issuer.example/org"},
		{"OB2.Issuer name", b.OB2.Issuer["name"], "Robot Club"},
		{"OB2.Assertion is Node", b.OB2.Assertion["id"], b.OB2.Node["id"]},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
	if len(b.Endorsements) != 2 {
		t.Fatalf("endorsements: %+v", b.Endorsements)
	}
	byOn := map[string]Endorsement{}
	for _, e := range b.Endorsements {
		byOn[e.On] = e
	}
	if e := byOn["badgeclass"]; e.URL != "https://endorser.example/e/2" || len(e.Payload) != 0 {
		t.Errorf("referenced endorsement: %+v", e)
	}
	e := byOn["issuer"]
	if e.Comment != "Good club" || e.IssuerName != "Endorser" || e.IssuedOn != time.Date(2017, 10, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("embedded endorsement: %+v", e)
	}
	// The exact bytes, including the odd spacing, are kept for verification.
	if !strings.Contains(string(e.Payload), `"endorsementComment":   "Good club"`) || !json.Valid(e.Payload) {
		t.Errorf("endorsement payload is not the exact JSON: %s", e.Payload)
	}
}

func TestComplete_FillsReferencedNodes(t *testing.T) {
	t.Parallel()
	b, err := Read([]byte(`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://i.example/a",
		"recipient":{"type":"email","identity":"x@y.example"},"issuedOn":"2020-02-02T00:00:00Z",
		"badge":"https://i.example/bc","verification":{"type":"hosted"},"image":"https://i.example/a.png"}`))
	if err != nil {
		t.Fatal(err)
	}
	if b.Name != "" || b.OB2.BadgeClass != nil || b.OB2.BadgeClassURL != "https://i.example/bc" || b.Image.URL != "https://i.example/a.png" {
		t.Fatalf("before Complete: name %q class %v url %q", b.Name, b.OB2.BadgeClass, b.OB2.BadgeClassURL)
	}
	bc := `{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"https://i.example/bc","name":"Baking",
		"description":"Bread","image":"https://i.example/bread.png","criteria":"https://i.example/crit",
		"issuer":"https://i.example/org","endorsement":[{"id":"https://e.example/1","type":"Endorsement","claim":{"endorsementComment":"Tasty"},"issuer":"https://e.example"}]}`
	is := `{"@context":"https://w3id.org/openbadges/v2","type":"Issuer","id":"https://i.example/org","name":"Bakery",
		"url":"https://i.example","email":"bake@i.example","image":{"id":"https://i.example/logo.png","caption":"Logo"}}`
	if err := b.Complete([]byte(bc), []byte(is)); err != nil {
		t.Fatal(err)
	}
	if b.Name != "Baking" || b.Criteria.URL != "https://i.example/crit" || b.Image.URL != "https://i.example/bread.png" {
		t.Errorf("badge class not applied: %q %+v %+v", b.Name, b.Criteria, b.Image)
	}
	if b.Issuer.Name != "Bakery" || b.Issuer.Email != "bake@i.example" || b.Issuer.Image.Caption != "Logo" || b.OB2.Issuer["name"] != "Bakery" {
		t.Errorf("issuer not applied: %+v", b.Issuer)
	}
	if b.OB2.BadgeClass["name"] != "Baking" {
		t.Errorf("OB2.BadgeClass not set")
	}
	// Completing twice must not duplicate endorsements.
	if err := b.Complete([]byte(bc), nil); err != nil {
		t.Fatal(err)
	}
	if len(b.Endorsements) != 1 || b.Endorsements[0].Comment != "Tasty" || b.Endorsements[0].On != "badgeclass" {
		t.Errorf("endorsements after two Completes: %+v", b.Endorsements)
	}
	if err := b.Complete([]byte("{nope"), nil); err == nil {
		t.Error("Complete accepted broken JSON")
	}
	b3, _ := Read([]byte(credential30))
	if err := b3.Complete([]byte(bc), nil); err == nil {
		t.Error("Complete on a 3.0 credential should fail")
	}
}

func TestRead_UpgradesLegacyBadges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		version Version
		check   func(t *testing.T, b *Badge)
	}{
		{"0.5 hashed recipient, relative URLs, issued_on", `{
			"recipient": "sha256$abcdef", "salt": "s1", "issued_on": "2011-06-01", "expires": "2013-06-01",
			"evidence": "/bob/work",
			"badge": {"version": "0.5.0", "name": "HTML5", "image": "/img/html5.png", "description": "Knows HTML5",
			  "criteria": "/criteria/html5",
			  "issuer": {"origin": "https://p2pu.example", "name": "P2PU", "org": "Webcraft", "contact": "admin@p2pu.example"}}}`,
			V0_5, func(t *testing.T, b *Badge) {
				a := b.OB2.Assertion
				r := a["recipient"].(map[string]any)
				if r["hashed"] != true || r["identity"] != "sha256$abcdef" || r["salt"] != "s1" || r["type"] != "email" {
					t.Errorf("recipient %v", r)
				}
				if a["issuedOn"] != "2011-06-01T00:00:00Z" || a["expires"] != "2013-06-01T00:00:00Z" || a["issued_on"] != nil {
					t.Errorf("dates %v %v", a["issuedOn"], a["expires"])
				}
				is := b.OB2.Issuer
				if is["url"] != "https://p2pu.example" || is["email"] != "admin@p2pu.example" || is["origin"] != nil || is["contact"] != nil {
					t.Errorf("issuer %v", is)
				}
				if b.Image.URL != "https://p2pu.example/img/html5.png" || b.Criteria.URL != "https://p2pu.example/criteria/html5" ||
					b.Evidence[0].URL != "https://p2pu.example/bob/work" {
					t.Errorf("relative URLs not resolved: %v %v %v", b.Image, b.Criteria, b.Evidence)
				}
				if b.Issuer.Name != "P2PU: Webcraft" || is["org"] != nil {
					t.Errorf("issuer name %q, org %v", b.Issuer.Name, is["org"])
				}
				if v := a["verification"].(map[string]any); v["type"] != "HostedBadge" {
					t.Errorf("verification %v", v)
				}
				if b.Issuer.URL != "https://p2pu.example" || b.Issuer.Email != "admin@p2pu.example" || !b.Recipient.Hashed {
					t.Errorf("model issuer %+v recipient %+v", b.Issuer, b.Recipient)
				}
				if b.IssuedOn != time.Date(2011, 6, 1, 0, 0, 0, 0, time.UTC) {
					t.Errorf("IssuedOn %v", b.IssuedOn)
				}
			}},
		{"0.5 plain email recipient", `{"recipient": "learner@example.org", "badge": {"name": "X", "issuer": {"origin": "https://o.example", "name": "O"}}}`,
			V0_5, func(t *testing.T, b *Badge) {
				if b.Recipient.Hashed || b.Recipient.Identity != "learner@example.org" {
					t.Errorf("recipient %+v", b.Recipient)
				}
			}},
		{"1.0 hosted, unix dates, alignment renames", `{
			"uid": "abc", "recipient": {"type": "email", "hashed": "true", "salt": "x", "identity": "sha256$00"},
			"issuedOn": 1359217910, "expires": "1500000000",
			"badge": {"name": "B", "description": "D", "image": "https://i.example/i.png", "criteria": "https://i.example/c",
			  "issuer": "https://i.example/issuer.json",
			  "alignment": [{"name": "Skill", "url": "https://skills.example/1", "description": "A skill"}]},
			"verify": {"type": "hosted", "url": "https://i.example/assertions/abc.json"}}`,
			V1_0, func(t *testing.T, b *Badge) {
				a := b.OB2.Assertion
				if a["id"] != "https://i.example/assertions/abc.json" || a["verify"] != nil {
					t.Errorf("id %v verify %v", a["id"], a["verify"])
				}
				if v := a["verification"].(map[string]any); v["type"] != "HostedBadge" {
					t.Errorf("verification %v", v)
				}
				if a["issuedOn"] != "2013-01-26T16:31:50Z" || a["expires"] != "2017-07-14T02:40:00Z" {
					t.Errorf("dates %v %v", a["issuedOn"], a["expires"])
				}
				if a["recipient"].(map[string]any)["hashed"] != true {
					t.Error("hashed \"true\" should become true")
				}
				want := []Alignment{{TargetName: "Skill", TargetURL: "https://skills.example/1", TargetDescription: "A skill"}}
				if !reflect.DeepEqual(b.Alignments, want) {
					t.Errorf("alignments %+v", b.Alignments)
				}
				al := b.OB2.BadgeClass["alignment"].([]any)[0].(map[string]any)
				if al["name"] != nil || al["targetName"] != "Skill" {
					t.Errorf("node alignment %v", al)
				}
				if b.OB2.IssuerURL != "https://i.example/issuer.json" || b.ID != "https://i.example/assertions/abc.json" {
					t.Errorf("issuer URL %q id %q", b.OB2.IssuerURL, b.ID)
				}
				if !b.OB2.Upgraded || b.OB2.Assertion["@context"] != ContextOB2 {
					t.Error("not marked upgraded")
				}
			}},
		{"1.0 signed", `{"uid": "u-42", "recipient": {"type": "email", "identity": "a@b.example"}, "issuedOn": "2014-01-02",
			"badge": "https://i.example/b.json", "verify": {"type": "signed", "url": "https://i.example/public.pem"}}`,
			V1_0, func(t *testing.T, b *Badge) {
				a := b.OB2.Assertion
				v := a["verification"].(map[string]any)
				if a["id"] != "uid:u-42" || v["type"] != "SignedBadge" || v["creator"] != "https://i.example/public.pem" || a["uid"] != "u-42" {
					t.Errorf("id %v verification %v", a["id"], v)
				}
			}},
		{"1.1 keeps its id", `{"@context": "https://w3id.org/openbadges/v1", "type": "Assertion", "id": "https://i.example/a/1",
			"uid": "1", "recipient": {"type": "email", "identity": "a@b.example"}, "issuedOn": "2015-05-05T10:00:00",
			"badge": "https://i.example/b.json", "verify": {"type": "hosted", "url": "https://i.example/a/other"}}`,
			V1_1, func(t *testing.T, b *Badge) {
				if b.ID != "https://i.example/a/1" || b.OB2.Assertion["@context"] != ContextOB2 {
					t.Errorf("id %q context %v", b.ID, b.OB2.Assertion["@context"])
				}
				if b.IssuedOn != time.Date(2015, 5, 5, 10, 0, 0, 0, time.UTC) {
					t.Errorf("IssuedOn %v", b.IssuedOn)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Read([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if b.Version != tc.version || b.OB2 == nil || !b.OB2.Upgraded || b.Type != "Assertion" {
				t.Fatalf("version %q OB2 %v type %q", b.Version, b.OB2, b.Type)
			}
			if string(b.Payload) != strings.TrimSpace(tc.in) {
				t.Error("Payload should keep the original legacy JSON")
			}
			tc.check(t, b)
		})
	}
}

func TestComplete_UpgradesLegacyNodes(t *testing.T) {
	t.Parallel()
	b, err := Read([]byte(`{"uid":"1","recipient":{"type":"email","identity":"a@b.example"},"issuedOn":1400000000,
		"badge":"https://i.example/b.json","verify":{"type":"hosted","url":"https://i.example/a.json"}}`))
	if err != nil {
		t.Fatal(err)
	}
	err = b.Complete([]byte(`{"name":"Old badge","description":"d","image":"https://i.example/i.png","criteria":"https://i.example/c",
		"issuer":"https://i.example/org.json","alignment":[{"name":"N","url":"https://u.example"}]}`),
		[]byte(`{"name":"Old org","url":"https://i.example","email":"o@i.example"}`))
	if err != nil {
		t.Fatal(err)
	}
	if b.OB2.BadgeClass["type"] != "BadgeClass" || b.OB2.Issuer["type"] != "Issuer" || b.Alignments[0].TargetName != "N" {
		t.Errorf("legacy nodes not upgraded: %v %v %+v", b.OB2.BadgeClass["type"], b.OB2.Issuer["type"], b.Alignments)
	}
	if b.Name != "Old badge" || b.Issuer.Name != "Old org" {
		t.Errorf("name %q issuer %q", b.Name, b.Issuer.Name)
	}
}

func TestRead_Fills30Credential(t *testing.T) {
	t.Parallel()
	b, err := Read([]byte(credential30))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		field     string
		got, want any
	}{
		{"Type", b.Type, "OpenBadgeCredential"},
		{"ID", b.ID, "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002"},
		{"Name", b.Name, "Teamwork"},
		{"CredentialName", b.CredentialName, "Teamwork credential"},
		{"Description", b.Description, "Works well with others."},
		{"BadgeClassID", b.BadgeClassID, "https://issuer.example/achievements/teamwork"},
		{"AchievementType", b.AchievementType, "Badge"},
		{"Image", b.Image, Image{URL: "https://issuer.example/teamwork.png", Caption: "Two hands"}},
		{"Criteria", b.Criteria, Criteria{URL: "https://issuer.example/criteria", Narrative: "Be **kind**."}},
		{"Issuer", b.Issuer, Issuer{ID: "https://issuer.example/profile", Name: "Example Corp", URL: "https://issuer.example",
			Email: "hello@issuer.example", Telephone: "+44 20 0000", Image: Image{URL: "https://issuer.example/logo.png"}}},
		{"IssuedOn", b.IssuedOn, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"Expires", b.Expires, time.Date(2034, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"AwardedOn", b.AwardedOn, time.Date(2023, 12, 24, 10, 0, 0, 0, time.UTC)},
		{"Narrative", b.Narrative, "Led the team."},
		{"Alignments", b.Alignments, []Alignment{{TargetName: "Collaboration", TargetURL: "https://skills.example/collab", TargetType: "CFItem"}}},
		{"Tags", b.Tags, []string{"soft skills"}},
		{"Evidence", b.Evidence, []Evidence{{URL: "https://issuer.example/evidence/1", Name: "Report", Genre: "Research"}}},
		{"Identities", b.Recipient.Identities, []Identity{
			{Type: "email", Identity: "sha256$00", Hashed: true, Salt: "pepper"},
			{Type: "email", Identity: "Learner@Example.org"},
		}},
		{"OB3.VCDM", b.OB3.VCDM, "2.0"},
		{"OB3.Types", b.OB3.Types, []string{"VerifiableCredential", "OpenBadgeCredential"}},
		{"OB2", b.OB2, (*OB2)(nil)},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
	if len(b.Endorsements) != 1 {
		t.Fatalf("endorsements %+v", b.Endorsements)
	}
	e := b.Endorsements[0]
	if e.On != "achievement" || e.Comment != "Solid" || e.IssuerName != "Endorser" || !strings.HasPrefix(string(e.Payload), `{"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:e1"`) {
		t.Errorf("endorsement %+v payload %s", e, e.Payload)
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	utc := func(y int, m time.Month, d, h, mi, s int) time.Time { return time.Date(y, m, d, h, mi, s, 0, time.UTC) }
	tests := []struct {
		in   any
		want time.Time
		ok   bool
	}{
		{"2016-12-31T23:59:59Z", utc(2016, 12, 31, 23, 59, 59), true},
		{"2016-12-31T23:59:59+02:00", utc(2016, 12, 31, 21, 59, 59), true},
		{"2017-10-01T00:00Z", utc(2017, 10, 1, 0, 0, 0), true},
		{"2016-12-31T23:59:59.250Z", time.Date(2016, 12, 31, 23, 59, 59, 250e6, time.UTC), true},
		{"2016-12-31T23:59:59+0100", utc(2016, 12, 31, 22, 59, 59), true},
		{"2016-12-31", utc(2016, 12, 31, 0, 0, 0), true},
		{json.Number("1359217910"), utc(2013, 1, 26, 16, 31, 50), true},
		{"1359217910", utc(2013, 1, 26, 16, 31, 50), true},
		{"next tuesday", time.Time{}, false},
		{json.Number("1e400"), time.Time{}, false},
		{"99999999999999", time.Time{}, false},
		{true, time.Time{}, false},
	}
	for _, tc := range tests {
		got, ok := parseDate(tc.in)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("parseDate(%v) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
