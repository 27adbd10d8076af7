package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/views"
)

func (s *Server) handleAccount(c echo.Context) error {
	u := currentUser(c)
	logins, err := s.db.Logins(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	a := views.Account{Name: u.Name, Language: u.Language}
	linked := map[string]bool{}
	for _, l := range logins {
		linked[l.Provider] = true
		label := s.providerLabel(c, l.Provider)
		a.Logins = append(a.Logins, views.Login{
			Provider:      l.Provider,
			Label:         label,
			Email:         l.Email,
			EmailVerified: l.EmailVerified,
			LinkedAt:      l.CreatedAt,
			CanUnlink:     len(logins) > 1,
		})
	}
	for _, p := range s.buttons() {
		if !linked[p.ID] {
			a.LinkProviders = append(a.LinkProviders, p)
		}
	}
	if s.dev != nil && !linked[devID] {
		a.LinkProviders = append(a.LinkProviders, views.Provider{ID: devID, Label: s.providerLabel(c, devID)})
	}
	apps, err := s.db.ConnectedApps(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	a.AppsOffered = s.apiOffered()
	for _, app := range apps {
		v := views.ConnectedApp{GrantID: app.GrantID, Name: app.Name, Host: app.Host, Scopes: app.Scopes,
			ConnectedAt: app.ConnectedAt, LastUsedAt: app.LastUsedAt}
		if app.LogoHash != "" {
			v.LogoSrc = paths.Image(app.LogoHash)
		}
		a.Apps = append(a.Apps, v)
	}
	return s.render(c, http.StatusOK, views.AccountPage(s.shell(c, tr(c, "account.title")), a))
}

func (s *Server) handleUnlink(c echo.Context) error {
	u := currentUser(c)
	provider := c.Param("provider")
	if err := s.db.UnlinkLogin(c.Request().Context(), u.ID, provider); err != nil {
		if fail.CodeOf(err) == fail.Internal {
			return err
		}
		s.flash(c, views.FlashError, fail.MessageIn(c.Request().Context(), err))
		return c.Redirect(http.StatusSeeOther, paths.Account)
	}
	label := s.providerLabel(c, provider)
	logger(c).Info("login unlinked", "provider", provider)
	s.flash(c, views.FlashSuccess, tr(c, "account.unlinked", i18n.Vars{"Provider": label}))
	return c.Redirect(http.StatusSeeOther, paths.Account)
}

// handleSignOutEverywhere voids every session of the account, this one too.
func (s *Server) handleSignOutEverywhere(c echo.Context) error {
	u := currentUser(c)
	if _, err := s.db.RevokeSessions(c.Request().Context(), u.ID); err != nil {
		return err
	}
	logger(c).Info("signed out everywhere")
	s.endSession(c)
	s.flash(c, views.FlashSuccess, tr(c, "account.signed_out_everywhere"))
	return c.Redirect(http.StatusSeeOther, paths.Home)
}

func (s *Server) handleDeleteAccountForm(c echo.Context) error {
	return s.render(c, http.StatusOK, views.DeleteAccountPage(s.shell(c, tr(c, "account.delete_heading"))))
}

// handleDeleteAccount deletes the account and all its data once the
// person has ticked the confirmation.
func (s *Server) handleDeleteAccount(c echo.Context) error {
	u := currentUser(c)
	if c.FormValue("confirm") != "delete" {
		sh := s.shell(c, tr(c, "account.delete_heading"))
		sh.Flashes = append(sh.Flashes, views.Flash{Kind: views.FlashError, Message: tr(c, "account.delete.tick_box")})
		return s.render(c, http.StatusUnprocessableEntity, views.DeleteAccountPage(sh))
	}
	if err := s.db.DeleteUser(c.Request().Context(), u.ID); err != nil {
		return err
	}
	logger(c).Info("account deleted")
	s.endSession(c)
	s.flash(c, views.FlashSuccess, tr(c, "account.delete.deleted"))
	return c.Redirect(http.StatusSeeOther, paths.Home)
}
