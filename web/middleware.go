package web

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/satchel-backpack/satchel/internal/config"
	"github.com/satchel-backpack/satchel/internal/fail"
)

// Keys of values kept in the echo context for one request.
const (
	ctxRequestID = "request_id"
	ctxLogger    = "logger"
	ctxNonce     = "csp_nonce"
	ctxCSRF      = "csrf"
	ctxUser      = "user"
	ctxSession   = "session"
)

// logger returns the request's logger (with its request id), or the
// default one outside a request.
func logger(c echo.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

func requestID(c echo.Context) string {
	id, _ := c.Get(ctxRequestID).(string)
	return id
}

func nonce(c echo.Context) string {
	n, _ := c.Get(ctxNonce).(string)
	return n
}

func csrfToken(c echo.Context) string {
	t, _ := c.Get(ctxCSRF).(string)
	return t
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("web: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// requestID gives every request a fresh id (a client-sent X-Request-ID is
// not trusted), returns it in the response and puts it in the logger.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := randomToken(12)
		c.Set(ctxRequestID, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		c.Set(ctxLogger, s.log.With("request_id", id))
		return next(c)
	}
}

// logRequests writes one structured line per request, after the central
// error handler has chosen the status.
func (s *Server) logRequests() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError:  true,
		LogStatus:    true,
		LogMethod:    true,
		LogURIPath:   true,
		LogLatency:   true,
		LogRemoteIP:  true,
		LogUserAgent: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			logger(c).LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method),
				slog.String("path", v.URIPath),
				slog.Int("status", v.Status),
				slog.Duration("duration", v.Latency),
				slog.String("remote_ip", v.RemoteIP),
				slog.String("user_agent", v.UserAgent),
			)
			return nil
		},
	})
}

// recoverPanics turns a panic into a 500 through the central error
// handler, logging the stack with the request id.
func (s *Server) recoverPanics() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		StackSize: 8 << 10,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			logger(c).Error("panic", "err", err, "stack", string(stack))
			return fmt.Errorf("web: panic: %w", err)
		},
	})
}

// securityHeaders sets a Content-Security-Policy with a fresh nonce for
// every response, and the other headers that keep pages from being framed,
// sniffed or leaking their URLs.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	formAction := "'self'"
	if s.dev != nil {
		// The development sign-in form redirects to the embedded provider,
		// and browsers apply form-action to that redirect.
		formAction += " " + s.dev.Origin()
	}
	return func(c echo.Context) error {
		n := randomToken(18)
		c.Set(ctxNonce, n)
		h := c.Response().Header()
		h.Set("Content-Security-Policy", strings.Join([]string{
			"default-src 'self'",
			"script-src 'self' 'nonce-" + n + "'",
			"style-src 'self'",
			"img-src 'self' data:",
			"object-src 'none'",
			"base-uri 'none'",
			"frame-ancestors 'none'",
			"form-action " + formAction,
		}, "; "))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		// A route may let other sites frame it (the embeds, see
		// allowFraming); the policy is settled as the headers go out, so
		// the flag can be set by route middleware after this one.
		c.Response().Before(func() {
			if framable, _ := c.Get(ctxFramable).(bool); framable {
				h.Set("Content-Security-Policy", strings.Replace(h.Get("Content-Security-Policy"),
					"frame-ancestors 'none'", "frame-ancestors *", 1))
				h.Del("X-Frame-Options")
			}
			if to, _ := c.Get(ctxFormTarget).(string); to != "" {
				h.Set("Content-Security-Policy", strings.Replace(h.Get("Content-Security-Policy"),
					"form-action "+formAction, "form-action "+formAction+" "+to, 1))
			}
		})
		return next(c)
	}
}

// ctxFramable marks a response that any site may frame.
const ctxFramable = "framable"

// ctxFormTarget is one more origin the page's forms may lead to (see
// allowFormTarget).
const ctxFormTarget = "formTarget"

// allowFormTarget lets the page's forms end at rawURL's origin: browsers
// apply form-action to the redirect that follows a form's POST, and the
// consent page's answer redirects to the platform. An address that is not
// a plain http(s) origin is left out.
func allowFormTarget(c echo.Context, rawURL string) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return
	}
	origin := u.Scheme + "://" + u.Host
	if strings.ContainsAny(origin, " ;,'\"\\") {
		return
	}
	c.Set(ctxFormTarget, origin)
}

// allowFraming is route middleware for the embed routes, the only pages
// other sites may put in an iframe: their CSP says frame-ancestors *.
func allowFraming(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(ctxFramable, true)
		return next(c)
	}
}

// bodyLimit refuses request bodies over the limit with 413. A route that
// accepts more (an upload) sets its own limit with routeBodyLimit, which
// replaces this one: it has to act here, before the CSRF check reads the
// form, not as route middleware that runs after it.
func (s *Server) bodyLimit() echo.MiddlewareFunc {
	def := middleware.BodyLimit(strconv.FormatInt(s.opts.MaxBodyBytes, 10) + "B")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := def(next)
		return func(c echo.Context) error {
			if own, ok := s.bodyLimits[c.Request().Method+" "+c.Path()]; ok {
				return own(next)(c)
			}
			return h(c)
		}
	}
}

// routeBodyLimit makes limit (e.g. middleware.BodyLimit("5M")) the body
// limit of one route instead of the default. Call it from routes().
func (s *Server) routeBodyLimit(method, path string, limit echo.MiddlewareFunc) {
	if s.bodyLimits == nil {
		s.bodyLimits = map[string]echo.MiddlewareFunc{}
	}
	s.bodyLimits[method+" "+path] = limit
}

// csrf checks a token on every state-changing request: the form field
// _csrf (or the X-CSRF-Token header) must match the _csrf cookie. Browsers
// that send Sec-Fetch-Site are also checked by it: cross-site POSTs are
// refused.
func (s *Server) csrf() echo.MiddlewareFunc {
	check := middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper:        sessionless,
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		ContextKey:     ctxCSRF,
		CookieName:     csrfCookie,
		CookiePath:     "/",
		CookieMaxAge:   int((12 * time.Hour).Seconds()),
		CookieHTTPOnly: true,
		CookieSecure:   s.secure,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return &fail.Error{
				Code:    fail.Forbidden,
				Title:   tr(c, "errors.form_expired"),
				Message: tr(c, "errors.form_expired_message"),
				Err:     fmt.Errorf("csrf: %w", err),
			}
		},
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := check(next)
		return func(c echo.Context) error {
			// On safe requests echo skips the token (and its cookie) for
			// browsers that send Sec-Fetch-Site, and puts a placeholder in
			// forms. Hide the header there, so every form gets a real token
			// and still works if a later POST arrives without the header
			// (some privacy tools strip it).
			if r := c.Request(); r.Header.Get(echo.HeaderSecFetchSite) != "" && isSafeMethod(r.Method) {
				r.Header.Del(echo.HeaderSecFetchSite)
			}
			return h(c)
		}
	}
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

const csrfCookie = "_csrf"

// bucketSignIn counts requests to the sign-in routes per client.
const bucketSignIn = "signin"

// signInRateLimit limits sign-in requests per client address (an IPv6
// client by its /64) to Options.SignInLimit per SignInWindow. The count
// lives in the database, so several Satchel processes share it.
func (s *Server) signInRateLimit() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := s.allowOr(c, bucketSignIn, s.opts.SignInLimit, s.opts.SignInWindow, "limits.signin_title", "limits.signin"); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// ipExtractor reads the client IP from X-Forwarded-For only when the
// connection comes from a configured proxy; otherwise it uses the
// connection's address, so clients cannot claim any IP they like.
func ipExtractor(proxies []netip.Prefix) echo.IPExtractor {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range proxies {
		_, n, err := net.ParseCIDR(p.String())
		if err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// loopbackHost sends a sign-in started on another name for this machine
// (127.0.0.1:8080 when the base URL says localhost:8080) to the base URL's
// host first. Otherwise the attempt cookie is set for one host and the
// provider returns to the other, and the sign-in fails as "expired". It only
// acts when both are loopback, so a proxy that rewrites Host can never make
// it loop.
func (s *Server) loopbackHost(next echo.HandlerFunc) echo.HandlerFunc {
	baseHost := s.baseURL.Hostname()
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodGet || r.Host == s.baseURL.Host || !config.IsLoopbackHost(baseHost) {
			return next(c)
		}
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if !config.IsLoopbackHost(host) {
			return next(c)
		}
		return c.Redirect(http.StatusSeeOther, s.baseURL.String()+r.URL.RequestURI())
	}
}
