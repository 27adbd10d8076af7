package web

import (
	"crypto/subtle"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// countRequests records every answered request in the metrics by its
// route pattern (never the path, so ids do not multiply the series),
// method and final status. It runs outside the request log, which has
// already turned an error into its page by the time this reads the status.
func (s *Server) countRequests(next echo.HandlerFunc) echo.HandlerFunc {
	if s.opts.Metrics == nil {
		return next
	}
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		s.opts.Metrics.ObserveRequest(c.Path(), c.Request().Method, c.Response().Status, time.Since(start))
		return err
	}
}

// handleMetrics serves the metrics to a scraper that shows the bearer
// token (SATCHEL_METRICS_TOKEN); without a token configured, the metrics
// are not on this listener at all.
func (s *Server) handleMetrics(c echo.Context) error {
	token := s.opts.MetricsToken
	if s.opts.Metrics == nil || token == "" {
		// The metrics skip the session: the language is chosen here.
		s.ensureLanguage(c)
		return notFoundIn(c, tr(c, "errors.page_not_found_message"))
	}
	got := c.Request().Header.Get(echo.HeaderAuthorization)
	if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+token)) != 1 {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="satchel metrics"`)
		return c.String(http.StatusUnauthorized, "metrics need the bearer token\n")
	}
	s.opts.Metrics.Handler().ServeHTTP(c.Response(), c.Request())
	return nil
}
