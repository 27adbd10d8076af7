package web

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/views"
)

// handleHome is the visitors' front page, or the backpack when signed in.
func (s *Server) handleHome(c echo.Context) error {
	u := currentUser(c)
	if u == nil {
		return s.render(c, http.StatusOK, views.HomePage(s.shell(c, "")))
	}
	logins, err := s.db.Logins(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	var emails []string
	for _, l := range logins {
		if l.Email != "" && !slices.Contains(emails, l.Email) {
			emails = append(emails, l.Email)
		}
	}
	return s.render(c, http.StatusOK, views.DashboardPage(s.shell(c, "Your backpack"), views.Dashboard{Name: u.Name, Emails: emails}))
}
