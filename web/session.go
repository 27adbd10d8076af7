package web

import (
	"crypto/hkdf"
	"crypto/sha256"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/static"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// The app's own session cookie. The sign-in attempt is kept in a
// separate cookie (see signin_attempt.go).
const (
	sessionCookie = "satchel_session"
	sessionMaxAge = 30 * 24 * time.Hour
)

// Keys in the session.
const (
	keyUserID   = "uid"
	keyIssuedAt = "iat" // Unix nanoseconds; compared with the user's sessions_valid_after
	keyFlashK   = "flash_kind"
	keyFlashM   = "flash_msg"
	keyLinkUser = "link_uid" // a link flow started by this user ...
	keyLinkProv = "link_provider"
	keyNext     = "next" // where to go after signing in
)

// newSessionStore derives a hash key (HMAC-SHA256) and a block key (AES-256)
// from each secret with HKDF, purpose bound to name, so that the same secret
// gives unrelated keys to each cookie. The first pair encodes; every pair
// decodes, which lets secrets rotate.
func newSessionStore(secrets []string, name string, secure bool) *sessions.CookieStore {
	var pairs [][]byte
	for _, s := range secrets {
		hash, err := hkdf.Key(sha256.New, []byte(s), nil, "satchel "+name+" cookie hash", 32)
		if err != nil {
			panic(err)
		}
		block, err := hkdf.Key(sha256.New, []byte(s), nil, "satchel "+name+" cookie block", 32)
		if err != nil {
			panic(err)
		}
		pairs = append(pairs, hash, block)
	}
	st := sessions.NewCookieStore(pairs...)
	st.Options = &sessions.Options{
		Path:     "/",
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
	st.MaxAge(int(sessionMaxAge.Seconds()))
	return st
}

// reqSession is the app session of one request. It is written back, once,
// just before the response headers go out, if anything changed.
type reqSession struct {
	sess  *sessions.Session
	dirty bool
}

func session(c echo.Context) *reqSession {
	rs, _ := c.Get(ctxSession).(*reqSession)
	if rs == nil {
		// Only reachable from a handler that runs without loadUser.
		rs = &reqSession{sess: sessions.NewSession(nil, sessionCookie)}
		c.Set(ctxSession, rs)
	}
	return rs
}

func (rs *reqSession) set(k string, v any) { rs.sess.Values[k] = v; rs.dirty = true }
func (rs *reqSession) del(k string) {
	if _, ok := rs.sess.Values[k]; ok {
		delete(rs.sess.Values, k)
		rs.dirty = true
	}
}

// currentUser is the signed-in user, or nil.
func currentUser(c echo.Context) *store.User {
	u, _ := c.Get(ctxUser).(*store.User)
	return u
}

// loadUser reads the session cookie and, when it names a user whose
// sessions have not been revoked since it was issued, makes them the
// current user. A malformed, forged, expired or revoked cookie is treated
// as signed out and deleted; it is never an error page.
func (s *Server) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if sessionless(c) {
			return next(c)
		}
		sess, err := s.sessions.New(req, sessionCookie)
		rs := &reqSession{sess: sess}
		if err != nil {
			logger(c).Info("session cookie refused", "err", err)
			rs.reset(s)
		}
		c.Set(ctxSession, rs)
		c.Response().Before(func() {
			if !rs.dirty {
				return
			}
			if len(rs.sess.Values) == 0 {
				rs.sess.Options.MaxAge = -1
			}
			if err := s.sessions.Save(req, c.Response(), rs.sess); err != nil {
				logger(c).Error("save session", "err", err)
			}
		})

		if uid, ok := sess.Values[keyUserID].(int64); ok {
			iat, _ := sess.Values[keyIssuedAt].(int64)
			u, err := s.db.User(req.Context(), uid)
			switch {
			case fail.CodeOf(err) == fail.NotFound:
				logger(c).Info("session for a deleted account", "user_id", uid)
				rs.reset(s)
			case err != nil:
				return err
			case iat <= u.SessionsValidAfter.UnixNano():
				logger(c).Info("session revoked", "user_id", uid)
				rs.reset(s)
			default:
				c.Set(ctxUser, u)
				c.Set(ctxLogger, logger(c).With("user_id", uid))
			}
		}
		return next(c)
	}
}

// reset empties the session, so that it is deleted from the browser unless
// something new is put in it during this request.
func (rs *reqSession) reset(s *Server) {
	rs.sess = sessions.NewSession(s.sessions, sessionCookie)
	opts := *s.sessions.Options
	rs.sess.Options = &opts
	rs.sess.IsNew = true
	rs.dirty = true
}

// startSession replaces whatever session the browser had with a fresh one
// for u, issued now. It also drops the CSRF cookie so that the signed-in
// session gets a token of its own.
func (s *Server) startSession(c echo.Context, u *store.User) {
	rs := session(c)
	rs.reset(s)
	rs.set(keyUserID, u.ID)
	rs.set(keyIssuedAt, s.now().UTC().UnixNano())
	c.Set(ctxUser, u)
	s.dropCSRF(c)
}

// endSession signs the browser out, keeping only a flash to show next.
func (s *Server) endSession(c echo.Context) {
	rs := session(c)
	rs.reset(s)
	c.Set(ctxUser, nil)
	s.dropCSRF(c)
}

func (s *Server) dropCSRF(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// flash keeps a message for the next page shown.
func (s *Server) flash(c echo.Context, kind, msg string) {
	rs := session(c)
	rs.set(keyFlashK, kind)
	rs.set(keyFlashM, msg)
}

func (s *Server) popFlash(c echo.Context) (views.Flash, bool) {
	rs := session(c)
	msg, _ := rs.sess.Values[keyFlashM].(string)
	kind, _ := rs.sess.Values[keyFlashK].(string)
	if msg == "" {
		return views.Flash{}, false
	}
	rs.del(keyFlashM)
	rs.del(keyFlashK)
	return views.Flash{Kind: kind, Message: msg}, true
}

// requireUser sends visitors to the sign-in page.
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			if c.Request().Method == http.MethodGet {
				session(c).set(keyNext, c.Request().URL.RequestURI())
				s.flash(c, views.FlashInfo, tr(c, "nav.sign_in_to_continue"))
				return c.Redirect(http.StatusSeeOther, paths.SignIn)
			}
			return &fail.Error{Code: fail.Forbidden, Title: tr(c, "errors.title.unauthorized"), Message: tr(c, "nav.signed_out_message")}
		}
		return next(c)
	}
}

// sessionless reports whether the request is for a path that never needs
// the session or a CSRF token (static files, stored images, the health
// check), which spares them a database query and a cookie.
func sessionless(c echo.Context) bool {
	p := c.Request().URL.Path
	if apiKindOf(p) != notAPI {
		return true // platforms, not browsers: bearer tokens and Basic credentials
	}
	return strings.HasPrefix(p, static.Prefix) || strings.HasPrefix(p, paths.Prefix(paths.ImagePattern)) || p == paths.Healthz || p == paths.Readyz || p == paths.Metrics
}

// localPath returns p when it is a path on this site ("/account"), and ""
// for anything that could lead elsewhere ("//evil.example", "https://…").
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return ""
	}
	return p
}
