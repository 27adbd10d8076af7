package web

import "github.com/labstack/echo/v4"

// Routes lists every registered route, for the authorisation matrix test.
func (s *Server) Routes() []*echo.Route { return s.e.Routes() }

// RouteOf is the pattern of the route the router picks for method and
// path (for a path it does not serve, whatever its not-found answer names).
func (s *Server) RouteOf(method, path string) string {
	c := s.e.NewContext(nil, nil)
	s.e.Router().Find(method, path, c)
	return c.Path()
}
