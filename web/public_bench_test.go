package web_test

import (
	"context"
	"image/color"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/web"
)

// The seeded database of the public-profile benchmark: 10,000 learners and
// 200,000 badges, plus "featured" with 50 public badges.
const (
	benchLearners = 10_000
	benchBadges   = 200_000
	benchHandle   = "featured"
	benchPublic   = 50
)

// mustBenchDB opens the benchmark database, seeding it the first time. The
// seeded file is kept under os.TempDir(), named by the schema version, so
// later runs (and the load script) reuse it until a migration changes.
func mustBenchDB(tb testing.TB) *store.DB {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), "satchel-bench-public-"+store.SchemaVersion()+".db")
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".seeding"
		for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
			os.Remove(p)
		}
		db, err := store.Open(ctx, tmp)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			tb.Fatal(err)
		}
		err = db.SeedForBench(ctx, store.SeedOptions{
			Learners: benchLearners, Badges: benchBadges, Featured: benchHandle, FeaturedPublic: benchPublic,
			Images: 64, Image: func(i int) []byte { return pngOf(tb, color.RGBA{R: uint8(i * 3), G: uint8(i * 7), B: 200, A: 255}) },
		})
		if err != nil {
			tb.Fatal(err)
		}
		if err := db.Close(); err != nil {
			tb.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			tb.Fatal(err)
		}
		// Files seeded for older schemas are of no more use.
		old, _ := filepath.Glob(filepath.Join(os.TempDir(), "satchel-bench-public-*.db"))
		for _, o := range old {
			if o != path {
				os.Remove(o)
			}
		}
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func benchServer(tb testing.TB, db *store.DB) *web.Server {
	tb.Helper()
	srv, err := web.New(web.Options{
		DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		BaseURL: mustURL("http://localhost:8080"), SessionSecrets: []string{testSecret},
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return srv
}

// BenchmarkPublicProfile renders /u/featured (50 public badges, two public
// collections) through the real router and middleware, for a visitor with
// no cookies, against the seeded 10,000-learner database.
func BenchmarkPublicProfile(b *testing.B) {
	db := mustBenchDB(b)
	srv := benchServer(b, db)
	get := func(b *testing.B, path string) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, paths.PublicProfile(benchHandle), nil))
	if n := strings.Count(rec.Body.String(), `data-testid="badge-tile"`); n != benchPublic {
		b.Fatalf("the profile shows %d tiles, want %d", n, benchPublic)
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			get(b, paths.PublicProfile(benchHandle))
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				get(b, paths.PublicProfile(benchHandle))
			}
		})
	})
	b.Run("other_learner", func(b *testing.B) {
		for b.Loop() {
			get(b, paths.PublicProfile("learner-4242"))
		}
	})
	b.Run("collection", func(b *testing.B) {
		for b.Loop() {
			get(b, paths.PublicCollection(benchHandle, "collection-1"))
		}
	})
}

// BenchmarkPublicProfile_Store is the profile's queries alone.
func BenchmarkPublicProfile_Store(b *testing.B) {
	db := mustBenchDB(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := db.PublicProfileByHandle(ctx, benchHandle, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}
