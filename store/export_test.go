package store_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/satchel-backpack/satchel/store"
)

func archiveBadge(key, dedupe string, original []byte) store.ArchiveBadge {
	return store.ArchiveBadge{Key: key, Badge: &store.Badge{DedupeKey: dedupe, Version: "3.0", Format: "json",
		Original: original, Name: "Badge " + key, ModelJSON: []byte("{}"), Status: store.StatusValid, Tags: []string{"t-" + key}}}
}

func TestImportArchive_RestoresOrderOnceAndIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := mustUser(t, db, store.Identity{Provider: "dev", Subject: "a", Email: "a@example.org", EmailVerified: true})
	in := store.ArchiveImport{
		Badges: []store.ArchiveBadge{archiveBadge("a", "k-a", []byte(`{"a":1}`)), archiveBadge("b", "k-b", []byte(`{"b":2}`)), archiveBadge("c", "k-c", []byte(`{"c":3}`))},
		Collections: []store.ArchiveCollection{
			{Name: "Work", Slug: "work", Visibility: store.Public, Badges: []string{"c", "a", "refused-one", "b"}},
		},
	}
	res, err := db.ImportArchive(ctx, u.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if res.BadgesAdded != 3 || res.CollectionsAdded != 1 || res.Placed != 3 {
		t.Errorf("result %+v", res)
	}
	order := func() []string {
		t.Helper()
		d, err := db.ExportData(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		for _, b := range d.Badges {
			names[b.PublicID] = b.DedupeKey
		}
		if len(d.Collections) != 1 {
			t.Fatalf("%d collections", len(d.Collections))
		}
		var out []string
		for _, id := range d.Collections[0].Badges {
			out = append(out, names[id])
		}
		if len(d.Badges) != 3 {
			t.Fatalf("%d badges", len(d.Badges))
		}
		for _, b := range d.Badges {
			if len(b.Tags) != 1 {
				t.Errorf("badge %s tags %v", b.DedupeKey, b.Tags)
			}
		}
		if d.Collections[0].Visibility != store.Public {
			t.Errorf("visibility %q", d.Collections[0].Visibility)
		}
		return out
	}
	want := []string{"k-c", "k-a", "k-b"}
	if got := order(); !equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}

	// Again: nothing added, nothing moved.
	res, err = db.ImportArchive(ctx, u.ID, in)
	if err != nil || res.BadgesAdded != 0 || res.BadgesExisting != 3 || res.CollectionsExisting != 1 || res.Placed != 0 {
		t.Fatalf("second run %+v %v", res, err)
	}
	if got := order(); !equal(got, want) {
		t.Fatalf("order after a second run %v", got)
	}

	// A failure part-way (the second collection is invalid) leaves nothing
	// of this run behind: not the new badge, not the first collection.
	bad := store.ArchiveImport{
		Badges:      []store.ArchiveBadge{archiveBadge("d", "k-d", []byte(`{"d":4}`))},
		Collections: []store.ArchiveCollection{{Name: "Fine", Badges: []string{"d"}}, {Name: "", Slug: "", Badges: nil}},
	}
	if _, err := db.ImportArchive(ctx, u.ID, bad); err == nil {
		t.Fatal("an invalid collection was accepted")
	}
	if _, _, found, _ := db.BadgeWithKey(ctx, u.ID, "k-d"); found {
		t.Error("the badge of a failed import was kept")
	}
	if cols, _ := db.Collections(ctx, u.ID); len(cols) != 1 {
		t.Errorf("%d collections after a failed import", len(cols))
	}
	if got := order(); !equal(got, want) {
		t.Fatalf("order after a failed run %v", got)
	}
}

func TestShareImageCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	key := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	if _, found, err := db.ShareImage(ctx, key); found || err != nil {
		t.Fatalf("empty cache: %v %v", found, err)
	}
	if err := db.PutShareImage(ctx, key, []byte("png-1")); err != nil {
		t.Fatal(err)
	}
	// A second writer (another process) with the same key changes nothing.
	if err := db.PutShareImage(ctx, key, []byte("png-2")); err != nil {
		t.Fatal(err)
	}
	if got, found, err := db.ShareImage(ctx, key); !found || err != nil || !bytes.Equal(got, []byte("png-1")) {
		t.Errorf("got %q %v %v", got, found, err)
	}
	if err := db.PutShareImage(ctx, "../etc", []byte("x")); err == nil {
		t.Error("a malformed key was stored")
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
