package main

import (
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testOnlyModules are modules that only tests, the browser-test helpers
// and the development build (-tags dev) may use: none of them belongs in
// the binary that is deployed.
var testOnlyModules = []string{
	"github.com/oauth2-proxy/mockoidc", // the development sign-in's identity provider
	"github.com/chromedp/chromedp",     // browser tests
	"github.com/chromedp/cdproto",
	"github.com/PuerkitoBio/goquery", // handler and view tests
	"github.com/makiuchi-d/gozxing",  // reads QR codes back in tests
}

// goCommand builds with the go command the tests run under and without
// any -tags a developer may have put in GOFLAGS, which would make it a
// development build.
func goCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build the production binary with")
	}
	cmd := exec.Command(gobin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOFLAGS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GOFLAGS=-buildvcs=false")
	return cmd
}

func TestProductionBuild_HasNoTestOnlyModuleAndNoDevSignIn(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "satchel")
	// As task build does: no -tags dev.
	if out, err := goCommand(t, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if info.Main.Path != "github.com/satchel-backpack/satchel" || len(info.Deps) == 0 {
		t.Fatalf("build info names main module %q and %d modules: not the binary expected", info.Main.Path, len(info.Deps))
	}
	for _, s := range info.Settings {
		if s.Key == "-tags" && s.Value != "" {
			t.Fatalf("production binary built with -tags %s", s.Value)
		}
	}
	for _, d := range info.Deps {
		for _, m := range testOnlyModules {
			if d.Path == m {
				t.Errorf("the production binary contains %s %s, which only tests or a -tags dev build may use", d.Path, d.Version)
			}
		}
	}

	// Asked for the development sign-in by name, it refuses to start and
	// says how to get a build that has it.
	cmd := exec.Command(bin, "serve")
	cmd.Env = []string{"SATCHEL_ADDR=127.0.0.1:0", "SATCHEL_DATA_DIR=" + t.TempDir(), "SATCHEL_DEV_LOGIN=on"}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("production binary started with SATCHEL_DEV_LOGIN=on:\n%s", out)
	}
	if !strings.Contains(string(out), "SATCHEL_DEV_LOGIN") || !strings.Contains(string(out), "-tags dev") {
		t.Errorf("refusal does not name SATCHEL_DEV_LOGIN and -tags dev:\n%s", out)
	}
}
