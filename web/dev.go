package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/views"
)

// devID is the development sign-in's provider name.
const devID = "dev"

// The development sign-in's provider is embedded only in builds made with
// -tags dev (go tool task run does): dev_provider.go has it, and
// dev_provider_off.go stands in for it in a production build, so that the
// test identity provider it is built on stays out of the production binary.

// errDevSignInNotBuilt is what New returns for Options.DevLogin in a build
// without the development sign-in (see DevSignInBuilt).
var errDevSignInNotBuilt = errors.New("this satchel was built without the development sign-in, which only a build with -tags dev contains (go tool task run builds one)")

func (s *Server) handleDevSignInForm(c echo.Context) error {
	if s.dev == nil {
		return notFoundIn(c, tr(c, "dev.not_enabled"))
	}
	return s.render(c, http.StatusOK, views.DevSignInPage(s.shell(c, tr(c, "dev.title")), views.DevForm{}))
}

// handleDevSignIn checks the form, queues the typed identity in the
// embedded provider and starts the ordinary goth flow against it.
func (s *Server) handleDevSignIn(c echo.Context) error {
	if s.dev == nil {
		return notFoundIn(c, tr(c, "dev.not_enabled"))
	}
	f := views.DevForm{
		Name:   strings.TrimSpace(c.FormValue("name")),
		Email:  strings.TrimSpace(c.FormValue("email")),
		Errors: map[string]string{},
	}
	switch {
	case f.Name == "":
		f.Errors["name"] = tr(c, "dev.name_required")
	case utf8.RuneCountInString(f.Name) > 100:
		f.Errors["name"] = tr(c, "dev.name_too_long")
	}
	if f.Email == "" {
		f.Errors["email"] = tr(c, "dev.email_required")
	} else if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email || len(f.Email) > 254 {
		f.Errors["email"] = tr(c, "dev.email_invalid")
	}
	if len(f.Errors) > 0 {
		return s.render(c, http.StatusUnprocessableEntity, views.DevSignInPage(s.shell(c, tr(c, "dev.title")), f))
	}
	authURL, err := s.beginURL(c, s.providers[devID])
	if err != nil {
		return err
	}
	u, err := url.Parse(authURL)
	if err != nil {
		return fmt.Errorf("web: development sign-in URL: %w", err)
	}
	s.dev.expect(u.Query().Get("state"), f.Name, f.Email)
	return c.Redirect(http.StatusSeeOther, authURL)
}
