package web

import "github.com/labstack/echo/v4"

// Routes lists every registered route, for the authorisation matrix test.
func (s *Server) Routes() []*echo.Route { return s.e.Routes() }
