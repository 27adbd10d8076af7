// Package config reads Satchel's configuration from environment variables
// and command-line flags. Every variable is listed once, in Vars, so that
// `satchel --help` and the README table come from the same place.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Var describes one configuration variable.
type Var struct {
	Name        string // environment variable, e.g. SATCHEL_ADDR
	Flag        string // command-line flag without dashes; empty when there is none
	Default     string
	Description string
	Secret      bool // never echoed back in messages
}

// Vars lists every variable Satchel reads, in the order the help shows them.
var Vars = []Var{
	{Name: "SATCHEL_ADDR", Flag: "addr", Default: "localhost:8080",
		Description: "Address to listen on (host:port). A loopback host keeps the server private to this machine."},
	{Name: "SATCHEL_BASE_URL", Flag: "base-url",
		Description: "Public URL people use to reach Satchel, e.g. https://backpack.example.org. OAuth callbacks are built from it; cookies are Secure when it is https. Default on a loopback address: http://localhost plus the port; required otherwise."},
	{Name: "SATCHEL_DATA_DIR", Flag: "data-dir", Default: "./data",
		Description: "Directory for the SQLite database (satchel.db) and, in local development, the generated session secret."},
	{Name: "SATCHEL_DATABASE_URL", Flag: "database-url", Secret: true,
		Description: "PostgreSQL database to keep everything in, as postgres://user:password@host:5432/dbname?sslmode=require, for running several Satchel processes on one database (then SATCHEL_SESSION_SECRET is required too). Unset: SQLite in SATCHEL_DATA_DIR."},
	{Name: "SATCHEL_SESSION_SECRET", Secret: true,
		Description: "Secret(s) that sign and encrypt cookies, at least 32 characters each. Several, comma-separated, rotate keys: the first signs, all are accepted. When unset on a loopback address, one is generated and kept in the data directory."},
	{Name: "SATCHEL_TRUSTED_PROXIES", Flag: "trusted-proxies",
		Description: "Comma-separated IPs or CIDR ranges of reverse proxies whose X-Forwarded-For header is trusted for the client IP. Empty: the connection's address is used."},
	{Name: "SATCHEL_DEV_LOGIN", Flag: "dev-login", Default: "auto",
		Description: "Development sign-in (type any name and email, no real provider): auto (on only when no provider is configured and the address is loopback), on, or off. Refused on a non-loopback address. Only a build made with -tags dev has it (go tool task run builds one); a production build does not."},
	{Name: "SATCHEL_LOG_LEVEL", Flag: "log-level", Default: "info",
		Description: "Log level: debug, info, warn or error."},
	{Name: "SATCHEL_LOG_FORMAT", Flag: "log-format", Default: "text",
		Description: "Log format: text (key=value lines, for people) or json (one JSON object a line, for log shippers)."},
	{Name: "SATCHEL_REVERIFY_INTERVAL", Flag: "reverify-interval", Default: "24h",
		Description: "How often each stored badge is verified again in the background (revocation, expiry, issuer changes), e.g. 24h, 12h30m or 7d; at least 1m. 0 or off turns the background checks off."},
	{Name: "SATCHEL_SIGNIN_LIMIT", Flag: "signin-limit", Default: "600",
		Description: "Sign-in requests (the sign-in page, the way to a provider and back: about three per sign-in) allowed from one client address in 10 minutes, counted in the database so every Satchel process shares the count. Raise it for a school whose learners all reach Satchel from one address."},
	{Name: "SATCHEL_METRICS_ADDR", Flag: "metrics-addr",
		Description: "Address (host:port) of a separate listener that serves Prometheus metrics at /metrics, e.g. 127.0.0.1:9090; keep it off the public network. Empty: no metrics listener."},
	{Name: "SATCHEL_METRICS_TOKEN", Secret: true,
		Description: "Bearer token (at least 32 characters) that lets a scraper read /metrics on the main address instead (Authorization: Bearer TOKEN). Empty: /metrics is not served there."},
	{Name: "SATCHEL_PRIVACY_URL", Flag: "privacy-url",
		Description: "Address of this Satchel's privacy policy. With SATCHEL_TERMS_URL it turns on the Open Badges API (3.0 and Badge Connect 2.1), through which learning platforms push badges into backpacks: both specifications require the policies. Unset: the API is not offered."},
	{Name: "SATCHEL_TERMS_URL", Flag: "terms-url",
		Description: "Address of this Satchel's terms of service; see SATCHEL_PRIVACY_URL."},
	{Name: "SATCHEL_GITHUB_KEY", Description: "GitHub OAuth app client ID."},
	{Name: "SATCHEL_GITHUB_SECRET", Secret: true, Description: "GitHub OAuth app client secret."},
	{Name: "SATCHEL_GOOGLE_KEY", Description: "Google OAuth client ID."},
	{Name: "SATCHEL_GOOGLE_SECRET", Secret: true, Description: "Google OAuth client secret."},
	{Name: "SATCHEL_MICROSOFT_KEY", Description: "Microsoft (Entra ID) application (client) ID."},
	{Name: "SATCHEL_MICROSOFT_SECRET", Secret: true, Description: "Microsoft (Entra ID) client secret."},
	{Name: "SATCHEL_GITLAB_KEY", Description: "GitLab application ID."},
	{Name: "SATCHEL_GITLAB_SECRET", Secret: true, Description: "GitLab application secret."},
	{Name: "SATCHEL_OIDC_DISCOVERY_URL", Description: "Generic OpenID Connect provider: discovery URL (…/.well-known/openid-configuration)."},
	{Name: "SATCHEL_OIDC_CLIENT_ID", Description: "Generic OpenID Connect provider: client ID."},
	{Name: "SATCHEL_OIDC_CLIENT_SECRET", Secret: true, Description: "Generic OpenID Connect provider: client secret."},
	{Name: "SATCHEL_OIDC_NAME", Default: "OpenID Connect",
		Description: "Generic OpenID Connect provider: name shown on the sign-in button, e.g. \"My School\"."},
	{Name: "SATCHEL_SMTP_HOST",
		Description: "SMTP server that sends email (address confirmation links). Unset on a loopback address: mail goes to the development outbox (/dev/outbox) and the log instead."},
	{Name: "SATCHEL_SMTP_PORT",
		Description: "SMTP server port. Default: 587 for starttls, 465 for tls, 25 for none."},
	{Name: "SATCHEL_SMTP_USERNAME", Description: "SMTP username; empty for a server that needs no authentication."},
	{Name: "SATCHEL_SMTP_PASSWORD", Secret: true, Description: "SMTP password."},
	{Name: "SATCHEL_SMTP_FROM",
		Description: "Sender address of Satchel's email, e.g. satchel@school.example. Required with SATCHEL_SMTP_HOST."},
	{Name: "SATCHEL_SMTP_TLS", Default: "starttls",
		Description: "How the SMTP connection is encrypted: starttls (upgrade, must be offered), tls (TLS from the start) or none (only for a relay on this machine)."},
}

// Dev-login modes.
const (
	DevLoginAuto = "auto"
	DevLoginOn   = "on"
	DevLoginOff  = "off"
)

// Provider holds the OAuth credentials of one configured sign-in provider.
type Provider struct {
	ID           string // github, google, microsoft, gitlab, oidc
	Name         string // shown on the sign-in button
	ClientID     string
	ClientSecret string
	DiscoveryURL string // OpenID Connect only
}

// Config is the validated configuration.
type Config struct {
	Addr           string
	BaseURL        *url.URL // nil until ResolveBaseURL when SATCHEL_BASE_URL is unset
	DataDir        string
	DatabaseURL    string   // PostgreSQL; "" for SQLite in DataDir
	SessionSecrets []string // may be empty until EnsureSessionSecret
	TrustedProxies []netip.Prefix
	DevLoginMode   string
	LogLevel       string
	LogFormat      string // "text" or "json"
	MetricsAddr    string // a separate metrics listener; "" for none
	MetricsToken   string // bearer token for /metrics on the main listener; "" for none
	// PrivacyURL and TermsURL are the operator's policies; with both, the
	// Open Badges API is offered.
	PrivacyURL string
	TermsURL   string
	Providers  []Provider
	SMTP       SMTP // Host is empty when email is not configured
	// ReverifyInterval is how often each badge is re-verified; 0: never.
	ReverifyInterval time.Duration
	// SignInLimit is how many sign-in requests one client address may make
	// in SignInWindow.
	SignInLimit int
}

// SignInWindow is the span SATCHEL_SIGNIN_LIMIT counts over.
const SignInWindow = 10 * time.Minute

// Bounds of SATCHEL_SIGNIN_LIMIT.
const (
	MinSignInLimit = 10
	MaxSignInLimit = 1_000_000
)

// SMTP is the outgoing mail server (see internal/mail).
type SMTP struct {
	Host     string
	Port     int // 0: the TLS mode's usual port
	Username string
	Password string
	From     string
	TLS      string // starttls, tls or none
}

// Error is a configuration problem that names the variable and the fix.
type Error struct {
	Var string
	Msg string
}

func (e *Error) Error() string { return e.Var + ": " + e.Msg }

// Flags registers a flag for every variable that has one on fs and returns
// a function that, after fs.Parse, builds and validates the configuration.
// Flags override environment variables, which override defaults.
func Flags(fs *flag.FlagSet, getenv func(string) string) func() (*Config, error) {
	values := map[string]*string{}
	for _, v := range Vars {
		val := getenv(v.Name)
		if val == "" {
			val = v.Default
		}
		s := val
		values[v.Name] = &s
		if v.Flag != "" {
			usage := v.Description + " (" + v.Name + ")"
			fs.StringVar(values[v.Name], v.Flag, val, usage)
		}
	}
	return func() (*Config, error) {
		get := func(name string) string { return strings.TrimSpace(*values[name]) }
		return build(get)
	}
}

// Load builds the configuration from the environment alone.
func Load(getenv func(string) string) (*Config, error) {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	finish := Flags(fs, getenv)
	return finish()
}

func build(get func(string) string) (*Config, error) {
	var errs []error
	c := &Config{
		Addr:         get("SATCHEL_ADDR"),
		DataDir:      get("SATCHEL_DATA_DIR"),
		DevLoginMode: strings.ToLower(get("SATCHEL_DEV_LOGIN")),
		LogLevel:     strings.ToLower(get("SATCHEL_LOG_LEVEL")),
		LogFormat:    strings.ToLower(get("SATCHEL_LOG_FORMAT")),
		MetricsAddr:  get("SATCHEL_METRICS_ADDR"),
		MetricsToken: get("SATCHEL_METRICS_TOKEN"),
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, &Error{"SATCHEL_METRICS_ADDR", fmt.Sprintf("%q is not host:port; use for example 127.0.0.1:9090", c.MetricsAddr)})
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < MinSecretLen {
		errs = append(errs, &Error{"SATCHEL_METRICS_TOKEN", fmt.Sprintf("is %d characters; it must be at least %d (generate one with: openssl rand -hex 32)", len(c.MetricsToken), MinSecretLen)})
	}

	for _, v := range []struct {
		name string
		dst  *string
	}{{"SATCHEL_PRIVACY_URL", &c.PrivacyURL}, {"SATCHEL_TERMS_URL", &c.TermsURL}} {
		raw := get(v.name)
		if raw == "" {
			continue
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, &Error{v.name, fmt.Sprintf("%q is not an absolute http(s) URL; use for example https://school.example/privacy", raw)})
			continue
		}
		*v.dst = raw
	}
	if (c.PrivacyURL == "") != (c.TermsURL == "") {
		errs = append(errs, &Error{"SATCHEL_PRIVACY_URL", "SATCHEL_PRIVACY_URL and SATCHEL_TERMS_URL go together: the Open Badges API needs both policies; set both, or neither"})
	}

	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, &Error{"SATCHEL_ADDR", fmt.Sprintf("%q is not host:port; use for example localhost:8080 or 0.0.0.0:8080", c.Addr)})
	}
	if raw := get("SATCHEL_BASE_URL"); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, &Error{"SATCHEL_BASE_URL", fmt.Sprintf("%q is not an absolute http(s) URL; use for example https://backpack.example.org", raw)})
		} else {
			u.Path = strings.TrimSuffix(u.Path, "/")
			c.BaseURL = u
		}
	}
	if raw := get("SATCHEL_DATABASE_URL"); raw != "" {
		// The URL may hold a password: no message repeats it.
		u, err := url.Parse(raw)
		switch {
		case err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql"):
			errs = append(errs, &Error{"SATCHEL_DATABASE_URL", "is not a PostgreSQL URL; use postgres://user:password@host:5432/dbname, or unset it to keep the data in SQLite under SATCHEL_DATA_DIR"})
		case u.Host == "" && u.Query().Get("host") == "":
			errs = append(errs, &Error{"SATCHEL_DATABASE_URL", "names no server; use postgres://user:password@host:5432/dbname"})
		default:
			c.DatabaseURL = raw
		}
	}
	if c.DataDir == "" {
		errs = append(errs, &Error{"SATCHEL_DATA_DIR", "is empty; set it to a writable directory such as ./data"})
	}
	if raw := get("SATCHEL_SESSION_SECRET"); raw != "" {
		for i, s := range strings.Split(raw, ",") {
			s = strings.TrimSpace(s)
			if len(s) < MinSecretLen {
				errs = append(errs, &Error{"SATCHEL_SESSION_SECRET", fmt.Sprintf("secret number %d is %d characters; each must be at least %d (generate one with: openssl rand -hex 32)", i+1, len(s), MinSecretLen)})
				continue
			}
			c.SessionSecrets = append(c.SessionSecrets, s)
		}
	}
	if raw := get("SATCHEL_TRUSTED_PROXIES"); raw != "" {
		for _, s := range strings.Split(raw, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			p, err := parsePrefix(s)
			if err != nil {
				errs = append(errs, &Error{"SATCHEL_TRUSTED_PROXIES", fmt.Sprintf("%q is neither an IP address nor a CIDR range; use for example 10.0.0.0/8,192.168.1.5", s)})
				continue
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	switch c.DevLoginMode {
	case DevLoginAuto, DevLoginOn, DevLoginOff:
	default:
		errs = append(errs, &Error{"SATCHEL_DEV_LOGIN", fmt.Sprintf("%q is not one of auto, on, off", c.DevLoginMode)})
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, &Error{"SATCHEL_LOG_LEVEL", fmt.Sprintf("%q is not one of debug, info, warn, error", c.LogLevel)})
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, &Error{"SATCHEL_LOG_FORMAT", fmt.Sprintf("%q is neither text nor json; use text or json", c.LogFormat)})
	}
	if d, err := parseReverifyInterval(get("SATCHEL_REVERIFY_INTERVAL")); err != nil {
		errs = append(errs, &Error{"SATCHEL_REVERIFY_INTERVAL", err.Error()})
	} else {
		c.ReverifyInterval = d
	}

	if n, err := strconv.Atoi(strings.TrimSpace(get("SATCHEL_SIGNIN_LIMIT"))); err != nil || n < MinSignInLimit || n > MaxSignInLimit {
		errs = append(errs, &Error{"SATCHEL_SIGNIN_LIMIT", fmt.Sprintf("%q is not a whole number from %d to %d; use for example 600, or 3000 for a large school behind one address",
			get("SATCHEL_SIGNIN_LIMIT"), MinSignInLimit, MaxSignInLimit)})
	} else {
		c.SignInLimit = n
	}

	for _, p := range []struct{ id, name, prefix string }{
		{"github", "GitHub", "SATCHEL_GITHUB"},
		{"google", "Google", "SATCHEL_GOOGLE"},
		{"microsoft", "Microsoft", "SATCHEL_MICROSOFT"},
		{"gitlab", "GitLab", "SATCHEL_GITLAB"},
	} {
		key, secret := get(p.prefix+"_KEY"), get(p.prefix+"_SECRET")
		switch {
		case key == "" && secret == "":
		case key == "":
			errs = append(errs, &Error{p.prefix + "_KEY", fmt.Sprintf("is empty but %s_SECRET is set; set both to enable %s sign-in, or neither", p.prefix, p.name)})
		case secret == "":
			errs = append(errs, &Error{p.prefix + "_SECRET", fmt.Sprintf("is empty but %s_KEY is set; set both to enable %s sign-in, or neither", p.prefix, p.name)})
		default:
			c.Providers = append(c.Providers, Provider{ID: p.id, Name: p.name, ClientID: key, ClientSecret: secret})
		}
	}
	disc, id, secret := get("SATCHEL_OIDC_DISCOVERY_URL"), get("SATCHEL_OIDC_CLIENT_ID"), get("SATCHEL_OIDC_CLIENT_SECRET")
	if disc != "" || id != "" || secret != "" {
		ok := true
		for name, v := range map[string]string{"SATCHEL_OIDC_DISCOVERY_URL": disc, "SATCHEL_OIDC_CLIENT_ID": id, "SATCHEL_OIDC_CLIENT_SECRET": secret} {
			if v == "" {
				ok = false
				errs = append(errs, &Error{name, "is empty but other SATCHEL_OIDC_ variables are set; set the discovery URL, client ID and client secret together, or none"})
			}
		}
		if disc != "" {
			u, err := url.Parse(disc)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				ok = false
				errs = append(errs, &Error{"SATCHEL_OIDC_DISCOVERY_URL", fmt.Sprintf("%q is not an absolute URL; use the provider's https://…/.well-known/openid-configuration", disc)})
			}
		}
		if ok {
			name := get("SATCHEL_OIDC_NAME")
			if name == "" {
				name = "OpenID Connect"
			}
			c.Providers = append(c.Providers, Provider{ID: "oidc", Name: name, ClientID: id, ClientSecret: secret, DiscoveryURL: disc})
		}
	}

	errs = append(errs, c.buildSMTP(get)...)

	if c.DevLoginMode == DevLoginOn && len(errs) == 0 && !c.Loopback() {
		errs = append(errs, &Error{"SATCHEL_DEV_LOGIN", fmt.Sprintf("development sign-in lets anyone sign in as anyone, so it is refused on the non-loopback address %q; set SATCHEL_DEV_LOGIN=off, or listen on localhost", c.Addr)})
	}
	if len(errs) == 0 && c.BaseURL == nil && !c.Loopback() {
		errs = append(errs, &Error{"SATCHEL_BASE_URL", fmt.Sprintf("is required when listening on the non-loopback address %q: sign-in providers send people back to it; set it to the public URL, e.g. https://backpack.example.org", c.Addr)})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// MinReverifyInterval is the shortest re-verification interval accepted,
// so that a typo cannot turn the job into a flood of requests to issuers.
const MinReverifyInterval = time.Minute

// parseReverifyInterval reads a Go duration, a whole number of days ("7d"),
// or "0"/"off" (disabled).
func parseReverifyInterval(raw string) (time.Duration, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	switch s {
	case "", "0", "off":
		return 0, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 3650 {
			return 0, fmt.Errorf("%q is not a duration; use for example 24h, 12h30m or 7d, or off", raw)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is not a duration; use for example 24h, 12h30m or 7d, or off", raw)
		}
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative; use for example 24h, or off to turn the background checks off", raw)
	}
	if d > 0 && d < MinReverifyInterval {
		return 0, fmt.Errorf("%q is shorter than %s, which would flood issuers with requests; use for example 24h, or off", raw, MinReverifyInterval)
	}
	return d, nil
}

// MinSecretLen is the shortest session secret accepted.
const MinSecretLen = 32

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Loopback reports whether the listen address is only reachable from this
// machine (localhost, 127.0.0.0/8 or ::1). An empty host means every
// interface and is not loopback.
func (c *Config) Loopback() bool {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return false
	}
	return IsLoopbackHost(host)
}

// IsLoopbackHost reports whether host names only this machine.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// DevLogin reports whether the development sign-in is enabled.
func (c *Config) DevLogin() bool {
	switch c.DevLoginMode {
	case DevLoginOn:
		return true
	case DevLoginAuto:
		return len(c.Providers) == 0 && c.Loopback()
	}
	return false
}

// ResolveBaseURL returns the public base URL: SATCHEL_BASE_URL when set,
// otherwise http:// plus the address actually listened on, with loopback
// hosts written as localhost so that the README's URL works.
func (c *Config) ResolveBaseURL(listenAddr string) *url.URL {
	if c.BaseURL != nil {
		return c.BaseURL
	}
	host, port, err := net.SplitHostPort(listenAddr)
	if err != nil {
		return &url.URL{Scheme: "http", Host: listenAddr}
	}
	if IsLoopbackHost(host) || host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return &url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}
}

// buildSMTP reads the SATCHEL_SMTP_ variables.
func (c *Config) buildSMTP(get func(string) string) []error {
	var errs []error
	m := SMTP{
		Host:     get("SATCHEL_SMTP_HOST"),
		Username: get("SATCHEL_SMTP_USERNAME"),
		Password: get("SATCHEL_SMTP_PASSWORD"),
		From:     get("SATCHEL_SMTP_FROM"),
		TLS:      strings.ToLower(get("SATCHEL_SMTP_TLS")),
	}
	switch m.TLS {
	case "starttls", "tls", "none":
	default:
		errs = append(errs, &Error{"SATCHEL_SMTP_TLS", fmt.Sprintf("%q is not one of starttls, tls, none", m.TLS)})
	}
	if raw := get("SATCHEL_SMTP_PORT"); raw != "" {
		p, err := strconv.Atoi(raw)
		if err != nil || p < 1 || p > 65535 {
			errs = append(errs, &Error{"SATCHEL_SMTP_PORT", fmt.Sprintf("%q is not a port number (1 to 65535); for example 587", raw)})
		}
		m.Port = p
	}
	if m.Host == "" {
		for _, name := range []string{"SATCHEL_SMTP_PORT", "SATCHEL_SMTP_USERNAME", "SATCHEL_SMTP_PASSWORD", "SATCHEL_SMTP_FROM"} {
			if get(name) != "" {
				errs = append(errs, &Error{name, "is set but SATCHEL_SMTP_HOST is empty; set the SMTP server's host name too, or unset the SATCHEL_SMTP_ variables"})
			}
		}
		return errs
	}
	if strings.ContainsAny(m.Host, ":/ ") {
		errs = append(errs, &Error{"SATCHEL_SMTP_HOST", fmt.Sprintf("%q is not a host name; give only the name, e.g. smtp.example.org, and the port in SATCHEL_SMTP_PORT", m.Host)})
	}
	switch a, err := mail.ParseAddress(m.From); {
	case m.From == "":
		errs = append(errs, &Error{"SATCHEL_SMTP_FROM", "is required with SATCHEL_SMTP_HOST: the address Satchel's email comes from, e.g. satchel@school.example"})
	case err != nil || a.Address != m.From:
		errs = append(errs, &Error{"SATCHEL_SMTP_FROM", fmt.Sprintf("%q is not a plain email address; use for example satchel@school.example", m.From)})
	}
	if (m.Username == "") != (m.Password == "") {
		name, other := "SATCHEL_SMTP_PASSWORD", "SATCHEL_SMTP_USERNAME"
		if m.Username == "" {
			name, other = other, name
		}
		errs = append(errs, &Error{name, fmt.Sprintf("is empty but %s is set; set both to authenticate, or neither", other)})
	}
	if m.TLS == "none" && m.Username != "" && !IsLoopbackHost(m.Host) {
		errs = append(errs, &Error{"SATCHEL_SMTP_TLS", fmt.Sprintf("none would send the SMTP password in the clear to %s; use starttls or tls, or none only for a relay on this machine", m.Host)})
	}
	c.SMTP = m
	return errs
}

// DevOutbox reports whether email goes to the development outbox instead
// of an SMTP server: no SMTP host is configured and the address is
// loopback.
func (c *Config) DevOutbox() bool {
	return c.SMTP.Host == "" && c.Loopback()
}
