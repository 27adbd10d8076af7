package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/store/storetest"
)

// engine is the engine the tests run on now: TestMain runs the whole
// suite once per engine of storetest.Engines, and MustOpen opens that one.
var engine = "sqlite"

func TestMain(m *testing.M) {
	os.Exit(storetest.RunEachEngine(m, "store", func(e string) { engine = e }))
}

// skipUnlessSQLite skips a test of something only SQLite has (pragmas,
// its schema tables).
func skipUnlessSQLite(t *testing.T) {
	t.Helper()
	if engine != "sqlite" {
		t.Skipf("SQLite only; this run is on %s", engine)
	}
}

// sharedSchemas maps a test's database path to its PostgreSQL schema.
var sharedSchemas sync.Map

// openShared opens the database at path as one more process would, for
// tests of what processes share: on SQLite the file at path, on
// PostgreSQL a schema made for the test's first call with that path.
func openShared(t *testing.T, path string) (*store.DB, error) {
	t.Helper()
	if engine == "sqlite" {
		return store.Open(context.Background(), path)
	}
	u, ok := sharedSchemas.Load(path)
	if !ok {
		u = storetest.MustSchemaURL(t)
		sharedSchemas.Store(path, u)
	}
	return store.OpenPostgres(context.Background(), u.(string))
}

func TestBackup_OnPostgreSQLSaysUsePgDump(t *testing.T) {
	if engine != "postgres" {
		t.Skip("PostgreSQL only")
	}
	db := MustOpen(t)
	err := db.Backup(context.Background(), filepath.Join(t.TempDir(), "backup.db"))
	if fail.CodeOf(err) != fail.Unsupported || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("backup on PostgreSQL: %v, want Unsupported naming pg_dump", err)
	}
}

func TestUpsertBadge_KeepsTextWithNULAndInvalidUTF8(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	u, _, err := db.SignIn(ctx, store.Identity{Provider: "dev", Subject: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	b := &store.Badge{UserID: u.ID, DedupeKey: "odd", Version: "2.0", Format: "json",
		Name: "Knots\x00 and \xff splices", Payload: "{\"name\":\"\xfe\"}", Original: []byte("\x00\xff")}
	if _, err := db.UpsertBadge(ctx, b); err != nil {
		t.Fatalf("%s: %v", engine, err)
	}
	got, err := db.BadgeByID(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Name, "Knots") || !strings.HasSuffix(got.Name, "splices") || string(got.Original) != "\x00\xff" {
		t.Errorf("%s: stored name %q, original %q", engine, got.Name, got.Original)
	}
}
