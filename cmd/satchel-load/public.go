package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

// The public-profile scenario (-scenario public-profile): a visitor with
// no account loads a learner's public page, /u/featured, which shows 50
// public badges, in a database of 10,000 learners and 200,000 badges. The
// database is seeded once with store.SeedForBench and kept under
// os.TempDir() by schema version (the web benchmark shares it); each run
// works on a copy.
//
//	go run ./cmd/satchel-load -scenario public-profile -c 64 -d 20s -static
//
// The flag is read here, before main's own flags, so that this scenario
// lives in its own file.
func init() {
	for _, a := range os.Args[1:] {
		if a == "-scenario" || a == "--scenario" || strings.HasPrefix(a, "-scenario=") || strings.HasPrefix(a, "--scenario=") {
			os.Exit(publicMain(os.Args[1:]))
		}
	}
}

const (
	publicLearners = 10_000
	publicBadges   = 200_000
	publicHandle   = "featured"
	publicShown    = 50
)

type publicOptions struct {
	scenario    string
	concurrency int
	db          string // PostgreSQL URL; "" for SQLite
	duration    time.Duration
	warmup      time.Duration
	bin         string
	static      bool
	logLevel    string
	path        string
	nodes       int
}

func publicMain(args []string) int {
	var o publicOptions
	fs := flag.NewFlagSet("satchel-load -scenario", flag.ContinueOnError)
	fs.StringVar(&o.scenario, "scenario", "", "public-profile: a visitor loads /u/featured (50 public badges) in a 10,000-learner database")
	fs.IntVar(&o.concurrency, "c", 64, "concurrent connections")
	fs.StringVar(&o.db, "db", "", "an empty PostgreSQL database (or schema), `postgres://…`, to copy the seeded data into and run satchel on instead of SQLite")
	fs.DurationVar(&o.duration, "d", 10*time.Second, "how long to load each target (at most 5m)")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before measuring, not counted")
	fs.StringVar(&o.bin, "bin", "", "satchel binary to run (default: build ./cmd/satchel)")
	fs.BoolVar(&o.static, "static", false, "also serve the same HTML as a static file and load that, for comparison")
	fs.StringVar(&o.logLevel, "log-level", "warn", "the server's SATCHEL_LOG_LEVEL")
	fs.StringVar(&o.path, "url-path", paths.PublicProfile(publicHandle), "public page to request")
	fs.IntVar(&o.nodes, "nodes", 1, "satchel processes on the one database, behind a round-robin reverse proxy on loopback when more than one")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.scenario != "public-profile" {
		fmt.Fprintf(os.Stderr, "satchel-load: unknown scenario %q (known: public-profile)\n", o.scenario)
		return 2
	}
	if o.concurrency < 1 || o.concurrency > 1024 || o.duration <= 0 || o.duration > 5*time.Minute || o.nodes < 1 || o.nodes > 16 {
		fmt.Fprintln(os.Stderr, "satchel-load: -c must be 1–1024, -d between 0 and 5m, -nodes 1–16")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*(o.warmup+o.duration)+15*time.Minute)
	defer cancel()
	if err := runPublic(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "satchel-load:", err)
		return 1
	}
	return 0
}

// seededPublicDB returns the path of the seeded database, seeding it the
// first time (a few minutes).
func seededPublicDB(ctx context.Context, out io.Writer) (string, error) {
	path := filepath.Join(os.TempDir(), "satchel-bench-public-"+store.SchemaVersion()+".db")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	fmt.Fprintf(out, "seeding %d learners and %d badges into %s (once)…\n", publicLearners, publicBadges, path)
	t0 := time.Now()
	tmp := path + ".seeding-load"
	for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
		os.Remove(p)
	}
	db, err := store.Open(ctx, tmp)
	if err != nil {
		return "", err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return "", err
	}
	var imgErr error
	err = db.SeedForBench(ctx, store.SeedOptions{
		Learners: publicLearners, Badges: publicBadges, Featured: publicHandle, FeaturedPublic: publicShown,
		Images: 64, Image: func(i int) []byte {
			b, err := tilePNG(i)
			if err != nil {
				imgErr = err
			}
			return b
		},
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = imgErr
	}
	if err != nil {
		return "", fmt.Errorf("seed: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", err
	}
	// Files seeded for older schemas are of no more use.
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "satchel-bench-public-*.db"))
	for _, o := range old {
		if o != path {
			os.Remove(o)
		}
	}
	fmt.Fprintf(out, "seeded in %.0fs\n", time.Since(t0).Seconds())
	return path, nil
}

func runPublic(ctx context.Context, o publicOptions, out io.Writer) error {
	seeded, err := seededPublicDB(ctx, out)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "satchel-load-public-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dataDir := filepath.Join(tmp, "data")
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return err
	}
	// A copy, so the run cannot change the shared seeded file.
	src, err := store.Open(ctx, seeded)
	if err != nil {
		return err
	}
	err = src.Backup(ctx, filepath.Join(dataDir, "satchel.db"))
	src.Close()
	if err != nil {
		return fmt.Errorf("copy the seeded database: %w", err)
	}
	var env []string
	if o.db != "" {
		if env, err = onPostgres(ctx, out, filepath.Join(dataDir, "satchel.db"), o.db); err != nil {
			return err
		}
	}

	bin := o.bin
	if bin == "" {
		bin = filepath.Join(tmp, "satchel")
		fmt.Fprintln(out, "building satchel…")
		cmd := exec.CommandContext(ctx, "go", "build", "-tags", "dev", "-o", bin, "github.com/satchel-backpack/satchel/cmd/satchel")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build satchel: %w", err)
		}
	}
	srv, err := startCluster(ctx, bin, dataDir, o.logLevel, o.nodes, env...)
	if err != nil {
		return err
	}
	defer srv.stop()

	page, status, err := getPage(ctx, srv.base+o.path, "")
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s as a visitor: status %d, want 200\n%s", o.path, status, srv.log())
	}
	if n := strings.Count(string(page), `data-testid="badge-tile"`); n != publicShown && o.path == paths.PublicProfile(publicHandle) {
		return fmt.Errorf("%s shows %d badges, want %d", o.path, n, publicShown)
	}
	fmt.Fprintf(out, "target %s%s as a visitor (no cookies), %s: %.1f KiB of HTML, %d badges shown, %d concurrent connections, %s each (after %s warm-up)\n\n",
		srv.base, o.path, srv.describe(), float64(len(page))/1024, strings.Count(string(page), `data-testid="badge-tile"`), o.concurrency, o.duration, o.warmup)
	res, err := runLoad(ctx, loadSpec{URL: srv.base + o.path, Header: http.Header{}, Concurrency: o.concurrency, Duration: o.duration, Warmup: o.warmup})
	if err != nil {
		return err
	}
	report(out, fmt.Sprintf("Satchel %s (%d learners, %d badges)", o.path, publicLearners, publicBadges), res)
	if !o.static {
		return nil
	}
	return compareWithStatic(ctx, out, tmp, page, o.concurrency, o.duration, o.warmup, res)
}
