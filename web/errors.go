package web

import (
	"bytes"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// notFound is the error for a page or thing that is not there (or not the
// asker's to see), with words that say what to do.
func notFound(message string) *fail.Error {
	return fail.New(fail.NotFound, message).WithTitle("Page not found")
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

// titleOf is a code's page heading when the error names none.
var titleOf = map[fail.Code]string{
	fail.NotFound:     "Not found",
	fail.Invalid:      "That cannot be done",
	fail.Malformed:    "Something is wrong with the request",
	fail.Conflict:     "That cannot be done",
	fail.Unauthorized: "Please sign in",
	fail.Forbidden:    "Not allowed",
	fail.TooLarge:     "Too large",
	fail.RateLimited:  "Please wait a moment",
	fail.Unavailable:  "Please try again later",
	fail.Unsupported:  "Not supported",
}

// httpCodes maps the statuses echo itself raises (no route, wrong method,
// body over the limit) to codes, with the words Satchel shows for them.
var httpCodes = map[int]struct {
	code           fail.Code
	title, message string
}{
	http.StatusNotFound:              {fail.NotFound, "Page not found", "There is no page at this address. Check the link, or start again from the home page."},
	http.StatusMethodNotAllowed:      {fail.Malformed, "Not allowed", "This page cannot be used that way. Start again from the home page."},
	http.StatusRequestEntityTooLarge: {fail.TooLarge, "Too large", "What you sent is larger than Satchel accepts. Please send something smaller."},
	http.StatusForbidden:             {fail.Forbidden, "Not allowed", "You are not allowed to do that."},
	http.StatusUnauthorized:          {fail.Unauthorized, "Please sign in", "Please sign in to see this page."},
}

// handleError is the one central error handler. It maps an error to a
// status and a friendly page (or, for a request that asks for JSON, a JSON
// body {"code", "error", "title"}); the error's own text goes only to the
// log, with the request id, and never to the asker.
func (s *Server) handleError(err error, c echo.Context) {
	view := views.ErrorView{
		Status:  http.StatusInternalServerError,
		Title:   "Something went wrong",
		Message: "Something went wrong on our side. Please try again in a moment. If it keeps happening, tell the people who run this site the reference " + requestID(c) + ".",
	}
	code := fail.Internal
	var fe *fail.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &fe) && fe.Code != fail.Internal:
		code = fe.Code
		view.Status, view.Title, view.Message = statusOf[code], titleOf[code], fe.Message
		if fe.Title != "" {
			view.Title = fe.Title
		}
		if view.Status == 0 { // a code this map does not know yet
			view.Status = http.StatusBadRequest
		}
	case store.Unavailable(err):
		// The database is down or restarting: say so, and when to retry.
		code, view.Status = fail.Unavailable, http.StatusServiceUnavailable
		view.Title = "Please try again in a moment"
		view.Message = "Satchel cannot reach its database just now. Nothing you have saved is lost. Please try again in a minute."
		c.Response().Header().Set("Retry-After", "30")
	case errors.As(err, &he):
		if h, ok := httpCodes[he.Code]; ok {
			code, view.Title, view.Message = h.code, h.title, h.message
			view.Status = he.Code
		} else if he.Code < 500 {
			code, view.Status = fail.Malformed, he.Code
			view.Title, view.Message = "Something is wrong with the request", "Satchel could not understand that request. Go back and try again."
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
