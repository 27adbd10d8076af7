package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/store"
)

func mustUser(t *testing.T, db *store.DB, id store.Identity) *store.User {
	t.Helper()
	u, _, err := db.SignIn(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestVerifiedIdentifiers_OnlyVouchedLoginEmailsOnceEach(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := mustUser(t, db, store.Identity{Provider: "github", Subject: "1", Email: "Ada@Example.org", EmailVerified: true})
	// Same address in another case from another provider: listed once.
	if err := db.LinkLogin(ctx, u.ID, store.Identity{Provider: "google", Subject: "g1", Email: "ada@example.ORG", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	// A provider that did not vouch for its email does not count.
	if err := db.LinkLogin(ctx, u.ID, store.Identity{Provider: "gitlab", Subject: "l1", Email: "unverified@example.org"}); err != nil {
		t.Fatal(err)
	}
	// Someone else's verified email is not ours.
	mustUser(t, db, store.Identity{Provider: "github", Subject: "2", Email: "other@example.org", EmailVerified: true})

	ids, err := db.VerifiedIdentifiers(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []badge.Identifier{{Type: "email", Value: "Ada@Example.org"}}
	if len(ids) != len(want) || ids[0] != want[0] {
		t.Fatalf("VerifiedIdentifiers = %+v, want %+v", ids, want)
	}
}

func TestEmailConfirmation_ConfirmsOnceAndCountsAsVerified(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := mustUser(t, db, store.Identity{Provider: "github", Subject: "1", Email: "ada@example.org", EmailVerified: true})
	now := time.Now()

	token, ue, err := db.RequestEmailConfirmation(ctx, u.ID, "  Ada.Work@Example.org ", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 43 || ue.Email != "Ada.Work@Example.org" || ue.Confirmed() {
		t.Fatalf("token %q, email %+v", token, ue)
	}
	// Not verified until confirmed.
	if ids, _ := db.VerifiedIdentifiers(ctx, u.ID); len(ids) != 1 {
		t.Fatalf("unconfirmed address counted: %+v", ids)
	}
	// The database holds only the token's hash.
	var stored []byte
	if err := rawDB(t, db).QueryRow("SELECT token_hash FROM email_tokens").Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(token)); !bytes.Equal(stored, sum[:]) || bytes.Contains(stored, []byte(token)) {
		t.Fatalf("stored %x, want the SHA-256 of the token", stored)
	}

	p, err := db.EmailConfirmation(ctx, u.ID, token, now.Add(time.Hour))
	if err != nil || p.Email != "Ada.Work@Example.org" {
		t.Fatalf("EmailConfirmation = %+v, %v", p, err)
	}
	got, err := db.ConfirmEmail(ctx, u.ID, token, now.Add(time.Hour))
	if err != nil || !got.Confirmed() {
		t.Fatalf("ConfirmEmail = %+v, %v", got, err)
	}
	ids, err := db.VerifiedIdentifiers(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []badge.Identifier{{Type: "email", Value: "ada@example.org"}, {Type: "email", Value: "Ada.Work@Example.org"}}
	if !slices.Equal(ids, want) {
		t.Fatalf("VerifiedIdentifiers = %+v, want %+v", ids, want)
	}
	if _, err := db.ConfirmEmail(ctx, u.ID, token, now.Add(2*time.Hour)); !errors.Is(err, store.ErrTokenUsed) {
		t.Fatalf("second use: %v, want ErrTokenUsed", err)
	}
	// Adding a confirmed address again is refused.
	if _, _, err := db.RequestEmailConfirmation(ctx, u.ID, "ada.work@example.ORG", now.Add(3*time.Hour)); fail.CodeOf(err) != fail.Conflict {
		t.Fatalf("re-adding a confirmed address: %v", err)
	}
}

func TestEmailConfirmation_Refusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada", Email: "ada@example.org"})
	bob := mustUser(t, db, store.Identity{Provider: "dev", Subject: "bob", Email: "bob@example.org"})
	now := time.Now()
	token, _, err := db.RequestEmailConfirmation(ctx, ada.ID, "ada@school.example", now)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		user  int64
		token string
		at    time.Time
		want  error
	}{
		{"unknown", ada.ID, "not-a-token", now, store.ErrTokenUnknown},
		{"empty", ada.ID, "", now, store.ErrTokenUnknown},
		{"other user", bob.ID, token, now, store.ErrTokenWrongUser},
		{"expired", ada.ID, token, now.Add(store.EmailTokenTTL), store.ErrTokenExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := db.EmailConfirmation(ctx, tc.user, tc.token, tc.at); !errors.Is(err, tc.want) || fail.Message(err) == "" {
				t.Errorf("EmailConfirmation: %v, want %v with a message", err, tc.want)
			}
			if _, err := db.ConfirmEmail(ctx, tc.user, tc.token, tc.at); !errors.Is(err, tc.want) || fail.Message(err) == "" {
				t.Errorf("ConfirmEmail: %v, want %v with a message", err, tc.want)
			}
		})
	}
	// None of the refusals used the token up: its owner can still use it.
	if _, err := db.ConfirmEmail(ctx, ada.ID, token, now.Add(time.Minute)); err != nil {
		t.Fatalf("owner's confirmation after refusals: %v", err)
	}
	if ids, _ := db.VerifiedIdentifiers(ctx, bob.ID); len(ids) != 0 {
		t.Fatalf("bob gained %+v", ids)
	}
}

func TestRequestEmailConfirmation_RateLimitedPerUserInTheDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "satchel.db")
	db, err := openShared(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	bob := mustUser(t, db, store.Identity{Provider: "dev", Subject: "bob"})
	now := time.Now()
	if _, _, err := db.RequestEmailConfirmation(ctx, ada.ID, "a1@example.org", now); err != nil {
		t.Fatal(err)
	}
	// Another process (a second handle on the file) sees the same limit.
	db.Close()
	db, err = openShared(t, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, _, err = db.RequestEmailConfirmation(ctx, ada.ID, "a1@example.org", now.Add(30*time.Second))
	if !errors.Is(err, store.ErrEmailRateLimit) || !strings.Contains(fail.Message(err), "30 seconds") {
		t.Fatalf("re-send within the interval: %v", err)
	}
	// Other users are not affected.
	if _, _, err := db.RequestEmailConfirmation(ctx, bob.ID, "b@example.org", now.Add(30*time.Second)); err != nil {
		t.Fatalf("bob: %v", err)
	}
	// After the interval a re-send works and adds no second row.
	at := now
	for i := 1; i < store.EmailDailyLimit; i++ {
		at = at.Add(store.EmailResendInterval)
		if _, _, err := db.RequestEmailConfirmation(ctx, ada.ID, "a1@example.org", at); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	if es, _ := db.UserEmails(ctx, ada.ID); len(es) != 1 {
		t.Fatalf("re-sending added rows: %+v", es)
	}
	at = at.Add(store.EmailResendInterval)
	if _, _, err := db.RequestEmailConfirmation(ctx, ada.ID, "a2@example.org", at); !errors.Is(err, store.ErrEmailRateLimit) {
		t.Fatalf("send over the daily limit: %v", err)
	}
	if _, _, err := db.RequestEmailConfirmation(ctx, ada.ID, "a2@example.org", now.Add(24*time.Hour+time.Second)); err != nil {
		t.Fatalf("a day later: %v", err)
	}
}

func TestRemoveEmail_OnlyOwnAndDropsIdentifierAndTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	bob := mustUser(t, db, store.Identity{Provider: "dev", Subject: "bob"})
	now := time.Now()
	token, ue, err := db.RequestEmailConfirmation(ctx, ada.ID, "ada@school.example", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RemoveEmail(ctx, bob.ID, ue.ID); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("bob removed ada's address: %v", err)
	}
	if _, err := db.ConfirmEmail(ctx, ada.ID, token, now); err != nil {
		t.Fatal(err)
	}
	removed, err := db.RemoveEmail(ctx, ada.ID, ue.ID)
	if err != nil || removed.Email != "ada@school.example" {
		t.Fatalf("RemoveEmail = %+v, %v", removed, err)
	}
	if ids, _ := db.VerifiedIdentifiers(ctx, ada.ID); len(ids) != 0 {
		t.Fatalf("removed address still verified: %+v", ids)
	}
	var n int
	if err := rawDB(t, db).QueryRow("SELECT count(*) FROM email_tokens").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d tokens left, %v", n, err)
	}
	if _, err := db.RemoveEmail(ctx, ada.ID, ue.ID); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("removing twice: %v", err)
	}
}

func TestOutbox_NewestFirstAndBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	for i := range 205 {
		if _, err := db.AddToOutbox(ctx, store.OutboxMessage{To: "a@example.org", Subject: fmt.Sprint("m", i), Text: "hello", HTML: "<p>hello</p>"}); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := db.Outbox(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 200 || ms[0].Subject != "m204" || ms[199].Subject != "m5" || ms[0].HTML != "<p>hello</p>" || ms[0].CreatedAt.IsZero() {
		t.Fatalf("outbox: %d messages, first %+v", len(ms), ms[0])
	}
}

func rawDB(t *testing.T, db *store.DB) *sql.DB {
	t.Helper()
	raw, err := store.OpenRawForTest(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func TestRemoveEmail_KeepsBadgesClaimedWithIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	now := time.Now()
	token, ue, err := db.RequestEmailConfirmation(ctx, ada.ID, "ada@school.example", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConfirmEmail(ctx, ada.ID, token, now); err != nil {
		t.Fatal(err)
	}
	b := &store.Badge{UserID: ada.ID, DedupeKey: "https://issuer.example/a/1", Version: "2.0", Format: "json", Name: "Knots",
		MatchedType: "email", MatchedValue: "ada@school.example"}
	if err := db.InsertBadge(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RemoveEmail(ctx, ada.ID, ue.ID); err != nil {
		t.Fatal(err)
	}
	got, err := db.BadgeByPublicID(ctx, ada.ID, b.PublicID)
	if err != nil || got.MatchedType != "email" || got.MatchedValue != "ada@school.example" {
		t.Fatalf("badge after removing its address: %+v %v", got, err)
	}
}
