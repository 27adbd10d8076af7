package web

import "github.com/labstack/echo/v4"

// Routes lists every registered route, for the authorisation matrix test.
func (s *Server) Routes() []*echo.Route { return s.e.Routes() }

// RouteOf is the pattern of the route that serves method and path, or ""
// when none does (the router's not-found and method-not-allowed answers).
func (s *Server) RouteOf(method, path string) string {
	c := s.e.NewContext(nil, nil)
	s.e.Router().Find(method, path, c)
	for _, r := range s.e.Routes() {
		if r.Method == method && r.Path == c.Path() {
			return r.Path
		}
	}
	return ""
}
