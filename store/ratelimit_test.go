package store_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/store"
)

// t0 is the start of a ten-minute window (windows are aligned to the Unix
// epoch).
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const tenMin = 10 * time.Minute

func mustAllow(t *testing.T, db *store.DB, bucket, key string, limit int, window time.Duration, at time.Time) (bool, time.Duration) {
	t.Helper()
	ok, retry, err := db.AllowAt(context.Background(), bucket, key, limit, window, at)
	if err != nil {
		t.Fatalf("AllowAt %s %s at %v: %v", bucket, key, at, err)
	}
	return ok, retry
}

func TestAllow_RefusesOverTheLimitAndSaysWhenToRetry(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	at := t0.Add(2 * time.Minute)
	for i := range 5 {
		if ok, _ := mustAllow(t, db, "verify", "192.0.2.1", 5, tenMin, at.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("request %d of 5 refused", i+1)
		}
	}
	now := at.Add(10 * time.Second)
	ok, retry := mustAllow(t, db, "verify", "192.0.2.1", 5, tenMin, now)
	if ok {
		t.Fatal("sixth request in the window allowed")
	}
	// The window is full, so the next request fits once this window has
	// ended and carries less than one request into the next: 5 × (1-e/10min) ≤ 4.
	want := t0.Add(tenMin + 2*time.Minute).Sub(now)
	if retry != want {
		t.Errorf("retry after %v, want %v", retry, want)
	}
	// Refused requests are not counted: just before that time it is still
	// refused, at that time it is allowed.
	if ok, _ := mustAllow(t, db, "verify", "192.0.2.1", 5, tenMin, now.Add(retry-time.Second)); ok {
		t.Error("allowed a second before the time it gave")
	}
	if ok, _ := mustAllow(t, db, "verify", "192.0.2.1", 5, tenMin, now.Add(retry)); !ok {
		t.Error("refused at the time it gave")
	}
}

func TestAllow_KeysAndBucketsAreSeparate(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	for range 3 {
		mustAllow(t, db, "verify", "a", 3, tenMin, t0)
	}
	if ok, _ := mustAllow(t, db, "verify", "a", 3, tenMin, t0); ok {
		t.Fatal("fourth request for a allowed")
	}
	if ok, _ := mustAllow(t, db, "verify", "b", 3, tenMin, t0); !ok {
		t.Error("another key is limited by a's requests")
	}
	if ok, _ := mustAllow(t, db, "reverify", "a", 3, tenMin, t0); !ok {
		t.Error("another bucket is limited by verify's requests")
	}
	if ok, _ := mustAllow(t, db, "verify", "a", 3, time.Minute, t0); !ok {
		t.Error("a limit with another window is limited by the ten-minute one")
	}
}

// A burst at the end of one window is still felt at the start of the next:
// the previous window's count is weighted by how much of it overlaps the
// last ten minutes.
func TestAllow_WindowSlides(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	end := t0.Add(tenMin - time.Second)
	for i := range 10 {
		if ok, _ := mustAllow(t, db, "verify", "k", 10, tenMin, end); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	// Two seconds later a new fixed window has begun, but nearly all of
	// the burst is within the last ten minutes.
	if ok, retry := mustAllow(t, db, "verify", "k", 10, tenMin, end.Add(2*time.Second)); ok || retry <= 0 {
		t.Fatalf("allowed straight after a full burst: ok=%v retry=%v", ok, retry)
	}
	// Halfway through the next window half of the burst still counts:
	// exactly five more fit.
	half := t0.Add(tenMin + tenMin/2)
	for i := range 5 {
		if ok, _ := mustAllow(t, db, "verify", "k", 10, tenMin, half); !ok {
			t.Fatalf("request %d of 5 at half-time refused", i+1)
		}
	}
	if ok, _ := mustAllow(t, db, "verify", "k", 10, tenMin, half); ok {
		t.Error("sixth request at half-time allowed")
	}
	// Two windows on, the burst no longer counts at all.
	later := t0.Add(3 * tenMin)
	for i := range 10 {
		if ok, _ := mustAllow(t, db, "verify", "k", 10, tenMin, later); !ok {
			t.Fatalf("request %d two windows later refused", i+1)
		}
	}
}

func TestAllow_PrunesOldWindows(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	for i := range 20 {
		mustAllow(t, db, "verify", fmt.Sprint("client-", i), 5, tenMin, t0)
	}
	if n := countRateRows(t, db); n != 20 {
		t.Fatalf("%d rows after 20 clients, want 20", n)
	}
	// Still needed a window later (they weigh on the next window).
	mustAllow(t, db, "verify", "late", 5, tenMin, t0.Add(tenMin))
	if n := countRateRows(t, db); n != 21 {
		t.Fatalf("%d rows a window later, want 21", n)
	}
	// Two windows later a new window prunes them.
	mustAllow(t, db, "verify", "later", 5, tenMin, t0.Add(2*tenMin))
	if n := countRateRows(t, db); n != 2 {
		t.Errorf("%d rows two windows later, want 2 (late, later)", n)
	}
}

func TestAllow_RejectsANonsenseLimit(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	for _, c := range []struct {
		bucket string
		limit  int
		window time.Duration
	}{{"", 1, time.Minute}, {"b", 0, time.Minute}, {"b", 1, 0}, {"b", -1, time.Minute}} {
		if ok, _, err := db.AllowAt(context.Background(), c.bucket, "k", c.limit, c.window, t0); err == nil || ok {
			t.Errorf("AllowAt(%q, %d, %v) = %v, %v; want an error", c.bucket, c.limit, c.window, ok, err)
		}
	}
}

func TestAllow_UsesTheDatabaseClock(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	for range 2 {
		if ok, _, err := db.Allow(context.Background(), "b", "k", 2, time.Hour); err != nil || !ok {
			t.Fatalf("Allow: %v %v", ok, err)
		}
	}
	ok, retry, err := db.Allow(context.Background(), "b", "k", 2, time.Hour)
	if err != nil || ok || retry <= 0 || retry > 2*time.Hour {
		t.Errorf("third Allow in an hour: ok=%v retry=%v err=%v", ok, retry, err)
	}
}

// Concurrent callers through two handles on the same file (two pools of
// connections, as two processes have) never get more than the limit.
func TestAllow_ConcurrentCallersNeverExceedTheLimit(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "satchel.db")
	a := mustOpenPath(t, path)
	b := mustOpenPath(t, path)
	const limit = 25
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		db := a
		if g%2 == 1 {
			db = b
		}
		wg.Go(func() {
			for range 10 {
				ok, _, err := db.AllowAt(context.Background(), "verify", "198.51.100.7", limit, tenMin, t0.Add(time.Minute))
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if got := allowed.Load(); got != limit {
		t.Errorf("%d of 80 concurrent requests allowed, want exactly %d", got, limit)
	}
}

// Real separate processes (this test binary run again) share the limit
// through the database file.
func TestAllow_SeveralProcessesShareTheLimit(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "satchel.db")
	mustOpenPath(t, path) // create and migrate before the children start
	const limit, procs, each = 12, 3, 10
	outs := make([]string, procs)
	var wg sync.WaitGroup
	for i := range procs {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(),
				"SATCHEL_RATELIMIT_CHILD="+path,
				"SATCHEL_RATELIMIT_N="+strconv.Itoa(each),
				"SATCHEL_RATELIMIT_LIMIT="+strconv.Itoa(limit))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("child %d: %v\n%s", i, err, out)
			}
			outs[i] = string(out)
		})
	}
	wg.Wait()
	total := 0
	for i, out := range outs {
		_, rest, ok := strings.Cut(out, "allowed=")
		if !ok {
			t.Fatalf("child %d printed no count:\n%s", i, out)
		}
		n, err := strconv.Atoi(strings.Fields(rest)[0])
		if err != nil {
			t.Fatalf("child %d: %v", i, err)
		}
		total += n
	}
	if total != limit {
		t.Errorf("%d processes allowed %d requests in all, want exactly %d", procs, total, limit)
	}
}

// init makes this test binary one of TestAllow_SeveralProcessesShareTheLimit's
// child processes when it is started with SATCHEL_RATELIMIT_CHILD: it makes
// its requests, prints how many were allowed and exits without running tests.
func init() {
	path := os.Getenv("SATCHEL_RATELIMIT_CHILD")
	if path == "" {
		return
	}
	n, _ := strconv.Atoi(os.Getenv("SATCHEL_RATELIMIT_N"))
	limit, _ := strconv.Atoi(os.Getenv("SATCHEL_RATELIMIT_LIMIT"))
	db, err := store.Open(context.Background(), path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	allowed := 0
	for range n {
		ok, _, err := db.AllowAt(context.Background(), "verify", "203.0.113.9", limit, tenMin, t0.Add(time.Minute))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if ok {
			allowed++
		}
	}
	db.Close()
	fmt.Printf("allowed=%d\n", allowed)
	os.Exit(0)
}

func mustOpenPath(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func countRateRows(t *testing.T, db *store.DB) int {
	t.Helper()
	raw, err := store.OpenRawForTest(db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow("SELECT count(*) FROM rate_limits").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func BenchmarkAllow(b *testing.B) {
	db := MustOpen(b)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		if _, _, err := db.Allow(ctx, "bench", strconv.Itoa(i%500), 1000, time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}
