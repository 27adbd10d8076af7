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
// internal/paths, by its name there, with the route pattern that must
// serve it: the fixed path itself, or the builder's …Pattern.
var builtPaths = []struct{ name, path, pattern string }{
	{"Home", paths.Home, paths.Home},
	{"Healthz", paths.Healthz, paths.Healthz},
	{"Readyz", paths.Readyz, paths.Readyz},
	{"Metrics", paths.Metrics, paths.Metrics},
	{"Backpack", paths.Backpack, paths.Backpack},
	{"CollectionGroups", paths.CollectionGroups, paths.CollectionGroups},
	{"Verify", paths.Verify, paths.Verify},
	{"SignIn", paths.SignIn, paths.SignIn},
	{"DevSignIn", paths.DevSignIn, paths.DevSignIn},
	{"SignOut", paths.SignOut, paths.SignOut},
	{"Account", paths.Account, paths.Account},
	{"AccountLanguage", paths.AccountLanguage, paths.AccountLanguage},
	{"Language", paths.Language, paths.Language},
	{"SignOutEverywhere", paths.SignOutEverywhere, paths.SignOutEverywhere},
	{"DeleteAccount", paths.DeleteAccount, paths.DeleteAccount},
	{"Emails", paths.Emails, paths.Emails},
	{"EmailConfirm", paths.EmailConfirm, paths.EmailConfirm},
	{"ProfileEdit", paths.ProfileEdit, paths.ProfileEdit},
	{"Export", paths.Export, paths.Export},
	{"ImportArchive", paths.ImportArchive, paths.ImportArchive},
	{"Outbox", paths.Outbox, paths.Outbox},
	{"Import", paths.Import, paths.Import},
	{"Collections", paths.Collections, paths.Collections},
	{"CollectionsAdd", paths.CollectionsAdd, paths.CollectionsAdd},
	{"MastodonShare", paths.MastodonShare, paths.MastodonShare},
	{"OEmbed", paths.OEmbed, paths.OEmbed},
	{"OAuthRegister", paths.OAuthRegister, paths.OAuthRegister},
	{"OAuthAuthorize", paths.OAuthAuthorize, paths.OAuthAuthorize},
	{"OAuthToken", paths.OAuthToken, paths.OAuthToken},
	{"OAuthRevoke", paths.OAuthRevoke, paths.OAuthRevoke},
	{"OB3Discovery", paths.OB3Discovery, paths.OB3Discovery},
	{"OB3Credentials", paths.OB3Credentials, paths.OB3Credentials},
	{"OB3Profile", paths.OB3Profile, paths.OB3Profile},
	{"BadgeConnectManifest", paths.BadgeConnectManifest, paths.BadgeConnectManifest},
	{"BadgeConnectAssertions", paths.BadgeConnectAssertions, paths.BadgeConnectAssertions},
	{"BadgeConnectProfile", paths.BadgeConnectProfile, paths.BadgeConnectProfile},
	{"Image", paths.Image("h1"), paths.ImagePattern},
	{"Badge", paths.Badge("b1"), paths.BadgePattern},
	{"BadgeDownload", paths.BadgeDownload("b1"), paths.BadgeDownloadPattern},
	{"BadgeBaked", paths.BadgeBaked("b1"), paths.BadgeBakedPattern},
	{"BadgeCheck", paths.BadgeCheck("b1"), paths.BadgeCheckPattern},
	{"BadgeDelete", paths.BadgeDelete("b1"), paths.BadgeDeletePattern},
	{"BadgeVisibility", paths.BadgeVisibility("b1"), paths.BadgeVisibilityPattern},
	{"BadgeCollections", paths.BadgeCollections("b1"), paths.BadgeCollectionsPattern},
	{"AuthStart", paths.AuthStart("github"), paths.AuthStartPattern},
	{"AuthCallback", paths.AuthCallback("github"), paths.AuthCallbackPattern},
	{"Unlink", paths.Unlink("github"), paths.UnlinkPattern},
	{"EmailRemove", paths.EmailRemove(7), paths.EmailRemovePattern},
	{"AppDisconnect", paths.AppDisconnect(7), paths.AppDisconnectPattern},
	{"OAuthConsent", paths.OAuthConsent("REQUEST"), paths.OAuthConsentPattern},
	{"Collection", paths.Collection("c1"), paths.CollectionPattern},
	{"CollectionEdit", paths.CollectionEdit("c1"), paths.CollectionEditPattern},
	{"CollectionDelete", paths.CollectionDelete("c1"), paths.CollectionDeletePattern},
	{"CollectionVisibility", paths.CollectionVisibility("c1"), paths.CollectionVisibilityPattern},
	{"CollectionReplaceLink", paths.CollectionReplaceLink("c1"), paths.CollectionReplaceLinkPattern},
	{"CollectionAdd", paths.CollectionAdd("c1"), paths.CollectionAddPattern},
	{"CollectionBadges", paths.CollectionBadges("c1"), paths.CollectionBadgesPattern},
	{"CollectionMakeBadgesPublic", paths.CollectionMakeBadgesPublic("c1"), paths.CollectionMakeBadgesPublicPattern},
	{"CollectionMove", paths.CollectionMove("c1", "b1"), paths.CollectionMovePattern},
	{"CollectionRemove", paths.CollectionRemove("c1", "b1"), paths.CollectionRemovePattern},
	{"UnlistedCollection", paths.UnlistedCollection("t1"), paths.UnlistedCollectionPattern},
	{"PublicProfile", paths.PublicProfile("ada"), paths.PublicProfilePattern},
	{"PublicCollection", paths.PublicCollection("ada", "work"), paths.PublicCollectionPattern},
	{"PublicBadge", paths.PublicBadge("ada", "b1"), paths.PublicBadgePattern},
	{"PublicBadgeVerify", paths.PublicBadgeVerify("ada", "b1"), paths.PublicBadgeVerifyPattern},
	{"ProfileShareImage", paths.ProfileShareImage("ada"), paths.ProfileShareImagePattern},
	{"ProfileQRPNG", paths.ProfileQRPNG("ada"), paths.ProfileQRPNGPattern},
	{"ProfileQRSVG", paths.ProfileQRSVG("ada"), paths.ProfileQRSVGPattern},
	{"BadgeShareImage", paths.BadgeShareImage("ada", "b1"), paths.BadgeShareImagePattern},
	{"BadgeQRPNG", paths.BadgeQRPNG("ada", "b1"), paths.BadgeQRPNGPattern},
	{"BadgeQRSVG", paths.BadgeQRSVG("ada", "b1"), paths.BadgeQRSVGPattern},
	{"EmbedBadge", paths.EmbedBadge("ada", "b1"), paths.EmbedBadgePattern},
	{"EmbedCollection", paths.EmbedCollection("ada", "work"), paths.EmbedCollectionPattern},
	{"EmbedSignature", paths.EmbedSignature("ada"), paths.EmbedSignaturePattern},
}

// TestPaths_BuildersAndRoutesAgree: every pattern of internal/paths is a
// registered route and the router sends its builder's path to that route;
// every registered route (but static files) is reached that way. A route renamed without its
// builder, or a builder without its route, fails here.
func TestPaths_BuildersAndRoutesAgree(t *testing.T) {
	t.Parallel()
	// builtPaths names everything internal/paths exports.
	listed := map[string]bool{}
	for _, b := range builtPaths {
		listed[b.name] = true
		if b.pattern != b.path {
			listed[b.name+"Pattern"] = true
		}
	}
	// Functions of patterns, not paths: nothing to build or route.
	listed["Params"], listed["Prefix"] = true, true
	exported := exportedNames(t, "../internal/paths")
	if len(exported) == 0 {
		t.Fatal("found nothing exported in internal/paths")
	}
	for _, name := range exported {
		if !listed[name] {
			t.Errorf("paths.%s is not in builtPaths (web/paths_test.go): add a line building it", name)
		}
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
	for _, b := range builtPaths {
		served := false
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut} {
			if !registered[method+" "+b.pattern] {
				continue
			}
			served = true
			if route := e.srv.RouteOf(method, b.path); route != b.pattern {
				t.Errorf("%s %s (paths.%s) is served by %q, not by its pattern %s", method, b.path, b.name, route, b.pattern)
				continue
			}
			reached[method+" "+b.pattern] = true
		}
		if !served {
			t.Errorf("paths.%s's pattern %s is not a registered route", b.name, b.pattern)
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
