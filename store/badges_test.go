package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
)

func badgeUser(tb testing.TB, db *store.DB, subject string) *store.User {
	tb.Helper()
	u, _, err := db.SignIn(context.Background(), store.Identity{Provider: "dev", Subject: subject, Email: subject + "@example.org"})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func ob2Badge(id string) *badge.Badge {
	return &badge.Badge{
		Version: badge.V2_0, Format: badge.FormatJSON, Type: "Assertion",
		Original: []byte(`{"id":"` + id + `"}`), Payload: []byte(`{"id":"` + id + `"}`),
		ID: id, Name: "Knot tying", Description: "Ties knots.",
		Criteria:   badge.Criteria{URL: "https://issuer.example/criteria", Narrative: "Tie *five* knots."},
		Issuer:     badge.Issuer{ID: "https://issuer.example/i", Name: "Sea Scouts", URL: "https://issuer.example"},
		Image:      badge.Image{URL: "https://issuer.example/knot.png", Caption: "A knot"},
		IssuedOn:   time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		Tags:       []string{"sailing", "Ropes", "sailing"},
		Alignments: []badge.Alignment{{TargetName: "Knots 101", TargetURL: "https://framework.example/knots"}},
	}
}

func ob3Badge(id string, validFrom time.Time, name string) *badge.Badge {
	return &badge.Badge{
		Version: badge.V3_0, Format: badge.FormatJWS, Type: "OpenBadgeCredential",
		Original: []byte("eyJ..." + name), Payload: []byte(`{"name":"` + name + `"}`),
		ID: id, Name: name, Issuer: badge.Issuer{ID: "did:key:z6MkIssuer", Name: "Issuer"},
		IssuedOn: validFrom,
	}
}

func newStored(t *testing.T, u *store.User, m *badge.Badge, status store.BadgeStatus) *store.Badge {
	t.Helper()
	b, err := store.NewBadge(m)
	if err != nil {
		t.Fatal(err)
	}
	b.UserID = u.ID
	b.Status = status
	rep := &verify.Report{RanAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	rep.Add("signature", verify.Passed, "ok", "")
	rep.Finish()
	b.ReportJSON, _ = json.Marshal(rep)
	b.CheckedAt = rep.RanAt
	return b
}

func TestUpsertBadge_InsertsAndReadsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := badgeUser(t, db, "ada")
	b := newStored(t, u, ob2Badge("https://issuer.example/a/1"), store.StatusValid)
	b.OriginalName, b.OriginalType = "knot.json", "application/json"
	b.MatchedType, b.MatchedValue = "email", "ada@example.org"
	res, err := db.UpsertBadge(ctx, b)
	if err != nil || res != store.Inserted {
		t.Fatalf("upsert: %v %v", res, err)
	}
	if len(b.PublicID) < 16 || b.ID == 0 {
		t.Fatalf("public id %q id %d", b.PublicID, b.ID)
	}
	got, err := db.BadgeByPublicID(ctx, u.ID, b.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Knot tying" || got.IssuerName != "Sea Scouts" || got.CriteriaNarrative != "Tie *five* knots." ||
		got.OriginalName != "knot.json" || got.MatchedValue != "ada@example.org" || got.Status != store.StatusValid ||
		got.Visibility != store.Private || !got.IssuedAt.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) ||
		!bytes.Equal(got.Original, b.Original) || got.DedupeKey != "ob2 https://issuer.example/a/1" {
		t.Fatalf("read back %+v", got)
	}
	if fmt.Sprint(got.Tags) != "[Ropes sailing]" {
		t.Errorf("tags %v, want [Ropes sailing] (duplicates dropped)", got.Tags)
	}
	m, err := got.Model()
	if err != nil || len(m.Alignments) != 1 || m.Alignments[0].TargetName != "Knots 101" || string(m.Payload) != string(b.Payload) {
		t.Fatalf("model %+v %v", m, err)
	}
	rep, err := got.Report()
	if err != nil || rep.Verdict != verify.Valid || len(rep.Checks) != 1 {
		t.Fatalf("report %+v %v", rep, err)
	}
	checks, err := db.BadgeChecks(ctx, got.ID, 10)
	if err != nil || len(checks) != 1 || checks[0].Verdict != "valid" {
		t.Fatalf("history %+v %v", checks, err)
	}

	// Another learner cannot see it, and it is the same answer as a missing badge.
	other := badgeUser(t, db, "bob")
	if _, err := db.BadgeByPublicID(ctx, other.ID, b.PublicID); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("other user's view: %v", err)
	}
	// But may hold the same badge in their own backpack.
	ob := newStored(t, other, ob2Badge("https://issuer.example/a/1"), store.StatusValid)
	if res, err := db.UpsertBadge(ctx, ob); err != nil || res != store.Inserted || ob.PublicID == b.PublicID {
		t.Fatalf("same badge, other user: %v %v", res, err)
	}
}

func TestUpsertBadge_OB2SameAssertionIsExisting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := badgeUser(t, db, "ada")
	first := newStored(t, u, ob2Badge("https://issuer.example/a/1"), store.StatusValid)
	if _, err := db.UpsertBadge(ctx, first); err != nil {
		t.Fatal(err)
	}
	again := ob2Badge("https://issuer.example/a/1")
	again.Name = "Renamed"
	again.IssuedOn = again.IssuedOn.AddDate(1, 0, 0)
	second := newStored(t, u, again, store.StatusValid)
	res, err := db.UpsertBadge(ctx, second)
	if err != nil || res != store.Existing || second.PublicID != first.PublicID {
		t.Fatalf("second import: %v %v %q vs %q", res, err, second.PublicID, first.PublicID)
	}
	got, _ := db.BadgeByPublicID(ctx, u.ID, first.PublicID)
	if got.Name != "Knot tying" {
		t.Errorf("2.0 badge was overwritten: %q", got.Name)
	}
	if err := db.InsertBadge(ctx, newStored(t, u, ob2Badge("https://issuer.example/a/1"), store.StatusValid)); fail.CodeOf(err) != fail.Conflict {
		t.Errorf("InsertBadge of a duplicate: %v, want Conflict", err)
	}
}

func TestUpsertBadge_OB3NewerValidFromReplaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := badgeUser(t, db, "ada")
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	first := newStored(t, u, ob3Badge("urn:uuid:1", t0, "First"), store.StatusValid)
	if res, err := db.UpsertBadge(ctx, first); err != nil || res != store.Inserted {
		t.Fatal(res, err)
	}
	if err := db.SetBadgeVisibility(ctx, u.ID, first.PublicID, store.Public); err != nil {
		t.Fatal(err)
	}

	older := newStored(t, u, ob3Badge("urn:uuid:1", t0.AddDate(0, -1, 0), "Older"), store.StatusValid)
	if res, err := db.UpsertBadge(ctx, older); err != nil || res != store.Existing {
		t.Fatalf("older: %v %v", res, err)
	}
	same := newStored(t, u, ob3Badge("urn:uuid:1", t0, "Same date"), store.StatusValid)
	if res, err := db.UpsertBadge(ctx, same); err != nil || res != store.Existing {
		t.Fatalf("same validFrom: %v %v", res, err)
	}
	newer := newStored(t, u, ob3Badge("urn:uuid:1", t0.AddDate(0, 1, 0), "Newer"), store.StatusWarning)
	if res, err := db.UpsertBadge(ctx, newer); err != nil || res != store.Replaced || newer.PublicID != first.PublicID {
		t.Fatalf("newer: %v %v", res, err)
	}
	got, err := db.BadgeByPublicID(ctx, u.ID, first.PublicID)
	if err != nil || got.Name != "Newer" || got.Status != store.StatusWarning || got.Visibility != store.Public {
		t.Fatalf("after replace: %+v %v", got, err)
	}
	// A different issuer with the same credential id is a different badge.
	other := ob3Badge("urn:uuid:1", t0, "Other issuer")
	other.Issuer.ID = "did:key:z6MkOther"
	if res, err := db.UpsertBadge(ctx, newStored(t, u, other, store.StatusValid)); err != nil || res != store.Inserted {
		t.Fatalf("other issuer: %v %v", res, err)
	}
	checks, _ := db.BadgeChecks(ctx, got.ID, 10)
	if len(checks) != 2 {
		t.Errorf("history has %d entries, want 2 (insert, replace)", len(checks))
	}
}

func TestDedupeKey(t *testing.T) {
	t.Parallel()
	a := ob2Badge("https://x.example/1")
	noID := ob2Badge("")
	noID2 := ob2Badge("")
	noID2.Payload = []byte(`{"other":1}`)
	for _, c := range []struct {
		name string
		a, b *badge.Badge
		same bool
	}{
		{"same 2.0 id", a, ob2Badge("https://x.example/1"), true},
		{"other 2.0 id", a, ob2Badge("https://x.example/2"), false},
		{"3.0 same issuer and id", ob3Badge("urn:1", time.Time{}, "a"), ob3Badge("urn:1", time.Now(), "b"), true},
		{"2.0 id vs 3.0 id", ob2Badge("urn:1"), ob3Badge("urn:1", time.Time{}, "a"), false},
		{"no id, payload decides", noID, noID2, false},
	} {
		if got := store.DedupeKey(c.a) == store.DedupeKey(c.b); got != c.same {
			t.Errorf("%s: same=%v, want %v (%q, %q)", c.name, got, c.same, store.DedupeKey(c.a), store.DedupeKey(c.b))
		}
	}
}

func TestRecordCheck_UpdatesStatusAndHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := badgeUser(t, db, "ada")
	b := newStored(t, u, ob2Badge("https://issuer.example/a/1"), store.StatusValid)
	if _, err := db.UpsertBadge(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkBadgeSeen(ctx, u.ID, b.PublicID); err != nil {
		t.Fatal(err)
	}
	rep := &verify.Report{RanAt: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}
	rep.Add("revocation", verify.Failed, "The issuer has withdrawn (revoked) this badge.", "")
	rep.Finish()
	js, _ := json.Marshal(rep)
	next := rep.RanAt.Add(24 * time.Hour)
	if err := db.RecordCheck(ctx, b.ID, js, store.BadgeStatus(rep.Standing()), rep.RanAt, next); err != nil {
		t.Fatal(err)
	}
	got, _ := db.BadgeByPublicID(ctx, u.ID, b.PublicID)
	if got.Status != store.StatusRevoked || got.SeenStatus != store.StatusValid || !got.NextCheckAt.Equal(next) || !got.CheckedAt.Equal(rep.RanAt) {
		t.Fatalf("after check: status %s seen %s next %v checked %v", got.Status, got.SeenStatus, got.NextCheckAt, got.CheckedAt)
	}
	checks, _ := db.BadgeChecks(ctx, b.ID, 10)
	if len(checks) != 2 || checks[0].Status != store.StatusRevoked || checks[0].Verdict != "invalid" {
		t.Fatalf("history %+v", checks)
	}
	if err := db.RecordCheck(ctx, 999999, js, store.StatusValid, rep.RanAt, next); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("missing badge: %v", err)
	}
}

func TestDeleteBadge_RemovesTagsChecksAndUnsharedImage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := badgeUser(t, db, "ada")
	png := []byte("\x89PNG fake but stored as given")
	imgID, hash, err := db.PutImage(ctx, png, "image/png", 90, 90)
	if err != nil {
		t.Fatal(err)
	}
	again, hash2, err := db.PutImage(ctx, png, "image/png", 90, 90)
	if err != nil || again != imgID || hash2 != hash || len(hash) != 64 {
		t.Fatalf("same image twice: %d/%d %q/%q %v", imgID, again, hash, hash2, err)
	}
	a := newStored(t, u, ob2Badge("https://issuer.example/a/1"), store.StatusValid)
	a.ImageID = imgID
	b := newStored(t, u, ob2Badge("https://issuer.example/a/2"), store.StatusValid)
	b.ImageID = imgID
	for _, x := range []*store.Badge{a, b} {
		if _, err := db.UpsertBadge(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := db.BadgeByPublicID(ctx, u.ID, a.PublicID)
	if got.ImageHash != hash {
		t.Fatalf("image hash %q, want %q", got.ImageHash, hash)
	}
	other := badgeUser(t, db, "bob")
	if err := db.DeleteBadge(ctx, other.ID, a.PublicID); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("deleting someone else's badge: %v", err)
	}
	if err := db.DeleteBadge(ctx, u.ID, a.PublicID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImageByHash(ctx, hash); err != nil {
		t.Fatalf("image still used by b was deleted: %v", err)
	}
	if err := db.DeleteBadge(ctx, u.ID, b.PublicID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImageByHash(ctx, hash); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("unused image kept: %v", err)
	}
	if checks, _ := db.BadgeChecks(ctx, b.ID, 10); len(checks) != 0 {
		t.Errorf("history kept after delete: %v", checks)
	}
	if err := db.DeleteBadge(ctx, u.ID, a.PublicID); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("second delete: %v", err)
	}
}

func TestImages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)
	_, hash, err := db.PutImage(ctx, svg, "image/svg+xml", 10, 20)
	if err != nil {
		t.Fatal(err)
	}
	im, err := db.ImageByHash(ctx, hash)
	if err != nil || !bytes.Equal(im.Bytes, svg) || im.ContentType != "image/svg+xml" || im.Width != 10 || im.Height != 20 {
		t.Fatalf("%+v %v", im, err)
	}
	if _, _, err := db.PutImage(ctx, []byte("GIF89a"), "image/gif", 1, 1); fail.CodeOf(err) != fail.Invalid {
		t.Errorf("gif: %v", err)
	}
}

func TestBadges_GoWithTheUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := badgeUser(t, db, "ada")
	b := newStored(t, u, ob2Badge("https://issuer.example/a/1"), store.StatusValid)
	if _, err := db.UpsertBadge(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BadgeByID(ctx, b.ID); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("badge survived its owner: %v", err)
	}
}
