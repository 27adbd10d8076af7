package store_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/store/storetest"
)

// columnsOf lists "table.column" for every table of a migrated database.
func columnsOf(t *testing.T, raw *sql.DB, query string) []string {
	t.Helper()
	rows, err := raw.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		out = append(out, table+"."+col)
	}
	slices.Sort(out)
	return out
}

func mustRaw(t *testing.T, db *store.DB) *sql.DB {
	t.Helper()
	raw, err := store.OpenRawForTest(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// TestPostgresSchema_SameTablesAndColumnsAsSQLite: the two migration
// histories end in the same tables with the same columns.
func TestPostgresSchema_SameTablesAndColumnsAsSQLite(t *testing.T) {
	if engine != "postgres" {
		t.Skip("compares PostgreSQL's schema with SQLite's")
	}
	lite := columnsOf(t, mustRaw(t, storetest.MustOpen(t, "sqlite")), `SELECT m.name, c.name FROM sqlite_schema m, pragma_table_info(m.name) c
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`)
	pg := columnsOf(t, mustRaw(t, MustOpen(t)), `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema()`)
	if len(lite) < 20 || !slices.Equal(lite, pg) {
		t.Errorf("SQLite has\n%v\nPostgreSQL has\n%v", lite, pg)
	}
}

// TestPostgresSchema_EveryUserTableCascades is TestEveryUserTableCascades
// on PostgreSQL: every user_id references users(id) ON DELETE CASCADE.
func TestPostgresSchema_EveryUserTableCascades(t *testing.T) {
	if engine != "postgres" {
		t.Skip("PostgreSQL's catalog")
	}
	raw := mustRaw(t, MustOpen(t))
	rows, err := raw.Query(`SELECT c.table_name,
			coalesce((SELECT f.confrelid::regclass::text || ' ' || f.confdeltype::text FROM pg_constraint f
				JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = ANY (f.conkey)
				WHERE f.contype = 'f' AND a.attname = 'user_id'
					AND f.conrelid = (quote_ident(current_schema()) || '.' || quote_ident(c.table_name))::regclass), '')
		FROM information_schema.columns c
		WHERE c.table_schema = current_schema() AND c.column_name = 'user_id'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var table, ref string
		if err := rows.Scan(&table, &ref); err != nil {
			t.Fatal(err)
		}
		n++
		if ref != "users c" {
			t.Errorf("%s.user_id: references %q (table and delete rule); want users ON DELETE CASCADE (c)", table, ref)
		}
	}
	if n < 8 {
		t.Errorf("only %d user_id columns found", n)
	}
}

// TestConstraints_EquallyStrictOnBothEngines writes rows the schema must
// refuse behind the store's back; each engine refuses every one.
func TestConstraints_EquallyStrictOnBothEngines(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	u, _, err := db.SignIn(ctx, store.Identity{Provider: "dev", Subject: "ada", Email: "ada@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	raw := mustRaw(t, db)
	if _, err := raw.Exec(`INSERT INTO images (hash, content_type, bytes, created_at) VALUES (?, 'image/png', ?, 0)`,
		strings.Repeat("a", 64), []byte{1}); err != nil {
		t.Fatal(err)
	}
	var badgeID int64
	if err := raw.QueryRow(`INSERT INTO badges (public_id, user_id, dedupe_key, version, format, original, created_at, updated_at)
		VALUES (?, ?, 'k', '2.0', 'json', ?, 0, 0) RETURNING id`, strings.Repeat("p", 16), u.ID, []byte("{}")).Scan(&badgeID); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("INSERT INTO badge_tags (badge_id, user_id, tag) VALUES (?, ?, 'Sailing')", badgeID, u.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what, sql string
		args      []any
	}{
		{"text in an integer column", "INSERT INTO users (name, created_at) VALUES ('x', 'yesterday')", nil},
		{"a flag other than 0 or 1", "UPDATE logins SET email_verified = 2 WHERE user_id = ?", []any{u.ID}},
		{"a login of no user", "INSERT INTO logins (user_id, provider, subject, created_at, last_used_at) VALUES (?, 'dev', 'x', 0, 0)", []any{u.ID + 1000}},
		{"a second login of one provider", "INSERT INTO logins (user_id, provider, subject, created_at, last_used_at) VALUES (?, 'dev', 'other', 0, 0)", []any{u.ID}},
		{"an unknown status", "UPDATE badges SET status = 'great' WHERE id = ?", []any{badgeID}},
		{"a short public id", "UPDATE badges SET public_id = 'short' WHERE id = ?", []any{badgeID}},
		{"a tag again in other letter case", "INSERT INTO badge_tags (badge_id, user_id, tag) VALUES (?, ?, 'SAILING')", []any{badgeID, u.ID}},
		{"a handle with an underscore", "INSERT INTO profiles (user_id, handle, display_name, created_at, updated_at) VALUES (?, 'ada_l', 'Ada', 0, 0)", []any{u.ID}},
		{"a handle in capitals", "INSERT INTO profiles (user_id, handle, display_name, created_at, updated_at) VALUES (?, 'Ada', 'Ada', 0, 0)", []any{u.ID}},
		{"a position of 0", "INSERT INTO collection_badges (collection_id, badge_id, position, added_at) VALUES (1, ?, 0, 0)", []any{badgeID}},
		{"an image of another type", "UPDATE images SET content_type = 'image/gif'", nil},
		{"a client secret hash of 31 bytes", `INSERT INTO oauth_clients (client_id, secret_hash, name, client_uri, redirect_uris, scope, grant_types, created_at)
			VALUES ('abcdefghijklmnop', ?, 'LMS', 'https://lms.example/', '["https://lms.example/cb"]', 'offline_access', 'authorization_code', 0)`, []any{make([]byte, 31)}},
		{"a client without redirect URIs", `INSERT INTO oauth_clients (client_id, secret_hash, name, client_uri, redirect_uris, scope, grant_types, created_at)
			VALUES ('abcdefghijklmnop', ?, 'LMS', 'https://lms.example/', '[]', 'offline_access', 'authorization_code', 0)`, []any{make([]byte, 32)}},
		{"a token hash of 31 bytes", "INSERT INTO email_tokens (token_hash, user_id, email_id, email_norm, created_at, expires_at) VALUES (?, ?, 1, 'a', 0, 0)", []any{make([]byte, 31), u.ID}},
	} {
		if _, err := raw.Exec(tc.sql, tc.args...); err == nil {
			t.Errorf("%s: %s accepted %s", engine, tc.what, tc.sql)
		}
	}
}
