package ldproof

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"
)

// TestCachedContextMatchesJSONGold: expanding with a cached (and trimmed)
// processed context gives exactly what json-gold's own expansion gives,
// result or error, for every conformance document whose @context is a list
// of embedded URLs and for documents that nullify the context or redefine
// its protected terms further down, which must stay refused.
func TestCachedContextMatchesJSONGold(t *testing.T) {
	t.Parallel()
	const ctx = `["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]`
	// Each must fail, on the cached path as on json-gold's.
	refused := map[string]string{
		"nullify in a node": `{"@context": ` + ctx + `, "type": ["VerifiableCredential"],
			"credentialSubject": {"@context": null, "id": "did:example:1"}}`,
		"nullify in a typed node": `{"@context": ` + ctx + `, "type": ["VerifiableCredential", "OpenBadgeCredential"],
			"credentialSubject": {"type": ["AchievementSubject"], "achievement": {"@context": [null], "type": ["Achievement"], "name": "x"}}}`,
		"redefine a protected term": `{"@context": ` + ctx + `, "type": ["VerifiableCredential"],
			"credentialSubject": {"@context": {"name": "http://example.com/other-name"}, "name": "x"}}`,
		"redefine a protected type": `{"@context": ` + ctx + `, "type": ["VerifiableCredential"],
			"credentialSubject": {"@context": {"Achievement": "http://example.com/Other"}, "type": "Achievement"}}`,
	}
	// Each must succeed: contexts added further down, terms left alone.
	allowed := map[string]string{
		"add a term in a node": `{"@context": ` + ctx + `, "type": ["VerifiableCredential"],
			"credentialSubject": {"@context": {"shoeSize": "http://example.com/shoeSize"}, "shoeSize": 9}}`,
		"same definition again": `{"@context": ` + ctx + `, "type": ["VerifiableCredential"],
			"credentialSubject": {"@context": "https://www.w3.org/ns/credentials/v2", "id": "did:example:1"}}`,
	}
	docs := map[string]string{}
	for name, s := range refused {
		docs[name] = s
	}
	for name, s := range allowed {
		docs[name] = s
	}
	if dir := conformanceDirIfAny(t); dir != "" {
		_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && strings.HasSuffix(p, ".json") {
				if b, err := os.ReadFile(p); err == nil && json.Valid(b) {
					docs[p] = string(b)
				}
			}
			return nil
		})
	}
	cached := 0
	for name, s := range docs {
		v, err := decodeJSON([]byte(s))
		if err != nil {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if _, ok := contextKey(m["@context"]); !ok {
			continue
		}
		cached++
		got, gotErr := expandRaw(v, newOptions())
		fresh, _ := decodeJSON([]byte(s))
		want, wantErr := ld.NewJsonLdProcessor().Expand(fresh, newOptions())
		if (gotErr == nil) != (wantErr == nil) || errorCode(gotErr) != errorCode(wantErr) {
			t.Errorf("%s: error %v, json-gold %v", name, gotErr, wantErr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: expansion differs from json-gold's", name)
		}
		if _, ok := refused[name]; ok && gotErr == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, ok := allowed[name]; ok && gotErr != nil {
			t.Errorf("%s: %v", name, gotErr)
		}
	}
	if cached < len(refused)+len(allowed) {
		t.Fatalf("only %d documents took the cached path", cached)
	}
	t.Logf("%d documents compared", cached)
}

func errorCode(err error) ld.ErrorCode {
	var lerr *ld.JsonLdError
	if errors.As(err, &lerr) {
		return lerr.Code
	}
	return ""
}
