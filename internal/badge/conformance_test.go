package badge

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConformance_ReadsEveryFixture reads every input of the official
// validator's fixtures (expected.tsv), including the rows that need the
// network to verify: reading never does.
func TestConformance_ReadsEveryFixture(t *testing.T) {
	t.Parallel()
	dir := conformanceDir(t)
	f, err := os.Open(filepath.Join(dir, "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 2 || cols[0] == "path" {
			continue
		}
		rows++
		path := cols[0]
		t.Run(path, func(t *testing.T) {
			data := mustRead(t, filepath.Join(dir, path))
			b, err := Read(data)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			wantFormat := map[string]Format{".png": FormatPNG, ".svg": FormatSVG, ".jwt": FormatJWS, ".json": FormatJSON, ".1ob": FormatJSON}[filepath.Ext(path)]
			if b.Format != wantFormat {
				t.Errorf("format %q, want %q", b.Format, wantFormat)
			}
			wantVersion := V2_0
			if strings.HasPrefix(path, "ob30/") {
				wantVersion = V3_0
			}
			if b.Version != wantVersion {
				t.Errorf("version %q, want %q", b.Version, wantVersion)
			}
			if string(b.Original) != string(data) {
				t.Error("Original differs from the file")
			}
			if (b.Version == V3_0) != (b.OB3 != nil) || (b.Version == V2_0) != (b.OB2 != nil) {
				t.Errorf("OB2 %v OB3 %v for version %s", b.OB2 != nil, b.OB3 != nil, b.Version)
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if rows < 70 {
		t.Errorf("only %d rows in expected.tsv", rows)
	}
}

func TestConformance_FixtureFields(t *testing.T) {
	t.Parallel()
	dir := conformanceDir(t)
	nobody := []Identifier{{Type: "email", Value: "nobody@example.org"}}
	read := func(t *testing.T, p string) *Badge {
		t.Helper()
		b, err := Read(mustRead(t, filepath.Join(dir, p)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	t.Run("hosted 2.0 assertion completed from assets", func(t *testing.T) {
		b := read(t, "ob20/basic-assertion.json")
		if _, ok := MatchRecipient(b, nobody); !ok {
			t.Error("recipient nobody@example.org does not match")
		}
		if _, ok := MatchRecipient(b, []Identifier{{Type: "email", Value: "somebody@example.org"}}); ok {
			t.Error("someone else matched")
		}
		if b.OB2.BadgeClassURL != "https://example.org/robotics-badge.json" || b.Name != "" {
			t.Fatalf("badge class URL %q name %q", b.OB2.BadgeClassURL, b.Name)
		}
		if err := b.Complete(mustRead(t, filepath.Join(dir, "ob20/assets/robotics-badge.json")), mustRead(t, filepath.Join(dir, "ob20/assets/organization.json"))); err != nil {
			t.Fatal(err)
		}
		if b.Name != "Awesome Robotics Badge" || b.Issuer.Email != "contact@example.org" || b.Criteria.URL != "https://example.org/badgecriteria.json" {
			t.Errorf("after Complete: %q %+v %+v", b.Name, b.Issuer, b.Criteria)
		}
		if b.OB2.Issuer["publicKey"] != "http://example.org/key1.json" {
			t.Errorf("issuer node publicKey %v", b.OB2.Issuer["publicKey"])
		}
	})
	t.Run("baked 2.0 PNG", func(t *testing.T) {
		b := read(t, "ob20/simple-badge.png")
		if b.ID != "https://example.org/beths-robotics-badge.json" || !strings.HasPrefix(string(b.Payload), `{"@context":"https://w3id.org/openbadges/v2"`) {
			t.Errorf("id %q payload %.40s", b.ID, b.Payload)
		}
		if _, ok := MatchRecipient(b, nobody); !ok {
			t.Error("recipient")
		}
	})
	t.Run("2.0 signed JWS", func(t *testing.T) {
		b := read(t, "ob20/simple.jwt")
		if b.JWS == "" || b.OB2.Assertion["verification"].(map[string]any)["creator"] != "http://example.org/key1.json" {
			t.Errorf("JWS %v verification %v", b.JWS != "", b.OB2.Assertion["verification"])
		}
	})
	t.Run("2.0 embedded endorsements by URL", func(t *testing.T) {
		b := read(t, "ob20/assertion-with-endorsements.json")
		var urls []string
		for _, e := range b.Endorsements {
			urls = append(urls, e.On+" "+e.URL)
		}
		want := "assertion https://example.org/endorsement-1.json,assertion https://example.org/endorsement-2.json," +
			"badgeclass https://example.org/endorsement-3.json,badgeclass https://example.org/endorsement-4.json"
		if strings.Join(urls, ",") != want {
			t.Errorf("endorsements %v", urls)
		}
	})
	t.Run("2.0 BadgeClass as input", func(t *testing.T) {
		b := read(t, "ob20/assets/badgeclass1.json")
		if b.Type != "BadgeClass" || b.OB2.Assertion != nil || b.OB2.BadgeClass == nil || b.Name == "" {
			t.Errorf("type %q assertion %v name %q", b.Type, b.OB2.Assertion, b.Name)
		}
	})
	t.Run("3.0 eddsa JSON", func(t *testing.T) {
		b := read(t, "ob30/simple.json")
		if b.Name != "Teamwork" || b.CredentialName != "Teamwork Badge" || b.Issuer.Name != "Example Corp" || b.OB3.VCDM != "2.0" {
			t.Errorf("%q %q %q %q", b.Name, b.CredentialName, b.Issuer.Name, b.OB3.VCDM)
		}
		if b.Criteria.Narrative == "" || b.Recipient.Identities[0].Type != "id" {
			t.Errorf("criteria %+v recipient %+v", b.Criteria, b.Recipient)
		}
	})
	t.Run("3.0 PNG and SVG carry the same credential", func(t *testing.T) {
		png, svg := read(t, "ob30/simple-json.png"), read(t, "ob30/simple-json.svg")
		if png.ID != svg.ID || png.Name != svg.Name || png.Issuer != svg.Issuer || png.Format != FormatPNG || svg.Format != FormatSVG {
			t.Errorf("png %+v\nsvg %+v", png, svg)
		}
	})
	t.Run("3.0 VC-JWT in PNG, VCDM 2.0 and 1.1", func(t *testing.T) {
		b := read(t, "ob30/simple-jwt.png")
		if b.OB3.JWTHeader["jwk"] == nil || b.JWS == "" || b.OB3.VCDM != "2.0" {
			t.Errorf("header %v", b.OB3.JWTHeader)
		}
		v1 := read(t, "ob30/simple-jwt_v1.svg")
		if v1.OB3.JWTClaims["vc"] == nil || v1.OB3.VCDM != "1.1" || v1.ID != "http://example.edu/credentials/3732" {
			t.Errorf("v1 claims %v VCDM %q id %q", v1.OB3.JWTClaims != nil, v1.OB3.VCDM, v1.ID)
		}
	})
	t.Run("3.0 complete credential", func(t *testing.T) {
		b := read(t, "ob30/complete.json")
		on := map[string]int{}
		for _, e := range b.Endorsements {
			on[e.On]++
			if len(e.Payload) == 0 || e.IssuerID == "" {
				t.Errorf("endorsement without payload or issuer: %+v", e)
			}
			if _, err := Read(e.Payload); err != nil {
				t.Errorf("endorsement payload does not read: %v", err)
			}
		}
		if on["credential"] != 1 || on["issuer"] != 1 || on["achievement"] != 1 {
			t.Errorf("endorsements by target %v", on)
		}
		if len(b.Alignments) != 2 || len(b.Evidence) != 2 || len(b.Tags) != 2 || b.AchievementType != "Degree" {
			t.Errorf("alignments %d evidence %d tags %v type %q", len(b.Alignments), len(b.Evidence), b.Tags, b.AchievementType)
		}
		if _, ok := MatchRecipient(b, []Identifier{{Type: "email", Value: "Somebody@gmail.com"}}); !ok {
			t.Error("plain identifier email should match")
		}
	})
}

// TestConformance_RebakeFixtures unbakes every fixture image, bakes its data
// into a fresh image of the same kind and reads back the same bytes.
func TestConformance_RebakeFixtures(t *testing.T) {
	t.Parallel()
	dir := conformanceDir(t)
	var images []string
	for _, pat := range []string{"ob20/*.png", "ob30/*.png", "ob30/*.svg"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		images = append(images, m...)
	}
	if len(images) < 7 {
		t.Fatalf("found only %d fixture images", len(images))
	}
	freshPNG := mustPNG(t, 3, 3)
	for _, p := range images {
		t.Run(filepath.Base(p), func(t *testing.T) {
			data, err := Unbake(mustRead(t, p))
			if err != nil {
				t.Fatal(err)
			}
			for _, img := range [][]byte{freshPNG, []byte(plainSVG), mustRead(t, p)} {
				out, err := Bake(img, data)
				if err != nil {
					t.Fatal(err)
				}
				again, err := Unbake(out)
				if err != nil {
					t.Fatal(err)
				}
				if string(again) != string(data) {
					t.Errorf("rebaked data differs (%d vs %d bytes)", len(again), len(data))
				}
			}
		})
	}
}
