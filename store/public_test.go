package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/store"
)

func mustProfile(tb testing.TB, db *store.DB, userID int64, handle, name string) *store.Profile {
	tb.Helper()
	p, err := db.SaveProfile(context.Background(), userID, store.ProfileInput{Handle: handle, DisplayName: name})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestValidateHandle(t *testing.T) {
	t.Parallel()
	for h, ok := range map[string]bool{
		"ada": true, "ada-lovelace": true, "a1b": true, strings.Repeat("a", 30): true,
		"": false, "ab": false, strings.Repeat("a", 31): false, "ada_l": false, "ada l": false,
		"-ada": false, "ada-": false, "ada--l": false, "adé": false, "admin": false, "api": false, "static": false, "u": false,
	} {
		if got := store.ValidateHandle(h) == ""; got != ok {
			t.Errorf("ValidateHandle(%q) ok = %v, want %v (%s)", h, got, ok, store.ValidateHandle(h))
		}
	}
}

func TestSaveProfile_ValidatesAndKeepsHandlesUniqueIgnoringCase(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	ctx := context.Background()
	ada, bob := mustListUser(t, db, "ada"), mustListUser(t, db, "bob")

	p, err := db.SaveProfile(ctx, ada.ID, store.ProfileInput{Handle: "  Ada-Lovelace ", DisplayName: " Ada   Lovelace ", Bio: "Counts *engines*.\r\n", Indexable: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Handle != "ada-lovelace" || p.DisplayName != "Ada Lovelace" || p.Bio != "Counts *engines*." || !p.Indexable || p.Avatar != store.AvatarNone {
		t.Errorf("saved %+v", p)
	}

	_, err = db.SaveProfile(ctx, bob.ID, store.ProfileInput{Handle: "ADA-lovelace", DisplayName: "Bob"})
	var pe store.ProfileErrors
	if !errors.As(err, &pe) || !strings.Contains(pe["handle"], "taken") {
		t.Fatalf("second learner took the handle: %v", err)
	}

	_, err = db.SaveProfile(ctx, bob.ID, store.ProfileInput{Handle: "admin", DisplayName: "bob@example.org", Bio: strings.Repeat("x", store.BioMaxLen+1), Avatar: "gravatar"})
	if !errors.As(err, &pe) || len(pe) != 4 {
		t.Fatalf("want four field errors, got %v", err)
	}

	// Updating keeps the handle's owner and changes the rest.
	p, err = db.SaveProfile(ctx, ada.ID, store.ProfileInput{Handle: "ada-lovelace", DisplayName: "Ada"})
	if err != nil || p.DisplayName != "Ada" || p.Indexable || !p.CreatedAt.Before(p.UpdatedAt.Add(time.Nanosecond)) {
		t.Fatalf("update: %+v %v", p, err)
	}
	if _, err := db.ProfileOf(ctx, bob.ID); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("bob has no profile, got %v", err)
	}
}

func TestPublicProfile_OnlyPublicBadgesAndCollections(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	ctx := context.Background()
	ada, bob := mustListUser(t, db, "ada"), mustListUser(t, db, "bob")
	mustProfile(t, db, ada.ID, "ada", "Ada Lovelace")
	mustProfile(t, db, bob.ID, "bob", "Bob")

	pub1 := mustAddListBadge(t, db, ada.ID, 1, listBadge{name: "Public old", issuer: "I", issued: day(2020, 1, 1)})
	pub2 := mustAddListBadge(t, db, ada.ID, 2, listBadge{name: "Public new", issuer: "I", issued: day(2024, 1, 1), expires: day(2025, 1, 1)})
	priv := mustAddListBadge(t, db, ada.ID, 3, listBadge{name: "Private", issuer: "I", issued: day(2023, 1, 1)})
	bobs := mustAddListBadge(t, db, bob.ID, 4, listBadge{name: "Bob's public", issuer: "I", issued: day(2023, 1, 1)})
	for _, b := range []*store.Badge{pub1, pub2} {
		if err := db.SetBadgeVisibility(ctx, ada.ID, b.PublicID, store.Public); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetBadgeVisibility(ctx, bob.ID, bobs.PublicID, store.Public); err != nil {
		t.Fatal(err)
	}

	coll := func(name, vis string, badges ...*store.Badge) *store.Collection {
		c, err := db.CreateCollection(ctx, ada.ID, store.CollectionInput{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, b := range badges {
			ids = append(ids, b.PublicID)
		}
		if _, err := db.AddToCollection(ctx, ada.ID, c.PublicID, ids); err != nil {
			t.Fatal(err)
		}
		if err := db.SetCollectionVisibility(ctx, ada.ID, c.PublicID, vis); err != nil {
			t.Fatal(err)
		}
		c, err = db.CollectionByPublicID(ctx, ada.ID, c.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	public := coll("Job application", store.Public, pub2, priv, pub1)
	private := coll("Secret", store.Private, pub1)
	unlisted := coll("For my tutor", store.Unlisted, pub1, priv)

	pp, err := db.PublicProfileByHandle(ctx, "ADA", day(2026, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range pp.Badges {
		names = append(names, b.Name)
	}
	if !slices.Equal(names, []string{"Public new", "Public old"}) {
		t.Errorf("public badges %q", names)
	}
	if pp.Badges[0].Status != store.StatusExpired {
		t.Errorf("a badge past its expiry shows %s", pp.Badges[0].Status)
	}
	if len(pp.Collections) != 1 || pp.Collections[0].Name != "Job application" || pp.Collections[0].Badges != 2 {
		t.Errorf("public collections %+v", pp.Collections)
	}

	pc, err := db.PublicCollectionBySlug(ctx, "ada", public.Slug, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pc.Badges) != 2 || pc.Badges[0].Name != "Public new" || pc.Badges[1].Name != "Public old" || pc.Owner.Handle != "ada" {
		t.Errorf("public collection %+v", pc)
	}
	for _, slug := range []string{private.Slug, unlisted.Slug, "nope"} {
		if _, err := db.PublicCollectionBySlug(ctx, "ada", slug, time.Time{}); fail.CodeOf(err) != fail.NotFound {
			t.Errorf("collection %s by slug: %v", slug, err)
		}
	}
	if _, err := db.PublicCollectionBySlug(ctx, "bob", public.Slug, time.Time{}); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("ada's collection under bob's handle: %v", err)
	}

	uc, err := db.UnlistedCollection(ctx, unlisted.UnlistedToken, time.Time{})
	if err != nil || len(uc.Badges) != 1 || uc.Badges[0].Name != "Public old" {
		t.Fatalf("unlisted: %+v %v", uc, err)
	}
	if _, err := db.UnlistedCollection(ctx, private.UnlistedToken, time.Time{}); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("a private collection's token opened it: %v", err)
	}
	if _, err := db.ReplaceUnlistedToken(ctx, ada.ID, unlisted.PublicID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UnlistedCollection(ctx, unlisted.UnlistedToken, time.Time{}); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("a replaced token still opens the collection: %v", err)
	}

	if _, b, err := db.PublicBadge(ctx, "Ada", pub1.PublicID, time.Time{}); err != nil || b.Name != "Public old" {
		t.Errorf("public badge: %v", err)
	}
	for _, c := range []struct{ handle, id string }{
		{"ada", priv.PublicID},    // private
		{"ada", bobs.PublicID},    // someone else's
		{"bob", pub1.PublicID},    // under the wrong handle
		{"nobody", pub1.PublicID}, // unknown handle
		{"ada", "guessed0000000000000"},
	} {
		if _, _, err := db.PublicBadge(ctx, c.handle, c.id, time.Time{}); fail.CodeOf(err) != fail.NotFound {
			t.Errorf("PublicBadge(%s, %s): %v", c.handle, c.id, err)
		}
	}

	// Without a profile nothing is public, and a deleted badge is gone.
	if err := db.DeleteBadge(ctx, ada.ID, pub1.PublicID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.PublicBadge(ctx, "ada", pub1.PublicID, time.Time{}); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("deleted badge: %v", err)
	}
	if err := db.DeleteProfile(ctx, ada.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublicProfileByHandle(ctx, "ada", time.Time{}); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("deleted profile: %v", err)
	}
	if _, err := db.PublicCollectionBySlug(ctx, "ada", public.Slug, time.Time{}); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("public collection without a profile: %v", err)
	}
}

func TestPublicProfile_UsesIndexes(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	skipUnlessSQLite(t)
	raw := rawDB(t, db)
	for _, q := range []string{
		"SELECT * FROM profiles WHERE handle = 'ada'",
		"SELECT * FROM badges b WHERE b.user_id = 1 AND b.visibility = 'public' ORDER BY b.issued_at DESC, b.id DESC",
	} {
		rows, err := raw.Query("EXPLAIN QUERY PLAN " + q)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "; ")
		if strings.Contains(joined, "SCAN") || strings.Contains(joined, "TEMP B-TREE") {
			t.Errorf("%s\nplan: %s", q, joined)
		}
	}
}

func TestSeedForBench_FillsLearnersAndAFeaturedProfile(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	ctx := context.Background()
	err := db.SeedForBench(ctx, store.SeedOptions{Learners: 20, Badges: 200, Featured: "featured", FeaturedPublic: 12,
		Images: 3, Image: func(i int) []byte { return []byte{0x89, 'P', 'N', 'G', byte(i)} }})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.CountUsers(ctx); err != nil || n != 21 {
		t.Fatalf("%d users, %v", n, err)
	}
	pp, err := db.PublicProfileByHandle(ctx, "featured", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pp.Badges) != 12 || len(pp.Collections) != 2 || pp.Collections[0].Badges != 10 || pp.Collections[1].Badges != 2 {
		t.Fatalf("featured: %d badges, collections %+v", len(pp.Badges), pp.Collections)
	}
	other, err := db.PublicProfileByHandle(ctx, "learner-7", time.Time{})
	if err != nil || len(other.Badges) != 1 { // one in ten of its ten badges is public
		t.Fatalf("learner-7: %v %+v", err, other)
	}
	if store.SchemaVersion() == "" {
		t.Error("no schema version")
	}
}
