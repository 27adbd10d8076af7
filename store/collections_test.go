package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/store"
)

// collUser signs a user in and gives them n badges named "<prefix> 1" … .
func collUser(t *testing.T, db *store.DB, subject string, n int) (*store.User, []string) {
	t.Helper()
	u, _, err := db.SignIn(context.Background(), store.Identity{Provider: "dev", Subject: subject, Name: subject})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := 1; i <= n; i++ {
		b := &store.Badge{UserID: u.ID, DedupeKey: subject + " badge " + strconv.Itoa(i), Version: "2.0", Format: "json",
			Name: subject + " " + strconv.Itoa(i), IssuerName: "Issuer " + strconv.Itoa(i%2)}
		if _, err := db.UpsertBadge(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.PublicID)
	}
	return u, ids
}

// order returns the public ids of the collection's badges in order.
func order(t *testing.T, db *store.DB, userID int64, coll string) []string {
	t.Helper()
	c, err := db.CollectionByPublicID(context.Background(), userID, coll)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := db.CollectionBadges(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range bs {
		out = append(out, b.PublicID)
	}
	if c.BadgeCount != len(out) {
		t.Errorf("badge count %d, but %d badges listed", c.BadgeCount, len(out))
	}
	return out
}

func mustCreate(t *testing.T, db *store.DB, userID int64, name string) *store.Collection {
	t.Helper()
	c, err := db.CreateCollection(context.Background(), userID, store.CollectionInput{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCreateCollection_SlugsAndValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u, _ := collUser(t, db, "ada", 0)
	a := mustCreate(t, db, u.ID, "  Données & Python!  ")
	if a.Name != "Données & Python!" || a.Slug != "donnees-python" || a.Visibility != store.Private || len(a.PublicID) < 16 || len(a.UnlistedToken) < 16 {
		t.Errorf("created %+v", a)
	}
	b := mustCreate(t, db, u.ID, "Données, Python")
	if b.Slug != "donnees-python-2" {
		t.Errorf("second slug %q, want donnees-python-2", b.Slug)
	}
	if got := mustCreate(t, db, u.ID, "¡¿").Slug; got != "collection" {
		t.Errorf("slug of punctuation-only name %q", got)
	}
	// Another user may use the same slug.
	v, _ := collUser(t, db, "bob", 0)
	if got := mustCreate(t, db, v.ID, "Données Python").Slug; got != "donnees-python" {
		t.Errorf("other user's slug %q", got)
	}
	for _, in := range []store.CollectionInput{{Name: "   "}, {Name: string(make([]byte, 101))}, {Name: "ok", Slug: "Not A Slug"}} {
		if _, err := db.CreateCollection(ctx, u.ID, in); fail.CodeOf(err) != fail.Invalid || fail.Message(err) == "" {
			t.Errorf("create %+v: %v, want Invalid with a message", in, err)
		}
	}
	if _, err := db.CreateCollection(ctx, u.ID, store.CollectionInput{Name: "x", Slug: "donnees-python"}); fail.CodeOf(err) != fail.Conflict {
		t.Errorf("explicit taken slug: %v, want Conflict", err)
	}
	list, err := db.Collections(ctx, u.ID)
	if err != nil || len(list) != 3 || list[0].Slug != "donnees-python" || list[1].Slug != "donnees-python-2" {
		t.Errorf("collections %+v %v", list, err)
	}
}

func TestUpdateCollection_RenamesAndRefusesTakenSlug(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u, _ := collUser(t, db, "ada", 0)
	a := mustCreate(t, db, u.ID, "First")
	mustCreate(t, db, u.ID, "Second")
	if err := db.UpdateCollection(ctx, u.ID, a.PublicID, store.CollectionInput{Name: "Renamed", Description: "For my CV", Slug: "cv"}); err != nil {
		t.Fatal(err)
	}
	got, _ := db.CollectionByPublicID(ctx, u.ID, a.PublicID)
	if got.Name != "Renamed" || got.Description != "For my CV" || got.Slug != "cv" {
		t.Errorf("after update %+v", got)
	}
	if err := db.UpdateCollection(ctx, u.ID, a.PublicID, store.CollectionInput{Name: "R", Slug: "second"}); fail.CodeOf(err) != fail.Conflict {
		t.Errorf("taken slug: %v", err)
	}
	// Keeping its own slug is fine.
	if err := db.UpdateCollection(ctx, u.ID, a.PublicID, store.CollectionInput{Name: "R2", Slug: "cv"}); err != nil {
		t.Errorf("own slug: %v", err)
	}
	v, _ := collUser(t, db, "bob", 0)
	if err := db.UpdateCollection(ctx, v.ID, a.PublicID, store.CollectionInput{Name: "Stolen", Slug: "stolen"}); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("other user's update: %v", err)
	}
	if got, _ := db.CollectionByPublicID(ctx, u.ID, a.PublicID); got.Name != "R2" {
		t.Errorf("name %q after the other user's attempt", got.Name)
	}
}

func TestAddToCollection_AppendsIgnoresDuplicatesAndRefusesOthersBadges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u, ids := collUser(t, db, "ada", 4)
	_, bobIDs := collUser(t, db, "bob", 1)
	c := mustCreate(t, db, u.ID, "Skills")
	if n, err := db.AddToCollection(ctx, u.ID, c.PublicID, []string{ids[2], ids[0]}); err != nil || n != 2 {
		t.Fatalf("add: %d %v", n, err)
	}
	if n, err := db.AddToCollection(ctx, u.ID, c.PublicID, []string{ids[0], ids[1]}); err != nil || n != 1 {
		t.Fatalf("add again: %d %v", n, err)
	}
	if got, want := order(t, db, u.ID, c.PublicID), []string{ids[2], ids[0], ids[1]}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	if _, err := db.AddToCollection(ctx, u.ID, c.PublicID, []string{ids[3], bobIDs[0]}); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("adding bob's badge: %v", err)
	}
	if got := order(t, db, u.ID, c.PublicID); len(got) != 3 {
		t.Errorf("a refused add changed the collection: %v", got)
	}
	rest, err := db.BadgesNotInCollection(ctx, u.ID, c.ID)
	if err != nil || len(rest) != 1 || rest[0].PublicID != ids[3] {
		t.Errorf("not in collection: %+v %v", rest, err)
	}
}

func TestMoveInCollection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u, ids := collUser(t, db, "ada", 5)
	c := mustCreate(t, db, u.ID, "Ordered")
	if _, err := db.AddToCollection(ctx, u.ID, c.PublicID, ids); err != nil {
		t.Fatal(err)
	}
	a, b, cc, d, e := ids[0], ids[1], ids[2], ids[3], ids[4]
	steps := []struct {
		badge string
		move  store.Move
		pos   int
		want  []string
	}{
		{cc, store.MoveUp, 2, []string{a, cc, b, d, e}},
		{a, store.MoveUp, 1, []string{a, cc, b, d, e}}, // already first
		{a, store.MoveDown, 2, []string{cc, a, b, d, e}},
		{e, store.MoveDown, 5, []string{cc, a, b, d, e}}, // already last
		{d, store.MoveTop, 1, []string{d, cc, a, b, e}},
		{d, store.MoveTo(4), 4, []string{cc, a, b, d, e}},
		{cc, store.MoveTo(99), 5, []string{a, b, d, e, cc}},
	}
	for i, s := range steps {
		m, err := db.MoveInCollection(ctx, u.ID, c.PublicID, s.badge, s.move)
		if err != nil || m.Position != s.pos || m.Total != 5 || m.Name == "" {
			t.Fatalf("step %d: %+v, %v; want %d of 5", i, m, err, s.pos)
		}
		if got := order(t, db, u.ID, c.PublicID); !slices.Equal(got, s.want) {
			t.Fatalf("step %d: order %v, want %v", i, got, s.want)
		}
	}
	if _, err := db.MoveInCollection(ctx, u.ID, c.PublicID, a, store.Move("sideways")); fail.CodeOf(err) != fail.Invalid {
		t.Errorf("bad move: %v", err)
	}
	v, _ := collUser(t, db, "bob", 0)
	if _, err := db.MoveInCollection(ctx, v.ID, c.PublicID, a, store.MoveTop); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("bob's move: %v", err)
	}

	// Removing and deleting keep positions dense: a move afterwards still
	// lands where asked.
	if err := db.RemoveFromCollection(ctx, u.ID, c.PublicID, b); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteBadge(ctx, u.ID, d); err != nil {
		t.Fatal(err)
	}
	if got, want := order(t, db, u.ID, c.PublicID), []string{a, e, cc}; !slices.Equal(got, want) {
		t.Fatalf("after remove and delete: %v, want %v", got, want)
	}
	if m, err := db.MoveInCollection(ctx, u.ID, c.PublicID, cc, store.MoveUp); err != nil || m.Position != 2 || m.Total != 3 {
		t.Errorf("move after removals: %+v %v", m, err)
	}
	if got, want := order(t, db, u.ID, c.PublicID), []string{a, cc, e}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	var positions []int
	rows, err := rawDB(t, db).Query("SELECT position FROM collection_badges ORDER BY position")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p int
		rows.Scan(&p)
		positions = append(positions, p)
	}
	rows.Close()
	if !slices.Equal(positions, []int{1, 2, 3}) {
		t.Errorf("positions %v, want 1 2 3", positions)
	}
	if err := db.RemoveFromCollection(ctx, u.ID, c.PublicID, b); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("removing a badge not in it: %v", err)
	}
}

func TestDeleteCollection_KeepsBadges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u, ids := collUser(t, db, "ada", 2)
	c := mustCreate(t, db, u.ID, "Gone soon")
	other := mustCreate(t, db, u.ID, "Stays")
	db.AddToCollection(ctx, u.ID, c.PublicID, ids)
	db.AddToCollection(ctx, u.ID, other.PublicID, ids[:1])
	v, _ := collUser(t, db, "bob", 0)
	if err := db.DeleteCollection(ctx, v.ID, c.PublicID); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("bob deleting: %v", err)
	}
	if err := db.DeleteCollection(ctx, u.ID, c.PublicID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CollectionByPublicID(ctx, u.ID, c.PublicID); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("deleted collection still found: %v", err)
	}
	for _, id := range ids {
		if _, err := db.BadgeByPublicID(ctx, u.ID, id); err != nil {
			t.Errorf("badge %s gone with the collection: %v", id, err)
		}
	}
	if got := order(t, db, u.ID, other.PublicID); !slices.Equal(got, ids[:1]) {
		t.Errorf("other collection %v", got)
	}
}

func TestVisibilityAndPublicLookups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u, _ := collUser(t, db, "ada", 0)
	c := mustCreate(t, db, u.ID, "Shown")
	notFound := func(what string, _ *store.Collection, err error) {
		t.Helper()
		if fail.CodeOf(err) != fail.NotFound {
			t.Errorf("%s: %v, want NotFound", what, err)
		}
	}
	found := func(what string, got *store.Collection, err error) {
		t.Helper()
		if err != nil || got.PublicID != c.PublicID {
			t.Errorf("%s: %+v %v", what, got, err)
		}
	}
	bySlug := func() (*store.Collection, error) { return db.CollectionBySlug(ctx, u.ID, "shown") }
	byToken := func(tok string) (*store.Collection, error) { return db.CollectionByUnlistedToken(ctx, tok) }

	g, err := bySlug()
	notFound("private by slug", g, err)
	g, err = byToken(c.UnlistedToken)
	notFound("private by token", g, err)

	if err := db.SetCollectionVisibility(ctx, u.ID, c.PublicID, store.Unlisted); err != nil {
		t.Fatal(err)
	}
	g, err = bySlug()
	notFound("unlisted by slug", g, err)
	g, err = byToken(c.UnlistedToken)
	found("unlisted by token", g, err)

	tok, err := db.ReplaceUnlistedToken(ctx, u.ID, c.PublicID)
	if err != nil || tok == c.UnlistedToken || len(tok) < 16 {
		t.Fatalf("replace: %q %v", tok, err)
	}
	g, err = byToken(c.UnlistedToken)
	notFound("old token", g, err)
	g, err = byToken(tok)
	found("new token", g, err)

	if err := db.SetCollectionVisibility(ctx, u.ID, c.PublicID, store.Public); err != nil {
		t.Fatal(err)
	}
	g, err = bySlug()
	found("public by slug", g, err)
	if pub, err := db.PublicCollections(ctx, u.ID); err != nil || len(pub) != 1 {
		t.Errorf("public collections %v %v", pub, err)
	}
	v, _ := collUser(t, db, "bob", 0)
	g, err = db.CollectionBySlug(ctx, v.ID, "shown")
	notFound("slug under another user", g, err)
	if err := db.SetCollectionVisibility(ctx, v.ID, c.PublicID, store.Private); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("bob hiding: %v", err)
	}
	if _, err := db.ReplaceUnlistedToken(ctx, v.ID, c.PublicID); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("bob replacing: %v", err)
	}
	if err := db.SetCollectionVisibility(ctx, u.ID, c.PublicID, "everyone"); fail.CodeOf(err) != fail.Invalid {
		t.Errorf("bad visibility: %v", err)
	}
	g, err = byToken("")
	notFound("empty token", g, err)
}

func TestSetBadgeCollections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u, ids := collUser(t, db, "ada", 2)
	a := mustCreate(t, db, u.ID, "A")
	b := mustCreate(t, db, u.ID, "B")
	db.AddToCollection(ctx, u.ID, a.PublicID, ids[1:])
	joined, left, err := db.SetBadgeCollections(ctx, u.ID, ids[0], []string{a.PublicID, b.PublicID})
	if err != nil || joined != 2 || left != 0 {
		t.Fatalf("set: %d %d %v", joined, left, err)
	}
	if got := order(t, db, u.ID, a.PublicID); !slices.Equal(got, []string{ids[1], ids[0]}) {
		t.Errorf("A: %v", got)
	}
	joined, left, err = db.SetBadgeCollections(ctx, u.ID, ids[0], []string{b.PublicID})
	if err != nil || joined != 0 || left != 1 {
		t.Fatalf("set again: %d %d %v", joined, left, err)
	}
	name, bcs, err := db.BadgeCollections(ctx, u.ID, ids[0])
	if err != nil || name != "ada 1" || len(bcs) != 2 || bcs[0].Contains || !bcs[1].Contains || bcs[1].BadgeCount != 1 {
		t.Errorf("badge collections %+v %v", bcs, err)
	}
	v, vids := collUser(t, db, "bob", 1)
	vc := mustCreate(t, db, v.ID, "Bob's")
	if _, _, err := db.SetBadgeCollections(ctx, v.ID, vids[0], []string{vc.PublicID, a.PublicID}); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("bob into ada's collection: %v", err)
	}
	if _, _, err := db.SetBadgeCollections(ctx, v.ID, ids[0], nil); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("bob with ada's badge: %v", err)
	}
	if _, _, err := db.BadgeCollections(ctx, v.ID, ids[0]); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("bob listing the collections of ada's badge: %v", err)
	}
	if got := order(t, db, v.ID, vc.PublicID); len(got) != 0 {
		t.Errorf("a refused call changed bob's collection: %v", got)
	}
	if got := order(t, db, u.ID, b.PublicID); !slices.Equal(got, ids[:1]) {
		t.Errorf("a refused call changed ada's: %v", got)
	}
}

func TestSlugify(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Data analysis":          "data-analysis",
		"  --Hello,  World--  ":  "hello-world",
		"Ünïcödé Çafé 2024":      "unicode-cafe-2024",
		"日本語":                    "collection",
		"a_b.c":                  "a-b-c",
		"ALL CAPS AND   SPACES!": "all-caps-and-spaces",
	} {
		if got := store.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
	long := store.Slugify(string(make([]rune, 0)) + "abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij")
	if len(long) > store.MaxCollectionSlug-4 {
		t.Errorf("long slug %d chars", len(long))
	}
}

// BenchmarkMoveInCollection_200 moves a badge to the top of a 200-badge
// collection and back: the largest renumbering a move does.
func BenchmarkMoveInCollection_200(b *testing.B) {
	ctx := context.Background()
	db := MustOpen(b)
	u, _, err := db.SignIn(ctx, store.Identity{Provider: "dev", Subject: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for i := range 200 {
		bd := &store.Badge{UserID: u.ID, DedupeKey: "bench " + strconv.Itoa(i), Version: "2.0", Format: "json", Name: "Badge " + strconv.Itoa(i)}
		if _, err := db.UpsertBadge(ctx, bd); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, bd.PublicID)
	}
	c, err := db.CreateCollection(ctx, u.ID, store.CollectionInput{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.AddToCollection(ctx, u.ID, c.PublicID, ids); err != nil {
		b.Fatal(err)
	}
	last := ids[len(ids)-1]
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m := store.MoveTop
		if i%2 == 1 {
			m = store.MoveTo(200)
		}
		if _, err := db.MoveInCollection(ctx, u.ID, c.PublicID, last, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCollectionBadges_200 reads a 200-badge collection in order, as
// its page does.
func BenchmarkCollectionBadges_200(b *testing.B) {
	ctx := context.Background()
	db := MustOpen(b)
	u, _, err := db.SignIn(ctx, store.Identity{Provider: "dev", Subject: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for i := range 200 {
		bd := &store.Badge{UserID: u.ID, DedupeKey: "bench " + strconv.Itoa(i), Version: "2.0", Format: "json", Name: "Badge " + strconv.Itoa(i)}
		if _, err := db.UpsertBadge(ctx, bd); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, bd.PublicID)
	}
	c, _ := db.CreateCollection(ctx, u.ID, store.CollectionInput{Name: "Bench"})
	if _, err := db.AddToCollection(ctx, u.ID, c.PublicID, ids); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		bs, err := db.CollectionBadges(ctx, c.ID)
		if err != nil || len(bs) != 200 {
			b.Fatal(len(bs), err)
		}
	}
}

// TestMoveInCollection_RenumbersGaps: positions with gaps (from an older
// database, or a bug elsewhere) come out 1…n after a move.
func TestMoveInCollection_RenumbersGaps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u, ids := collUser(t, db, "ada", 3)
	c := mustCreate(t, db, u.ID, "Gaps")
	db.AddToCollection(ctx, u.ID, c.PublicID, ids)
	w, err := store.OpenRawForTest(db)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Exec("UPDATE collection_badges SET position = position * 10"); err != nil {
		t.Fatal(err)
	}
	if m, err := db.MoveInCollection(ctx, u.ID, c.PublicID, ids[2], store.MoveUp); err != nil || m.Position != 2 {
		t.Fatalf("move: %+v %v", m, err)
	}
	if got, want := order(t, db, u.ID, c.PublicID), []string{ids[0], ids[2], ids[1]}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	var positions []int
	rows, _ := rawDB(t, db).Query("SELECT position FROM collection_badges ORDER BY position")
	for rows.Next() {
		var p int
		rows.Scan(&p)
		positions = append(positions, p)
	}
	rows.Close()
	if !slices.Equal(positions, []int{1, 2, 3}) {
		t.Errorf("positions %v", positions)
	}
}

func TestMakeCollectionBadgesPublic_OnlyThisCollectionsPrivateBadgesOfTheUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada, ids := collUser(t, db, "ada", 4) // 0, 1: private, in it; 2: public, in it; 3: private, not in it
	bob, bobIDs := collUser(t, db, "bob", 1)
	c := mustCreate(t, db, ada.ID, "Shared")
	if _, err := db.AddToCollection(ctx, ada.ID, c.PublicID, ids[:3]); err != nil {
		t.Fatal(err)
	}
	if err := db.SetBadgeVisibility(ctx, ada.ID, ids[2], store.Public); err != nil {
		t.Fatal(err)
	}
	if err := db.SetCollectionVisibility(ctx, ada.ID, c.PublicID, store.Unlisted); err != nil {
		t.Fatal(err)
	}
	c, _ = db.CollectionByPublicID(ctx, ada.ID, c.PublicID)
	bobColl := mustCreate(t, db, bob.ID, "Bob's")
	if _, err := db.AddToCollection(ctx, bob.ID, bobColl.PublicID, bobIDs); err != nil {
		t.Fatal(err)
	}
	visibility := func(userID int64, id string) string {
		t.Helper()
		b, err := db.BadgeByPublicID(ctx, userID, id)
		if err != nil {
			t.Fatal(err)
		}
		return b.Visibility
	}
	want := func(step string, ada0, ada1, ada3, bob0 string) {
		t.Helper()
		for _, v := range []struct {
			user     int64
			id, want string
		}{{ada.ID, ids[0], ada0}, {ada.ID, ids[1], ada1}, {ada.ID, ids[2], store.Public}, {ada.ID, ids[3], ada3}, {bob.ID, bobIDs[0], bob0}} {
			if got := visibility(v.user, v.id); got != v.want {
				t.Errorf("%s: badge %s is %s, want %s", step, v.id, got, v.want)
			}
		}
	}
	everything := append(slices.Clone(ids), bobIDs...)

	// Bob, on Ada's collection: NotFound. On his own, naming Ada's badges: none of hers change.
	if n, err := db.MakeCollectionBadgesPublic(ctx, bob.ID, c.PublicID, everything); fail.CodeOf(err) != fail.NotFound || n != 0 {
		t.Errorf("bob on ada's collection: %d, %v; want NotFound", n, err)
	}
	if n, err := db.MakeCollectionBadgesPublic(ctx, bob.ID, bobColl.PublicID, ids); err != nil || n != 0 {
		t.Errorf("bob naming ada's badges: %d, %v; want 0", n, err)
	}
	want("after bob", store.Private, store.Private, store.Private, store.Private)

	// Ada, naming every badge there is: only the private ones in this collection change.
	n, err := db.MakeCollectionBadgesPublic(ctx, ada.ID, c.PublicID, everything)
	if err != nil || n != 2 {
		t.Fatalf("ada: %d, %v; want 2", n, err)
	}
	want("after ada", store.Public, store.Public, store.Private, store.Private)
	if n, err := db.MakeCollectionBadgesPublic(ctx, ada.ID, c.PublicID, ids); err != nil || n != 0 {
		t.Errorf("again: %d, %v; want 0", n, err)
	}
	if n, err := db.MakeCollectionBadgesPublic(ctx, ada.ID, c.PublicID, nil); err != nil || n != 0 {
		t.Errorf("none named: %d, %v; want 0", n, err)
	}

	// Visitors of the link now see all three, in order.
	pc, err := db.UnlistedCollection(ctx, c.UnlistedToken, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for _, b := range pc.Badges {
		shown = append(shown, b.PublicID)
	}
	if !slices.Equal(shown, ids[:3]) {
		t.Errorf("the link shows %v, want %v", shown, ids[:3])
	}
}
