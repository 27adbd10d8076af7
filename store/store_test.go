package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/store/storetest"
)

// MustOpen opens and migrates a database on the engine under test.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	return storetest.MustOpen(tb, engine)
}

func TestMigrate_TwiceIsHarmless(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "satchel.db")
	db, err := openShared(t, path)
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.Migrate(ctx)
	if err != nil || len(first) == 0 || first[0] != "0001_accounts.sql" {
		t.Fatalf("first migrate: %v %v", first, err)
	}
	if _, _, err := db.SignIn(ctx, store.Identity{Provider: "dev", Subject: "1", Email: "a@example.org"}); err != nil {
		t.Fatal(err)
	}
	again, err := db.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second migrate applied %v, %v", again, err)
	}
	db.Close()

	// And again after reopening the file: data kept, nothing re-applied.
	db, err = openShared(t, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if applied, err := db.Migrate(ctx); err != nil || len(applied) != 0 {
		t.Fatalf("migrate after reopen applied %v, %v", applied, err)
	}
	u, _, err := db.SignIn(ctx, store.Identity{Provider: "dev", Subject: "1"})
	if err != nil || u.Email != "a@example.org" {
		t.Fatalf("user lost: %+v %v", u, err)
	}
}

func TestOpen_PragmasOnEveryConnection(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	skipUnlessSQLite(t)
	raw, err := sql.Open("sqlite", "file:"+db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var mode string
	if err := raw.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
	var strict int
	if err := raw.QueryRow("SELECT strict FROM pragma_table_list WHERE name = 'logins'").Scan(&strict); err != nil || strict != 1 {
		t.Errorf("logins is not STRICT: %d %v", strict, err)
	}
}

func TestSignIn_CreatesThenFinds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	id := store.Identity{Provider: "github", Subject: "42", Email: "ada@example.org", EmailVerified: true, Name: "Ada"}
	u, created, err := db.SignIn(ctx, id)
	if err != nil || !created || u.Name != "Ada" {
		t.Fatalf("first sign-in: %+v %v %v", u, created, err)
	}
	id.Email = "ada@new.example.org"
	u2, created, err := db.SignIn(ctx, id)
	if err != nil || created || u2.ID != u.ID {
		t.Fatalf("second sign-in: %+v %v %v", u2, created, err)
	}
	logins, err := db.Logins(ctx, u.ID)
	if err != nil || len(logins) != 1 || logins[0].Email != "ada@new.example.org" || !logins[0].EmailVerified {
		t.Fatalf("logins: %+v %v", logins, err)
	}
	if _, _, err := db.SignIn(ctx, store.Identity{Provider: "github"}); fail.CodeOf(err) != fail.Invalid {
		t.Errorf("empty subject: %v", err)
	}
}

func TestLinkUnlink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada, _, _ := db.SignIn(ctx, store.Identity{Provider: "github", Subject: "1"})
	bob, _, _ := db.SignIn(ctx, store.Identity{Provider: "github", Subject: "2"})

	if err := db.LinkLogin(ctx, ada.ID, store.Identity{Provider: "google", Subject: "g1"}); err != nil {
		t.Fatal(err)
	}
	// The linked login now signs in to Ada's account.
	if u, created, _ := db.SignIn(ctx, store.Identity{Provider: "google", Subject: "g1"}); u.ID != ada.ID || created {
		t.Fatalf("linked login signs in to %d (created %v)", u.ID, created)
	}
	// Bob cannot take Ada's login.
	err := db.LinkLogin(ctx, bob.ID, store.Identity{Provider: "google", Subject: "g1"})
	if fail.CodeOf(err) != fail.Conflict || !strings.Contains(fail.Message(err), "different Satchel account") {
		t.Fatalf("link someone else's login: %v", err)
	}
	logins, _ := db.Logins(ctx, ada.ID)
	if len(logins) != 2 {
		t.Fatalf("ada has %d logins", len(logins))
	}
	// A second Google login for Ada is refused: one per provider.
	err = db.LinkLogin(ctx, ada.ID, store.Identity{Provider: "google", Subject: "g2"})
	if fail.CodeOf(err) != fail.Conflict {
		t.Fatalf("second login of one provider: %v", err)
	}
	// Bob has no Google login to unlink.
	if err := db.UnlinkLogin(ctx, bob.ID, "google"); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("unlink someone else's: %v", err)
	}
	if err := db.UnlinkLogin(ctx, ada.ID, "google"); err != nil {
		t.Fatal(err)
	}
	// The last one stays.
	if err := db.UnlinkLogin(ctx, ada.ID, "github"); fail.CodeOf(err) != fail.Invalid {
		t.Fatalf("unlink last: %v", err)
	}
	if l, _ := db.Logins(ctx, ada.ID); len(l) != 1 {
		t.Fatalf("ada has %d logins after unlink", len(l))
	}
}

func TestDeleteUser_RemovesLogins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u, _, _ := db.SignIn(ctx, store.Identity{Provider: "github", Subject: "1"})
	db.LinkLogin(ctx, u.ID, store.Identity{Provider: "gitlab", Subject: "x"})
	if err := db.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.User(ctx, u.ID); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("user still there: %v", err)
	}
	if l, _ := db.Logins(ctx, u.ID); len(l) != 0 {
		t.Fatalf("%d logins left", len(l))
	}
	// The same login now makes a fresh account.
	u2, created, _ := db.SignIn(ctx, store.Identity{Provider: "gitlab", Subject: "x"})
	if !created || u2.ID == u.ID {
		t.Fatal("deleted login should sign up anew")
	}
	if err := db.DeleteUser(ctx, u.ID); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("delete twice: %v", err)
	}
}

func TestRevokeSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u, _, _ := db.SignIn(ctx, store.Identity{Provider: "github", Subject: "1"})
	if !u.SessionsValidAfter.IsZero() {
		t.Fatal("new user starts with revoked sessions")
	}
	at, err := db.RevokeSessions(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	u, _ = db.User(ctx, u.ID)
	if !u.SessionsValidAfter.Equal(at) {
		t.Fatalf("valid after %v, want %v", u.SessionsValidAfter, at)
	}
}

func TestBackup_OpensAndHoldsData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	skipUnlessSQLite(t)
	u, _, _ := db.SignIn(ctx, store.Identity{Provider: "github", Subject: "1", Name: "Ada"})
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, path); fail.CodeOf(err) != fail.Invalid {
		t.Fatalf("backup over an existing file: %v", err)
	}
	b, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if applied, err := b.Migrate(ctx); err != nil || len(applied) != 0 {
		t.Fatalf("backup lacks migrations: %v %v", applied, err)
	}
	got, err := b.User(ctx, u.ID)
	if err != nil || got.Name != "Ada" {
		t.Fatalf("backup user: %+v %v", got, err)
	}
}

func TestConcurrentSignIns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := db.SignIn(ctx, store.Identity{Provider: "github", Subject: string(rune('a' + i%5))})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	for _, s := range "abcde" {
		u, created, _ := db.SignIn(ctx, store.Identity{Provider: "github", Subject: string(s)})
		if created || u == nil {
			t.Fatalf("subject %c missing", s)
		}
		n++
	}
}

func TestUserByLoginAndCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	if n, err := db.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("count = %d, %v", n, err)
	}
	u, _, _ := db.SignIn(ctx, store.Identity{Provider: "github", Subject: "1", Name: "Ada"})
	db.SignIn(ctx, store.Identity{Provider: "github", Subject: "2"})
	got, err := db.UserByLogin(ctx, "github", "1")
	if err != nil || got.ID != u.ID || got.Name != "Ada" {
		t.Fatalf("by login: %+v %v", got, err)
	}
	if _, err := db.UserByLogin(ctx, "github", "3"); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("unknown login: %v", err)
	}
	if n, _ := db.CountUsers(ctx); n != 2 {
		t.Fatalf("count = %d", n)
	}
}

func BenchmarkSignIn(b *testing.B) {
	ctx := context.Background()
	db := MustOpen(b)
	id := store.Identity{Provider: "github", Subject: "1", Email: "a@example.org", Name: "Ada"}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := db.SignIn(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUser(b *testing.B) {
	ctx := context.Background()
	db := MustOpen(b)
	u, _, _ := db.SignIn(ctx, store.Identity{Provider: "github", Subject: "1"})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.User(ctx, u.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestEveryUserTableCascades guards "delete account removes all data" as
// tables are added: every column named user_id must reference users(id)
// with ON DELETE CASCADE.
func TestEveryUserTableCascades(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	skipUnlessSQLite(t)
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT m.name, c.name FROM sqlite_schema m, pragma_table_info(m.name) c
		WHERE m.type = 'table' AND c.name = 'user_id'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var table, col string
		rows.Scan(&table, &col)
		tables = append(tables, table)
	}
	rows.Close()
	if len(tables) == 0 {
		t.Fatal("no user_id columns found")
	}
	for _, table := range tables {
		var ref, onDelete string
		err := raw.QueryRow(`SELECT "table", on_delete FROM pragma_foreign_key_list(?) WHERE "from" = 'user_id'`, table).Scan(&ref, &onDelete)
		if err != nil || ref != "users" || onDelete != "CASCADE" {
			t.Errorf("%s.user_id: references %q on delete %q (%v); want users ON DELETE CASCADE", table, ref, onDelete, err)
		}
	}
}

func TestSetUserLanguage_KeptWithTheAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u, _, _ := db.SignIn(ctx, store.Identity{Provider: "github", Subject: "1"})
	if u.Language != "" {
		t.Fatalf("a new account has language %q, want none (follow the browser)", u.Language)
	}
	if err := db.SetUserLanguage(ctx, u.ID, "ar"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.User(ctx, u.ID); got.Language != "ar" {
		t.Fatalf("User: language %q, want ar", got.Language)
	}
	// Signing in again reads it back with the account.
	if again, _, _ := db.SignIn(ctx, store.Identity{Provider: "github", Subject: "1"}); again.Language != "ar" {
		t.Fatalf("SignIn: language %q, want ar", again.Language)
	}
	if err := db.SetUserLanguage(ctx, u.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.User(ctx, u.ID); got.Language != "" {
		t.Fatalf("after clearing: language %q", got.Language)
	}
	if err := db.SetUserLanguage(ctx, u.ID+100, "es"); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("unknown user: %v, want not found", err)
	}
}
