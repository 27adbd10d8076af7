package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to make a role

	"github.com/satchel-backpack/satchel/store/storetest"
)

// mustPostgresURL is a URL of an empty PostgreSQL schema for the test, with
// a password in it (trust authentication ignores it) so that the test can
// look for it in what Satchel prints. It skips without a server, except
// under CI=true, where it fails.
func mustPostgresURL(t *testing.T) (dbURL, password string) {
	t.Helper()
	if os.Getenv(storetest.URLVar) == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set", storetest.URLVar)
		}
		t.Skipf("%s is not set", storetest.URLVar)
	}
	u, err := url.Parse(storetest.MustSchemaURL(t))
	if err != nil {
		t.Fatal(err)
	}
	password, ok := u.User.Password()
	if !ok {
		password = "not-to-be-logged-7f3a"
		u.User = url.UserPassword(u.User.Username(), password)
	}
	return u.String(), password
}

func TestMain_OnPostgreSQL_MigrateServeAndBackup(t *testing.T) {
	ctx := context.Background()
	dbURL, password := mustPostgresURL(t)
	env := map[string]string{"SATCHEL_ADDR": "127.0.0.1:0", "SATCHEL_DATA_DIR": t.TempDir(), "SATCHEL_DATABASE_URL": dbURL}
	run := func(args ...string) (*testMain, error) {
		t.Helper()
		tm := newTestMain(env)
		if err := tm.ParseFlags(ctx, args); err != nil {
			t.Fatal(err)
		}
		err := tm.Run(ctx)
		t.Cleanup(func() { tm.Close() })
		if out := tm.stdout.String() + tm.stderr.String(); strings.Contains(out, password) {
			t.Errorf("%v printed the database password:\n%s", args, out)
		}
		if err != nil && strings.Contains(err.Error(), password) {
			t.Errorf("%v: the error holds the database password: %v", args, err)
		}
		return tm, err
	}

	tm, err := run("migrate")
	if err != nil || !strings.Contains(tm.stdout.String(), "applied 0012_issuer_binding.sql") {
		t.Fatalf("migrate: %v %q", err, tm.stdout.String())
	}
	if tm, err := run("migrate"); err != nil || !strings.Contains(tm.stdout.String(), "up to date") {
		t.Fatalf("migrate again: %v %q", err, tm.stdout.String())
	}

	// Serving needs the secret every process shares.
	if _, err := run(); err == nil || !strings.Contains(err.Error(), "SATCHEL_SESSION_SECRET") {
		t.Fatalf("serve without SATCHEL_SESSION_SECRET: %v", err)
	}
	env["SATCHEL_SESSION_SECRET"] = strings.Repeat("s", 40)
	srv, err := run()
	if err != nil {
		t.Fatal(err)
	}
	if srv.DB.Engine() != "postgres" || !strings.Contains(srv.stderr.String(), "database=postgres") {
		t.Errorf("serving on %s; log:\n%s", srv.DB.Engine(), srv.stderr.String())
	}
	res, err := http.Get("http://" + srv.Addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("readyz on PostgreSQL: %d", res.StatusCode)
	}

	if _, err := run("backup", "copy.db"); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup on PostgreSQL: %v, want a pointer to pg_dump", err)
	}
}

func TestMain_OnPostgreSQL_UnreachableServerNamesTheVariable(t *testing.T) {
	env := map[string]string{"SATCHEL_DATA_DIR": t.TempDir(),
		"SATCHEL_DATABASE_URL": "postgres://satchel:not-to-be-logged-7f3a@127.0.0.1:1/satchel?connect_timeout=5"}
	tm := newTestMain(env)
	if err := tm.ParseFlags(context.Background(), []string{"migrate"}); err != nil {
		t.Fatal(err)
	}
	err := tm.Run(context.Background())
	tm.Close()
	if err == nil || !strings.Contains(err.Error(), "SATCHEL_DATABASE_URL") || strings.Contains(err.Error(), "not-to-be-logged") {
		t.Fatalf("err = %v, want SATCHEL_DATABASE_URL named and no password", err)
	}
}

func TestMain_OnPostgreSQL_UserWhoMayNotCreateTablesIsToldWhatToGrant(t *testing.T) {
	dbURL, _ := mustPostgresURL(t)
	admin, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	role := "satchel_reader_" + strings.ToLower(rand.Text()[:8])
	var schema string
	if err := admin.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE ROLE " + role + " LOGIN; GRANT USAGE ON SCHEMA " + schema + " TO " + role); err != nil {
		t.Skipf("cannot create a role to test with: %v", err)
	}
	t.Cleanup(func() { admin.Exec("DROP OWNED BY " + role + "; DROP ROLE " + role) })
	u, _ := url.Parse(dbURL)
	u.User = url.User(role)
	tm := newTestMain(map[string]string{"SATCHEL_DATA_DIR": t.TempDir(), "SATCHEL_DATABASE_URL": u.String()})
	if err := tm.ParseFlags(context.Background(), []string{"migrate"}); err != nil {
		t.Fatal(err)
	}
	err = tm.Run(context.Background())
	tm.Close()
	if err == nil || !strings.Contains(err.Error(), "SATCHEL_DATABASE_URL") || !strings.Contains(err.Error(), "GRANT CREATE") {
		t.Fatalf("err = %v, want SATCHEL_DATABASE_URL and what to grant", err)
	}
}
