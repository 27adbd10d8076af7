package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/static"
)

// builtPaths is one path from every fixed path and builder of
// internal/paths, by its name there.
var builtPaths = map[string]string{
	"Home":              paths.Home,
	"Healthz":           paths.Healthz,
	"Backpack":          paths.Backpack,
	"CollectionGroups":  paths.CollectionGroups,
	"Verify":            paths.Verify,
	"SignIn":            paths.SignIn,
	"DevSignIn":         paths.DevSignIn,
	"SignOut":           paths.SignOut,
	"Account":           paths.Account,
	"SignOutEverywhere": paths.SignOutEverywhere,
	"DeleteAccount":     paths.DeleteAccount,
	"Emails":            paths.Emails,
	"EmailConfirm":      paths.EmailConfirm,
	"ProfileEdit":       paths.ProfileEdit,
	"Export":            paths.Export,
	"ImportArchive":     paths.ImportArchive,
	"Outbox":            paths.Outbox,
	"Import":            paths.Import,
	"Collections":       paths.Collections,
	"CollectionsAdd":    paths.CollectionsAdd,
	"MastodonShare":     paths.MastodonShare,
	"OEmbed":            paths.OEmbed,

	"Image":                      paths.Image("h1"),
	"Badge":                      paths.Badge("b1"),
	"BadgeDownload":              paths.BadgeDownload("b1"),
	"BadgeBaked":                 paths.BadgeBaked("b1"),
	"BadgeCheck":                 paths.BadgeCheck("b1"),
	"BadgeDelete":                paths.BadgeDelete("b1"),
	"BadgeVisibility":            paths.BadgeVisibility("b1"),
	"BadgeCollections":           paths.BadgeCollections("b1"),
	"AuthStart":                  paths.AuthStart("github"),
	"AuthCallback":               paths.AuthCallback("github"),
	"Unlink":                     paths.Unlink("github"),
	"EmailRemove":                paths.EmailRemove(7),
	"Collection":                 paths.Collection("c1"),
	"CollectionEdit":             paths.CollectionEdit("c1"),
	"CollectionDelete":           paths.CollectionDelete("c1"),
	"CollectionVisibility":       paths.CollectionVisibility("c1"),
	"CollectionReplaceLink":      paths.CollectionReplaceLink("c1"),
	"CollectionAdd":              paths.CollectionAdd("c1"),
	"CollectionBadges":           paths.CollectionBadges("c1"),
	"CollectionMakeBadgesPublic": paths.CollectionMakeBadgesPublic("c1"),
	"CollectionMove":             paths.CollectionMove("c1", "b1"),
	"CollectionRemove":           paths.CollectionRemove("c1", "b1"),
	"UnlistedCollection":         paths.UnlistedCollection("t1"),
	"PublicProfile":              paths.PublicProfile("ada"),
	"PublicCollection":           paths.PublicCollection("ada", "work"),
	"PublicBadge":                paths.PublicBadge("ada", "b1"),
	"PublicBadgeVerify":          paths.PublicBadgeVerify("ada", "b1"),
	"ProfileShareImage":          paths.ProfileShareImage("ada"),
	"ProfileQRPNG":               paths.ProfileQRPNG("ada"),
	"ProfileQRSVG":               paths.ProfileQRSVG("ada"),
	"BadgeShareImage":            paths.BadgeShareImage("ada", "b1"),
	"BadgeQRPNG":                 paths.BadgeQRPNG("ada", "b1"),
	"BadgeQRSVG":                 paths.BadgeQRSVG("ada", "b1"),
	"EmbedBadge":                 paths.EmbedBadge("ada", "b1"),
	"EmbedCollection":            paths.EmbedCollection("ada", "work"),
	"EmbedSignature":             paths.EmbedSignature("ada"),
}

// TestPaths_BuildersAndRoutesAgree: every path internal/paths builds is
// served by a registered route, and every registered route (but static
// files) is reached by some builder's path. A route renamed without its
// builder, or a builder without its route, fails here.
func TestPaths_BuildersAndRoutesAgree(t *testing.T) {
	// builtPaths names everything internal/paths exports but the patterns.
	exported := exportedNames(t, "../internal/paths")
	for _, name := range exported {
		if _, ok := builtPaths[name]; !ok && !strings.HasSuffix(name, "Pattern") {
			t.Errorf("paths.%s is not in builtPaths (web/paths_test.go): add a line building it", name)
		}
	}
	if len(exported) == 0 {
		t.Fatal("found nothing exported in internal/paths")
	}

	e := MustStart(t)
	registered := map[string]bool{}
	for _, r := range e.srv.Routes() {
		if strings.HasPrefix(r.Method, "echo_") || strings.HasPrefix(r.Path, static.Prefix) {
			continue // echo's own not-found entries; static files have static.Path
		}
		registered[r.Method+" "+r.Path] = true
	}
	reached := map[string]bool{}
	for name, p := range builtPaths {
		served := false
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			if route := e.srv.RouteOf(method, p); route != "" {
				reached[method+" "+route], served = true, true
			}
		}
		if !served {
			t.Errorf("paths.%s builds %s, which no route serves", name, p)
		}
	}
	for r := range registered {
		if !reached[r] {
			t.Errorf("route %s has no builder in internal/paths reaching it", r)
		}
	}
}

// exportedNames lists the exported functions and constants of the package
// in dir (tests left out).
func exportedNames(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					names = append(names, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					if vs, ok := spec.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							if n.IsExported() {
								names = append(names, n.Name)
							}
						}
					}
				}
			}
		}
	}
	return names
}
