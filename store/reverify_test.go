package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
)

var rvNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// rvStore adds a badge for user with the given status, due at next
// (zero: due at once) and expiring at expires (zero: never).
func rvStore(t *testing.T, db *store.DB, userID int64, id string, status store.BadgeStatus, next, expires time.Time) *store.Badge {
	t.Helper()
	m := &badge.Badge{
		Version: badge.V2_0, Format: badge.FormatJSON, Type: "Assertion",
		Original: []byte(`{"id":"` + id + `"}`), Payload: []byte(`{"id":"` + id + `"}`),
		ID: id, Name: "Badge " + id, Issuer: badge.Issuer{ID: "https://issuer.example/i", Name: "Issuer"},
		IssuedOn: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Expires: expires,
	}
	b, err := store.NewBadge(m)
	if err != nil {
		t.Fatal(err)
	}
	b.UserID, b.Status, b.NextCheckAt = userID, status, next
	rep := &verify.Report{RanAt: rvNow.Add(-48 * time.Hour)}
	rep.Add("signature", verify.Passed, "The signature is valid.", "")
	rep.Add("expiry", verify.Passed, "The badge does not expire.", "")
	rep.Finish()
	b.ReportJSON, _ = json.Marshal(rep)
	b.CheckedAt = rep.RanAt
	if _, err := db.UpsertBadge(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return b
}

func rvUser(t *testing.T, db *store.DB, name string) int64 {
	t.Helper()
	u, _, err := db.SignIn(context.Background(), store.Identity{Provider: "dev", Subject: name, Email: name + "@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func claimedIDs(cs []store.Claim) []int64 {
	var ids []int64
	for _, c := range cs {
		ids = append(ids, c.Badge.ID)
	}
	return ids
}

func TestClaimDueBadges_TakesOnlyDueBadgesOnceUntilTheLeaseEnds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := rvUser(t, db, "ada")
	late := rvStore(t, db, u, "https://i.example/a/late", store.StatusValid, rvNow.Add(-2*time.Hour), time.Time{})
	due := rvStore(t, db, u, "https://i.example/a/due", store.StatusValid, rvNow.Add(-time.Minute), time.Time{})
	rvStore(t, db, u, "https://i.example/a/later", store.StatusValid, rvNow.Add(time.Hour), time.Time{})

	cs, err := db.ClaimDueBadges(ctx, rvNow, 10*time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := claimedIDs(cs); len(got) != 2 || got[0] != late.ID || got[1] != due.ID {
		t.Fatalf("claimed %v, want the two due badges, most overdue first: [%d %d]", got, late.ID, due.ID)
	}
	if lease := rvNow.Add(10 * time.Minute); !cs[0].Badge.NextCheckAt.Equal(lease) {
		t.Errorf("claimed badge's NextCheckAt %v, want the lease %v", cs[0].Badge.NextCheckAt, lease)
	}
	if cs[0].Badge.Original == nil || cs[0].Badge.Name == "" {
		t.Errorf("claim lacks the badge's data: %+v", cs[0].Badge)
	}

	if again, err := db.ClaimDueBadges(ctx, rvNow.Add(9*time.Minute), 10*time.Minute, 10); err != nil || len(again) != 0 {
		t.Fatalf("claimed during the lease: %v %v", claimedIDs(again), err)
	}
	// A process that died mid-check: once the lease has run out the badges
	// are due again.
	again, err := db.ClaimDueBadges(ctx, rvNow.Add(11*time.Minute), 10*time.Minute, 1)
	if err != nil || len(again) != 1 || again[0].Badge.ID != late.ID {
		t.Fatalf("after the lease, limit 1: claimed %v %v, want [%d]", claimedIDs(again), err, late.ID)
	}
}

func TestClaimDueBadges_ConcurrentClaimersNeverTakeTheSameBadge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "satchel.db")
	// Two handles on one file stand for two Satchel processes.
	var dbs []*store.DB
	for range 2 {
		db, err := openShared(t, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	u := rvUser(t, dbs[0], "ada")
	const n = 120
	for i := range n {
		rvStore(t, dbs[0], u, fmt.Sprintf("https://i.example/a/%d", i), store.StatusValid, rvNow.Add(-time.Duration(i)*time.Second), time.Time{})
	}

	var mu sync.Mutex
	claimedBy := map[int64]int{}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := dbs[w%2]
			for {
				cs, err := db.ClaimDueBadges(ctx, rvNow, time.Hour, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(cs) == 0 {
					return
				}
				mu.Lock()
				for _, c := range cs {
					claimedBy[c.Badge.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(claimedBy) != n {
		t.Errorf("%d badges claimed, want all %d", len(claimedBy), n)
	}
	for id, k := range claimedBy {
		if k != 1 {
			t.Errorf("badge %d claimed %d times", id, k)
		}
	}
}

func reportJSON(t *testing.T, checks ...verify.Check) []byte {
	t.Helper()
	r := &verify.Report{RanAt: rvNow, Checks: checks}
	r.Finish()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRecordReverify_StatusChangeIsMarkedForTheLearner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := rvUser(t, db, "ada")
	unseen := rvStore(t, db, u, "https://i.example/a/1", store.StatusValid, time.Time{}, time.Time{})
	seen := rvStore(t, db, u, "https://i.example/a/2", store.StatusValid, time.Time{}, time.Time{})
	same := rvStore(t, db, u, "https://i.example/a/3", store.StatusValid, time.Time{}, time.Time{})
	if err := db.MarkBadgeSeen(ctx, u, seen.PublicID); err != nil {
		t.Fatal(err)
	}
	cs, err := db.ClaimDueBadges(ctx, rvNow, time.Minute, 10)
	if err != nil || len(cs) != 3 {
		t.Fatalf("claim: %d %v", len(cs), err)
	}
	revoked := reportJSON(t, verify.Check{ID: "revocation", Status: verify.Failed, Message: "The issuer has withdrawn (revoked) this badge."})
	valid := reportJSON(t, verify.Check{ID: "revocation", Status: verify.Passed, Message: "Not revoked."})
	next := rvNow.Add(24 * time.Hour)
	for _, c := range cs {
		r := store.Reverification{Report: revoked, Status: store.StatusRevoked, CheckedAt: rvNow, NextCheckAt: next}
		if c.Badge.ID == same.ID {
			r.Report, r.Status = valid, store.StatusValid
		}
		out, err := db.RecordReverify(ctx, c, r)
		if err != nil {
			t.Fatal(err)
		}
		if !out.Recorded || out.Previous != store.StatusValid || out.Changed != (c.Badge.ID != same.ID) {
			t.Errorf("badge %d: outcome %+v", c.Badge.ID, out)
		}
	}

	for _, tt := range []struct {
		b          *store.Badge
		status     store.BadgeStatus
		seenStatus store.BadgeStatus
	}{
		{unseen, store.StatusRevoked, store.StatusValid}, // imported as valid, now revoked: pointed out
		{seen, store.StatusRevoked, store.StatusValid},   // seen as valid: still what they saw
		{same, store.StatusValid, ""},                    // nothing changed, nothing to point out
	} {
		got, err := db.BadgeByID(ctx, tt.b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != tt.status || got.SeenStatus != tt.seenStatus {
			t.Errorf("%s: status %q seen %q, want %q seen %q", tt.b.DedupeKey, got.Status, got.SeenStatus, tt.status, tt.seenStatus)
		}
		if !got.CheckedAt.Equal(rvNow) || !got.NextCheckAt.Equal(next) {
			t.Errorf("%s: checked %v next %v", tt.b.DedupeKey, got.CheckedAt, got.NextCheckAt)
		}
		rep, err := got.Report()
		if err != nil || rep == nil || rep.Checks[0].ID != "revocation" {
			t.Errorf("%s: stored report %+v %v", tt.b.DedupeKey, rep, err)
		}
		checks, err := db.BadgeChecks(ctx, tt.b.ID, 10)
		if err != nil || len(checks) != 2 || checks[0].Status != tt.status || !checks[0].CheckedAt.Equal(rvNow) {
			t.Errorf("%s: history %+v %v; want the import's entry and this one", tt.b.DedupeKey, checks, err)
		}
	}
}

func TestRecordReverify_TransientFailureKeepsTheVerdictAndCountsFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := rvUser(t, db, "ada")
	b := rvStore(t, db, u, "https://i.example/a/1", store.StatusValid, time.Time{}, time.Time{})
	before, _ := db.BadgeByID(ctx, b.ID)

	unreachable := reportJSON(t, verify.Check{ID: "hosted", Status: verify.Failed, Message: "Satchel could not fetch the badge.",
		Detail: "fetch https://i.example/a/1: unreachable: connection refused"})
	at := rvNow
	for i := range 3 {
		cs, err := db.ClaimDueBadges(ctx, at, time.Minute, 10)
		if err != nil || len(cs) != 1 {
			t.Fatalf("round %d: claim %d %v", i, len(cs), err)
		}
		if cs[0].Failures != i {
			t.Errorf("round %d: Failures %d, want %d", i, cs[0].Failures, i)
		}
		retry := at.Add(time.Duration(1<<i) * time.Hour)
		out, err := db.RecordReverify(ctx, cs[0], store.Reverification{Report: unreachable, Status: store.StatusUnverified, Transient: true, CheckedAt: at, NextCheckAt: retry})
		if err != nil || !out.Recorded || out.Changed {
			t.Fatalf("round %d: %+v %v", i, out, err)
		}
		got, _ := db.BadgeByID(ctx, b.ID)
		if got.Status != store.StatusValid || string(got.ReportJSON) != string(before.ReportJSON) || !got.CheckedAt.Equal(before.CheckedAt) {
			t.Fatalf("round %d: verdict not kept: status %q checked %v", i, got.Status, got.CheckedAt)
		}
		if !got.NextCheckAt.Equal(retry) {
			t.Errorf("round %d: next check %v, want the back-off %v", i, got.NextCheckAt, retry)
		}
		at = retry
	}
	checks, _ := db.BadgeChecks(ctx, b.ID, 10)
	if len(checks) != 4 || checks[0].Status != store.StatusUnverified || checks[3].Status != store.StatusValid {
		t.Errorf("history %+v: want three could-not-verify entries after the import's", checks)
	}

	// A definite verdict ends the streak.
	cs, _ := db.ClaimDueBadges(ctx, at, time.Minute, 10)
	if len(cs) != 1 || cs[0].Failures != 3 {
		t.Fatalf("claims %d, failures %v", len(cs), cs)
	}
	ok := reportJSON(t, verify.Check{ID: "hosted", Status: verify.Passed, Message: "Fetched."})
	if _, err := db.RecordReverify(ctx, cs[0], store.Reverification{Report: ok, Status: store.StatusValid, CheckedAt: at, NextCheckAt: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	cs, _ = db.ClaimDueBadges(ctx, at.Add(time.Hour), time.Minute, 10)
	if len(cs) != 1 || cs[0].Failures != 0 {
		t.Fatalf("after a definite verdict: %d claims, %v", len(cs), cs)
	}
}

func TestRecordReverify_LapsedClaimWritesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := rvUser(t, db, "ada")
	b := rvStore(t, db, u, "https://i.example/a/1", store.StatusValid, time.Time{}, time.Time{})
	gone := rvStore(t, db, u, "https://i.example/a/2", store.StatusValid, time.Time{}, time.Time{})
	first, err := db.ClaimDueBadges(ctx, rvNow, time.Minute, 10)
	if err != nil || len(first) != 2 {
		t.Fatal(len(first), err)
	}
	// The lease runs out and another process claims the first badge; the
	// owner deletes the second.
	second, err := db.ClaimDueBadges(ctx, rvNow.Add(2*time.Minute), time.Minute, 1)
	if err != nil || len(second) != 1 || second[0].Badge.ID != b.ID {
		t.Fatal(claimedIDs(second), err)
	}
	if err := db.DeleteBadge(ctx, u, gone.PublicID); err != nil {
		t.Fatal(err)
	}
	revoked := reportJSON(t, verify.Check{ID: "revocation", Status: verify.Failed, Message: "Revoked."})
	for _, c := range first {
		out, err := db.RecordReverify(ctx, c, store.Reverification{Report: revoked, Status: store.StatusRevoked, CheckedAt: rvNow, NextCheckAt: rvNow.Add(time.Hour)})
		if err != nil || out.Recorded {
			t.Errorf("badge %d: lapsed claim recorded: %+v %v", c.Badge.ID, out, err)
		}
	}
	got, _ := db.BadgeByID(ctx, b.ID)
	if got.Status != store.StatusValid {
		t.Errorf("status %q after a lapsed claim", got.Status)
	}
	if checks, _ := db.BadgeChecks(ctx, b.ID, 10); len(checks) != 1 {
		t.Errorf("history has %d entries, want only the import's", len(checks))
	}
	// The current claim still records.
	if out, err := db.RecordReverify(ctx, second[0], store.Reverification{Report: revoked, Status: store.StatusRevoked, CheckedAt: rvNow, NextCheckAt: rvNow.Add(time.Hour)}); err != nil || !out.Recorded || !out.Changed {
		t.Errorf("current claim: %+v %v", out, err)
	}
}

func TestExpireBadges_MarksPassedExpiryWithoutAFetch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := rvUser(t, db, "ada")
	later := rvNow.Add(30 * 24 * time.Hour) // not due for a check
	expired := rvStore(t, db, u, "https://i.example/a/expired", store.StatusValid, later, rvNow.Add(-time.Hour))
	unverified := rvStore(t, db, u, "https://i.example/a/unverified", store.StatusUnverified, later, rvNow.Add(-time.Minute))
	invalid := rvStore(t, db, u, "https://i.example/a/invalid", store.StatusInvalid, later, rvNow.Add(-time.Hour))
	revoked := rvStore(t, db, u, "https://i.example/a/revoked", store.StatusRevoked, later, rvNow.Add(-time.Hour))
	future := rvStore(t, db, u, "https://i.example/a/future", store.StatusValid, later, rvNow.Add(time.Hour))
	never := rvStore(t, db, u, "https://i.example/a/never", store.StatusValid, later, time.Time{})

	got, err := db.ExpireBadges(ctx, rvNow, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != expired.ID || got[1].ID != unverified.ID || got[0].Previous != store.StatusValid || got[0].PublicID != expired.PublicID {
		t.Fatalf("expired %+v, want [%d %d]", got, expired.ID, unverified.ID)
	}
	b, _ := db.BadgeByID(ctx, expired.ID)
	if b.Status != store.StatusExpired || b.SeenStatus != store.StatusValid || !b.CheckedAt.Equal(rvNow) || !b.NextCheckAt.Equal(later) {
		t.Errorf("expired badge: status %q seen %q checked %v next %v", b.Status, b.SeenStatus, b.CheckedAt, b.NextCheckAt)
	}
	rep, err := b.Report()
	if err != nil || rep.Verdict != verify.Invalid || len(rep.Checks) != 2 || rep.Checks[0].ID != "signature" {
		t.Fatalf("report %+v %v: want the stored checks, expiry failed", rep, err)
	}
	if c := rep.Checks[1]; c.ID != "expiry" || c.Status != verify.Failed || c.Message != "The badge expired on 1 June 2026." {
		t.Errorf("expiry check %+v", c)
	}
	if s := store.BadgeStatus(rep.Standing()); s != store.StatusExpired {
		t.Errorf("the new report sums up to %q, not expired", s)
	}
	if checks, _ := db.BadgeChecks(ctx, expired.ID, 10); len(checks) != 2 || checks[0].Status != store.StatusExpired {
		t.Errorf("history %+v", checks)
	}
	for _, keep := range []*store.Badge{invalid, revoked, future, never} {
		b, _ := db.BadgeByID(ctx, keep.ID)
		if b.Status != keep.Status {
			t.Errorf("%s: status %q changed to %q", keep.DedupeKey, keep.Status, b.Status)
		}
	}
	if again, err := db.ExpireBadges(ctx, rvNow.Add(time.Minute), 10); err != nil || len(again) != 0 {
		t.Errorf("second run expired %+v %v", again, err)
	}
}
