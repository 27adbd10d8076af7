// Package web is Satchel's HTTP side: echo wiring, routes, handlers,
// middleware, sessions and the OAuth sign-in flow.
package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"github.com/a-h/templ"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"

	"github.com/satchel-backpack/satchel/internal/backpack"
	"github.com/satchel-backpack/satchel/internal/config"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/metrics"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// Options are what the server is built from. cmd/satchel fills them from
// the configuration.
type Options struct {
	DB             *store.DB
	Log            *slog.Logger
	BaseURL        *url.URL // public URL; https makes cookies Secure
	SessionSecrets []string // the first signs; all are accepted
	TrustedProxies []netip.Prefix
	Providers      []config.Provider
	DevLogin       bool // embed the development OpenID Connect provider; only a -tags dev build has it (DevSignInBuilt)

	// SignInLimit is how many requests one client address may make to the
	// sign-in routes per SignInWindow. Zero means DefaultSignInLimit per
	// DefaultSignInWindow.
	SignInLimit  int
	SignInWindow time.Duration
	// MaxBodyBytes caps request bodies. Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// SignInAttemptTTL is how long a sign-in may take at the provider
	// (whole seconds). Zero means DefaultSignInAttemptTTL.
	SignInAttemptTTL time.Duration
	// VerifyQueueWait is how long a check on the public verifier waits for
	// one of the process's verification slots before the visitor is asked
	// to come back (503). Zero means DefaultVerifyQueueWait.
	VerifyQueueWait time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// Fetcher is the one guarded client for everything fetched from
	// issuers (badges, keys, images); nil means fetch.New with defaults.
	// Tests pass one with AllowHosts for issuers on loopback.
	Fetcher *fetch.Client
	// Verifier checks badges; nil means verify.New(Fetcher, defaults).
	Verifier *verify.Verifier
	// ImportLimit caps the items one learner may import per hour (each
	// may make Satchel fetch from issuers). Zero means
	// backpack.DefaultImportLimit.
	ImportLimit int
	// RecheckAfter is when a newly imported badge is first verified again
	// (the background job's interval). Zero means backpack.DefaultRecheck.
	RecheckAfter time.Duration

	// Mail sends email (address confirmation links); nil when no SMTP
	// server is configured.
	Mail Mailer
	// DevOutbox keeps email in the database, shown at /dev/outbox, when
	// Mail is nil (local development).
	DevOutbox bool

	// Metrics, if set, counts every request by route pattern and status.
	Metrics *metrics.Metrics
	// Languages are the languages people may choose or be given, the
	// first being the one for everyone else; each needs a catalog in
	// internal/i18n. Nil means i18n.Offered(), the complete translations.
	// Tests offer the others.
	Languages []language.Tag

	// MetricsToken, if set (with Metrics), serves the metrics at /metrics
	// on this server to requests with "Authorization: Bearer TOKEN".
	// Without it /metrics answers 404 here (a separate listener may serve
	// them: SATCHEL_METRICS_ADDR).
	MetricsToken string

	// PrivacyPolicyURL and TermsOfServiceURL are the operator's policies,
	// which the Open Badges APIs publish to connecting platforms. The APIs
	// (discovery, registration, the authorization server and the
	// resource endpoints) are offered only when both are set.
	PrivacyPolicyURL  string
	TermsOfServiceURL string
}

// DefaultMaxBodyBytes caps request bodies unless a route says otherwise.
const DefaultMaxBodyBytes = 1 << 20

// The sign-in limit unless Options say otherwise (SATCHEL_SIGNIN_LIMIT).
const (
	DefaultSignInLimit  = 600
	DefaultSignInWindow = 10 * time.Minute
)

// Server holds the dependencies; handlers are its methods.
type Server struct {
	e         *echo.Echo
	db        *store.DB
	log       *slog.Logger
	baseURL   *url.URL
	secure    bool // cookies get the Secure flag
	sessions  *sessions.CookieStore
	providers map[string]providerInfo // by ID, e.g. "github", "dev"
	order     []string                // provider IDs in button order
	dev       *devProvider            // nil unless the development sign-in is on
	attempts  *attempts               // sign-in attempts with the goth providers
	now       func() time.Time
	opts      Options
	// bodyLimits are the routes with their own body limit, by "METHOD
	// path" (see routeBodyLimit); filled by routes() before serving.
	bodyLimits map[string]echo.MiddlewareFunc
	fetcher    *fetch.Client
	verifier   *verify.Verifier
	// bp runs the use cases (import, checking again, export).
	bp *backpack.Service
	// langs picks each request's language among the offered ones.
	langs *i18n.Matcher
	// pages caches rendered public profiles and collections under their
	// version (see web/public_cache.go); every request checks the version
	// in the database.
	pages pageCache
}

// New builds the server and registers every route. Close releases what it
// started (the development provider).
func New(opts Options) (*Server, error) {
	if opts.DB == nil || opts.BaseURL == nil {
		return nil, errors.New("web: New needs a DB and a BaseURL")
	}
	if len(opts.SessionSecrets) == 0 {
		return nil, errors.New("web: New needs at least one session secret")
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.SignInAttemptTTL < time.Second {
		opts.SignInAttemptTTL = DefaultSignInAttemptTTL
	}
	if opts.VerifyQueueWait <= 0 {
		opts.VerifyQueueWait = DefaultVerifyQueueWait
	}
	if opts.SignInLimit <= 0 {
		opts.SignInLimit = DefaultSignInLimit
	}
	if opts.SignInWindow <= 0 {
		opts.SignInWindow = DefaultSignInWindow
	}
	if opts.Fetcher == nil {
		opts.Fetcher = fetch.New(fetch.Options{})
	}
	if opts.Verifier == nil {
		opts.Verifier = verify.New(opts.Fetcher, verify.Options{Now: opts.Now})
	}
	s := &Server{
		e:       echo.New(),
		db:      opts.DB,
		log:     opts.Log,
		baseURL: opts.BaseURL,
		secure:  opts.BaseURL.Scheme == "https",
		now:     opts.Now,
		opts:    opts,
	}
	if opts.Languages == nil {
		opts.Languages = i18n.Offered()
	}
	langs, err := i18n.NewMatcher(opts.Languages)
	if err != nil {
		return nil, fmt.Errorf("web: languages: %w", err)
	}
	s.langs = langs
	s.fetcher, s.verifier = opts.Fetcher, opts.Verifier
	bp, err := backpack.New(backpack.Deps{Store: opts.DB, Verifier: opts.Verifier, Fetcher: opts.Fetcher, Log: opts.Log,
		Now: opts.Now, RecheckAfter: opts.RecheckAfter, ImportLimit: opts.ImportLimit, Generator: "Satchel " + opts.BaseURL.Host})
	if err != nil {
		return nil, err
	}
	s.bp = bp
	s.e.HideBanner = true
	s.e.HidePort = true
	s.e.HTTPErrorHandler = s.handleError
	s.e.IPExtractor = ipExtractor(opts.TrustedProxies)
	s.sessions = newSessionStore(opts.SessionSecrets, "app", s.secure)
	if err := s.setupAuth(opts); err != nil {
		s.Close()
		return nil, err
	}
	s.routes()
	return s, nil
}

// ServeHTTP makes the server an http.Handler. HEAD is routed like GET
// (uptime checks use it): only the copy of the request echo sees changes,
// so net/http still knows the request was HEAD and sends no body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		r = r.Clone(r.Context())
		r.Method = http.MethodGet
	}
	s.e.ServeHTTP(w, r)
}

// Backpack is the use-case service the server's handlers call; cmd runs
// its background re-verification job.
func (s *Server) Backpack() *backpack.Service { return s.bp }

// useCaseCtx is the request's context carrying its logger, so that the
// use cases log with the request id.
func useCaseCtx(c echo.Context) context.Context {
	return backpack.WithLog(c.Request().Context(), logger(c))
}

// Close stops the embedded development provider, if any.
func (s *Server) Close() error {
	if s.dev != nil {
		return s.dev.Close()
	}
	return nil
}

// render writes a templ component with the given status. It renders into a
// buffer first, so that a failed render still becomes a clean error page.
func (s *Server) render(c echo.Context, status int, page templ.Component) error {
	ctx := s.ctx(c)
	var buf bytes.Buffer
	if err := page.Render(ctx, &buf); err != nil {
		return fmt.Errorf("web: render %s: %w", c.Path(), err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// shell is the layout's view model for this request. It takes the pending
// flash out of the session.
func (s *Server) shell(c echo.Context, title string) views.Shell {
	sh := views.Shell{Title: title, DevLogin: s.dev != nil}
	if u := currentUser(c); u != nil {
		sh.User = &views.ShellUser{Name: u.Name}
	}
	if f, ok := s.popFlash(c); ok {
		sh.Flashes = append(sh.Flashes, f)
	}
	return sh
}

// handleHealthz says the process is alive: it answers while it can answer
// at all, whatever the state of its database (see handleReadyz).
func (s *Server) handleHealthz(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.String(http.StatusOK, "ok\n")
}

// handleReadyz says whether this process should get traffic: its database
// answers and its schema is current. A load balancer stops sending
// requests to a process that lost its database until it is back.
func (s *Server) handleReadyz(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		logger(c).Error("readiness check: database unavailable", "err", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	pending, err := s.db.PendingMigrations(ctx)
	if err != nil {
		logger(c).Error("readiness check: migrations unknown", "err", err)
		return c.String(http.StatusServiceUnavailable, "database schema unknown\n")
	}
	if len(pending) > 0 {
		logger(c).Warn("readiness check: migrations pending", "pending", pending)
		return c.String(http.StatusServiceUnavailable, fmt.Sprintf("pending migrations: %d; run satchel migrate\n", len(pending)))
	}
	return c.String(http.StatusOK, "ready\n")
}
