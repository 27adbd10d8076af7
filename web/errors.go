package web

import (
	"bytes"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// notFoundIn is the error for a page or thing that is not there (or not
// the asker's to see), titled "Page not found" in the request's language,
// with words that say what to do (said by the caller, as tr does).
func notFoundIn(c echo.Context, message string) *fail.Error {
	return fail.New(fail.NotFound, message).WithTitle(tr(c, "errors.page_not_found"))
}

// statusOf is the one mapping from an error's code to an HTTP status.
var statusOf = map[fail.Code]int{
	fail.NotFound:     http.StatusNotFound,
	fail.Invalid:      http.StatusUnprocessableEntity,
	fail.Malformed:    http.StatusBadRequest,
	fail.Conflict:     http.StatusConflict,
	fail.Unauthorized: http.StatusUnauthorized,
	fail.Forbidden:    http.StatusForbidden,
	fail.TooLarge:     http.StatusRequestEntityTooLarge,
	fail.RateLimited:  http.StatusTooManyRequests,
	fail.Unavailable:  http.StatusServiceUnavailable,
	fail.Unsupported:  http.StatusNotImplemented,
}

// titleOf is a code's page heading when the error names none: the id of
// its message in the catalogs (internal/i18n).
var titleOf = map[fail.Code]string{
	fail.NotFound:     "errors.title.not_found",
	fail.Invalid:      "errors.title.invalid",
	fail.Malformed:    "errors.title.malformed",
	fail.Conflict:     "errors.title.invalid",
	fail.Unauthorized: "errors.title.unauthorized",
	fail.Forbidden:    "errors.title.forbidden",
	fail.TooLarge:     "errors.title.too_large",
	fail.RateLimited:  "errors.title.rate_limited",
	fail.Unavailable:  "errors.title.unavailable",
	fail.Unsupported:  "errors.title.unsupported",
}

// httpCodes maps the statuses echo itself raises (no route, wrong method,
// body over the limit) to codes, with the ids of the words Satchel shows
// for them.
var httpCodes = map[int]struct {
	code           fail.Code
	title, message string
}{
	http.StatusNotFound:              {fail.NotFound, "errors.page_not_found", "errors.page_not_found_message"},
	http.StatusMethodNotAllowed:      {fail.Malformed, "errors.title.forbidden", "errors.method_message"},
	http.StatusRequestEntityTooLarge: {fail.TooLarge, "errors.title.too_large", "errors.too_large_message"},
	http.StatusForbidden:             {fail.Forbidden, "errors.title.forbidden", "errors.forbidden_message"},
	http.StatusUnauthorized:          {fail.Unauthorized, "errors.title.unauthorized", "errors.unauthorized_message"},
}

// handleError is the one central error handler. It maps an error to a
// status and a friendly page (or, for a request that asks for JSON, a JSON
// body {"code", "error", "title"}); the error's own text goes only to the
// log, with the request id, and never to the asker.
func (s *Server) handleError(err error, c echo.Context) {
	s.ensureLanguage(c)
	view := views.ErrorView{
		Status:  http.StatusInternalServerError,
		Title:   tr(c, "errors.internal"),
		Message: tr(c, "errors.internal_message", i18n.Vars{"Reference": requestID(c)}),
	}
	code := fail.Internal
	var fe *fail.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &fe) && fe.Code != fail.Internal:
		code = fe.Code
		view.Status, view.Title, view.Message = statusOf[code], tr(c, titleOf[code]), fe.MessageIn(c.Request().Context())
		if t := fe.TitleIn(c.Request().Context()); t != "" {
			view.Title = t
		}
		if view.Status == 0 { // a code this map does not know yet
			view.Status = http.StatusBadRequest
		}
	case store.Unavailable(err):
		// The database is down or restarting: say so, and when to retry.
		code, view.Status = fail.Unavailable, http.StatusServiceUnavailable
		view.Title = tr(c, "errors.database")
		view.Message = tr(c, "errors.database_message")
		c.Response().Header().Set("Retry-After", "30")
	case errors.As(err, &he):
		if h, ok := httpCodes[he.Code]; ok {
			code, view.Title, view.Message = h.code, tr(c, h.title), tr(c, h.message)
			view.Status = he.Code
		} else if he.Code < 500 {
			code, view.Status = fail.Malformed, he.Code
			view.Title, view.Message = tr(c, "errors.title.malformed"), tr(c, "errors.bad_request_message")
		}
	}

	log := logger(c)
	switch {
	case view.Status >= 500:
		log.Error("request failed", "status", view.Status, "code", string(code), "err", err)
	case view.Status != http.StatusNotFound:
		log.Info("request refused", "status", view.Status, "code", string(code), "err", err)
	}

	if c.Response().Committed {
		return
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if kind := apiKindOf(c.Request().URL.Path); kind != notAPI {
		msg := view.Message
		if he != nil && he.Code < 500 {
			if m, ok := he.Message.(string); ok && m != "" {
				msg = m // a refusal of our own, worded for the client
			}
		}
		if err := writeAPIError(c, kind, view.Status, err, msg); err != nil {
			log.Debug("write error body", "err", err)
		}
		return
	}
	if wantsJSON(c) {
		body := map[string]string{"code": string(code), "title": view.Title, "error": view.Message}
		if err := c.JSON(view.Status, body); err != nil {
			log.Debug("write error body", "err", err)
		}
		return
	}
	// Keep the page out of a broken state: render into a buffer; if even
	// that fails, answer in plain text.
	ctx := s.ctx(c)
	var buf bytes.Buffer
	if rerr := views.ErrorPage(s.shell(c, view.Title), view).Render(ctx, &buf); rerr != nil {
		log.Error("render error page", "err", rerr)
		c.String(view.Status, view.Title+"\n")
		return
	}
	if err := c.HTMLBlob(view.Status, buf.Bytes()); err != nil {
		log.Debug("write error page", "err", err)
	}
}

// wantsJSON reports whether the request asks for JSON rather than a page
// (import.js, API clients).
func wantsJSON(c echo.Context) bool {
	accept := c.Request().Header.Get(echo.HeaderAccept)
	return strings.Contains(accept, echo.MIMEApplicationJSON) && !strings.Contains(accept, echo.MIMETextHTML)
}
