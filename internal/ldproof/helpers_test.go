package ldproof

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// conformanceDir returns the shared conformance folder: $SATCHEL_CONFORMANCE_DIR,
// else ../shared/conformance beside the repository root. When it is missing
// the test is skipped, except under CI=true where that is a failure.
func conformanceDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("SATCHEL_CONFORMANCE_DIR")
	if dir == "" {
		root := repoRoot(tb)
		dir = filepath.Join(root, "..", "shared", "conformance")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("conformance folder %s not found (set SATCHEL_CONFORMANCE_DIR)", dir)
		}
		tb.Skipf("conformance folder %s not found; set SATCHEL_CONFORMANCE_DIR", dir)
	}
	return dir
}

func repoRoot(tb testing.TB) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			tb.Fatalf("no go.mod above %s", wd)
		}
	}
}

func mustReadFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func mustReadJSON(tb testing.TB, path string) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(mustReadFile(tb, path), &m); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return m
}

func mustMarshal(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// proofOptions is the proof without proofValue, in the document's @context.
func proofOptions(p Proof, ctx any) map[string]any {
	return proofOptionsRaw(p.Raw, ctx)
}
