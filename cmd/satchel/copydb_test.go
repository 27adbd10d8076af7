package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/store"
)

func TestCopyDB_CopiesIntoAnEmptyDatabaseOnceAndNeverPrintsTheURL(t *testing.T) {
	ctx := context.Background()
	dbURL, password := mustPostgresURL(t)
	file := filepath.Join(t.TempDir(), "satchel.db")
	src, err := store.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"ada", "grace"} {
		if _, _, err := src.SignIn(ctx, store.Identity{Provider: "dev", Subject: who, Email: who + "@example.org", EmailVerified: true}); err != nil {
			t.Fatal(err)
		}
	}
	src.Close()

	run := func(env map[string]string, args ...string) (*testMain, error) {
		t.Helper()
		tm := newTestMain(env)
		err := tm.ParseFlags(ctx, args)
		if err == nil {
			err = tm.Run(ctx)
		}
		tm.Close()
		if out := tm.stdout.String() + tm.stderr.String(); strings.Contains(out, password) {
			t.Errorf("%v printed the database password:\n%s", args, out)
		}
		if err != nil && strings.Contains(err.Error(), password) {
			t.Errorf("%v: the error holds the database password: %v", args, err)
		}
		return tm, err
	}

	// The URL from SATCHEL_DATABASE_URL, out of the command line.
	tm, err := run(map[string]string{"SATCHEL_DATABASE_URL": dbURL}, "copy-db", "--from", file)
	if err != nil {
		t.Fatalf("copy-db: %v\n%s", err, tm.stdout.String())
	}
	out := tm.stdout.String()
	if !regexp.MustCompile(`(?m)^\s*users\s+2\s+2\s+same`).MatchString(out) || !strings.Contains(out, "contents agree") {
		t.Errorf("copy-db printed\n%s\nwant two users on each side and agreement", out)
	}
	dst, err := store.OpenPostgres(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if n, err := dst.CountUsers(ctx); err != nil || n != 2 {
		t.Fatalf("%d users in PostgreSQL (err %v), want 2", n, err)
	}

	// Again: the target is no longer empty, and stays as it is.
	_, err = run(nil, "copy-db", "--from", file, "--to", dbURL)
	if err == nil || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "empty database") {
		t.Fatalf("copy-db into a full database: %v, want a refusal that says to use an empty one", err)
	}
	if n, err := dst.CountUsers(ctx); err != nil || n != 2 {
		t.Fatalf("%d users in PostgreSQL after the refusal (err %v), want 2", n, err)
	}
}

func TestCopyDB_SaysWhatIsMissing(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"copy-db", "--to", "postgres://u@h/db"}, nil, "--from is required"},
		{[]string{"copy-db", "--from", "x.db"}, nil, "--to (or SATCHEL_DATABASE_URL) is required"},
		{[]string{"copy-db", "--from", "x.db", "--to", "mysql://u:secret@h/db"}, nil, "must be a PostgreSQL URL"},
	} {
		tm := newTestMain(tc.env)
		err := tm.ParseFlags(ctx, tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
	tm := newTestMain(nil)
	if err := tm.ParseFlags(ctx, []string{"copy-db", "--from", filepath.Join(t.TempDir(), "none.db"), "--to", "postgres://u@h/db"}); err != nil {
		t.Fatal(err)
	}
	if err := tm.Run(ctx); err == nil || !strings.Contains(err.Error(), "no SQLite database at") {
		t.Errorf("a missing file: %v", err)
	}
}
