// Command mksamples writes the sample badges (see internal/samples) into
// static/samples. Run it from the repository root:
//
//	go run ./cmd/mksamples
//
// The output is deterministic; -check reports whether the files on disk
// are up to date instead of writing them.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/satchel-backpack/satchel/internal/samples"
)

func main() {
	dir := flag.String("out", samples.Dir, "directory to write the sample badges into")
	check := flag.Bool("check", false, "only check that the files in -out are up to date")
	flag.Parse()
	if err := run(*dir, *check); err != nil {
		fmt.Fprintln(os.Stderr, "mksamples:", err)
		os.Exit(1)
	}
}

func run(dir string, check bool) error {
	if !check {
		names, err := samples.Write(dir)
		if err != nil {
			return err
		}
		for _, n := range names {
			fmt.Println(filepath.Join(dir, n))
		}
		return nil
	}
	all, err := samples.Generate()
	if err != nil {
		return err
	}
	stale := 0
	for _, s := range all {
		have, err := os.ReadFile(filepath.Join(dir, s.File))
		if err != nil || !bytes.Equal(have, s.Data) {
			fmt.Fprintln(os.Stderr, "out of date:", filepath.Join(dir, s.File))
			stale++
		}
	}
	if stale > 0 {
		return fmt.Errorf("%d sample file(s) out of date; run go run ./cmd/mksamples", stale)
	}
	return nil
}
