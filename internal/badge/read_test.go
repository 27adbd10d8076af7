package badge

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

const credential30 = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "name": "Teamwork credential",
  "issuer": {"id": "https://issuer.example/profile", "type": ["Profile"], "name": "Example Corp",
    "url": "https://issuer.example", "email": "hello@issuer.example", "phone": "+44 20 0000",
    "image": "https://issuer.example/logo.png"},
  "validFrom": "2024-01-01T00:00:00Z",
  "validUntil": "2034-01-01T00:00:00Z",
  "awardedDate": "2023-12-24T10:00:00Z",
  "credentialSubject": {
    "id": "mailto:Learner@Example.org",
    "type": ["AchievementSubject"],
    "narrative": "Led the team.",
    "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": true, "salt": "pepper",
      "identityHash": "sha256$00"}],
    "achievement": {
      "id": "https://issuer.example/achievements/teamwork",
      "type": ["Achievement"],
      "achievementType": "Badge",
      "name": "Teamwork",
      "description": "Works well with others.",
      "criteria": {"id": "https://issuer.example/criteria", "narrative": "Be **kind**."},
      "image": {"id": "https://issuer.example/teamwork.png", "type": "Image", "caption": "Two hands"},
      "alignment": [{"type": ["Alignment"], "targetName": "Collaboration", "targetUrl": "https://skills.example/collab", "targetType": "CFItem"}],
      "tag": ["soft skills"],
      "endorsement": [{"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:e1",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": {"id": "https://endorser.example", "type": ["Profile"], "name": "Endorser"},
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "https://issuer.example/achievements/teamwork", "type": ["EndorsementSubject"], "endorsementComment": "Solid"}}]
    }
  },
  "evidence": [{"id": "https://issuer.example/evidence/1", "type": ["Evidence"], "name": "Report", "genre": "Research"}]
}`

func TestRead_DetectsFormatAndVersion(t *testing.T) {
	t.Parallel()
	pngWithBadge := insertChunk(mustPNG(t, 4, 4), "iTXt", itxt("openbadges", false, assertion20))
	svgWithBadge := []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://issuer.example/assertions/1"><![CDATA[` + assertion20 + `]]></openbadges:assertion></svg>`)
	jws20 := jws(t, map[string]any{"alg": "RS256"}, map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "urn:uuid:1",
		"recipient": map[string]any{"type": "email", "identity": "a@b.example"}, "badge": "https://issuer.example/b",
		"issuedOn": "2020-01-01T00:00:00Z", "verification": map[string]any{"type": "SignedBadge", "creator": "https://issuer.example/key"}})
	vcJWT := jws(t, map[string]any{"alg": "ES256"}, map[string]any{
		"iss": "https://issuer.example/profile", "jti": "urn:uuid:x", "nbf": 1700000000,
		"vc": map[string]any{"@context": []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
			"id": "urn:uuid:x", "type": []any{"VerifiableCredential", "AchievementCredential"}, "issuer": "https://issuer.example/profile",
			"issuanceDate": "2023-11-14T22:13:20Z", "credentialSubject": map[string]any{"id": "https://learner.example", "achievement": map[string]any{"name": "Cooking"}}}})

	tests := []struct {
		name    string
		in      []byte
		format  Format
		version Version
		typ     string
		badge   string
	}{
		{"2.0 JSON", []byte(assertion20), FormatJSON, V2_0, "Assertion", "Robotics"},
		{"JSON with BOM and blank lines", []byte("\ufeff\n  " + assertion20 + "\n\n"), FormatJSON, V2_0, "Assertion", "Robotics"},
		{"3.0 JSON", []byte(credential30), FormatJSON, V3_0, "OpenBadgeCredential", "Teamwork"},
		{"2.0 signed JWS", []byte(jws20), FormatJWS, V2_0, "Assertion", ""},
		{"VC-JWT with vc claim", []byte(vcJWT + "\n"), FormatJWS, V3_0, "AchievementCredential", "Cooking"},
		{"hosted URL", []byte(" https://issuer.example/assertions/1 \n"), FormatURL, "", "", ""},
		{"baked PNG", pngWithBadge, FormatPNG, V2_0, "Assertion", "Robotics"},
		{"baked SVG", svgWithBadge, FormatSVG, V2_0, "Assertion", "Robotics"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Read(tc.in)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if b.Format != tc.format || b.Version != tc.version || b.Type != tc.typ || b.Name != tc.badge {
				t.Errorf("got format %q version %q type %q name %q, want %q %q %q %q",
					b.Format, b.Version, b.Type, b.Name, tc.format, tc.version, tc.typ, tc.badge)
			}
			if !bytes.Equal(b.Original, tc.in) {
				t.Error("Original is not the exact input")
			}
		})
	}
}

func TestRead_JWSPayloadForms(t *testing.T) {
	t.Parallel()
	cred := map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":       "urn:uuid:c", "type": []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer": "did:example:issuer", "validFrom": "2024-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:example:learner"},
		"iss":               "did:example:issuer", "jti": "urn:uuid:c",
	}
	whole := jws(t, map[string]any{"alg": "EdDSA", "kid": "did:example:issuer#k"}, cred)
	b, err := Read([]byte(whole))
	if err != nil {
		t.Fatal(err)
	}
	if b.JWS != whole || b.OB3 == nil || b.OB3.VCDM != "2.0" || b.OB3.JWTHeader["kid"] != "did:example:issuer#k" ||
		b.OB3.JWTClaims["iss"] != "did:example:issuer" || b.ID != "urn:uuid:c" {
		t.Errorf("VCDM 2.0 JWT: got JWS=%v OB3=%+v id=%q", b.JWS == whole, b.OB3, b.ID)
	}

	vcPayload := `{"iss":"did:example:issuer","vc":{"@context":["https://www.w3.org/2018/credentials/v1"],"id":"urn:uuid:v","type":["VerifiableCredential","OpenBadgeCredential"],"issuer":"did:example:issuer","issuanceDate":"2020-01-01T00:00:00Z","credentialSubject":{"id":"did:example:l"}}}`
	tok := "eyJhbGciOiJSUzI1NiJ9." + b64(vcPayload) + ".c2ln"
	b, err = Read([]byte(tok))
	if err != nil {
		t.Fatal(err)
	}
	wantVC := vcPayload[strings.Index(vcPayload, `{"@context"`) : len(vcPayload)-1]
	if string(b.Payload) != wantVC {
		t.Errorf("Payload should be the exact vc claim:\n got %s\nwant %s", b.Payload, wantVC)
	}
	if b.OB3.VCDM != "1.1" || !b.IssuedOn.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("VCDM %q issued %v", b.OB3.VCDM, b.IssuedOn)
	}
}

func b64(s string) string {
	return strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(stdB64(s)), "=")
}

func TestRead_Errors(t *testing.T) {
	t.Parallel()
	plainPNG := mustPNG(t, 4, 4)
	badCRC := insertChunk(plainPNG, "iTXt", itxt("openbadges", false, assertion20))
	badCRC[len(pngSignature)+12+13+20] ^= 0xff // inside the iTXt data

	xxe := `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion>&xxe;</openbadges:assertion></svg>`
	laughs := `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><text>&b;</text></svg>`

	tests := []struct {
		name      string
		in        []byte
		want      error // ErrNotBadge, ErrNoBadgeData, or nil for *MalformedError
		mentions  string
		malformed bool
	}{
		{"empty", nil, ErrNotBadge, "not an Open Badge", false},
		{"prose", []byte("hello there"), ErrNotBadge, "", false},
		{"JSON array", []byte(`[{"a":1}]`), ErrNotBadge, "", false},
		{"unrelated JSON", []byte(`{"name":"not a badge"}`), ErrNotBadge, "", false},
		{"ftp URL", []byte("ftp://issuer.example/a.json"), ErrNotBadge, "", false},
		{"broken JSON", []byte(`{"@context": "https://w3id.org/openbadges/v2",`), nil, "not valid JSON", true},
		{"JSON with trailing data", []byte(`{"@context":"https://w3id.org/openbadges/v2"} {}`), nil, "not valid JSON", true},
		{"JWS with non-JSON payload", []byte("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln"), nil, "content is not a JSON object", true},
		{"JWS with bad header", []byte("e30x.e30.c2ln"), nil, "header", true},
		{"JWS of something else", []byte("eyJhbGciOiJSUzI1NiJ9.eyJmb28iOjF9.c2ln"), ErrNotBadge, "", false},
		{"PNG without badge", plainPNG, ErrNoBadgeData, "phone", false},
		{"PNG truncated", plainPNG[:len(plainPNG)-20], nil, "cut short", true},
		{"PNG bad checksum", badCRC, nil, "damaged", true},
		{"PNG compressed badge", insertChunk(plainPNG, "iTXt", itxt("openbadges", true, "x")), nil, "compressed", true},
		{"PNG empty badge", insertChunk(plainPNG, "iTXt", itxt("openbadgecredential", false, "  ")), nil, "empty", true},
		{"PNG with garbage badge", insertChunk(plainPNG, "iTXt", itxt("openbadges", false, "not a badge")), nil, "not badge JSON", true},
		{"PNG with broken JSON badge", insertChunk(plainPNG, "iTXt", itxt("openbadges", false, "{oops")), nil, "badge data inside it is damaged", true},
		{"SVG without badge", []byte(plainSVG), ErrNoBadgeData, "phone", false},
		{"SVG external entity", []byte(xxe), nil, "entities", true},
		{"SVG entity expansion", []byte(laughs), nil, "entities", true},
		{"SVG in Latin-1", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><svg/>`), nil, "UTF-8", true},
		{"angle brackets", []byte(`<https://issuer.example/a>`), ErrNotBadge, "", false},
		{"XML that is not SVG", []byte(`<html><body/></html>`), ErrNotBadge, "", false},
		{"SVG not well-formed", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><g></svg>`), nil, "well-formed", true},
		{"SVG without badge namespace is not parsed past the root", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><g>&undefined;</svg>`), ErrNoBadgeData, "phone", false},
		{"SVG empty badge element", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion/></svg>`), nil, "empty", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Read(tc.in)
			if err == nil {
				t.Fatalf("Read succeeded (%+v), want an error", b)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			var m *MalformedError
			if errors.As(err, &m) != tc.malformed {
				t.Errorf("MalformedError = %v, want %v (%v)", !tc.malformed, tc.malformed, err)
			}
			if !strings.Contains(err.Error(), tc.mentions) {
				t.Errorf("message %q should mention %q", err.Error(), tc.mentions)
			}
			if strings.Contains(err.Error(), "root:") {
				t.Error("an external entity was resolved")
			}
		})
	}
}

func TestRead_PNGChunkChoice(t *testing.T) {
	t.Parallel()
	base := mustPNG(t, 4, 4)
	legacy := `{"recipient":"learner@example.org","badge":{"name":"Old","issuer":{"origin":"https://old.example","name":"Old Org"}}}`
	tests := []struct {
		name string
		img  []byte
		want string
	}{
		{"legacy tEXt in Latin-1", insertChunk(base, "tEXt", append([]byte("openbadges\x00"), "https://issuer.example/caf\xe9"...)), "https://issuer.example/café"},
		{"legacy tEXt", insertChunk(base, "tEXt", append([]byte("openbadges\x00"), "https://issuer.example/a/1"...)), "https://issuer.example/a/1"},
		{"first iTXt wins", insertChunk(insertChunk(base, "iTXt", itxt("openbadges", false, "https://second.example/a")), "iTXt", itxt("openbadgecredential", false, "https://first.example/a")), "https://first.example/a"},
		{"iTXt preferred over earlier tEXt", insertChunk(insertChunk(base, "iTXt", itxt("openbadges", false, "https://itxt.example/a")), "tEXt", []byte("openbadges\x00"+legacy)), "https://itxt.example/a"},
		{"other keywords ignored", insertChunk(insertChunk(base, "iTXt", itxt("openbadges", false, "https://badge.example/a")), "iTXt", itxt("Comment", false, "https://not.example")), "https://badge.example/a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Unbake(tc.img)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("Unbake = %q, want %q", got, tc.want)
			}
			b, err := Read(tc.img)
			if err != nil {
				t.Fatal(err)
			}
			if !b.IsPointer() || b.URL != tc.want || b.Format != FormatPNG {
				t.Errorf("Read: pointer=%v URL=%q format=%q", b.IsPointer(), b.URL, b.Format)
			}
		})
	}
}

func TestRead_SVGPrefersCDATAThenVerify(t *testing.T) {
	t.Parallel()
	jwsText := jws(t, map[string]any{"alg": "RS256"}, map[string]any{"@context": "https://w3id.org/openbadges/v2",
		"type": "Assertion", "id": "urn:uuid:s", "recipient": map[string]any{"type": "email", "identity": "a@b.example"}, "badge": "https://issuer.example/b"})
	tests := []struct {
		name, svg string
		format    Format
		wantID    string
		wantJWS   bool
	}{
		{"CDATA over verify", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://elsewhere.example/x"><![CDATA[` + assertion20 + `]]></openbadges:assertion></svg>`, FormatSVG, "https://issuer.example/assertions/1", false},
		{"verify JWS", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="` + jwsText + `"></openbadges:assertion></svg>`, FormatSVG, "urn:uuid:s", true},
		{"3.0 namespace with DOCTYPE", `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><g><openbadges:credential>
<![CDATA[` + credential30 + `]]></openbadges:credential></g></svg>`, FormatSVG, "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002", false},
		{"other prefix bound to the namespace", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="http://openbadges.org"><ob:assertion verify="https://issuer.example/assertions/9"/></svg>`, FormatSVG, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Read([]byte(tc.svg))
			if err != nil {
				t.Fatal(err)
			}
			if b.Format != tc.format || b.ID != tc.wantID || (b.JWS != "") != tc.wantJWS {
				t.Errorf("format %q id %q JWS %v", b.Format, b.ID, b.JWS != "")
			}
			if tc.wantID == "" && b.URL != "https://issuer.example/assertions/9" {
				t.Errorf("URL %q", b.URL)
			}
		})
	}
}
