package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/github"
	"github.com/markbates/goth/providers/gitlab"
	"github.com/markbates/goth/providers/google"
	"github.com/markbates/goth/providers/microsoftonline"
	"github.com/markbates/goth/providers/openidConnect"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// providerInfo is a configured sign-in provider.
type providerInfo struct {
	id    string // route name and goth provider name: github, google, microsoft, gitlab, oidc, dev
	label string // shown on buttons
}

// DefaultSignInAttemptTTL bounds how long a sign-in attempt (the attempt
// cookie) lives between leaving for the provider and coming back.
const DefaultSignInAttemptTTL = 10 * time.Minute

// setupAuth sets up the goth providers and the sign-in attempt cookie
// (keys derived from the session secrets, separate from the app session
// cookie). They belong to this Server, not to gothic's process-wide
// variables (see attempts): the OAuth state is always a fresh random value,
// and the provider is the one the route names.
func (s *Server) setupAuth(opts Options) error {
	gs := newSessionStore(opts.SessionSecrets, "signin-attempt", s.secure)
	gs.Options.Path = strings.TrimSuffix(paths.Prefix(paths.AuthStartPattern), "/") // every sign-in route
	gs.MaxAge(int(opts.SignInAttemptTTL.Seconds()))
	s.attempts = &attempts{cookies: gs, providers: map[string]goth.Provider{}, ttl: opts.SignInAttemptTTL, now: opts.Now}

	s.providers = map[string]providerInfo{}
	var list []goth.Provider
	for _, p := range opts.Providers {
		cb := s.callbackURL(p.ID)
		var gp goth.Provider
		switch p.ID {
		case "github":
			gp = github.New(p.ClientID, p.ClientSecret, cb, "read:user", "user:email")
		case "google":
			gp = google.New(p.ClientID, p.ClientSecret, cb, "openid", "email", "profile")
		case "microsoft":
			m := microsoftonline.New(p.ClientID, p.ClientSecret, cb, "openid", "email", "profile", "User.Read")
			m.SetName("microsoft")
			gp = m
		case "gitlab":
			gp = gitlab.New(p.ClientID, p.ClientSecret, cb, "read_user")
		case "oidc":
			o, err := openidConnect.New(p.ClientID, p.ClientSecret, cb, p.DiscoveryURL, "openid", "email", "profile")
			if err != nil {
				return fmt.Errorf("SATCHEL_OIDC_DISCOVERY_URL: cannot read the OpenID Connect discovery document at %s (%v); check the URL and that the provider is reachable", p.DiscoveryURL, err)
			}
			o.SetName("oidc")
			gp = o
		default:
			return fmt.Errorf("web: unknown provider %q", p.ID)
		}
		list = append(list, gp)
		s.providers[p.ID] = providerInfo{id: p.ID, label: p.Name}
		s.order = append(s.order, p.ID)
	}
	if opts.DevLogin {
		dev, err := startDevProvider(s.callbackURL(devID), opts.SignInAttemptTTL)
		if err != nil {
			return fmt.Errorf("web: start development sign-in: %w", err)
		}
		s.dev = dev
		list = append(list, dev.goth)
		s.providers[devID] = providerInfo{id: devID, label: "Development sign-in"}
	}
	for _, gp := range list {
		s.attempts.providers[gp.Name()] = gp
	}
	return nil
}

func (s *Server) callbackURL(id string) string {
	return s.baseURL.String() + paths.AuthCallback(id)
}

// provider returns the configured provider named by the route, or a 404.
func (s *Server) provider(c echo.Context) (providerInfo, error) {
	id := c.Param("provider")
	p, ok := s.providers[id]
	if !ok {
		return providerInfo{}, notFoundIn(c, tr(c, "signin.no_such_provider", i18n.Vars{"Name": id}))
	}
	return p, nil
}

// buttons lists the providers for sign-in buttons (the development sign-in
// has its own form).
func (s *Server) buttons() []views.Provider {
	var out []views.Provider
	for _, id := range s.order {
		out = append(out, views.Provider{ID: id, Label: s.providers[id].label})
	}
	return out
}

func (s *Server) handleSignIn(c echo.Context) error {
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, paths.Home)
	}
	return s.renderSignIn(c, http.StatusOK, "")
}

func (s *Server) renderSignIn(c echo.Context, status int, msg string) error {
	return s.render(c, status, views.SignInPage(s.shell(c, tr(c, "signin.title")), views.SignIn{
		Providers: s.buttons(),
		Dev:       s.dev != nil,
		Error:     msg,
	}))
}

// handleAuthStart sends the browser to the provider. Signed in, it starts
// linking that provider to the account instead of signing in.
func (s *Server) handleAuthStart(c echo.Context) error {
	p, err := s.provider(c)
	if err != nil {
		return err
	}
	if p.id == devID {
		return s.handleDevSignInForm(c)
	}
	return s.begin(c, p)
}

// begin starts a goth flow for p and redirects to the provider.
func (s *Server) begin(c echo.Context, p providerInfo) error {
	authURL, err := s.beginURL(c, p)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, authURL)
}

// beginURL starts a goth flow for p and returns the provider URL to send
// the browser to. A signed-in user starts linking p to the account.
func (s *Server) beginURL(c echo.Context, p providerInfo) (string, error) {
	rs := session(c)
	if u := currentUser(c); u != nil {
		rs.set(keyLinkUser, u.ID)
		rs.set(keyLinkProv, p.id)
	} else {
		rs.del(keyLinkUser)
		rs.del(keyLinkProv)
	}
	authURL, err := s.attempts.begin(c.Response(), c.Request(), p.id)
	if err != nil {
		return "", fmt.Errorf("web: begin %s sign-in: %w", p.id, err)
	}
	return authURL, nil
}

// handleAuthCallback is where the provider sends the browser back.
func (s *Server) handleAuthCallback(c echo.Context) error {
	p, err := s.provider(c)
	if err != nil {
		return err
	}
	r := c.Request()
	log := logger(c).With("provider", p.id)
	q := r.URL.Query()

	// The provider refused or failed: say so, and forget the attempt.
	if code := q.Get("error"); code != "" {
		s.attempts.end(c.Response(), r)
		log.Info("provider returned an error", "error", code, "description", q.Get("error_description"))
		return s.renderSignIn(c, http.StatusBadRequest, tr(c, oauthErrorMessage(code), i18n.Vars{"Provider": s.providerLabel(c, p.id)}))
	}
	want, err := s.attemptState(p.id, r)
	if err != nil {
		log.Info("no sign-in attempt in progress", "err", err)
		return s.renderSignIn(c, http.StatusBadRequest, tr(c, "signin.expired"))
	}
	if got := q.Get("state"); got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		// A forged or replayed response (login CSRF): end the attempt.
		s.attempts.end(c.Response(), r)
		log.Warn("callback with a missing or wrong state", "has_state", got != "")
		return s.renderSignIn(c, http.StatusBadRequest, tr(c, "signin.state_mismatch"))
	}
	gu, err := s.attempts.complete(c.Response(), r, p.id)
	if err != nil {
		log.Error("completing sign-in failed", "err", err)
		return s.renderSignIn(c, http.StatusBadGateway, tr(c, "signin.incomplete", i18n.Vars{"Provider": s.providerLabel(c, p.id)}))
	}

	id := store.Identity{
		Provider:      p.id,
		Subject:       gu.UserID,
		Email:         strings.TrimSpace(gu.Email),
		EmailVerified: emailVerified(p.id, gu),
		Name:          firstNonEmpty(gu.Name, strings.TrimSpace(gu.FirstName+" "+gu.LastName), gu.NickName),
	}

	// A link flow started by the user who is still signed in.
	rs := session(c)
	linkUser, _ := rs.sess.Values[keyLinkUser].(int64)
	linkProv, _ := rs.sess.Values[keyLinkProv].(string)
	rs.del(keyLinkUser)
	rs.del(keyLinkProv)
	if u := currentUser(c); u != nil && linkUser == u.ID && linkProv == p.id {
		if err := s.db.LinkLogin(r.Context(), u.ID, id); err != nil {
			if fail.CodeOf(err) == fail.Internal {
				return err
			}
			s.flash(c, views.FlashError, fail.MessageIn(c.Request().Context(), err))
			return c.Redirect(http.StatusSeeOther, paths.Account)
		}
		s.refreshPicture(c, u.ID, p.id, gu.AvatarURL)
		log.Info("login linked", "user_id", u.ID)
		s.flash(c, views.FlashSuccess, tr(c, "signin.linked", i18n.Vars{"Provider": s.providerLabel(c, p.id)}))
		return c.Redirect(http.StatusSeeOther, paths.Account)
	}

	u, created, err := s.db.SignIn(r.Context(), id)
	if err != nil {
		if fail.CodeOf(err) == fail.Invalid {
			return s.renderSignIn(c, http.StatusBadRequest, fail.MessageIn(c.Request().Context(), err))
		}
		return err
	}
	s.refreshPicture(c, u.ID, p.id, gu.AvatarURL)
	next, _ := rs.sess.Values[keyNext].(string)
	next = localPath(next)
	if next == "" {
		next = paths.Home
	}
	s.startSession(c, u)
	log.Info("signed in", "user_id", u.ID, "new_account", created)
	if created {
		s.flash(c, views.FlashSuccess, tr(c, "signin.welcome"))
	} else {
		s.flash(c, views.FlashSuccess, tr(c, "signin.welcome_back", i18n.Vars{"Name": u.Name}))
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// attemptState returns the state this browser's sign-in attempt with the
// provider sent, from the attempt cookie.
func (s *Server) attemptState(provider string, r *http.Request) (string, error) {
	sess, _, err := s.attempts.session(r, provider)
	if err != nil {
		return "", err
	}
	authURL, err := sess.GetAuthURL()
	if err != nil {
		return "", err
	}
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	state := u.Query().Get("state")
	if state == "" {
		return "", errors.New("web: sign-in attempt without a state")
	}
	return state, nil
}

func (s *Server) handleSignOut(c echo.Context) error {
	if u := currentUser(c); u != nil {
		logger(c).Info("signed out", "user_id", u.ID)
	}
	s.endSession(c)
	s.flash(c, views.FlashInfo, tr(c, "signin.signed_out"))
	return c.Redirect(http.StatusSeeOther, paths.Home)
}

// handleSignOutLink answers a sign-out address opened as a link (typed,
// bookmarked, followed): a GET never signs anyone out, since any page
// could make a browser send one. It shows where the Sign out button is.
func (s *Server) handleSignOutLink(c echo.Context) error {
	if currentUser(c) == nil {
		s.flash(c, views.FlashInfo, tr(c, "signin.not_signed_in"))
		return c.Redirect(http.StatusSeeOther, paths.Home)
	}
	s.flash(c, views.FlashInfo, tr(c, "signin.signout_use_button"))
	return c.Redirect(http.StatusSeeOther, paths.Account)
}

// oauthErrorMessage is the message that says what an OAuth error code
// (RFC 6749 §4.1.2.1) from the provider means; the code itself is never
// echoed back.
func oauthErrorMessage(code string) string {
	switch code {
	case "access_denied":
		return "signin.cancelled"
	case "invalid_request", "invalid_scope", "unsupported_response_type", "unauthorized_client":
		return "signin.refused_config"
	case "server_error", "temporarily_unavailable":
		return "signin.provider_problem"
	}
	return "signin.provider_error"
}

// emailVerified says whether the provider vouches for the email address.
func emailVerified(provider string, u goth.User) bool {
	if u.Email == "" {
		return false
	}
	truthy := func(v any) bool {
		switch v := v.(type) {
		case bool:
			return v
		case string:
			return v == "true"
		}
		return false
	}
	switch provider {
	case "github":
		// goth returns the public email (GitHub only lets a verified
		// address be public) or else the primary verified one.
		return true
	case "google":
		return truthy(u.RawData["verified_email"]) || truthy(u.RawData["email_verified"])
	case "gitlab":
		v, ok := u.RawData["confirmed_at"]
		return ok && v != nil && v != ""
	case "microsoft":
		// Microsoft Graph does not say whether the address was verified.
		return false
	default: // oidc, dev
		return truthy(u.RawData["email_verified"])
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}
