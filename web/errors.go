package web

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// pageError is an error with a status and words fit for the person who
// made the request. err, if any, is only logged.
type pageError struct {
	status  int
	title   string
	message string
	err     error
}

func (e *pageError) Error() string {
	if e.err != nil {
		return e.title + ": " + e.err.Error()
	}
	return e.title
}

func (e *pageError) Unwrap() error { return e.err }

func notFound(message string) *pageError {
	return &pageError{status: http.StatusNotFound, title: "Page not found", message: message}
}

// handleError is the one central error handler. It maps an error to a
// status and a friendly page; the error's own text goes only to the log,
// with the request id, and never to the page.
func (s *Server) handleError(err error, c echo.Context) {
	view := views.ErrorView{
		Status:  http.StatusInternalServerError,
		Title:   "Something went wrong",
		Message: "Something went wrong on our side. Please try again in a moment. If it keeps happening, tell the people who run this site the reference " + requestID(c) + ".",
	}
	var pe *pageError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &pe):
		view.Status, view.Title, view.Message = pe.status, pe.title, pe.message
	case store.KindOf(err) != store.Internal:
		view.Message = store.Message(err)
		switch store.KindOf(err) {
		case store.NotFound:
			view.Status, view.Title = http.StatusNotFound, "Not found"
		case store.Conflict:
			view.Status, view.Title = http.StatusConflict, "That cannot be done"
		case store.Invalid:
			view.Status, view.Title = http.StatusUnprocessableEntity, "That cannot be done"
		}
	case errors.As(err, &he):
		view.Status = he.Code
		switch he.Code {
		case http.StatusNotFound:
			view.Title, view.Message = "Page not found", "There is no page at this address. Check the link, or start again from the home page."
		case http.StatusMethodNotAllowed:
			view.Title, view.Message = "Not allowed", "This page cannot be used that way. Start again from the home page."
		case http.StatusRequestEntityTooLarge:
			view.Title, view.Message = "Too large", "What you sent is larger than Satchel accepts. Please send something smaller."
		case http.StatusForbidden:
			view.Title, view.Message = "Not allowed", "You are not allowed to do that."
		case http.StatusUnauthorized:
			view.Title, view.Message = "Please sign in", "Please sign in to see this page."
		default:
			if he.Code < 500 {
				view.Title, view.Message = "Something is wrong with the request", "Satchel could not understand that request. Go back and try again."
			} else {
				view.Status = http.StatusInternalServerError
			}
		}
	}

	log := logger(c)
	switch {
	case view.Status >= 500:
		log.Error("request failed", "status", view.Status, "err", err)
	case view.Status != http.StatusNotFound:
		log.Info("request refused", "status", view.Status, "err", err)
	}

	if c.Response().Committed {
		return
	}
	// Keep the page out of a broken state: render into a buffer; if even
	// that fails, answer in plain text.
	ctx := views.WithCSRF(views.WithNonce(c.Request().Context(), nonce(c)), csrfToken(c))
	var buf bytes.Buffer
	if rerr := views.ErrorPage(s.shell(c, view.Title), view).Render(ctx, &buf); rerr != nil {
		log.Error("render error page", "err", rerr)
		c.String(view.Status, view.Title+"\n")
		return
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if err := c.HTMLBlob(view.Status, buf.Bytes()); err != nil {
		log.Debug("write error page", "err", err)
	}
}
