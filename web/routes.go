package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/satchel-backpack/satchel/static"
	"github.com/satchel-backpack/satchel/views"
)

// pathOEmbed is the oEmbed endpoint; embed pages name it in their <link>.
const pathOEmbed = "/oembed"

// routes registers every route: it is the table of contents of the site,
// one line a route (method, path, handler, then its own middleware).
//
// Who may call a route is read from its group and its line:
//
//   - anonymous: registered on e (or embed) with no requireUser;
//   - signed-in: the group or the line has s.requireUser;
//   - owner: signed-in, and the route takes a learner's id (a badge,
//     collection or email); its handler answers 404 for anyone else's.
//     These are the /badges/:id and /collections/:id groups and the lines
//     marked "owner"; web/authz_test.go checks every one;
//   - rate-limited: the line (or group) has a limiter, counted per client
//     in the database so every process shares it.
//
// A route whose body may be larger than the default has its own limit
// (routeBodyLimit) just above it: bodyLimit applies it before CSRF reads
// the form.
func (s *Server) routes() {
	e := s.e
	// Outermost first: recover from panics, give each request an id and a
	// logger, log it, set security headers, cap the body, load the session
	// user, then check CSRF on state-changing requests.
	e.Use(
		s.recoverPanics(),
		s.requestID,
		s.countRequests,
		s.logRequests(),
		s.securityHeaders,
		s.bodyLimit(),
		s.loadUser,
		s.csrf(),
	)

	// Rate limits and queues used below.
	var (
		limitBadgeCheck   = s.rateLimit("badge-check", 30, 10*time.Minute, "checked badges again")
		limitVerify       = s.rateLimit(bucketVerify, verifyLimit, verifyWindow, "checked badges")
		queueVerify       = oneOf(make(chan struct{}, verifyConcurrency), verifyQueueWait)
		limitPublicVerify = s.rateLimit(bucketPublicVerify, publicVerifyLimit, publicVerifyWindow, "verified badges")
	)

	// Anonymous: liveness and readiness, static files, the home page.
	e.GET("/healthz", s.handleHealthz) // alive
	e.GET("/readyz", s.handleReadyz)   // database reachable, schema current
	e.GET("/metrics", s.handleMetrics) // only with a bearer token (SATCHEL_METRICS_TOKEN)
	e.GET(static.Prefix+"*", echo.WrapHandler(static.Handler()))
	e.GET("/", s.handleHome)

	// The backpack (signed-in) and stored images (anonymous:
	// content-addressed, the same picture for every badge that shows it).
	e.GET(views.BackpackPath, s.handleBackpack, s.requireUser) // /backpack
	e.GET("/images/:hash", s.handleImage)

	// One badge: owner only.
	badge := e.Group("/badges/:id", s.requireUser)
	badge.GET("", s.handleBadge)
	badge.GET("/download", s.handleBadgeDownload)
	badge.GET("/baked", s.handleBadgeBaked)
	badge.POST("/check", s.handleBadgeCheck, limitBadgeCheck)
	badge.GET("/delete", s.handleBadgeDeleteForm)
	badge.POST("/delete", s.handleBadgeDelete)
	badge.POST("/visibility", s.handleBadgeVisibility)
	badge.GET("/collections", s.handleBadgeCollectionsForm)
	badge.POST("/collections", s.handleBadgeCollections)

	// The public verifier: anonymous, rate-limited per client, a bounded
	// number at once per process; its POST takes a badge file.
	e.GET("/verify", s.handleVerifyForm)
	s.routeBodyLimit(http.MethodPost, "/verify", verifyBodyLimit)
	e.POST("/verify", s.handleVerify, limitVerify, queueVerify)

	// Sign-in: anonymous, rate-limited per client IP.
	auth := e.Group("", s.signInRateLimit(), s.loopbackHost)
	auth.GET("/signin", s.handleSignIn)
	auth.GET("/auth/dev", s.handleDevSignInForm)
	auth.POST("/auth/dev", s.handleDevSignIn)
	auth.GET("/auth/:provider", s.handleAuthStart)
	auth.GET("/auth/:provider/callback", s.handleAuthCallback)
	e.POST("/auth/signout", s.handleSignOut)

	// The account: signed-in, always the user's own.
	acct := e.Group("/account", s.requireUser)
	acct.GET("", s.handleAccount)
	acct.POST("/signout-everywhere", s.handleSignOutEverywhere)
	acct.POST("/logins/:provider/unlink", s.handleUnlink)
	acct.GET("/delete", s.handleDeleteAccountForm)
	acct.POST("/delete", s.handleDeleteAccount)
	acct.GET("/emails", s.handleEmails)
	acct.POST("/emails", s.handleEmailAdd)
	acct.GET("/emails/confirm", s.handleEmailConfirmForm)
	acct.POST("/emails/confirm", s.handleEmailConfirm)
	acct.POST("/emails/:id/remove", s.handleEmailRemove) // owner
	acct.GET("/profile", s.handleProfileForm)
	acct.POST("/profile", s.handleProfileSave) // owner
	// "Download everything" and its re-import (a ZIP up to maxArchiveBytes).
	acct.GET("/export", s.handleExport)
	acct.GET("/import-archive", s.handleImportArchiveForm)
	s.routeBodyLimit(http.MethodPost, views.ImportArchivePath, middleware.BodyLimit(fmt.Sprintf("%dB", maxArchiveBytes+1<<20)))
	acct.POST("/import-archive", s.handleImportArchive)

	// The development mail outbox (the handler answers 404 unless on).
	e.GET("/dev/outbox", s.handleOutbox)

	// Import files, a web address or pasted badge data: signed-in; the
	// POST takes several badge images at once.
	e.GET("/import", s.handleImportForm, s.requireUser)
	s.routeBodyLimit(http.MethodPost, "/import", importBodyLimit)
	e.POST("/import", s.handleImport, s.requireUser)

	// Collections: signed-in; one collection (/collections/:id) owner only.
	colls := e.Group("/collections", s.requireUser)
	colls.GET("", s.handleCollections)
	colls.POST("", s.handleCollectionCreate)
	colls.GET("/add-badges", s.handleCollectionOrganise)
	colls.POST("/add-badges", s.handleCollectionsAddBadges)
	coll := colls.Group("/:id")
	coll.GET("", s.handleCollection)
	coll.GET("/edit", s.handleCollectionEditForm)
	coll.POST("/edit", s.handleCollectionEdit)
	coll.GET("/delete", s.handleCollectionDeleteForm)
	coll.POST("/delete", s.handleCollectionDelete)
	coll.GET("/visibility", s.handleCollectionVisibilityForm)
	coll.POST("/visibility", s.handleCollectionVisibility)
	coll.GET("/replace-link", s.handleCollectionReplaceLinkForm)
	coll.POST("/replace-link", s.handleCollectionReplaceLink)
	coll.GET("/add", s.handleCollectionAddForm)
	coll.POST("/badges", s.handleCollectionAddBadges)
	coll.POST("/make-badges-public", s.handleCollectionMakeBadgesPublic)
	coll.POST("/badges/:badge/move", s.handleCollectionMove)
	coll.POST("/badges/:badge/remove", s.handleCollectionRemove)
	// The automatic groupings (by issuer, by tag): signed-in.
	e.GET(views.CollectionGroupsPath, s.handleCollectionGroups, s.requireUser) // /backpack/groups

	// Public pages: anonymous, showing only what is public. "Verify now"
	// fetches from the issuer, so it is rate-limited per client.
	e.GET("/u/:handle", s.handlePublicProfile)
	e.GET("/u/:handle/:slug", s.handlePublicCollection)
	e.GET("/u/:handle/badges/:badge", s.handlePublicBadge)
	e.POST("/u/:handle/badges/:badge/verify", s.handlePublicBadgeVerify, limitPublicVerify)
	e.GET("/c/:token", s.handleUnlistedCollection)

	// Sharing public pages: anonymous. The Mastodon redirect, oEmbed,
	// share pictures and QR codes.
	e.GET("/share/mastodon", s.handleMastodonShare)
	e.GET(pathOEmbed, s.handleOEmbed) // /oembed
	e.GET("/u/:handle/share.png", s.handleProfileShareImage)
	e.GET("/u/:handle/badges/:badge/share.png", s.handleBadgeShareImage)
	e.GET("/u/:handle/qr.png", s.handleProfileQR)
	e.GET("/u/:handle/qr.svg", s.handleProfileQR)
	e.GET("/u/:handle/badges/:badge/qr.png", s.handleBadgeQR)
	e.GET("/u/:handle/badges/:badge/qr.svg", s.handleBadgeQR)

	// Embeds: anonymous, and the only pages other sites may frame.
	embed := e.Group("/embed", allowFraming)
	embed.GET("/badges/:handle/:badge", s.handleEmbedBadge)
	embed.GET("/collections/:handle/:slug", s.handleEmbedCollection)
	embed.GET("/signature/:handle", s.handleEmbedSignature)
}
