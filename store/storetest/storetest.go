// Package storetest opens a fresh, migrated store.DB for a test on the
// engine under test: a database file under the test's temporary directory
// (SQLite), or a schema of its own in the PostgreSQL database named by
// SATCHEL_TEST_DATABASE_URL, dropped when the test ends. Tests of other
// packages use it to run on PostgreSQL too.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for the schema admin

	"github.com/satchel-backpack/satchel/store"
)

// URLVar names the PostgreSQL database the tests may use. Each test gets a
// schema of its own in it, so the tests stay independent.
const URLVar = "SATCHEL_TEST_DATABASE_URL"

// Engines lists the engines to run the tests on: SQLite always,
// PostgreSQL when URLVar is set. Under CI=true a missing URLVar is an
// error, so that a green run means the PostgreSQL tests ran.
func Engines() ([]string, error) {
	if os.Getenv(URLVar) != "" {
		return []string{"sqlite", "postgres"}, nil
	}
	if os.Getenv("CI") == "true" {
		return nil, fmt.Errorf("storetest: CI=true but %s is not set; the PostgreSQL tests would not run", URLVar)
	}
	return []string{"sqlite"}, nil
}

// MustOpen opens and migrates a database for tb on engine ("sqlite" or
// "postgres") and closes it (and drops its schema) when tb ends.
func MustOpen(tb testing.TB, engine string) *store.DB {
	tb.Helper()
	ctx := context.Background()
	var db *store.DB
	var err error
	switch engine {
	case "sqlite":
		db, err = store.Open(ctx, filepath.Join(tb.TempDir(), "satchel.db"))
	case "postgres":
		db, err = store.OpenPostgres(ctx, MustSchemaURL(tb))
	default:
		tb.Fatalf("storetest: unknown engine %q", engine)
	}
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// MustSchemaURL creates an empty schema in the database of URLVar and
// returns the URL with that schema as its search path. The schema is
// dropped when tb ends (after the store using it closes, as cleanups run
// last-registered first).
func MustSchemaURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(URLVar)
	if base == "" {
		tb.Fatalf("storetest: %s is not set", URLVar)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("storetest: %s: %v", URLVar, err)
	}
	// Held idle for the whole test, its connection would count against
	// the server's max_connections with every parallel test.
	admin.SetMaxIdleConns(0)
	schema := "t_" + strings.ToLower(rand.Text())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		tb.Fatalf("storetest: create schema: %v", err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("storetest: %s is not a URL", URLVar)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// RunEachEngine runs a package's tests (m) once per engine of Engines,
// calling use with the engine before each run, and returns the exit code:
// the TestMain of a package whose tests open their database with MustOpen.
// name labels the runs in the output.
func RunEachEngine(m *testing.M, name string, use func(engine string)) int {
	engines, err := Engines()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := 0
	for _, e := range engines {
		use(e)
		fmt.Printf("%s: the tests on %s\n", name, e)
		if c := m.Run(); c != 0 {
			fmt.Printf("%s: FAIL on %s\n", name, e)
			code = c
		}
	}
	return code
}
