package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/views"
)

// langCookie keeps the language a visitor chose from the language menu.
const (
	langCookie = "satchel_lang"
	langMaxAge = 365 * 24 * time.Hour
)

// chooseLanguage decides the language of each request and puts it in the
// request's context for the pages, the handlers and the error page. In
// order: the signed-in learner's choice kept with the account, the
// language menu's cookie, the browser's Accept-Language, English. Only
// offered languages count at each step (Options.Languages), so a stored
// or sent language Satchel does not offer falls through to the next.
// Public pages are no exception: they speak the visitor's language, never
// their owner's.
func (s *Server) chooseLanguage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if sessionless(c) {
			return next(c)
		}
		s.useLanguage(c, s.languageOf(c))
		return next(c)
	}
}

// ctxLanguage marks a request whose language is chosen.
const ctxLanguage = "language"

func (s *Server) useLanguage(c echo.Context, l i18n.Language) {
	r := c.Request()
	c.SetRequest(r.WithContext(i18n.WithLanguage(r.Context(), l)))
	c.Response().Header().Set("Content-Language", l.Code())
	c.Set(ctxLanguage, l)
}

// ensureLanguage chooses the language of a request that failed before
// chooseLanguage ran (a body over the limit, a database that does not
// answer while the session's user is read), so that its error page speaks
// the visitor's language too: the cookie's or the browser's, as no
// account was read.
func (s *Server) ensureLanguage(c echo.Context) {
	if _, ok := c.Get(ctxLanguage).(i18n.Language); !ok {
		s.useLanguage(c, s.languageOf(c))
	}
}

func (s *Server) languageOf(c echo.Context) i18n.Language {
	if u := currentUser(c); u != nil {
		if l, ok := s.langs.Exact(u.Language); ok {
			return l
		}
	}
	if ck, err := c.Cookie(langCookie); err == nil {
		if l, ok := s.langs.Exact(ck.Value); ok {
			return l
		}
	}
	return s.langs.Accept(c.Request().Header.Get("Accept-Language"))
}

// ctx is the request's context as pages need it: its language (set by
// chooseLanguage), the CSP nonce, the CSRF token and the language menu.
func (s *Server) ctx(c echo.Context) context.Context {
	ctx := views.WithCSRF(views.WithNonce(c.Request().Context(), nonce(c)), csrfToken(c))
	return views.WithLanguageMenu(ctx, views.LanguageMenu{Offered: s.langs.Offered(), Next: comeBackTo(c.Request())})
}

// comeBackTo is where the language menu of the page answering r returns:
// the page itself when it was got, or else (a form shown again, an error
// after a POST) the page the form was sent from, as far as the browser's
// same-origin Referer says; "" means the home page.
func comeBackTo(r *http.Request) string {
	if r.Method == http.MethodGet {
		return r.URL.RequestURI()
	}
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host {
		return ""
	}
	return localPath(ref.RequestURI())
}

// tr says a message in the request's language.
func tr(c echo.Context, id string, vars ...i18n.Vars) string {
	return i18n.T(c.Request().Context(), id, vars...)
}

// setLanguageCookie keeps l for this browser, or forgets the choice when l
// is the zero Language.
func (s *Server) setLanguageCookie(c echo.Context, l i18n.Language) {
	ck := &http.Cookie{Name: langCookie, Value: l.Code(), Path: "/", MaxAge: int(langMaxAge.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
	if l.Name == "" {
		ck.Value, ck.MaxAge = "", -1
	}
	c.SetCookie(ck)
}

// handleLanguage is the language menu's POST: it keeps the choice in a
// cookie and, for a signed-in learner, with the account (which outranks the
// cookie), then goes back to the page the menu was on. A language Satchel
// does not offer changes nothing.
func (s *Server) handleLanguage(c echo.Context) error {
	back := localPath(c.FormValue("next"))
	if back == "" {
		back = paths.Home
	}
	l, ok := s.langs.Exact(c.FormValue("language"))
	if !ok {
		return c.Redirect(http.StatusSeeOther, back)
	}
	s.setLanguageCookie(c, l)
	if u := currentUser(c); u != nil {
		if err := s.db.SetUserLanguage(c.Request().Context(), u.ID, l.Code()); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, back)
}

// handleAccountLanguage saves the account page's language setting: an
// offered language, or "" for the browser's own (which also forgets the
// menu's cookie, so "automatic" means what it says).
func (s *Server) handleAccountLanguage(c echo.Context) error {
	u := currentUser(c)
	code := c.FormValue("language")
	l, ok := s.langs.Exact(code)
	if code != "" && !ok {
		return fail.New(fail.Invalid, tr(c, "language.account.unknown"))
	}
	if !ok {
		code = ""
	}
	if err := s.db.SetUserLanguage(c.Request().Context(), u.ID, code); err != nil {
		return err
	}
	s.setLanguageCookie(c, l)
	if !ok {
		l = s.langs.Accept(c.Request().Header.Get("Accept-Language"))
	}
	// Said in the language just chosen: the next page speaks it.
	s.flash(c, views.FlashSuccess, i18n.T(i18n.WithLanguage(c.Request().Context(), l), "language.account.saved"))
	return c.Redirect(http.StatusSeeOther, paths.Account)
}
