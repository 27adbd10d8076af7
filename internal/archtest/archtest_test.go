package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/satchel-backpack/satchel"

// A rule forbids the packages that from matches, other than those in
// except, to import what deny matches. Patterns are module-relative
// ("store", "internal") or full import paths ("net/http"); a pattern
// matches that package and everything below it, and "*" matches every
// package. An import inside the importer's own tree (web/x from web) is
// never forbidden.
type rule struct {
	from   string
	except []string
	deny   []string
	why    string
}

// rules are ARCHITECTURE.md's, for the code that ships (tests may reach
// further, e.g. a command's end-to-end test).
var rules = []rule{
	{from: "*", deny: []string{"cmd"},
		why: "cmd holds the programs: nothing imports them"},
	{from: "*", except: []string{"cmd"}, deny: []string{"web"},
		why: "only cmd wires the web server"},
	{from: "store", deny: []string{"views", "internal/backpack"},
		why: "store sits below the use cases and the pages: it may import only internal/… domain packages"},
	{from: "internal", except: []string{"internal/backpack"}, deny: []string{"views", "store", "internal/backpack"},
		why: "internal/… domain packages know nothing of pages, storage or use cases"},
	{from: "internal/backpack", deny: []string{"views", "net/http", "github.com/labstack/echo", "github.com/gorilla/sessions", "github.com/markbates/goth"},
		why: "use cases hold no HTTP and no pages: web reads the request and renders"},
	{from: "views", deny: []string{"store", "github.com/labstack/echo"},
		why: "views render view models: they never see the router or the database"},
	{from: "static", deny: []string{"views", "store", "internal"},
		why: "static is files, embedded"},
	{from: "internal/obapi", deny: []string{"github.com/labstack/echo", "github.com/gorilla/sessions", "github.com/markbates/goth", "github.com/zitadel/oidc"},
		why: "internal/obapi builds the Open Badges API's documents and decides its requests; web serves them and answers the authorization server's endpoints"},
	{from: "*", deny: []string{"internal/badgetest"},
		why: "internal/badgetest makes test keys and badges: only _test.go files import it"},
}

// pkg is one package as go list reports it.
type pkg struct {
	ImportPath string
	Imports    []string
}

// rel is p relative to the module ("web"), or p itself outside it.
func rel(p string) string {
	if p == module {
		return "."
	}
	return strings.TrimPrefix(p, module+"/")
}

func matches(pattern, p string) bool {
	return pattern == "*" || p == pattern || strings.HasPrefix(p, pattern+"/")
}

// violations lists every import in pkgs that a rule forbids.
func violations(pkgs []pkg) []string {
	var out []string
	for _, p := range pkgs {
		from := rel(p.ImportPath)
		for _, r := range rules {
			if !matches(r.from, from) || matchesAny(r.except, from) {
				continue
			}
			for _, imp := range p.Imports {
				to := rel(imp)
				for _, d := range r.deny {
					if matches(d, to) && !matches(d, from) {
						out = append(out, fmt.Sprintf("%s imports %s: %s", from, to, r.why))
					}
				}
			}
		}
	}
	return out
}

func matchesAny(patterns []string, p string) bool {
	for _, pat := range patterns {
		if matches(pat, p) {
			return true
		}
	}
	return false
}

// listPackages runs go list over the whole module, with extra flags such
// as -tags dev.
func listPackages(t *testing.T, flags ...string) []pkg {
	t.Helper()
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Skipf("no go command to list the packages with: %v", err)
	}
	args := append([]string{"list"}, flags...)
	args = append(args, "-json=ImportPath,Imports", "./...")
	cmd := exec.Command("go", args...)
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var pkgs []pkg
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestImports_FollowTheLayers(t *testing.T) {
	t.Parallel()
	// The production build and the development one (-tags dev) import
	// differently; both must keep the rules.
	for _, build := range []struct {
		name  string
		flags []string
	}{{"the production build", nil}, {"the -tags dev build", []string{"-tags", "dev"}}} {
		pkgs := listPackages(t, build.flags...)
		seen := map[string]bool{}
		for _, p := range pkgs {
			seen[rel(p.ImportPath)] = true
		}
		// A listing that lost the layers would pass every rule.
		for _, want := range []string{"cmd/satchel", "web", "views", "store", "internal/badge", "internal/verify"} {
			if !seen[want] {
				t.Fatalf("go list did not list %s in %s", want, build.name)
			}
		}
		for _, v := range violations(pkgs) {
			t.Errorf("in %s: %s", build.name, v)
		}
	}
}

// TestRules_CatchEachForbiddenImport feeds the rules made-up packages, so
// that a rule that stopped matching would be noticed before the code
// breaks it.
func TestRules_CatchEachForbiddenImport(t *testing.T) {
	t.Parallel()
	m := func(p string) string { return module + "/" + p }
	for _, tc := range []struct {
		from, imp string
		bad       bool
	}{
		{"store", m("web"), true},
		{"store", m("views"), true},
		{"store", m("internal/backpack"), true},
		{"store", m("internal/badge"), false},
		{"internal/verify", m("web"), true},
		{"internal/verify", m("views"), true},
		{"internal/verify", m("store"), true},
		{"internal/verify", m("cmd/satchel"), true},
		{"internal/verify", m("internal/backpack"), true},
		{"internal/verify", m("internal/badge"), false},
		{"internal/verify", "net/http", false},
		{"internal/backpack", m("store"), false},
		{"internal/backpack", m("internal/verify"), false},
		{"internal/backpack", m("web"), true},
		{"internal/backpack", "net/http", true},
		{"internal/backpack", "net/http/httptest", true},
		{"internal/backpack", "github.com/labstack/echo/v4", true},
		{"views", m("store"), true},
		{"views", "github.com/labstack/echo/v4", true},
		{"views", m("web"), true},
		{"views", m("views/components"), false},
		{"views", m("internal/markdown"), false},
		{"web", m("store"), false},
		{"web", m("views"), false},
		{"web", m("cmd/satchel"), true},
		{"web/paths", m("web"), false},
		{"cmd/satchel", m("web"), false},
		{"static", m("views"), true},
		{"web", m("internal/badgetest"), true},
		{"internal/verify", m("internal/badgetest"), true},
	} {
		got := violations([]pkg{{ImportPath: m(tc.from), Imports: []string{tc.imp}}})
		if (len(got) > 0) != tc.bad {
			t.Errorf("%s importing %s: violations %q, want forbidden=%v", tc.from, tc.imp, got, tc.bad)
		}
	}
}
