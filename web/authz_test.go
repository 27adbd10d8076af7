package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/obapi"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

// Route classes for the authorisation matrix.
const (
	// open routes read or change nothing that belongs to a learner by id:
	// pages for everyone, sign-in, the signed-in user's own account pages.
	open = "open"
	// owner routes read or change one learner's badge, collection, email
	// or profile: another learner and visitors get 404 or the sign-in.
	owner = "owner"
	// public routes are for visitors and show only what is public.
	public = "public"
)

// routeMatrix is every route the server registers, classified. A route
// added without a line here fails TestAuthz_EveryRouteIsClassified, so a
// new owner route cannot ship unchecked.
var routeMatrix = map[string]string{
	"GET /":                                 open,
	"GET /healthz":                          open,
	"GET /readyz":                           open,
	"GET /metrics":                          open, // its own bearer token; 404 without one configured
	"GET /static/*":                         open,
	"GET /signin":                           open,
	"GET /auth/:provider":                   open,
	"GET /auth/:provider/callback":          open,
	"GET /auth/dev":                         open,
	"POST /auth/dev":                        open,
	"GET /auth/signout":                     open,
	"POST /auth/signout":                    open,
	"GET /verify":                           open,
	"POST /verify":                          open,
	"GET /dev/outbox":                       open,
	"GET /images/:hash":                     open, // content-addressed, the same picture for every badge that shows it
	"GET /account":                          open, // the signed-in user's own account
	"GET /account/delete":                   open,
	"POST /account/delete":                  open,
	"POST /account/signout-everywhere":      open,
	"POST /account/language":                open, // the signed-in user's own language
	"POST /language":                        open, // a cookie; the signed-in user's own language
	"POST /account/logins/:provider/unlink": open,
	"GET /account/emails":                   open,
	"POST /account/emails":                  open,
	"GET /account/emails/confirm":           open, // the token is bound to the user (store tests)
	"POST /account/emails/confirm":          open,
	"GET /account/profile":                  open, // always the signed-in user's own profile
	"POST /account/profile":                 owner,
	"GET /import":                           open,
	"POST /import":                          open,
	"GET /backpack":                         open,
	"GET /backpack/groups":                  open,
	"GET /collections":                      open,
	"POST /collections":                     open,

	"POST /account/emails/:id/remove":            owner,
	"GET /badges/:id":                            owner,
	"GET /badges/:id/collections":                owner,
	"POST /badges/:id/collections":               owner,
	"GET /badges/:id/delete":                     owner,
	"POST /badges/:id/delete":                    owner,
	"GET /badges/:id/download":                   owner,
	"POST /badges/:id/check":                     owner,
	"POST /badges/:id/visibility":                owner,
	"GET /collections/:id":                       owner,
	"GET /collections/:id/add":                   owner,
	"GET /collections/:id/delete":                owner,
	"GET /collections/:id/edit":                  owner,
	"GET /collections/:id/replace-link":          owner,
	"GET /collections/:id/visibility":            owner,
	"POST /collections/:id/badges":               owner,
	"POST /collections/:id/badges/:badge/move":   owner,
	"POST /collections/:id/badges/:badge/remove": owner,
	"POST /collections/:id/delete":               owner,
	"POST /collections/:id/edit":                 owner,
	"POST /collections/:id/make-badges-public":   owner,
	"POST /collections/:id/replace-link":         owner,
	"POST /collections/:id/visibility":           owner,
	"POST /collections/add-badges":               owner,

	"GET /u/:handle":                         public,
	"GET /u/:handle/qr.png":                  public,
	"GET /u/:handle/qr.svg":                  public,
	"GET /u/:handle/share.png":               public,
	"GET /u/:handle/badges/:badge/qr.png":    public,
	"GET /u/:handle/badges/:badge/qr.svg":    public,
	"GET /u/:handle/badges/:badge/share.png": public,
	"GET /embed/badges/:handle/:badge":       public,
	"GET /embed/collections/:handle/:slug":   public,
	"GET /embed/signature/:handle":           public,
	"GET /oembed":                            open, // by URL; TestAuthz_OEmbedOnlyPublic
	"GET /share/mastodon":                    open,
	"GET /account/export":                    open, // the signed-in user's own backpack
	"GET /account/import-archive":            open,
	"POST /account/import-archive":           open,
	"GET /badges/:id/baked":                  owner,
	"GET /collections/add-badges":            owner,
	"GET /u/:handle/:slug":                   public,
	"GET /u/:handle/badges/:badge":           public,
	"POST /u/:handle/badges/:badge/verify":   public,
	"GET /c/:token":                          public,

	// The Open Badges APIs. Platforms authenticate with their own
	// credentials and act for a learner only through a token she granted:
	// the refusal tests (web/obapi_refusal_test.go) show that one
	// learner's token never reaches another's badges.
	"GET /ims/ob/v3p0/discovery":         open,
	"GET /.well-known/badgeconnect.json": open,
	"POST /oauth/register":               open,
	"GET /oauth/authorize":               open,
	"GET /oauth/consent/:id":             open, // a platform's request, answered by whoever is signed in
	"POST /oauth/consent/:id":            open,
	"POST /oauth/token":                  open,
	"POST /oauth/revoke":                 open,
	"GET /ims/ob/v3p0/credentials":       open, // bearer token: the granting learner's own
	"POST /ims/ob/v3p0/credentials":      open,
	"GET /ims/ob/v3p0/profile":           open,
	"PUT /ims/ob/v3p0/profile":           open,
	"GET /ims/ob/v2p1/assertions":        open,
	"POST /ims/ob/v2p1/assertions":       open,
	"GET /ims/ob/v2p1/profile":           open,
	"POST /ims/ob/v2p1/profile":          open,
	"POST /account/apps/:id/disconnect":  owner,
}

func registeredRoutes(e *env) []string {
	var out []string
	for _, r := range e.srv.Routes() {
		if strings.HasPrefix(r.Method, "echo_") {
			continue // echo's own not-found entries
		}
		out = append(out, r.Method+" "+r.Path)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func TestAuthz_EveryRouteIsClassified(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	routes := registeredRoutes(e)
	for _, r := range routes {
		if _, ok := routeMatrix[r]; !ok {
			t.Errorf("route %q is not in the authorisation matrix (web/authz_test.go): classify it, and if it reads or changes a learner's badge, collection, email or profile, make it an owner route", r)
		}
	}
	for r := range routeMatrix {
		if !slices.Contains(routes, r) {
			// Harmless (a route on its way in or out), but worth tidying.
			t.Logf("the matrix lists %q, which is not registered", r)
		}
	}
}

// adaSnapshot is everything of Ada's that a route could change, as text.
func adaSnapshot(t *testing.T, db *sql.DB, adaID int64) string {
	t.Helper()
	queries := []string{
		"SELECT * FROM users WHERE id = ?1",
		"SELECT * FROM badges WHERE user_id = ?1 ORDER BY id",
		"SELECT * FROM badge_tags WHERE user_id = ?1 ORDER BY badge_id, tag",
		"SELECT c.* FROM badge_checks c JOIN badges b ON b.id = c.badge_id WHERE b.user_id = ?1 ORDER BY c.id",
		"SELECT * FROM collections WHERE user_id = ?1 ORDER BY id",
		"SELECT cb.* FROM collection_badges cb JOIN collections c ON c.id = cb.collection_id WHERE c.user_id = ?1 ORDER BY cb.collection_id, cb.position",
		"SELECT cb.* FROM collection_badges cb JOIN badges b ON b.id = cb.badge_id WHERE b.user_id = ?1 ORDER BY cb.collection_id, cb.position",
		"SELECT * FROM profiles WHERE user_id = ?1",
		"SELECT * FROM user_emails WHERE user_id = ?1 ORDER BY id",
		"SELECT * FROM oauth_grants WHERE user_id = ?1 ORDER BY id",
	}
	var b strings.Builder
	for _, q := range queries {
		rows, err := db.Query(q, adaID)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s: %v\n", q[:30], vals)
		}
		rows.Close()
	}
	// No collection may hold another learner's badge.
	var mixed int
	if err := db.QueryRow(`SELECT count(*) FROM collection_badges cb JOIN collections c ON c.id = cb.collection_id
		JOIN badges b ON b.id = cb.badge_id WHERE c.user_id <> b.user_id`).Scan(&mixed); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "mixed memberships: %d\n", mixed)
	return b.String()
}

// TestAuthz_Matrix: for every owner and public route that takes an id, a
// second learner and a visitor, with the first learner's private ids (and
// guessed ones), get 404 (visitors on owner routes: the sign-in) and
// change nothing of hers.
func TestAuthz_Matrix(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	ctx := context.Background()
	raw, err := sql.Open("sqlite", "file:"+f.e.dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	// Ada has an added email; Bob has a collection and a badge of his own.
	_, adaEmail, err := f.e.db.RequestEmailConfirmation(ctx, f.adaID, "ada.work@example.org", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	bobColl, err := f.e.db.CreateCollection(ctx, f.bobID, store.CollectionInput{Name: "Bob's"})
	if err != nil {
		t.Fatal(err)
	}
	// Ada connected a platform.
	adaApp := connectApp(t, f.e.db, f.adaID)
	// Ada's public badge in her private collection, and her private badge.
	ids := struct{ badge, coll, slug, token, email, handle, app string }{
		f.priv.PublicID, f.privColl.PublicID, f.privColl.Slug, f.privColl.UnlistedToken, fmt.Sprint(adaEmail.ID), "ada", fmt.Sprint(adaApp),
	}
	guess := struct{ badge, coll, slug, token, email, handle, app string }{
		"zzzzzzzzzzzzzzzzzzzzzzzzzz", "zzzzzzzzzzzzzzzzzzzzzzzzzz", "guessed", "ZZZZZZZZZZZZZZZZZZZZZZZZZZ", "999999", "ada", "999999",
	}
	fill := func(route string, v struct{ badge, coll, slug, token, email, handle, app string }) string {
		_, path, _ := strings.Cut(route, " ")
		switch {
		case strings.HasPrefix(path, "/badges/"):
			path = strings.Replace(path, ":id", v.badge, 1)
		case strings.HasPrefix(path, "/account/emails/"):
			path = strings.Replace(path, ":id", v.email, 1)
		case strings.HasPrefix(path, "/account/apps/"):
			path = strings.Replace(path, ":id", v.app, 1)
		default:
			path = strings.Replace(path, ":id", v.coll, 1)
		}
		handle := v.handle
		if !strings.ContainsAny(strings.NewReplacer(":handle", "").Replace(path), ":") {
			handle = "bob" // only a handle: Bob's, who has no public profile
		}
		r := strings.NewReplacer(":badge", v.badge, ":handle", handle, ":slug", v.slug, ":token", v.token)
		return r.Replace(path)
	}
	form := func(v struct{ badge, coll, slug, token, email, handle, app string }) url.Values {
		return url.Values{
			"badge": {v.badge}, "badges": {v.badge}, "collection": {v.coll}, "collections": {v.coll},
			"visibility": {"public"}, "confirm": {"delete"}, "to": {"top"},
			"name": {"Taken over"}, "description": {"x"}, "slug": {"taken-over"},
			"handle": {"ada"}, "display_name": {"Bob as Ada"},
		}
	}

	anon := f.e.browser()
	anon.follow, f.bob.follow = false, false
	bobTok := f.bob.get(paths.Account).csrf(t)
	anonTok := anon.get(paths.Verify).csrf(t)
	before := adaSnapshot(t, raw, f.adaID)

	var checked int
	for _, route := range registeredRoutes(f.e) {
		class := routeMatrix[route]
		if class == open {
			continue
		}
		method, _, _ := strings.Cut(route, " ")
		for _, v := range []struct{ badge, coll, slug, token, email, handle, app string }{ids, guess} {
			path := fill(route, v)
			for _, who := range []string{"bob", "visitor"} {
				b, tok := f.bob, bobTok
				if who == "visitor" {
					b, tok = anon, anonTok
				}
				var p *page
				if method == http.MethodGet {
					// Ids in the query too, for pages that take them there.
					p = b.get(path + "?" + url.Values{"badge": {v.badge}, "collection": {v.coll}}.Encode())
				} else {
					fv := form(v)
					fv.Set("_csrf", tok)
					p = b.post(path, fv)
				}
				checked++
				got := p.StatusCode
				switch {
				case class == public:
					if route == "POST /u/:handle/badges/:badge/verify" && got == http.StatusTooManyRequests {
						break
					}
					if got != http.StatusNotFound {
						t.Errorf("%s as %s: %d, want 404", path, who, got)
					}
				case who == "visitor" && method == http.MethodGet:
					if loc := p.Header.Get("Location"); got != http.StatusSeeOther || loc != paths.SignIn {
						t.Errorf("GET %s as visitor: %d → %q, want the sign-in", path, got, loc)
					}
				case who == "visitor":
					if got != http.StatusForbidden {
						t.Errorf("POST %s as visitor: %d, want 403", path, got)
					}
				case route == "POST /account/emails/:id/remove" || route == "POST /account/apps/:id/disconnect":
					// Answers with a redirect and a message, the same for
					// another learner's address as for one that never
					// existed (compared below).
					if got != http.StatusSeeOther {
						t.Errorf("%s as bob: %d", path, got)
					}
				case strings.Contains(route, ":id") || strings.Contains(route, ":badge"):
					if got != http.StatusNotFound {
						t.Errorf("%s %s as bob: %d, want 404", method, path, got)
					}
				}
				if strings.Contains(p.Body, "Secret Badge") || strings.Contains(p.Body, "Drafts") || strings.Contains(p.Body, "ada.work@") {
					t.Errorf("%s %s as %s shows Ada's private data", method, path, who)
				}
			}
		}
		// Bob's own collection, with Ada's badge in the form: her badge
		// must not join his collection.
		if strings.HasPrefix(route, "POST /collections/:id") {
			path := strings.Replace(fill(route, ids), f.privColl.PublicID, bobColl.PublicID, 1)
			fv := form(ids)
			fv.Set("_csrf", bobTok)
			f.bob.post(path, fv)
		}
		if route == "POST /collections/add-badges" {
			fv := form(ids)
			fv.Set("collection", bobColl.PublicID)
			fv.Set("_csrf", bobTok)
			f.bob.post(paths.CollectionsAdd, fv)
		}
		if after := adaSnapshot(t, raw, f.adaID); after != before {
			t.Fatalf("%s changed Ada's data:\nbefore:\n%s\nafter:\n%s", route, before, after)
		}
	}
	if checked < 100 {
		t.Errorf("only %d requests checked", checked)
	}
	// Bob's profile form saves Bob's profile, never Ada's handle.
	if p, err := f.e.db.ProfileOf(ctx, f.bobID); err == nil && p.Handle == "ada" {
		t.Error("Bob took Ada's handle")
	}
}

// TestAuthz_OEmbedOnlyPublic: the oEmbed endpoint, which takes a page's
// address as a parameter, describes only public pages.
func TestAuthz_OEmbedOnlyPublic(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	visitor := f.e.browser()
	ok := visitor.get(paths.OEmbed + "?" + url.Values{"url": {f.e.ts.URL + paths.PublicBadge("ada", f.pub.PublicID)}, "format": {"json"}}.Encode())
	if ok.StatusCode != http.StatusOK {
		t.Fatalf("oEmbed of a public badge: %d", ok.StatusCode)
	}
	for _, path := range []string{
		paths.PublicBadge("ada", f.priv.PublicID),
		paths.PublicBadge("ada", f.bobPriv.PublicID),
		paths.PublicCollection("ada", f.privColl.Slug),
		paths.PublicProfile("bob"),
	} {
		p := visitor.get(paths.OEmbed + "?" + url.Values{"url": {f.e.ts.URL + path}, "format": {"json"}}.Encode())
		if p.StatusCode != http.StatusNotFound || strings.Contains(p.Body, "Secret Badge") || strings.Contains(p.Body, "Drafts") {
			t.Errorf("oEmbed of %s: %d %s", path, p.StatusCode, p.Body)
		}
	}
}

// connectApp registers a platform and has the learner allow it, returning
// the grant's id (a connected app).
func connectApp(t *testing.T, db *store.DB, userID int64) int64 {
	t.Helper()
	r, err := db.ApproveOAuthRequest(context.Background(), pendingConsent(t, db), userID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return r.GrantID
}

// pendingConsent registers a platform that asks to add badges, and
// returns its authorization request, waiting on the consent page.
func pendingConsent(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	reg, err := obapi.ParseRegistration([]byte(`{"client_name": "Example LMS", "client_uri": "https://lms.example",
		"redirect_uris": ["https://lms.example/cb"], "scope": "` + string(obapi.ScopeCredentialUpsert) + `"}`))
	if err != nil {
		t.Fatal(err)
	}
	client, _, err := db.RegisterOAuthClient(ctx, reg, now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.CreateOAuthRequest(ctx, store.OAuthRequestInput{ClientID: client.ClientID, RedirectURI: "https://lms.example/cb",
		Scopes: obapi.Scopes{obapi.ScopeCredentialUpsert}, CodeChallenge: strings.Repeat("a", 43), CodeChallengeMethod: "S256"},
		store.DefaultOAuthLifetimes, now)
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}
