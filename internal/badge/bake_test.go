package badge

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"strings"
	"testing"
)

// badgeChunks lists the badge chunks of a PNG in order, with their index
// among all chunks.
func badgeChunks(t *testing.T, img []byte) (kinds []string, index []int, flags []byte) {
	t.Helper()
	i := 0
	err := walkPNG(img, func(c pngChunk) bool {
		if isBadgeChunk(c) {
			k := bytes.IndexByte(c.data, 0)
			kinds = append(kinds, c.typ+":"+string(c.data[:k]))
			index = append(index, i)
			if c.typ == "iTXt" {
				flags = append(flags, c.data[k+1])
			}
		}
		i++
		return false
	})
	if err != nil {
		t.Fatal(err)
	}
	return
}

func bakeInputs(t *testing.T) []struct {
	name, data, keyword string
	version             Version
	svgElem, svgNS      string
	inCDATA             bool
} {
	jws20 := jws(t, map[string]any{"alg": "RS256"}, map[string]any{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
		"id": "urn:uuid:1", "recipient": map[string]any{"type": "email", "identity": "a@b.example"}, "badge": "https://i.example/b"})
	vcjwt := jws(t, map[string]any{"alg": "RS256"}, map[string]any{"vc": map[string]any{
		"@context": []any{"https://www.w3.org/2018/credentials/v1"}, "type": []any{"VerifiableCredential", "OpenBadgeCredential"}}})
	return []struct {
		name, data, keyword string
		version             Version
		svgElem, svgNS      string
		inCDATA             bool
	}{
		{"2.0 JSON", assertion20, "openbadges", V2_0, "assertion", nsOB2, true},
		{"3.0 JSON", credential30, "openbadgecredential", V3_0, "credential", nsOB3, true},
		{"2.0 JWS", jws20, "openbadges", V2_0, "assertion", nsOB2, false},
		{"3.0 VC-JWT", vcjwt, "openbadgecredential", V3_0, "credential", nsOB3, false},
		{"hosted URL", "https://issuer.example/assertions/7", "openbadges", "", "assertion", nsOB2, false},
		{"1.0 JSON", `{"uid":"1","recipient":{"type":"email","identity":"a@b.example"},"badge":"https://i.example/b","verify":{"type":"hosted","url":"https://i.example/a"}}`, "openbadges", V1_0, "assertion", nsOB2, true},
	}
}

func TestBakePNG_RoundTrip(t *testing.T) {
	t.Parallel()
	base := mustPNG(t, 8, 8)
	for _, tc := range bakeInputs(t) {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Bake(base, []byte("\n"+tc.data+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Unbake(out)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.data {
				t.Errorf("Unbake gave different bytes:\n got %q\nwant %q", got, tc.data)
			}
			kinds, index, flags := badgeChunks(t, out)
			if len(kinds) != 1 || kinds[0] != "iTXt:"+tc.keyword || index[0] != 1 || flags[0] != 0 {
				t.Errorf("badge chunks %v at %v flags %v; want one uncompressed iTXt:%s right after IHDR", kinds, index, flags, tc.keyword)
			}
			b, err := Read(out)
			if err != nil {
				t.Fatal(err)
			}
			if b.Format != FormatPNG || b.Version != tc.version {
				t.Errorf("read back format %q version %q", b.Format, b.Version)
			}
			// The picture itself is untouched.
			a, _ := png.Decode(bytes.NewReader(base))
			c, err := png.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("baked PNG no longer decodes: %v", err)
			}
			if a.At(3, 5) != c.At(3, 5) || a.Bounds() != c.Bounds() {
				t.Error("pixels changed")
			}
		})
	}
}

func TestBakePNG_ReplacesEarlierBadgeData(t *testing.T) {
	t.Parallel()
	base := mustPNG(t, 8, 8)
	old := insertChunk(base, "tEXt", []byte("openbadges\x00https://old.example/a"))
	old = insertChunk(old, "zTXt", []byte("openbadges\x00\x00xx"))
	old = insertChunk(old, "tEXt", []byte("Comment\x00keep me"))
	once, err := Bake(old, []byte(assertion20))
	if err != nil {
		t.Fatal(err)
	}
	twice, err := Bake(once, []byte(credential30))
	if err != nil {
		t.Fatal(err)
	}
	kinds, _, _ := badgeChunks(t, twice)
	if len(kinds) != 1 || kinds[0] != "iTXt:openbadgecredential" {
		t.Errorf("badge chunks %v", kinds)
	}
	if !bytes.Contains(twice, []byte("Comment\x00keep me")) {
		t.Error("an unrelated text chunk was removed")
	}
	got, _ := Unbake(twice)
	if string(got) != credential30 {
		t.Error("second bake not read back")
	}
}

func TestBakeSVG_RoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range bakeInputs(t) {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Bake([]byte(plainSVG), []byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Unbake(out)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.data {
				t.Errorf("Unbake gave different bytes:\n got %q\nwant %q", got, tc.data)
			}
			root, elems := svgStructure(t, out)
			if root["openbadges"] != tc.svgNS {
				t.Errorf("root xmlns:openbadges = %q, want %q", root["openbadges"], tc.svgNS)
			}
			if len(elems) != 1 || elems[0].Name.Space != tc.svgNS || elems[0].Name.Local != tc.svgElem {
				t.Fatalf("badge elements %+v", elems)
			}
			if strings.Contains(string(out), "<![CDATA[") != tc.inCDATA {
				t.Errorf("CDATA present = %v, want %v", !tc.inCDATA, tc.inCDATA)
			}
			if !tc.inCDATA && attr(elems[0], "verify") != tc.data {
				t.Errorf("verify = %q", attr(elems[0], "verify"))
			}
			if tc.name == "2.0 JSON" && attr(elems[0], "verify") != "https://issuer.example/assertions/1" {
				t.Errorf("hosted 2.0 JSON should name its id in verify, got %q", attr(elems[0], "verify"))
			}
			if !strings.Contains(string(out), `<circle cx="5" cy="5" r="4" fill="teal"/>`) {
				t.Error("drawing changed")
			}
		})
	}
}

// svgStructure parses out and returns the root's namespace declarations
// (prefix → URI) and its badge elements.
func svgStructure(t *testing.T, out []byte) (map[string]string, []xml.StartElement) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(out))
	d.Strict = true
	root := map[string]string{}
	var elems []xml.StartElement
	first := true
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return root, elems
			}
			t.Fatalf("baked SVG is not well-formed: %v\n%s", err, out)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if first {
				for _, a := range se.Attr {
					if a.Name.Space == "xmlns" {
						root[a.Name.Local] = a.Value
					}
				}
				first = false
			}
			if isBadgeElement(se.Name) {
				elems = append(elems, se.Copy())
			}
		}
	}
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func TestBakeSVG_ReplacesEarlierBadgeAndNamespace(t *testing.T) {
	t.Parallel()
	old := `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges='http://openbadges.org' width="2"><openbadges:assertion verify="https://old.example/a"/><rect width="1" height="1"/><g><openbadges:assertion><![CDATA[{"old":true}]]></openbadges:assertion></g></svg>`
	out, err := Bake([]byte(old), []byte(credential30))
	if err != nil {
		t.Fatal(err)
	}
	root, elems := svgStructure(t, out)
	if root["openbadges"] != nsOB3 || len(elems) != 1 || elems[0].Name.Local != "credential" {
		t.Errorf("namespace %q elements %+v\n%s", root["openbadges"], elems, out)
	}
	if strings.Contains(string(out), "old.example") || strings.Contains(string(out), `"old":true`) {
		t.Error("earlier badge data left behind")
	}
	if !strings.Contains(string(out), `<rect width="1" height="1"/><g></g></svg>`) || !strings.Contains(string(out), `width="2"`) {
		t.Errorf("drawing or root attributes changed:\n%s", out)
	}
}

func TestBakeSVG_EdgeCases(t *testing.T) {
	t.Parallel()
	tricky := `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"urn:uuid:t","narrative":"a ]]> b & <c>",` +
		`"recipient":{"type":"email","identity":"a@b.example"},"badge":"https://i.example/b"}`
	tests := []struct{ name, svg, data, want string }{
		{"CDATA terminator inside JSON", plainSVG, tricky, tricky},
		{"self-closing root", `<svg xmlns="http://www.w3.org/2000/svg" />`, assertion20, assertion20},
		{"prefixed self-closing root", `<s:svg xmlns:s="http://www.w3.org/2000/svg"/>`, assertion20, assertion20},
		{"CRLF normalised", plainSVG, "{\r\n\"@context\":\"https://w3id.org/openbadges/v2\",\"type\":\"Assertion\",\"recipient\":{\"type\":\"email\",\"identity\":\"a@b.example\"},\"badge\":\"https://i.example/b\"\r\n}",
			"{\n\"@context\":\"https://w3id.org/openbadges/v2\",\"type\":\"Assertion\",\"recipient\":{\"type\":\"email\",\"identity\":\"a@b.example\"},\"badge\":\"https://i.example/b\"\n}"},
		{"URL with ampersand in verify", plainSVG, "https://i.example/a?x=1&y=2", "https://i.example/a?x=1&y=2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Bake([]byte(tc.svg), []byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			svgStructure(t, out)
			got, err := Unbake(out)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestBake_Errors(t *testing.T) {
	t.Parallel()
	base := mustPNG(t, 2, 2)
	damaged := bytes.Clone(base)
	damaged[len(damaged)-1] ^= 1
	tests := []struct {
		name      string
		img, data []byte
		want      error
	}{
		{"data is not a badge", base, []byte("hello"), ErrNotBadge},
		{"JSON that is not a badge", base, []byte(`{"a":1}`), ErrNotBadge},
		{"image is not PNG or SVG", []byte("GIF89a...."), []byte(assertion20), nil},
		{"damaged PNG", damaged, []byte(assertion20), nil},
		{"SVG with entities", []byte(`<!DOCTYPE svg [<!ENTITY e "x">]><svg>&e;</svg>`), []byte(assertion20), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Bake(tc.img, tc.data)
			if err == nil {
				t.Fatalf("Bake succeeded (%d bytes)", len(out))
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := Unbake([]byte("GIF89a")); !errors.Is(err, ErrNotBadge) {
		t.Errorf("Unbake of a GIF: %v", err)
	}
}
