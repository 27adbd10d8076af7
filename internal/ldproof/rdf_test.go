package ldproof

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"
)

// TestToRDFMatchesJSONGold checks that toRDF gives the statements
// json-gold's ToRDF gives, canonicalized, for every JSON document of the
// conformance folder and for documents that exercise each kind of value
// (including ones json-gold drops as invalid).
func TestToRDFMatchesJSONGold(t *testing.T) {
	t.Parallel()
	docs := map[string]string{}
	inline := []string{
		`{"@context": {"@vocab": "http://e/"}, "@id": "http://e/s", "b": true, "f": 1.5, "i": 3, "s": "x", "l": {"@value": "hi", "@language": "en"}}`,
		`{"@context": {"@vocab": "http://e/", "d": {"@type": "http://www.w3.org/2001/XMLSchema#double"}, "t": {"@type": "http://e/T"}}, "d": 2, "t": "v", "u": {"@value": true, "@type": "http://e/B"}, "n": {"@value": 4, "@type": "http://e/N"}}`,
		`{"@context": {"@vocab": "http://e/", "l": {"@container": "@list"}}, "l": [1, "a", {"@id": "http://e/o"}, [], {"@list": []}], "e": {"@list": []}}`,
		`{"@context": {"@vocab": "http://e/", "j": {"@type": "@json"}}, "j": {"b": [1, 2], "a": null}, "k": {"@value": true, "@type": "@json"}}`,
		`{"@context": {"@vocab": "http://e/"}, "@id": "http://e/s", "@type": ["http://-x-/T", "T"], "p": {"@id": "http://e/x y"}, "q": {"@value": "v", "@language": "not a tag"}, "r": {"@value": "v", "@type": "http://e/bad type"}, "bad key": "x", "ok": "x"}`,
		`{"@context": {"@vocab": "http://e/"}, "@id": "http://.e/", "p": "x"}`,
		`{"@context": {"@vocab": "http://e/"}, "@id": "http://e/g y", "@graph": {"@id": "http://e/s", "p": "x"}}`,
		`{"@context": {"@vocab": "http://e/"}, "@graph": [{"@id": "_:a", "p": {"@id": "_:b"}}, {"@id": "http://e/g", "@graph": {"@id": "_:c", "p": "v"}}]}`,
		`{"@context": {"@vocab": "http://e/", "rel": "relative/"}, "@id": "relative", "p": {"@id": "rel"}, "@type": "relative"}`,
		`{"@context": {"@vocab": "http://e/", "r": {"@reverse": "http://e/has"}}, "@id": "http://e/a", "r": {"@id": "http://e/b"}}`,
	}
	// Documents whose statements json-gold partly drops as invalid, with
	// how many it keeps: the type T and "ok" only; then none.
	keptStatements := map[string]int{inline[4]: 2, inline[5]: 0, inline[6]: 0}
	for i, s := range inline {
		docs["inline"+string(rune('0'+i))] = s
	}
	if dir := conformanceDirIfAny(t); dir != "" {
		_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || !strings.HasSuffix(p, ".json") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil || !json.Valid(b) {
				return nil
			}
			docs[p] = string(b)
			return nil
		})
	}
	compared := 0
	for name, s := range docs {
		v, err := decodeJSON([]byte(s))
		if err != nil {
			continue
		}
		opts := newOptions()
		// Expand without Satchel's own checks and without SafeMode, so
		// that what json-gold drops as invalid reaches the conversion too.
		opts.SafeMode = false
		expanded, err := safeExpand(v, opts)
		if err != nil {
			continue
		}
		want, wantErr := ld.NewJsonLdApi().ToRDF(expanded, opts)
		got, err := toRDF(expanded, opts)
		if err != nil || wantErr != nil {
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("%s: error %v, json-gold %v", name, err, wantErr)
			}
			continue
		}
		if g, w := quadCount(got), quadCount(want); g != w {
			t.Errorf("%s: %d statements, json-gold %d", name, g, w)
		}
		if n, ok := keptStatements[s]; ok && quadCount(want) != n {
			t.Errorf("%s: json-gold kept %d statements, want %d", name, quadCount(want), n)
		}
		if g, w := canonText(got), canonText(want); g != w {
			t.Errorf("%s: canonical form differs\n got:\n%s\nwant:\n%s", name, g, w)
		}
		compared++
	}
	if compared < len(inline) {
		t.Fatalf("only %d documents compared", compared)
	}
	t.Logf("%d documents compared", compared)
}

func conformanceDirIfAny(t *testing.T) string {
	dir := os.Getenv("SATCHEL_CONFORMANCE_DIR")
	if dir == "" {
		dir = filepath.Join(repoRoot(t), "..", "shared", "conformance")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return ""
	}
	return dir
}

func safeExpand(v any, opts *ld.JsonLdOptions) (out []any, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, ErrJSONLD
		}
	}()
	return ld.NewJsonLdProcessor().Expand(v, opts)
}

func quadCount(ds *ld.RDFDataset) int {
	n := 0
	for _, qs := range ds.Graphs {
		n += len(qs)
	}
	return n
}

func canonText(ds *ld.RDFDataset) string {
	var b strings.Builder
	writeNQuads(&b, normalize(ds))
	return b.String()
}

// TestValidIRICache: cached answers are json-gold's, also once the cache
// has filled and started afresh, for long IRIs and from many goroutines.
func TestValidIRICache(t *testing.T) {
	t.Parallel()
	iris := []string{
		"https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement",
		"http://e/x y", "http://-x-/", "https://a_b.c/", "http://.e/",
		"http://localhost/x", "urn:uuid:1", "did:key:z6Mk",
		"https://e/" + strings.Repeat("a", maxCachedIRILen),
		"https://e/" + strings.Repeat("a", 2100),
	}
	check := func() {
		for _, s := range iris {
			want := !(strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")) || ld.IsURL(s)
			if got := validIRI(s); got != want {
				t.Errorf("validIRI(%.40q) = %v, want %v", s, got, want)
			}
		}
	}
	check()
	check() // from the cache
	first := iriCache.Load()
	for i := 0; i <= maxIRICache; i++ {
		validIRI(fmt.Sprintf("https://e/%d", i))
	}
	if iriCache.Load() == first {
		t.Error("the cache did not start afresh when full")
	}
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; i < 2*maxIRICache/4; i++ {
				validIRI(fmt.Sprintf("https://e/%d/%d", g, i))
			}
			done <- true
		}()
	}
	check()
	for g := 0; g < 4; g++ {
		<-done
	}
	check()
}

// FuzzToRDFMatchesJSONGold: for any document json-gold can expand, toRDF
// gives json-gold's statements, or the same error, or panics where it does.
func FuzzToRDFMatchesJSONGold(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := decodeJSON(data)
		if err != nil || checkSize(v) != nil {
			return
		}
		opts := newOptions()
		opts.SafeMode = false
		expanded, err := safeExpand(v, opts)
		if err != nil {
			return
		}
		want, wantPanic, wantErr := toRDFOrPanic(func() (*ld.RDFDataset, error) { return ld.NewJsonLdApi().ToRDF(expanded, opts) })
		got, gotPanic, err := toRDFOrPanic(func() (*ld.RDFDataset, error) { return toRDF(expanded, opts) })
		if gotPanic != wantPanic {
			t.Fatalf("panic %v, json-gold panic %v", gotPanic, wantPanic)
		}
		if gotPanic {
			return
		}
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("error %v, json-gold %v", err, wantErr)
		}
		if err != nil || checkComplexity(want) != nil {
			return
		}
		if g, w := quadCount(got), quadCount(want); g != w {
			t.Fatalf("%d statements, json-gold %d", g, w)
		}
		if g, w := canonText(got), canonText(want); g != w {
			t.Fatalf("canonical form differs\n got:\n%s\nwant:\n%s", g, w)
		}
	})
}

func toRDFOrPanic(f func() (*ld.RDFDataset, error)) (ds *ld.RDFDataset, panicked bool, err error) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	ds, err = f()
	return ds, false, err
}
