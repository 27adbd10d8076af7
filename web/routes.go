package web

import (
	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/static"
)

// routes registers every route. It is the table of contents of the site.
func (s *Server) routes() {
	e := s.e
	// Outermost first: recover from panics, give each request an id and a
	// logger, log it, set security headers, cap the body, load the session
	// user, then check CSRF on state-changing requests.
	e.Use(
		s.recoverPanics(),
		s.requestID,
		s.logRequests(),
		s.securityHeaders,
		s.bodyLimit(),
		s.loadUser,
		s.csrf(),
	)

	e.GET("/healthz", s.handleHealthz)
	e.GET(static.Prefix+"*", echo.WrapHandler(static.Handler()))

	e.GET("/", s.handleHome)

	// The backpack, each badge's pages (owner only) and stored images.
	s.backpackRoutes()

	// The public verifier: no account needed, rate-limited per client.
	s.verifierRoutes()

	// Sign-in: rate-limited per client IP.
	auth := e.Group("", s.signInRateLimit(), s.loopbackHost)
	auth.GET("/signin", s.handleSignIn)
	auth.GET("/auth/dev", s.handleDevSignInForm)
	auth.POST("/auth/dev", s.handleDevSignIn)
	auth.GET("/auth/:provider", s.handleAuthStart)
	auth.GET("/auth/:provider/callback", s.handleAuthCallback)
	e.POST("/auth/signout", s.handleSignOut)

	// The account: signed-in only.
	acct := e.Group("/account", s.requireUser)
	acct.GET("", s.handleAccount)
	acct.POST("/signout-everywhere", s.handleSignOutEverywhere)
	acct.POST("/logins/:provider/unlink", s.handleUnlink)
	acct.GET("/delete", s.handleDeleteAccountForm)
	acct.POST("/delete", s.handleDeleteAccount)

	// Import: files, a web address or pasted badge data; signed-in only.
	s.importRoutes()
	s.identityRoutes(acct)

	// Collections, a badge's collections and the automatic groupings.
	s.collectionRoutes()

	// Public pages (profile, collections, badges; no account needed) and
	// the owner's profile form.
	s.publicRoutes(acct)

	// Sharing (links, embeds, oEmbed, share pictures, QR codes) and
	// "Download everything" with its re-import.
	s.shareRoutes()
	s.exportRoutes(acct)
}
