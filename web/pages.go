package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/views"
)

// handleHome is the visitors' front page, or the backpack when signed in.
func (s *Server) handleHome(c echo.Context) error {
	if currentUser(c) != nil {
		return s.handleBackpack(c)
	}
	return s.render(c, http.StatusOK, views.HomePage(s.shell(c, "")))
}
