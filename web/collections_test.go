package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

// collUserID is the id of the account the development sign-in made for email.
func collUserID(t testing.TB, e *env, email string) int64 {
	t.Helper()
	u, err := e.db.UserByLogin(context.Background(), "dev", "dev:"+strings.ToLower(email))
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// collSeed stores badges with the given names in the user's backpack and
// returns their public ids.
func collSeed(t testing.TB, e *env, userID int64, names ...string) []string {
	t.Helper()
	var ids []string
	for i, n := range names {
		b := &store.Badge{UserID: userID, DedupeKey: "seed " + strconv.FormatInt(userID, 10) + " " + strconv.Itoa(i) + " " + n,
			Version: "2.0", Format: "json", Name: n, IssuerName: "Open University", Description: "About " + n,
			CriteriaNarrative: "Do " + n, Tags: []string{"data"}, Status: store.StatusValid}
		if _, err := e.db.UpsertBadge(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.PublicID)
	}
	return ids
}

// collOrder is the order of badge ids the collection page shows.
func collOrder(p *page) []string {
	var out []string
	p.Doc.Find(`[data-testid="collection-item"]`).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr("data-badge")
		out = append(out, v)
	})
	return out
}

// collCreate creates a collection through the form and returns its public id.
func (b *browser) collCreate(name, description string) string {
	b.t.Helper()
	b.follow = false
	defer func() { b.follow = true }()
	p := b.submit(paths.Collections, paths.Collections, url.Values{"name": {name}, "description": {description}})
	if p.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("create collection: %d\n%s", p.StatusCode, p.Body)
	}
	loc := p.Header.Get("Location")
	id, ok := strings.CutPrefix(loc, "/collections/")
	if !ok || id == "" || strings.Contains(id, "/") {
		b.t.Fatalf("create collection redirected to %q", loc)
	}
	return id
}

// noFollow posts a form taken from a fresh GET of from, without following
// the redirect, and returns the response.
func (b *browser) collPost(from, path string, form url.Values) *page {
	b.t.Helper()
	b.follow = false
	defer func() { b.follow = true }()
	return b.submit(from, path, form)
}

func flashOf(p *page) string {
	return strings.Join(strings.Fields(p.Doc.Find(`[data-flash]`).Text()), " ")
}

func TestCollections_CreateListAndValidation(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")

	p := ada.get(paths.Collections)
	if p.StatusCode != http.StatusOK || p.Doc.Find(`[data-testid="collections-empty"]`).Length() != 1 {
		t.Fatalf("empty list: %d\n%s", p.StatusCode, p.Body)
	}
	// An empty name comes back with the error next to the field and the input kept.
	p = ada.submit(paths.Collections, paths.Collections, url.Values{"name": {"  "}, "description": {"kept"}})
	if p.StatusCode != http.StatusUnprocessableEntity || p.Doc.Find(`#collection-name-error`).Length() != 1 {
		t.Fatalf("empty name: %d\n%s", p.StatusCode, p.Body)
	}
	if got := p.Doc.Find(`#collection-description`).Text(); got != "kept" {
		t.Errorf("description not kept: %q", got)
	}
	if n := countCollections(t, e, collUserID(t, e, "ada@example.org")); n != 0 {
		t.Errorf("%d collections after a refused create", n)
	}

	id := ada.collCreate("Data analysis", "For the Acme job")
	p = ada.get(paths.Collection(id))
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="collection-title"]`).Text()); got != "Data analysis" {
		t.Errorf("title %q", got)
	}
	if !strings.Contains(flashOf(p), "created") {
		t.Errorf("flash %q", flashOf(p))
	}
	p = ada.get(paths.Collections)
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="collection-link"]`).Text()); got != "Data analysis" {
		t.Errorf("list shows %q", got)
	}
	if got := p.Doc.Find(`[data-testid="collection-count"]`).Text(); !strings.Contains(got, "0 badges") || !strings.Contains(got, "Private") {
		t.Errorf("count %q", got)
	}
}

func countCollections(t testing.TB, e *env, userID int64) int {
	t.Helper()
	cs, err := e.db.Collections(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return len(cs)
}

func TestCollections_AddReorderRemove(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	uid := collUserID(t, e, "ada@example.org")
	ids := collSeed(t, e, uid, "Statistics", "Data analysis", "Python", "SQL", "Charts")
	id := ada.collCreate("Job", "")
	page := paths.Collection(id)

	// The checklist offers every badge; ticking several adds them in order.
	p := ada.get(page)
	if n := p.Doc.Find(`[data-testid="checklist-badge"]`).Length(); n != 5 {
		t.Fatalf("checklist has %d badges, want 5", n)
	}
	p = ada.submit(page, paths.CollectionBadges(id), url.Values{"badge": ids})
	if got := collOrder(p); !slices.Equal(got, ids) {
		t.Fatalf("after adding: %v, want %v", got, ids)
	}
	if !strings.Contains(flashOf(p), "Added 5 badges") {
		t.Errorf("flash %q", flashOf(p))
	}
	if p.Doc.Find(`[data-testid="checklist-empty"]`).Length() != 1 {
		t.Errorf("checklist still offers badges")
	}
	// The tiles are the backpack's tile component.
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="collection-item"] [data-testid="tile-link"]`).First().Text()); got != "Statistics" {
		t.Errorf("first tile %q", got)
	}
	// Adding one already in it (and one new-to-nobody) changes nothing.
	p = ada.submit(page, paths.CollectionBadges(id), url.Values{"badge": {ids[0]}})
	if got := collOrder(p); !slices.Equal(got, ids) || !strings.Contains(flashOf(p), "1 badge already in it stayed where it was.") {
		t.Errorf("re-adding: %v, flash %q", got, flashOf(p))
	}
	// Nothing ticked: an error, nothing changed.
	p = ada.submit(page, paths.CollectionBadges(id), nil)
	if !strings.Contains(flashOf(p), "Tick at least one") {
		t.Errorf("nothing ticked: flash %q", flashOf(p))
	}

	// Boundaries: the first has no Move up / Move to top, the last no Move down.
	first := p.Doc.Find(`[data-testid="collection-item"]`).First()
	last := p.Doc.Find(`[data-testid="collection-item"]`).Last()
	if first.Find(`[data-testid="move-up"], [data-testid="move-top"]`).Length() != 0 || first.Find(`[data-testid="move-down"]`).Length() != 1 {
		t.Errorf("first item's buttons wrong")
	}
	if last.Find(`[data-testid="move-down"]`).Length() != 0 || last.Find(`[data-testid="move-up"]`).Length() != 1 {
		t.Errorf("last item's buttons wrong")
	}

	type step struct {
		badge, to string
		flash     string
		fragment  string
		want      []int
	}
	a, b, c, d, f := 0, 1, 2, 3, 4
	steps := []step{
		{ids[b], "up", "‘Data analysis’ is now 1st of 5.", "down-" + ids[b], []int{b, a, c, d, f}},
		{ids[a], "down", "‘Statistics’ is now 3rd of 5.", "down-" + ids[a], []int{b, c, a, d, f}},
		{ids[f], "top", "‘Charts’ is now 1st of 5.", "down-" + ids[f], []int{f, b, c, a, d}},
		{ids[d], "down", "‘SQL’ is now 5th of 5.", "up-" + ids[d], []int{f, b, c, a, d}},    // already last
		{ids[f], "up", "‘Charts’ is now 1st of 5.", "down-" + ids[f], []int{f, b, c, a, d}}, // already first
		{ids[f], "4", "‘Charts’ is now 4th of 5.", "up-" + ids[f], []int{b, c, a, f, d}},    // drag and drop
	}
	for i, s := range steps {
		r := ada.collPost(page, paths.CollectionMove(id, s.badge), url.Values{"to": {s.to}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != page+"#"+s.fragment {
			t.Fatalf("step %d: %d to %q, want 303 to %s#%s", i, r.StatusCode, r.Header.Get("Location"), page, s.fragment)
		}
		p := ada.get(page)
		var want []string
		for _, k := range s.want {
			want = append(want, ids[k])
		}
		if got := collOrder(p); !slices.Equal(got, want) {
			t.Fatalf("step %d: order %v, want %v", i, got, want)
		}
		if got := flashOf(p); got != s.flash {
			t.Errorf("step %d: flash %q, want %q", i, got, s.flash)
		}
		if p.Doc.Find(`[data-flash][role="status"]`).Length() != 1 {
			t.Errorf("step %d: the announcement is not a status message", i)
		}
		if p.Doc.Find("#"+s.fragment).Length() != 1 {
			t.Errorf("step %d: no control with id %s to focus", i, s.fragment)
		}
	}
	if got := strings.TrimSpace(ada.get(page).Doc.Find(`[data-testid="collection-position"]`).First().Text()); got != "1st of 5" {
		t.Errorf("position label %q", got)
	}
	if r := ada.collPost(page, paths.CollectionMove(id, ids[a]), url.Values{"to": {"sideways"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad move: %d", r.StatusCode)
	}

	// Remove keeps the badge in the backpack and closes the gap.
	p = ada.submit(page, paths.CollectionRemove(id, ids[c]), nil)
	if got, want := collOrder(p), []string{ids[b], ids[a], ids[f], ids[d]}; !slices.Equal(got, want) {
		t.Errorf("after remove: %v, want %v", got, want)
	}
	if !strings.Contains(flashOf(p), "‘Python’ was taken out") {
		t.Errorf("remove flash %q", flashOf(p))
	}
	if _, err := e.db.BadgeByPublicID(context.Background(), uid, ids[c]); err != nil {
		t.Errorf("removed badge left the backpack: %v", err)
	}
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="collection-position"]`).Last().Text()); got != "4th of 4" {
		t.Errorf("last position %q", got)
	}
}

func TestCollections_EditDeleteKeepsBadges(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	uid := collUserID(t, e, "ada@example.org")
	ids := collSeed(t, e, uid, "One", "Two")
	id := ada.collCreate("First", "")
	other := ada.collCreate("Second", "")
	page := paths.Collection(id)
	ada.submit(page, paths.CollectionBadges(id), url.Values{"badge": ids})

	p := ada.get(paths.CollectionEdit(id))
	if v, _ := p.Doc.Find(`#collection-slug`).Attr("value"); v != "first" {
		t.Errorf("slug field %q", v)
	}
	p = ada.submit(paths.CollectionEdit(id), paths.CollectionEdit(id), url.Values{"name": {"Renamed"}, "description": {"Now described"}, "slug": {"second"}})
	if p.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p.Doc.Find(`#collection-slug-error`).Text(), "already") {
		t.Fatalf("taken slug: %d\n%s", p.StatusCode, p.Body)
	}
	p = ada.submit(paths.CollectionEdit(id), paths.CollectionEdit(id), url.Values{"name": {"Renamed"}, "description": {"Now described"}, "slug": {"Bad Slug"}})
	if p.StatusCode != http.StatusUnprocessableEntity || p.Doc.Find(`#collection-slug-error`).Length() != 1 {
		t.Fatalf("bad slug: %d", p.StatusCode)
	}
	if v, _ := p.Doc.Find(`#collection-name`).Attr("value"); v != "Renamed" {
		t.Errorf("name not kept: %q", v)
	}
	p = ada.submit(paths.CollectionEdit(id), paths.CollectionEdit(id), url.Values{"name": {"Renamed"}, "description": {"Now described"}, "slug": {"for-acme"}})
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="collection-title"]`).Text()); got != "Renamed" || p.Request.URL.Path != page {
		t.Fatalf("after edit: %q at %s", got, p.Request.URL)
	}
	c, _ := e.db.CollectionByPublicID(context.Background(), uid, id)
	if c.Slug != "for-acme" || c.Description != "Now described" {
		t.Errorf("stored %+v", c)
	}

	p = ada.get(paths.CollectionDelete(id))
	if got := p.Doc.Find(`[data-testid="delete-explain"]`).Text(); !strings.Contains(got, "2 badges") || !strings.Contains(got, "stay in your backpack") {
		t.Errorf("delete page says %q", got)
	}
	p = ada.submit(paths.CollectionDelete(id), paths.CollectionDelete(id), nil)
	if p.Request.URL.Path != paths.Collections || !strings.Contains(flashOf(p), "still in your backpack") {
		t.Errorf("after delete at %s, flash %q", p.Request.URL, flashOf(p))
	}
	if r := ada.get(page); r.StatusCode != http.StatusNotFound {
		t.Errorf("deleted collection: %d", r.StatusCode)
	}
	for _, b := range ids {
		if _, err := e.db.BadgeByPublicID(context.Background(), uid, b); err != nil {
			t.Errorf("badge %s went with the collection: %v", b, err)
		}
	}
	if got := ada.get(paths.Collection(other)); got.StatusCode != http.StatusOK {
		t.Errorf("other collection: %d", got.StatusCode)
	}
}

func TestCollections_VisibilityAndLinkReplacement(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	uid := collUserID(t, e, "ada@example.org")
	ids := collSeed(t, e, uid, "One", "Two")
	if err := e.db.SetBadgeVisibility(context.Background(), uid, ids[0], store.Public); err != nil {
		t.Fatal(err)
	}
	id := ada.collCreate("Shared", "")
	page := paths.Collection(id)
	ada.submit(page, paths.CollectionBadges(id), url.Values{"badge": ids})

	p := ada.get(paths.CollectionVisibility(id))
	if v, _ := p.Doc.Find(`[data-testid="visibility-private"]`).Attr("checked"); v != "checked" && !p.Doc.Find(`[data-testid="visibility-private"]`).Is("[checked]") {
		t.Errorf("private not checked")
	}
	if p.Doc.Find(`[data-testid="unlisted-off"]`).Length() != 1 {
		t.Errorf("a private collection shows its link")
	}
	if got := p.Doc.Find(`[data-testid="private-badges-note"]`).Text(); !strings.Contains(got, "1 badge of 2") {
		t.Errorf("private badges note %q", got)
	}

	p = ada.submit(paths.CollectionVisibility(id), paths.CollectionVisibility(id), url.Values{"visibility": {"unlisted"}})
	if !strings.Contains(flashOf(p), "now unlisted") || !p.Doc.Find(`[data-testid="visibility-unlisted"]`).Is("[checked]") {
		t.Fatalf("after unlisted: flash %q", flashOf(p))
	}
	link := p.Doc.Find(`[data-testid="unlisted-link"]`).Text()
	c, _ := e.db.CollectionByPublicID(context.Background(), uid, id)
	if c.Visibility != store.Unlisted || !strings.HasSuffix(link, paths.UnlistedCollection(c.UnlistedToken)) || !strings.HasPrefix(link, e.ts.URL) {
		t.Fatalf("link %q for %+v", link, c)
	}
	old := c.UnlistedToken
	if got, err := e.db.CollectionByUnlistedToken(context.Background(), old); err != nil || got.PublicID != id {
		t.Fatalf("token lookup: %v", err)
	}

	p = ada.get(paths.CollectionReplaceLink(id))
	if p.Doc.Find(`[data-testid="replace-link-confirm"]`).Length() != 1 {
		t.Fatalf("no confirmation")
	}
	// Only the confirmation's POST replaces it: viewing the page did not.
	if c, _ := e.db.CollectionByPublicID(context.Background(), uid, id); c.UnlistedToken != old {
		t.Errorf("viewing the confirmation replaced the link")
	}
	p = ada.submit(paths.CollectionReplaceLink(id), paths.CollectionReplaceLink(id), nil)
	newLink := p.Doc.Find(`[data-testid="unlisted-link"]`).Text()
	if newLink == link || !strings.Contains(flashOf(p), "old link no longer works") {
		t.Fatalf("after replace: %q (was %q), flash %q", newLink, link, flashOf(p))
	}
	if _, err := e.db.CollectionByUnlistedToken(context.Background(), old); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("old token still finds the collection: %v", err)
	}
	// A visitor: the new link opens the collection, the old one is 404.
	visitor := e.browser()
	if r := visitor.get(newLink); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Shared") {
		t.Errorf("new link: %d", r.StatusCode)
	}
	if r := visitor.get(paths.UnlistedCollection(old)); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "Shared") {
		t.Errorf("old link: %d, want 404", r.StatusCode)
	}

	p = ada.submit(paths.CollectionVisibility(id), paths.CollectionVisibility(id), url.Values{"visibility": {"public"}})
	if !strings.Contains(flashOf(p), "now public") {
		t.Errorf("public flash %q", flashOf(p))
	}
	if c, _ := e.db.CollectionByPublicID(context.Background(), uid, id); c.Visibility != store.Public {
		t.Errorf("visibility %q", c.Visibility)
	}
	if r := ada.collPost(paths.CollectionVisibility(id), paths.CollectionVisibility(id), url.Values{"visibility": {"everyone"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad visibility: %d", r.StatusCode)
	}
	if got := strings.TrimSpace(ada.get(page).Doc.Find(`[data-testid="collection-visibility"]`).Text()); !strings.Contains(got, "Public on your profile") {
		t.Errorf("collection page says %q", got)
	}
}

func TestCollections_FromTheBadgePageAndSeveralAtOnce(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	uid := collUserID(t, e, "ada@example.org")
	ids := collSeed(t, e, uid, "One", "Two", "Three")
	a := ada.collCreate("A", "")
	b := ada.collCreate("B", "")

	form := paths.BadgeCollections(ids[0])
	p := ada.get(form)
	if n := p.Doc.Find(`[data-testid="badge-collection"]`).Length(); n != 2 {
		t.Fatalf("%d collection checkboxes, want 2\n%s", n, p.Body)
	}
	ada.collPost(form, form, url.Values{"collection": {a, b}})
	p = ada.get(form)
	if n := p.Doc.Find(`[data-testid="badge-collection"][checked]`).Length(); n != 2 {
		t.Errorf("%d ticked after saving both", n)
	}
	r := ada.collPost(form, form, url.Values{"collection": {b}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != paths.Badge(ids[0]) {
		t.Errorf("save: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	if got := collOrder(ada.get(paths.Collection(a))); len(got) != 0 {
		t.Errorf("A still holds %v", got)
	}

	// Several at once, to a collection chosen in the form.
	p = ada.submit(paths.Collections, paths.CollectionsAdd, url.Values{"collection": {b}, "badge": {ids[2], ids[1]}})
	if got, want := collOrder(p), []string{ids[0], ids[2], ids[1]}; !slices.Equal(got, want) {
		t.Errorf("B: %v, want %v", got, want)
	}
	// The organise page lists only what is not in it yet.
	p = ada.get(paths.CollectionAdd(a))
	if n := p.Doc.Find(`[data-testid="checklist-badge"]`).Length(); n != 3 {
		t.Errorf("organise page offers %d, want 3", n)
	}
}

func TestCollections_Groups(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	p := ada.get(paths.CollectionGroups)
	if p.StatusCode != http.StatusOK || p.Doc.Find(`[data-testid="groups-empty"]`).Length() != 1 {
		t.Fatalf("empty groups: %d", p.StatusCode)
	}
	uid := collUserID(t, e, "ada@example.org")
	collSeed(t, e, uid, "One", "Two")
	p = ada.get(paths.CollectionGroups)
	issuer := p.Doc.Find(`[data-testid="groups-issuers"] li`)
	if issuer.Length() != 1 || !strings.Contains(issuer.Text(), "Open University") || !strings.Contains(issuer.Text(), "2 badges") {
		t.Errorf("issuers: %q", issuer.Text())
	}
	if href, _ := issuer.Find("a").Attr("href"); href != paths.Backpack+"?issuer=Open+University" {
		t.Errorf("issuer link %q", href)
	}
	if href, _ := p.Doc.Find(`[data-testid="groups-tags"] a`).Attr("href"); href != paths.Backpack+"?tag=data" {
		t.Errorf("tag link %q", href)
	}
}

// TestCollections_OwnerOnly: a second user, and a visitor, get 404 (or the
// sign-in page) on every collection route, GET and POST, including with
// guessed ids, and change nothing.
func TestCollections_OwnerOnly(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	uid := collUserID(t, e, "ada@example.org")
	ids := collSeed(t, e, uid, "One", "Two")
	id := ada.collCreate("Ada's", "")
	page := paths.Collection(id)
	ada.submit(page, paths.CollectionBadges(id), url.Values{"badge": ids})
	ada.submit(paths.CollectionVisibility(id), paths.CollectionVisibility(id), url.Values{"visibility": {"unlisted"}})
	before, _ := e.db.CollectionByPublicID(context.Background(), uid, id)

	bob := e.browser()
	bob.devSignIn("Bob", "bob@example.org")
	bobID := collUserID(t, e, "bob@example.org")
	bobBadges := collSeed(t, e, bobID, "Bob's badge")
	bobColl := bob.collCreate("Bob's", "")

	guessed := "aaaaaaaaaaaaaaaaaaaaaaaaaa"
	for _, cid := range []string{id, guessed} {
		p := paths.Collection(cid)
		for _, path := range []string{p, paths.CollectionEdit(cid), paths.CollectionDelete(cid), paths.CollectionVisibility(cid), paths.CollectionReplaceLink(cid), paths.CollectionAdd(cid)} {
			if r := bob.get(path); r.StatusCode != http.StatusNotFound {
				t.Errorf("bob GET %s: %d, want 404", path, r.StatusCode)
			} else if strings.Contains(r.Body, "Ada's") {
				t.Errorf("bob's 404 for %s shows ada's collection", path)
			}
		}
		posts := map[string]url.Values{
			paths.CollectionEdit(cid):             {"name": {"Pwned"}, "slug": {"pwned"}},
			paths.CollectionDelete(cid):           nil,
			paths.CollectionVisibility(cid):       {"visibility": {"private"}},
			paths.CollectionReplaceLink(cid):      nil,
			paths.CollectionBadges(cid):           {"badge": {ids[0]}},
			paths.CollectionMove(cid, ids[0]):     {"to": {"down"}},
			paths.CollectionRemove(cid, ids[1]):   nil,
			paths.CollectionMakeBadgesPublic(cid): {"badge": ids},
			paths.CollectionsAdd:                  {"collection": {cid}, "badge": {bobBadges[0]}},
		}
		for path, form := range posts {
			if r := bob.collPost(paths.Collections, path, form); r.StatusCode != http.StatusNotFound {
				t.Errorf("bob POST %s: %d, want 404", path, r.StatusCode)
			}
		}
	}
	// Ada's badges, through Bob's own collection and the badge form.
	bp := paths.Collection(bobColl)
	for path, form := range map[string]url.Values{
		paths.CollectionBadges(bobColl):         {"badge": {ids[0]}},
		paths.CollectionMove(bobColl, ids[0]):   {"to": {"top"}},
		paths.CollectionRemove(bobColl, ids[0]): nil,
		paths.BadgeCollections(ids[0]):          {"collection": {bobColl}},
		paths.BadgeCollections(bobBadges[0]):    {"collection": {id}},
	} {
		if r := bob.collPost(paths.Collections, path, form); r.StatusCode != http.StatusNotFound {
			t.Errorf("bob POST %s: %d, want 404", path, r.StatusCode)
		}
	}
	if r := bob.get(paths.BadgeCollections(ids[0])); r.StatusCode != http.StatusNotFound {
		t.Errorf("bob GET ada's badge collections: %d", r.StatusCode)
	}
	if r := bob.get(paths.Collections); strings.Contains(r.Body, "Ada's") {
		t.Errorf("bob's list shows ada's collection")
	}

	after, err := e.db.CollectionByPublicID(context.Background(), uid, id)
	if err != nil || after.Name != before.Name || after.Slug != before.Slug || after.Visibility != before.Visibility ||
		after.UnlistedToken != before.UnlistedToken || after.BadgeCount != 2 || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("ada's collection changed: %+v -> %+v (%v)", before, after, err)
	}
	if got := collOrder(ada.get(page)); !slices.Equal(got, ids) {
		t.Errorf("ada's order changed: %v", got)
	}
	if got := collOrder(bob.get(bp)); len(got) != 0 {
		t.Errorf("bob's collection got %v", got)
	}

	// A visitor is sent to sign in (GET) or refused (POST).
	visitor := e.browser()
	visitor.follow = false
	if r := visitor.get(page); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != paths.SignIn {
		t.Errorf("visitor GET: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := visitor.submit(paths.DevSignIn, paths.CollectionDelete(id), nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("visitor POST: %d", r.StatusCode)
	}
	if _, err := e.db.CollectionByPublicID(context.Background(), uid, id); err != nil {
		t.Errorf("visitor deleted it: %v", err)
	}
}

func TestCollections_BadgePageSectionAndBackpackOrganise(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	uid := collUserID(t, e, "ada@example.org")
	ids := collSeed(t, e, uid, "One", "Two", "Three")

	// Without collections the badge page offers to create one.
	p := ada.get(paths.Badge(ids[0]))
	if p.StatusCode != http.StatusOK || p.Doc.Find(`[data-testid="badge-collections-none"]`).Length() != 1 {
		t.Fatalf("badge page without collections: %d", p.StatusCode)
	}
	a := ada.collCreate("Alpha", "")
	b := ada.collCreate("Beta", "")

	// The badge page's section: a checkbox per collection; saving it there
	// comes back to the badge page with the boxes as saved.
	p = ada.submit(paths.Badge(ids[0]), paths.BadgeCollections(ids[0]), url.Values{"collection": {b}})
	if p.Request.URL.Path != paths.Badge(ids[0]) {
		t.Fatalf("saved to %s", p.Request.URL)
	}
	boxes := p.Doc.Find(`[data-testid="badge-collections"] [data-testid="badge-collection"]`)
	if boxes.Length() != 2 {
		t.Fatalf("%d checkboxes on the badge page", boxes.Length())
	}
	if boxes.Eq(0).Is("[checked]") || !boxes.Eq(1).Is("[checked]") {
		t.Errorf("Alpha ticked %v, Beta ticked %v; want only Beta", boxes.Eq(0).Is("[checked]"), boxes.Eq(1).Is("[checked]"))
	}
	if !strings.Contains(flashOf(p), "added to 1") {
		t.Errorf("flash %q", flashOf(p))
	}

	// The backpack leads to the collections, whose cards lead to the page
	// that adds several badges at once.
	p = ada.get(paths.Backpack)
	if href, _ := p.Doc.Find(`[data-testid="backpack-collections"]`).Attr("href"); href != paths.Collections {
		t.Fatalf("backpack collections link %q", href)
	}
	if href, _ := p.Doc.Find(`[data-testid="backpack-groups"]`).Attr("href"); href != paths.CollectionGroups {
		t.Errorf("backpack groups link %q", href)
	}
	p = ada.get(paths.Collections)
	if href, _ := p.Doc.Find(`[data-testid="collection-card-add"]`).First().Attr("href"); href != paths.CollectionAdd(a) {
		t.Errorf("card's add link %q", href)
	}
	p = ada.get(paths.CollectionAdd(a))
	if n := p.Doc.Find(`[data-testid="checklist-badge"]`).Length(); n != 3 {
		t.Errorf("add page lists %d badges", n)
	}
	p = ada.submit(paths.CollectionAdd(a), paths.CollectionBadges(a), url.Values{"badge": {ids[2], ids[1]}})
	if got, want := collOrder(p), []string{ids[2], ids[1]}; !slices.Equal(got, want) || p.Request.URL.Path != paths.Collection(a) {
		t.Errorf("at %s: %v, want %v", p.Request.URL, got, want)
	}

	// The organise page: every badge, a choice of collection, several at once.
	if href, _ := ada.get(paths.Backpack).Doc.Find(`[data-testid="backpack-organise"]`).Attr("href"); href != paths.CollectionsAdd {
		t.Errorf("backpack organise link %q", href)
	}
	p = ada.get(paths.CollectionsAdd)
	if n := p.Doc.Find(`[data-testid="organise-badge"]`).Length(); n != 3 {
		t.Errorf("organise page lists %d badges", n)
	}
	if n := p.Doc.Find(`#organise-collection option`).Length(); n != 2 {
		t.Errorf("organise page offers %d collections", n)
	}
	p = ada.submit(paths.CollectionsAdd, paths.CollectionsAdd, url.Values{"collection": {b}, "badge": {ids[1], ids[2]}})
	if got, want := collOrder(p), []string{ids[0], ids[1], ids[2]}; !slices.Equal(got, want) || p.Request.URL.Path != paths.Collection(b) {
		t.Errorf("at %s: %v, want %v", p.Request.URL, got, want)
	}

	// Bob sees no section on Ada's badge (the page is 404) and only his
	// own collections on his organise page.
	bob := e.browser()
	bob.devSignIn("Bob", "bob@example.org")
	if r := bob.get(paths.Badge(ids[0])); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "Alpha") {
		t.Errorf("bob on ada's badge page: %d", r.StatusCode)
	}
	collSeed(t, e, collUserID(t, e, "bob@example.org"), "Bob's badge")
	bob.collCreate("Bob's own", "")
	if r := bob.get(paths.CollectionsAdd); strings.Contains(r.Body, "Alpha") || strings.Contains(r.Body, "One") || r.Doc.Find(`#organise-collection option`).Length() != 1 {
		t.Errorf("bob's organise page shows ada's things")
	}
}

// formOf returns the action and the fields (hidden ones included) of the
// form the selector finds on the page, as a browser would submit it.
func formOf(t testing.TB, p *page, sel string) (string, url.Values) {
	t.Helper()
	f := p.Doc.Find(sel)
	if f.Length() != 1 {
		t.Fatalf("%d forms %s on %s", f.Length(), sel, p.Request.URL)
	}
	v := url.Values{}
	f.Find("input[name]").Each(func(_ int, in *goquery.Selection) {
		v.Add(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	return f.AttrOr("action", ""), v
}

func collVisibilities(t testing.TB, e *env, userID int64, ids ...string) []string {
	t.Helper()
	var out []string
	for _, id := range ids {
		b, err := e.db.BadgeByPublicID(context.Background(), userID, id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b.Visibility)
	}
	return out
}

// TestCollections_PrivateBadgesInASharedCollection: a shared collection
// says which of its badges visitors do not see (they are private), and
// one form makes exactly those public.
func TestCollections_PrivateBadgesInASharedCollection(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ctx := context.Background()
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	uid := collUserID(t, e, "ada@example.org")
	if _, err := e.db.SaveProfile(ctx, uid, store.ProfileInput{Handle: "ada", DisplayName: "Ada"}); err != nil {
		t.Fatal(err)
	}
	ids := collSeed(t, e, uid, "Statistics", "Python", "Charts", "Outside")
	if err := e.db.SetBadgeVisibility(ctx, uid, ids[0], store.Public); err != nil {
		t.Fatal(err)
	}
	id := ada.collCreate("Job", "")
	cpage := paths.Collection(id)
	ada.submit(cpage, paths.CollectionBadges(id), url.Values{"badge": ids[:3]})
	notice := func(p *page) string {
		return strings.Join(strings.Fields(p.Doc.Find(`[data-testid="private-badges-notice"] [data-testid="private-badges-text"]`).Text()), " ")
	}
	marked := func(p *page) []string {
		var out []string
		p.Doc.Find(`[data-testid="collection-item"]`).Each(func(_ int, s *goquery.Selection) {
			if m := s.Find(`[data-testid="collection-item-private"]`); m.Length() > 0 {
				if got := strings.TrimSpace(m.Text()); got != "Private — not shown to visitors" {
					t.Errorf("marker %q", got)
				}
				out = append(out, s.AttrOr("data-badge", ""))
			}
		})
		return out
	}

	// Private: nobody else sees it, so nothing to point out.
	p := ada.get(cpage)
	if p.Doc.Find(`[data-testid="private-badges-notice"]`).Length() != 0 || len(marked(p)) != 0 {
		t.Errorf("a private collection has the notice or markers")
	}

	// Made unlisted: the confirmation says the private badges stay hidden
	// and the note leads to the notice.
	p = ada.submit(paths.CollectionVisibility(id), paths.CollectionVisibility(id), url.Values{"visibility": {"unlisted"}})
	if got := flashOf(p); !strings.Contains(got, "now unlisted") || !strings.Contains(got, "2 of its 3 badges are private and stay hidden from visitors") {
		t.Errorf("flash %q", got)
	}
	if got := strings.Join(strings.Fields(p.Doc.Find(`[data-testid="private-badges-note"]`).Text()), " "); !strings.Contains(got, "private: Python, Charts.") {
		t.Errorf("visibility note %q", got)
	}
	if href := p.Doc.Find(`[data-testid="private-badges-link"]`).AttrOr("href", ""); href != cpage+"#private-badges" {
		t.Errorf("note links to %q", href)
	}

	p = ada.get(cpage)
	if got, want := notice(p), "2 of 3 badges in this collection are private, so visitors of its link do not see them: Python, Charts."; got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
	if p.Doc.Find(`#private-badges`).Length() != 1 {
		t.Errorf("the note's link has no target")
	}
	if got := marked(p); !slices.Equal(got, ids[1:3]) {
		t.Errorf("marked %v, want %v", got, ids[1:3])
	}
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="make-badges-public"]`).Text()); got != "Make these 2 badges public" {
		t.Errorf("button %q", got)
	}
	action, form := formOf(t, p, `[data-testid="make-badges-public-form"]`)
	if action != paths.CollectionMakeBadgesPublic(id) || form.Get("_csrf") == "" || !slices.Equal(form["badge"], ids[1:3]) {
		t.Fatalf("form to %q with %v", action, form)
	}
	c, _ := e.db.CollectionByPublicID(ctx, uid, id)
	link := paths.UnlistedCollection(c.UnlistedToken)
	visitor := e.browser()
	if r := visitor.get(link); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Statistics") || strings.Contains(r.Body, "Python") {
		t.Fatalf("link before: %d", r.StatusCode)
	}

	// Refused, and nothing changes: without the CSRF token, by another
	// learner (404, on her collection or naming her badges in his), by a
	// visitor.
	private := []string{store.Private, store.Private, store.Private}
	noToken := url.Values{"badge": ids}
	if r := ada.post(action, noToken); r.StatusCode != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d, want 403", r.StatusCode)
	}
	bob := e.browser()
	bob.devSignIn("Bob", "bob@example.org")
	bobColl := bob.collCreate("Bob's", "")
	bob.follow = false
	if r := bob.submit(paths.Collections, action, url.Values{"badge": ids}); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "Python") {
		t.Errorf("bob on ada's collection: %d, want 404", r.StatusCode)
	}
	if r := bob.submit(paths.Collections, paths.CollectionMakeBadgesPublic(bobColl), url.Values{"badge": ids}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("bob on his own collection: %d", r.StatusCode)
	}
	anon := e.browser()
	anon.follow = false
	if r := anon.submit(paths.Verify, action, url.Values{"badge": ids}); r.StatusCode != http.StatusForbidden {
		t.Errorf("visitor: %d, want 403", r.StatusCode)
	}
	if got := collVisibilities(t, e, uid, ids[1:]...); !slices.Equal(got, private) {
		t.Fatalf("after refused requests: %v", got)
	}

	// Ada's form, with a badge of hers that is not in it added by hand:
	// exactly the collection's private badges go public.
	form.Add("badge", ids[3])
	r := ada.collPost(cpage, action, form)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != cpage {
		t.Fatalf("make public: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	p = ada.get(cpage)
	if got := flashOf(p); got != "Made 2 badges public. Visitors of ‘Job’ now see them." {
		t.Errorf("flash %q", got)
	}
	if got := collVisibilities(t, e, uid, ids...); !slices.Equal(got, []string{store.Public, store.Public, store.Public, store.Private}) {
		t.Errorf("visibilities %v: want the three in it public, Outside private", got)
	}
	if p.Doc.Find(`[data-testid="private-badges-notice"]`).Length() != 0 || len(marked(p)) != 0 {
		t.Errorf("notice or markers left once every badge is public")
	}
	if r := visitor.get(link); !strings.Contains(r.Body, "Python") || !strings.Contains(r.Body, "Charts") || strings.Contains(r.Body, "Outside") {
		t.Errorf("link after: %d", r.StatusCode)
	}

	// Public, all badges public: the confirmation adds nothing. A private
	// badge added later: the notice names the profile too, and one badge.
	p = ada.submit(paths.CollectionVisibility(id), paths.CollectionVisibility(id), url.Values{"visibility": {"public"}})
	if got := flashOf(p); !strings.Contains(got, "now public") || strings.Contains(got, "hidden") {
		t.Errorf("public flash %q", got)
	}
	ada.submit(cpage, paths.CollectionBadges(id), url.Values{"badge": {ids[3]}})
	p = ada.get(cpage)
	if got, want := notice(p), "1 of 4 badges in this collection is private, so visitors of your profile and of its link do not see it: Outside."; got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="make-badges-public"]`).Text()); got != "Make this badge public" {
		t.Errorf("button %q", got)
	}
	if r := visitor.get(paths.PublicCollection("ada", c.Slug)); r.StatusCode != http.StatusOK || strings.Contains(r.Body, "Outside") {
		t.Fatalf("public page before: %d", r.StatusCode)
	}
	action, form = formOf(t, p, `[data-testid="make-badges-public-form"]`)
	if r := ada.collPost(cpage, action, form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("make public: %d", r.StatusCode)
	}
	if got := flashOf(ada.get(cpage)); got != "Made 1 badge public. Visitors of ‘Job’ now see it." {
		t.Errorf("flash %q", got)
	}
	if r := visitor.get(paths.PublicCollection("ada", c.Slug)); !strings.Contains(r.Body, "Outside") {
		t.Errorf("the public page does not show the badge made public")
	}
	// The same form again (a second tab): nothing left to change.
	ada.collPost(cpage, action, form)
	if got := flashOf(ada.get(cpage)); !strings.Contains(got, "No badge was changed") {
		t.Errorf("flash %q", got)
	}
}
