package ldproof

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestCanonicalize_TestVectorMatchesByteForByte(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(conformanceDir(t), "vectors", "eddsa-rdfc-2022")
	signed := mustReadJSON(t, filepath.Join(dir, "signed-credential.json"))
	wantDoc := string(mustReadFile(t, filepath.Join(dir, "document-canon.txt")))
	wantProof := string(mustReadFile(t, filepath.Join(dir, "proof-canon.txt")))

	doc := withoutProof(signed)
	gotDoc, err := Canonicalize(doc)
	if err != nil {
		t.Fatal(err)
	}
	if gotDoc != wantDoc {
		t.Errorf("document canon differs\n got:\n%s\nwant:\n%s", gotDoc, wantDoc)
	}
	proofs := Proofs(signed)
	if len(proofs) != 1 {
		t.Fatalf("got %d proofs, want 1", len(proofs))
	}
	gotProof, err := Canonicalize(proofOptions(proofs[0], signed["@context"]))
	if err != nil {
		t.Fatal(err)
	}
	if gotProof != wantProof {
		t.Errorf("proof canon differs\n got:\n%s\nwant:\n%s", gotProof, wantProof)
	}
	if h := sha256.Sum256([]byte(gotDoc)); hex.EncodeToString(h[:]) != "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773" {
		t.Errorf("document hash %x", h)
	}
	if h := sha256.Sum256([]byte(gotProof)); hex.EncodeToString(h[:]) != "d34009cea0dbc1ca941e09dc01c8c9d3e3ce3c5b853f67ee44698dcea10f5d19" {
		t.Errorf("proof hash %x", h)
	}
}

func TestCanonicalize_RejectsUndefinedTerm(t *testing.T) {
	t.Parallel()
	doc := map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2"},
		"id":       "urn:uuid:1",
		"type":     []any{"VerifiableCredential"},
		"madeUp":   "x",
	}
	_, err := Canonicalize(doc)
	if !errors.Is(err, ErrJSONLD) {
		t.Fatalf("err = %v, want ErrJSONLD", err)
	}
}

func TestCanonicalize_RejectsUndefinedType(t *testing.T) {
	t.Parallel()
	doc := map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2"},
		"id":       "urn:uuid:1",
		"type":     []any{"VerifiableCredential", "NoSuchType"},
	}
	_, err := Canonicalize(doc)
	if !errors.Is(err, ErrJSONLD) || !strings.Contains(err.Error(), "NoSuchType") {
		t.Fatalf("err = %v, want ErrJSONLD naming NoSuchType", err)
	}
}

func TestCanonicalize_NeverFetchesUnknownContext(t *testing.T) {
	t.Parallel()
	doc := map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://example.com/context.json"},
		"id":       "urn:uuid:1",
		"type":     []any{"VerifiableCredential"},
	}
	_, err := Canonicalize(doc)
	if !errors.Is(err, ErrJSONLD) || !errors.Is(err, ErrUnknownContext) {
		t.Fatalf("err = %v, want ErrUnknownContext", err)
	}
}

func TestCanonicalize_HostileContextIsErrorNotPanic(t *testing.T) {
	t.Parallel()
	for _, ctx := range []any{
		map[string]any{"@protected": "yes", "a": "http://x/a"},
		map[string]any{"@vocab": 3},
		map[string]any{"a": map[string]any{"@id": 5}},
		42,
		[]any{nil, map[string]any{"@version": 2.0}},
	} {
		_, err := Canonicalize(map[string]any{"@context": ctx, "a": "b"})
		if err == nil {
			t.Errorf("context %v: no error", ctx)
		}
	}
	for _, raw := range []string{"", "{", "[1,2", "null", `{"@context": {"@import": 1}}`} {
		if _, err := Canonicalize([]byte(raw)); err == nil && raw != "null" {
			t.Errorf("%q: no error", raw)
		}
	}
}

// The cached-context path (context given as URLs) and json-gold's own path
// (an inline context) must give the same canonical form.
func TestCanonicalize_InlineContextMatchesCachedPath(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(conformanceDir(t), "vectors", "eddsa-rdfc-2022")
	doc := withoutProof(mustReadJSON(t, filepath.Join(dir, "signed-credential.json")))
	want := string(mustReadFile(t, filepath.Join(dir, "document-canon.txt")))
	ob, err := embeddedLoader{}.LoadDocument("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")
	if err != nil {
		t.Fatal(err)
	}
	doc["@context"] = []any{"https://www.w3.org/ns/credentials/v2", ob.Document.(map[string]any)["@context"]}
	if _, cached := contextKey(doc["@context"]); cached {
		t.Fatal("inline context should not take the cached path")
	}
	got, err := Canonicalize(doc)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("inline-context canon differs:\n%s", got)
	}
}

func TestCanonicalize_RejectsWhatRDFWouldDrop(t *testing.T) {
	t.Parallel()
	base := func() map[string]any {
		return map[string]any{
			"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
			"id":       "urn:uuid:1",
			"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
			"name":     "x",
		}
	}
	cases := map[string]func(map[string]any){
		"relative id":       func(d map[string]any) { d["id"] = "just-a-name" },
		"malformed http id": func(d map[string]any) { d["id"] = "https://exa mple.com/x" },
		"bad language tag":  func(d map[string]any) { d["name"] = map[string]any{"@value": "x", "@language": "not a tag"} },
		"absolute property": func(d map[string]any) { d["https://bad iri/p"] = "x" },
		"blank property":    func(d map[string]any) { d["_:hidden"] = "x" },
	}
	if _, err := Canonicalize(base()); err != nil {
		t.Fatalf("base document: %v", err)
	}
	for name, edit := range cases {
		d := base()
		edit(d)
		if _, err := Canonicalize(d); !errors.Is(err, ErrJSONLD) {
			t.Errorf("%s: err = %v, want ErrJSONLD", name, err)
		}
	}
}

func TestCanonicalize_NamesUndefinedProperties(t *testing.T) {
	t.Parallel()
	doc := map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":       "urn:uuid:1",
		"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
		"credentialSubject": map[string]any{
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id": "urn:uuid:2", "type": []any{"Achievement"}, "name": "n",
				"favouriteColour": "green",
			},
		},
		"evidence": []any{map[string]any{"type": []any{"Evidence"}, "name": "ok"}, map[string]any{"type": []any{"Evidence"}, "shoeSize": 9}},
	}
	_, err := Canonicalize(doc)
	if !errors.Is(err, ErrJSONLD) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{`"credentialSubject.achievement.favouriteColour"`, `"evidence[1].shoeSize"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if strings.Contains(err.Error(), `"evidence[0]`) {
		t.Errorf("error %q blames a defined property", err)
	}
}
