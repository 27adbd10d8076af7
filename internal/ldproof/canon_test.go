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
