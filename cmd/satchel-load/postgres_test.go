package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/store/storetest"
)

func TestOnPostgres_CopiesTheSeedAndNeverPrintsTheURL(t *testing.T) {
	ctx := context.Background()
	if _, err := onPostgres(ctx, &bytes.Buffer{}, "x.db", "mysql://u:p@h/db"); err == nil || !strings.Contains(err.Error(), "PostgreSQL URL") {
		t.Fatalf("a URL of another engine: %v", err)
	}
	if os.Getenv(storetest.URLVar) == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set", storetest.URLVar)
		}
		t.Skipf("%s is not set", storetest.URLVar)
	}
	path := filepath.Join(t.TempDir(), "satchel.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	uid, err := seed(ctx, db, "load@example.org", 30)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	dbURL := storetest.MustSchemaURL(t)
	var out bytes.Buffer
	env, err := onPostgres(ctx, &out, path, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), dbURL) || !strings.Contains(out.String(), "copied the seeded data") {
		t.Errorf("printed %q", out.String())
	}
	if len(env) != 2 || env[0] != "SATCHEL_DATABASE_URL="+dbURL || !strings.HasPrefix(env[1], "SATCHEL_SESSION_SECRET=") || len(env[1]) < len("SATCHEL_SESSION_SECRET=")+32 {
		t.Errorf("environment %q", env)
	}
	pg, err := store.OpenPostgres(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if n, err := pg.CountBadges(ctx, uid); err != nil || n != 30 {
		t.Errorf("%d badges on PostgreSQL (err %v), want 30", n, err)
	}
	// Once seeded, the database is not empty: a second run is refused.
	if _, err := onPostgres(ctx, &out, path, dbURL); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("seeding a full database: %v", err)
	}
}
