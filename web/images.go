package web

import (
	"bytes"
	"net/http"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/fail"
)

// imageHash is the form of a stored image's name: its SHA-256 in hex.
var imageHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// imageCSP is sent with every stored image. An SVG opened on its own is a
// document that could run script or load from elsewhere: the sandbox and
// default-src 'none' stop both, while its own inline styles still apply.
const imageCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// handleImage serves a stored badge or issuer image from Satchel's own
// origin, so pages never load pictures from issuers. An image's URL is its
// content hash, so it never changes and may be cached for a year.
func (s *Server) handleImage(c echo.Context) error {
	hash := c.Param("hash")
	if !imageHash.MatchString(hash) {
		return s.noSuchImage(c)
	}
	im, err := s.db.ImageByHash(c.Request().Context(), hash)
	if fail.CodeOf(err) == fail.NotFound {
		return s.noSuchImage(c)
	}
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Type", im.ContentType)
	h.Set("Content-Security-Policy", imageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	// Other sites show these pictures: the HTML embed card and the email
	// signature load them from Satchel (an image's URL is its hash, and
	// it is sandboxed above).
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Set("ETag", `"`+im.Hash+`"`)
	// ServeContent answers If-None-Match with 304 and handles HEAD and
	// ranges; the content type set above stops it from sniffing.
	http.ServeContent(c.Response(), c.Request(), "", time.Time{}, bytes.NewReader(im.Bytes))
	return nil
}

// noSuchImage is the answer to an image address with no image. Image
// requests skip the session, so it chooses the language of its words
// itself (the cookie's or the browser's).
func (s *Server) noSuchImage(c echo.Context) error {
	s.ensureLanguage(c)
	return notFoundIn(c, tr(c, "notfound.image"))
}
