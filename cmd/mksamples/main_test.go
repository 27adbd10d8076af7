package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun_WritesThenChecks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := run(dir, true); err == nil || !strings.Contains(err.Error(), "out of date") {
		t.Fatalf("check of an empty directory: %v, want out of date", err)
	}
	if err := run(dir, false); err != nil {
		t.Fatal(err)
	}
	if err := run(dir, true); err != nil {
		t.Fatalf("check after writing: %v", err)
	}
	// One changed byte is noticed.
	p := filepath.Join(dir, "data-analysis-with-python.json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-2] ^= 1
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(dir, true); err == nil {
		t.Fatal("check accepted a changed file")
	}
}
