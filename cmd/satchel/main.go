// Command satchel is the Satchel Open Badges backpack: the web server and
// the commands that go with it. Run `satchel --help` for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/satchel-backpack/satchel/internal/backpack"
	"github.com/satchel-backpack/satchel/internal/config"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/metrics"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/web"
)

func main() {
	m := NewMain()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := m.ParseFlags(ctx, os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(m.Stderr, "satchel:", err)
		os.Exit(2)
	}
	if err := m.Run(ctx); err != nil {
		m.Close()
		fmt.Fprintln(m.Stderr, "satchel:", err)
		os.Exit(1)
	}
	if m.Command == "serve" {
		// Serve until SIGINT or SIGTERM, then shut down gracefully.
		select {
		case <-ctx.Done():
			stop() // a second Ctrl-C ends the process at once
			m.Log.Info("shutting down: waiting for requests in flight (Ctrl-C again to stop now)")
		case err := <-m.serveErr:
			m.Log.Error("server stopped", "err", err)
			m.Close()
			os.Exit(1)
		}
	}
	if err := m.Close(); err != nil {
		fmt.Fprintln(m.Stderr, "satchel:", err)
		os.Exit(1)
	}
	os.Exit(m.ExitCode)
}

// command is a subcommand.
type command struct {
	name, args, help string
}

var commands = []command{
	{"serve", "", "Run the web server (the default when no command is given)."},
	{"migrate", "", "Apply database migrations and exit (serve also applies them at start-up)."},
	{"backup", "FILE", "Write a consistent copy of the live database to FILE (which must not exist)."},
	{"copy-db", "--from SQLITE_FILE [--to postgres://…]", "Copy everything from a SQLite database into an empty PostgreSQL one (--to defaults to SATCHEL_DATABASE_URL), migrating it first, and compare them table by table."},
	{"verify", "[--recipient ID]... [--json] FILE|URL|-", "Check an Open Badge and explain the result."},
	{"unbake", "FILE|-", "Print the badge data baked into a PNG or SVG image."},
	{"bake", "IMAGE BADGE", "Bake badge data into a PNG or SVG image, written to standard output."},
	{"help", "", "Show this help."},
}

// Main is the program, split into steps so that a test can boot the real
// thing on port 0 (SATCHEL_ADDR=127.0.0.1:0) and shut it down.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string

	Command string   // serve, migrate, backup, copy-db, verify, unbake, bake
	Args    []string // the command's own arguments
	Config  *config.Config
	Log     *slog.Logger

	// ShutdownTimeout bounds how long Close waits for requests in flight.
	ShutdownTimeout time.Duration
	// ExitCode is the status for badge commands (0 when not set).
	ExitCode int
	// AllowHosts, if set before Run, are host:port pairs the fetcher may
	// reach although they are on loopback: tests host issuers there.
	AllowHosts []string
	// ConnState, if set before Run, is called as the HTTP server's
	// connections change state (tests use it to know a request is in flight).
	ConnState func(net.Conn, http.ConnState)

	// Set by Run for serve.
	DB         *store.DB
	Server     *web.Server
	HTTPServer *http.Server
	// Reverifier is the background re-verification job; nil when
	// SATCHEL_REVERIFY_INTERVAL is off.
	Reverifier *backpack.Reverifier
	URL        string // the base URL being served
	Addr       string // the address actually listened on
	// MetricsServer serves /metrics on SATCHEL_METRICS_ADDR (MetricsAddr,
	// the address actually listened on); nil when that is unset.
	MetricsServer *http.Server
	MetricsAddr   string
	serveErr      chan error
	copyTo        string // copy-db's target URL, never printed
	finish        func() (*config.Config, error)
	flags         *flag.FlagSet
}

// NewMain returns a Main reading the real environment and standard streams.
func NewMain() *Main {
	return &Main{
		Stdin:           os.Stdin,
		Stdout:          os.Stdout,
		Stderr:          os.Stderr,
		Getenv:          os.Getenv,
		ShutdownTimeout: 30 * time.Second,
		serveErr:        make(chan error, 1),
	}
}

// ParseFlags reads `satchel [flags] [command] [args]`. Configuration flags
// may also follow serve, migrate and backup. It returns flag.ErrHelp after
// printing the help.
func (m *Main) ParseFlags(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("satchel", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() { m.usage(m.Stdout) }
	m.finish = config.Flags(fs, m.Getenv)
	m.flags = fs
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	m.Command = "serve"
	if len(rest) > 0 {
		m.Command, rest = rest[0], rest[1:]
	}
	switch m.Command {
	case "help":
		m.usage(m.Stdout)
		return flag.ErrHelp
	case "serve", "migrate", "backup":
		if err := fs.Parse(rest); err != nil {
			return err
		}
		m.Args = fs.Args()
		want := 0
		if m.Command == "backup" {
			want = 1
		}
		if len(m.Args) != want {
			return fmt.Errorf("%s: expected %d argument(s), got %q; see satchel --help", m.Command, want, m.Args)
		}
		cfg, err := m.finish()
		if err != nil {
			return fmt.Errorf("invalid configuration:\n%w", err)
		}
		m.Config = cfg
		m.Log = newLogger(m.Stderr, cfg.LogLevel, cfg.LogFormat)
	case "copy-db":
		return m.parseCopyDB(rest)
	case "verify", "unbake", "bake":
		m.Args = rest
	default:
		return fmt.Errorf("unknown command %q; see satchel --help", m.Command)
	}
	return nil
}

// newLogger logs at level to w, as text lines or, for log shippers, JSON
// objects (format "json").
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// usage prints every command, flag and environment variable.
func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "Satchel: an Open Badges backpack.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: satchel [flags] [command] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s %s\t%s\n", c.name, c.args, c.help)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Flags (each overrides its environment variable):")
	m.flags.VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(w, "  --%s\n      %s\n", f.Name, f.Usage)
	})
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Environment variables:")
	for _, v := range config.Vars {
		def := ""
		if v.Default != "" {
			def = " (default " + v.Default + ")"
		}
		fmt.Fprintf(w, "  %s%s\n      %s\n", v.Name, def, v.Description)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run `satchel verify --help` (or unbake, bake) for a badge command's own flags.")
}

// dbPath is the database file in the data directory.
func (m *Main) dbPath() string { return filepath.Join(m.Config.DataDir, "satchel.db") }

// Run carries out the command. For serve it returns once the server is
// listening; Close stops it.
func (m *Main) Run(ctx context.Context) error {
	switch m.Command {
	case "verify":
		m.ExitCode = runVerify(m.Args, m.Stdin, m.Stdout, m.Stderr)
		return nil
	case "unbake":
		m.ExitCode = runUnbake(m.Args, m.Stdin, m.Stdout, m.Stderr)
		return nil
	case "bake":
		m.ExitCode = runBake(m.Args, m.Stdin, m.Stdout, m.Stderr)
		return nil
	case "copy-db":
		return m.copyDB(ctx)
	}

	if m.Config.DatabaseURL != "" {
		db, err := openPostgres(ctx, m.Config.DatabaseURL)
		if err != nil {
			return err
		}
		m.DB = db
		return m.runOnDB(ctx)
	}
	if m.Command == "backup" {
		if _, err := os.Stat(m.dbPath()); err != nil {
			return &config.Error{Var: "SATCHEL_DATA_DIR", Msg: fmt.Sprintf("there is no database at %s to back up; point SATCHEL_DATA_DIR (or --data-dir) at the server's data directory", m.dbPath())}
		}
	}
	if err := os.MkdirAll(m.Config.DataDir, 0o750); err != nil {
		return &config.Error{Var: "SATCHEL_DATA_DIR", Msg: fmt.Sprintf("cannot create %s (%v); point it at a writable directory", m.Config.DataDir, err)}
	}
	db, err := store.Open(ctx, m.dbPath())
	if err != nil {
		return err
	}
	m.DB = db
	return m.runOnDB(ctx)
}

// openPostgres opens the PostgreSQL database of SATCHEL_DATABASE_URL, with
// an error that names the variable and what to check.
func openPostgres(ctx context.Context, url string) (*store.DB, error) {
	db, err := store.OpenPostgres(ctx, url)
	if err != nil {
		return nil, &config.Error{Var: "SATCHEL_DATABASE_URL", Msg: strings.TrimPrefix(err.Error(), "store: ") +
			"; check that the server runs and is reachable from here, and the user, password and database name in the URL"}
	}
	return db, nil
}

// migrate applies the pending migrations. A PostgreSQL user that may not
// create tables gets an error that says what to grant.
func (m *Main) migrate(ctx context.Context) ([]string, error) {
	applied, err := m.DB.Migrate(ctx)
	if err != nil && store.PermissionDenied(err) {
		return applied, &config.Error{Var: "SATCHEL_DATABASE_URL", Msg: "the database user may not create or change tables in this database (" +
			strings.TrimPrefix(err.Error(), "store: ") + "); connect as the database's owner, or grant the user CREATE on its schema (GRANT CREATE ON SCHEMA public TO the_user)"}
	}
	return applied, err
}

// dbName is how messages name the database: its file, or PostgreSQL
// (never the URL, which may hold a password).
func (m *Main) dbName() string {
	if m.Config.DatabaseURL != "" {
		return "PostgreSQL (SATCHEL_DATABASE_URL)"
	}
	return m.dbPath()
}

// runOnDB carries out migrate, backup and serve on the open m.DB.
func (m *Main) runOnDB(ctx context.Context) error {
	db := m.DB
	switch m.Command {
	case "migrate":
		applied, err := m.migrate(ctx)
		if err != nil {
			return err
		}
		if len(applied) == 0 {
			fmt.Fprintln(m.Stdout, "satchel: database is up to date:", m.dbName())
		}
		for _, name := range applied {
			fmt.Fprintln(m.Stdout, "satchel: applied", name)
		}
		return nil
	case "backup":
		if err := db.Backup(ctx, m.Args[0]); err != nil {
			if msg := fail.Message(err); msg != "" {
				return errors.New(msg)
			}
			return err
		}
		fmt.Fprintln(m.Stdout, "satchel: backup written to", m.Args[0])
		return nil
	}
	return m.serve(ctx)
}

func (m *Main) serve(ctx context.Context) error {
	cfg, log := m.Config, m.Log
	dev := cfg.DevLogin()
	if dev && !cfg.Loopback() {
		return &config.Error{Var: "SATCHEL_DEV_LOGIN", Msg: "the development sign-in is refused on a non-loopback address; set SATCHEL_DEV_LOGIN=off or listen on localhost"}
	}
	if dev && !web.DevSignInBuilt {
		// A production build leaves the development sign-in out: asked
		// for by name it is an error, and auto quietly means off.
		if cfg.DevLoginMode == config.DevLoginOn {
			return &config.Error{Var: "SATCHEL_DEV_LOGIN", Msg: "this satchel was built without the development sign-in; build it with -tags dev (go tool task run does), or set SATCHEL_DEV_LOGIN=off"}
		}
		log.Info("the development sign-in is not in this build (a production build leaves it out); go tool task run builds one with it (-tags dev)")
		dev = false
	}
	if err := cfg.EnsureSessionSecret(log); err != nil {
		return err
	}
	applied, err := m.migrate(ctx)
	if err != nil {
		return err
	}
	for _, name := range applied {
		log.Info("applied migration", "name", name)
	}
	if len(cfg.Providers) == 0 && !dev {
		log.Warn("no sign-in provider is configured and the development sign-in is off: nobody can sign in; see the README")
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return &config.Error{Var: "SATCHEL_ADDR", Msg: fmt.Sprintf("cannot listen on %s (%v); choose a free port, e.g. localhost:8081", cfg.Addr, err)}
	}
	m.Addr = ln.Addr().String()
	base := cfg.ResolveBaseURL(m.Addr)
	m.URL = base.String()

	// Metrics, when a listener or a token asks for them.
	var mx *metrics.Metrics
	if cfg.MetricsAddr != "" || cfg.MetricsToken != "" {
		mx = metrics.New()
		mx.WatchPools(m.DB.PoolStats)
		mx.WatchQueue(func(ctx context.Context) (int, error) { return m.DB.CountDueBadges(ctx, time.Now()) })
	}
	// One guarded client for everything fetched from issuers.
	fetcher := fetch.New(fetch.Options{AllowHosts: m.AllowHosts})
	mailer, devOutbox, err := mailOptions(cfg, base, log)
	if err != nil {
		ln.Close()
		return err
	}
	srv, err := web.New(web.Options{
		Fetcher:        fetcher,
		Verifier:       verify.New(fetcher, verify.Options{Observe: mx.ObserveVerification}),
		DB:             m.DB,
		Log:            log,
		BaseURL:        base,
		SessionSecrets: cfg.SessionSecrets,
		TrustedProxies: cfg.TrustedProxies,
		Providers:      cfg.Providers,
		DevLogin:       dev,
		Mail:           mailer,
		DevOutbox:      devOutbox,
		RecheckAfter:   cfg.ReverifyInterval,
		SignInLimit:    cfg.SignInLimit,
		SignInWindow:   config.SignInWindow,
		Metrics:        mx,
		MetricsToken:   cfg.MetricsToken,

		PrivacyPolicyURL:  cfg.PrivacyURL,
		TermsOfServiceURL: cfg.TermsURL,
	})
	if err != nil {
		ln.Close()
		return err
	}
	m.Server = srv
	m.HTTPServer = &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ConnState:         m.ConnState,
	}
	go func() {
		if err := m.HTTPServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.serveErr <- err
		}
	}()
	if cfg.MetricsAddr != "" {
		if err := m.serveMetrics(cfg.MetricsAddr, mx, log); err != nil {
			return err
		}
	}
	providers := make([]string, 0, len(cfg.Providers))
	for _, p := range cfg.Providers {
		providers = append(providers, p.ID)
	}
	log.Info("Satchel is listening", "url", m.URL, "addr", m.Addr, "providers", strings.Join(providers, ","), "dev_login", dev, "database", m.DB.Engine(), "data_dir", cfg.DataDir)
	if dev {
		log.Warn("the development sign-in is ON: anyone who can reach this server can sign in as anyone; it is for local development only")
	}
	if cfg.ReverifyInterval > 0 {
		rv, err := srv.Backpack().NewReverifier(backpack.ReverifyOptions{Interval: cfg.ReverifyInterval, OnPass: countRechecks(mx)})
		if err != nil {
			return err
		}
		m.Reverifier = rv
		rv.Start()
	} else if slices.Contains(applied, trustMigration) && !slices.Contains(applied, firstMigration) {
		// Verdicts recorded before the issuer–key rule cannot be trusted:
		// check every badge once now, even with the background job off.
		rv, err := srv.Backpack().NewReverifier(backpack.ReverifyOptions{Interval: 24 * time.Hour, Once: true, OnPass: countRechecks(mx)})
		if err != nil {
			return err
		}
		m.Reverifier = rv
		rv.Start()
		log.Info("background re-verification is off (SATCHEL_REVERIFY_INTERVAL); checking every stored badge once under the issuer–key rule")
	} else {
		log.Info("background re-verification is off (SATCHEL_REVERIFY_INTERVAL)")
	}
	return nil
}

// countRechecks reports each background pass to the metrics.
func countRechecks(mx *metrics.Metrics) func(backpack.ReverifyStats) {
	return func(st backpack.ReverifyStats) { mx.AddRechecks(st.Expired, st.Checked, st.Changed, st.Transient) }
}

// serveMetrics starts the separate metrics listener: /metrics and nothing
// else, so it can sit on an internal network without the application.
func (m *Main) serveMetrics(addr string, mx *metrics.Metrics, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return &config.Error{Var: "SATCHEL_METRICS_ADDR", Msg: fmt.Sprintf("cannot listen on %s (%v); choose a free port, e.g. 127.0.0.1:9091", addr, err)}
	}
	m.MetricsAddr = ln.Addr().String()
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", mx.Handler())
	m.MetricsServer = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := m.MetricsServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.serveErr <- err
		}
	}()
	log.Info("metrics are served", "url", "http://"+m.MetricsAddr+"/metrics")
	return nil
}

// trustMigration is the migration after which every stored badge must be
// verified again (see store/migrations).
const trustMigration = "0012_issuer_binding.sql"

// firstMigration applied at this start means a new database: nothing to
// re-check.
const firstMigration = "0001_accounts.sql"

// Close shuts the server down gracefully, letting requests in flight
// finish (up to ShutdownTimeout), then closes the database.
func (m *Main) Close() error {
	var errs []error
	if m.Reverifier != nil {
		m.Reverifier.Stop() // abandons a check in flight; its claim lapses
	}
	if m.MetricsServer != nil {
		if err := m.MetricsServer.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close metrics listener: %w", err))
		}
	}
	if m.HTTPServer != nil {
		ctx, cancel := context.WithTimeout(context.Background(), m.ShutdownTimeout)
		defer cancel()
		if err := m.HTTPServer.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shut down http server: %w", err))
		}
	}
	if m.Server != nil {
		if err := m.Server.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if m.DB != nil {
		if err := m.DB.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close database: %w", err))
		}
	}
	if m.Log != nil && m.Command == "serve" && len(errs) == 0 {
		m.Log.Info("stopped cleanly")
	}
	return errors.Join(errs...)
}
