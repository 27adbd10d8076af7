package store_test

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/store"
)

// On PostgreSQL each process keeps the public-profile versions it read
// and forgets one when the database notifies a change (profile_versions.go).
// Two stores on one schema stand for two processes.
func TestPublicProfileVersion_OnPostgreSQLKeptUntilTheDatabaseSaysItChanged(t *testing.T) {
	if engine != "postgres" {
		t.Skip("PostgreSQL only: SQLite reads the version on every call")
	}
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared")
	open := func() *store.DB {
		db, err := openShared(t, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	a, b := open(), open()
	ada := mustListUser(t, a, "ada")
	// A handle no parallel test uses: notices go to every listener on the
	// database, whatever its schema, and one for another test's "ada"
	// would make B forget this one's.
	handle := "pv-" + strings.ToLower(rand.Text()[:12])
	mustProfile(t, a, ada.ID, handle, "Ada")
	badge := mustAddListBadge(t, a, ada.ID, 1, listBadge{name: "Soldering", issuer: "I", issued: day(2024, 1, 1)})
	listening := func(db *store.DB) func() uint32 {
		pid := store.StartListeningForTest(db)
		waitUntil(t, "the store listens", func() bool { return pid() != 0 })
		return pid
	}
	listening(a)
	bPID := listening(b)
	version := func(db *store.DB) string {
		t.Helper()
		v, err := db.PublicProfileVersion(ctx, handle)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// A change nobody is told of (triggers off, as a restore might do):
	// a store that kept the version does not see it.
	hidden := func() {
		t.Helper()
		raw, err := store.OpenRawForTest(a)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		conn, err := raw.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for _, q := range []string{"SET session_replication_role = replica", "UPDATE profiles SET rev = rev + 100", "RESET session_replication_role"} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}

	// A notice for any handle (other tests' too) between B's read and its
	// keeping stops B from keeping what it read; read until it keeps it.
	waitUntil(t, "B keeps the version", func() bool {
		version(b)
		_, kept := store.KeptVersionForTest(b, handle)
		return kept
	})
	v1, _ := store.KeptVersionForTest(b, handle)
	hidden()
	if v := version(b); v != v1 {
		t.Fatalf("B read the database again (%s, then %s) rather than keep the version", v1, v)
	}

	// A's own change shows on A at once, without waiting for the notice.
	va := version(a)
	if err := a.SetBadgeVisibility(ctx, ada.ID, badge.PublicID, store.Public); err != nil {
		t.Fatal(err)
	}
	vaNow := version(a)
	if vaNow == va {
		t.Fatalf("A's own change did not change A's version %s", va)
	}
	// B hears of it from the database.
	waitUntil(t, "B forgets the version the change made stale", func() bool { return version(b) == vaNow })

	// B's listening connection ends (the server restarted it): B stops
	// keeping versions, reads each from the database meanwhile, and
	// listens again on a new connection.
	raw, err := store.OpenRawForTest(a)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, "SELECT pg_terminate_backend(?)", bPID()); err != nil {
		t.Fatal(err)
	}
	old := bPID()
	waitUntil(t, "B notices that it no longer listens", func() bool { return bPID() != old })
	if bPID() == 0 {
		hidden()
		want := version(a)
		if v := version(b); v != want {
			t.Errorf("while not listening, B kept %s; the database says %s", v, want)
		}
	}
	waitUntil(t, "B listens again", func() bool { return bPID() != 0 && bPID() != old })
	hidden()
	v2 := version(b)
	if err := a.SetBadgeVisibility(ctx, ada.ID, badge.PublicID, store.Private); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "B hears of changes again", func() bool { return version(b) != v2 })
}

// waitUntil polls cond for up to ten seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
