package store

import (
	"context"
	"path/filepath"
	"testing"
)

// Upgrading to the trust rule (migration 0012) rebuilds badges and
// badge_checks: every badge keeps its bytes, tags, check history and place
// in its collections; what showed as valid is unverified until checked
// again, and every badge is due at once; "unconfirmed" is then a status the
// database accepts.
func TestMigration0012_KeepsBadgesAndRechecksThem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "satchel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.migrate(ctx, "0011_login_pictures.sql"); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.writer.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO users (id, name, created_at) VALUES (1, 'Ada', 1)`)
	for i, st := range []string{"valid", "warning", "revoked"} {
		exec(`INSERT INTO badges (id, public_id, user_id, dedupe_key, version, format, original, name, status, next_check_at, created_at, updated_at)
			VALUES (?, ?, 1, ?, '3.0', 'json', X'7B7D', ?, ?, 999, 1, 1)`, i+1, "pub-0123456789abcdef-"+st, "key-"+st, "Badge "+st, st)
		exec(`INSERT INTO badge_checks (badge_id, checked_at, verdict, status, report_json) VALUES (?, 5, 'valid', ?, '{}')`, i+1, st)
		exec(`INSERT INTO badge_tags (badge_id, user_id, tag) VALUES (?, 1, 'maths')`, i+1)
	}
	exec(`INSERT INTO collections (id, public_id, user_id, name, slug, unlisted_token, created_at, updated_at)
		VALUES (1, 'col-0123456789abcdef', 1, 'CV', 'cv', 'tok-0123456789abcdef', 1, 1)`)
	exec(`INSERT INTO collection_badges (collection_id, badge_id, position, added_at) VALUES (1, 1, 1, 1), (1, 2, 2, 1), (1, 3, 3, 1)`)

	applied, err := db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) == 0 || applied[0] != "0012_issuer_binding.sql" {
		t.Fatalf("applied %v", applied)
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.reader.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	for q, want := range map[string]int{
		"SELECT count(*) FROM badges":                                                       3,
		"SELECT count(*) FROM badges WHERE original = X'7B7D'":                              3,
		"SELECT count(*) FROM badge_checks":                                                 3,
		"SELECT count(*) FROM badge_tags":                                                   3,
		"SELECT count(*) FROM collection_badges":                                            3,
		"SELECT count(*) FROM badge_text":                                                   3,
		"SELECT count(*) FROM badges WHERE status = 'unverified'":                           2,
		"SELECT count(*) FROM badges WHERE status = 'revoked'":                              1,
		"SELECT count(*) FROM badges WHERE next_check_at = 0":                               3,
		"SELECT count(*) FROM pragma_foreign_keys WHERE foreign_keys = 1":                   1,
		"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'badges'": 5,
	} {
		if got := count(q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	exec(`UPDATE badges SET status = 'unconfirmed', issuer_binding = 'unconfirmed' WHERE id = 1`)
	if _, err := db.writer.ExecContext(ctx, `UPDATE badges SET status = 'bogus' WHERE id = 1`); err == nil {
		t.Error("the rebuilt table accepts any status")
	}
	// Deleting a badge still cascades (foreign keys are back on).
	exec(`DELETE FROM badges WHERE id = 3`)
	if got := count("SELECT count(*) FROM collection_badges"); got != 2 {
		t.Errorf("collection_badges after a delete: %d", got)
	}
}

// PendingMigrations names what a database left by an older Satchel lacks,
// and nothing once Migrate has run; without the bookkeeping table it fails.
func TestPendingMigrations_NamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "satchel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.PendingMigrations(ctx); err == nil {
		t.Error("a database never migrated reports no error")
	}
	if _, err := db.migrate(ctx, "0011_login_pictures.sql"); err != nil {
		t.Fatal(err)
	}
	pending, err := db.PendingMigrations(ctx)
	if err != nil || len(pending) == 0 || pending[0] != "0012_issuer_binding.sql" {
		t.Fatalf("after 0011: %v, %v", pending, err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if pending, err := db.PendingMigrations(ctx); err != nil || len(pending) != 0 {
		t.Fatalf("after Migrate: %v, %v", pending, err)
	}
}
