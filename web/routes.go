package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/satchel-backpack/satchel/internal/obapi"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/static"
)

// routes registers every route: it is the table of contents of the site,
// one line a route (method, path, handler, then its own middleware). The
// paths are internal/paths' patterns, the ones links and redirects are
// built from; a group's routes are named by their full pattern.
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
	// user, choose the language, then check CSRF on state-changing requests.
	e.Use(
		s.recoverPanics(),
		s.requestID,
		s.countRequests,
		s.logRequests(),
		s.securityHeaders,
		s.bodyLimit(),
		s.loadUser,
		s.chooseLanguage,
		s.csrf(),
	)

	// Rate limits and queues used below.
	var (
		limitBadgeCheck   = s.rateLimit("badge-check", 30, 10*time.Minute, "limits.badge_check")
		limitVerify       = s.rateLimit(bucketVerify, verifyLimit, verifyWindow, "limits.verify")
		queueVerify       = oneOf(make(chan struct{}, verifyConcurrency), s.opts.VerifyQueueWait)
		limitPublicVerify = s.rateLimit(bucketPublicVerify, publicVerifyLimit, publicVerifyWindow, "limits.public_verify")
		limitRegister     = s.rateLimit("oauth-register", registrationLimit, registrationWindow, "limits.oauth_register")
		// A pushed badge may be as large as one uploaded file.
		pushBodyLimit = middleware.BodyLimit(fmt.Sprintf("%dB", ImportMaxFileBytes))
	)

	// Anonymous: liveness and readiness, static files, the home page.
	e.GET(paths.Healthz, s.handleHealthz) // alive
	e.GET(paths.Readyz, s.handleReadyz)   // database reachable, schema current
	e.GET(paths.Metrics, s.handleMetrics) // only with a bearer token (SATCHEL_METRICS_TOKEN)
	e.GET(static.Prefix+"*", echo.WrapHandler(static.Handler()))
	e.GET(paths.Home, s.handleHome)
	e.POST(paths.Language, s.handleLanguage) // the language menu: a cookie, and the account's choice when signed in

	// The backpack (signed-in) and stored images (anonymous:
	// content-addressed, the same picture for every badge that shows it).
	e.GET(paths.Backpack, s.handleBackpack, s.requireUser)
	e.GET(paths.ImagePattern, s.handleImage)

	// One badge: owner only.
	badge := group(e, paths.BadgePattern, s.requireUser)
	badge.GET(paths.BadgePattern, s.handleBadge)
	badge.GET(paths.BadgeDownloadPattern, s.handleBadgeDownload)
	badge.GET(paths.BadgeBakedPattern, s.handleBadgeBaked)
	badge.POST(paths.BadgeCheckPattern, s.handleBadgeCheck, limitBadgeCheck)
	badge.GET(paths.BadgeDeletePattern, s.handleBadgeDeleteForm)
	badge.POST(paths.BadgeDeletePattern, s.handleBadgeDelete)
	badge.POST(paths.BadgeVisibilityPattern, s.handleBadgeVisibility)
	badge.GET(paths.BadgeCollectionsPattern, s.handleBadgeCollectionsForm)
	badge.POST(paths.BadgeCollectionsPattern, s.handleBadgeCollections)

	// The public verifier: anonymous, rate-limited per client, a bounded
	// number at once per process; its POST takes a badge file.
	e.GET(paths.Verify, s.handleVerifyForm)
	s.routeBodyLimit(http.MethodPost, paths.Verify, s.verifyBodyLimit)
	e.POST(paths.Verify, s.handleVerify, limitVerify, queueVerify)

	// Sign-in: anonymous, rate-limited per client IP.
	auth := group(e, "", s.signInRateLimit(), s.loopbackHost)
	auth.GET(paths.SignIn, s.handleSignIn)
	auth.GET(paths.DevSignIn, s.handleDevSignInForm)
	auth.POST(paths.DevSignIn, s.handleDevSignIn)
	auth.GET(paths.AuthStartPattern, s.handleAuthStart)
	auth.GET(paths.AuthCallbackPattern, s.handleAuthCallback)
	e.GET(paths.SignOut, s.handleSignOutLink)
	e.POST(paths.SignOut, s.handleSignOut)

	// The account: signed-in, always the user's own.
	acct := group(e, paths.Account, s.requireUser)
	acct.GET(paths.Account, s.handleAccount)
	acct.POST(paths.AccountLanguage, s.handleAccountLanguage)
	acct.POST(paths.SignOutEverywhere, s.handleSignOutEverywhere)
	acct.POST(paths.UnlinkPattern, s.handleUnlink)
	acct.GET(paths.DeleteAccount, s.handleDeleteAccountForm)
	acct.POST(paths.DeleteAccount, s.handleDeleteAccount)
	acct.GET(paths.Emails, s.handleEmails)
	acct.POST(paths.Emails, s.handleEmailAdd)
	acct.GET(paths.EmailConfirm, s.handleEmailConfirmForm)
	acct.POST(paths.EmailConfirm, s.handleEmailConfirm)
	acct.POST(paths.EmailRemovePattern, s.handleEmailRemove) // owner
	acct.GET(paths.ProfileEdit, s.handleProfileForm)
	acct.POST(paths.ProfileEdit, s.handleProfileSave)         // owner
	acct.POST(paths.AppDisconnectPattern, s.handleDisconnect) // owner: a connected platform
	// "Download everything" and its re-import (a ZIP up to maxArchiveBytes).
	acct.GET(paths.Export, s.handleExport)
	acct.GET(paths.ImportArchive, s.handleImportArchiveForm)
	s.routeBodyLimit(http.MethodPost, paths.ImportArchive, middleware.BodyLimit(fmt.Sprintf("%dB", maxArchiveBytes+1<<20)))
	acct.POST(paths.ImportArchive, s.handleImportArchive)

	// The development mail outbox (the handler answers 404 unless on).
	e.GET(paths.Outbox, s.handleOutbox)

	// Import files, a web address or pasted badge data: signed-in; the
	// POST takes several badge images at once.
	e.GET(paths.Import, s.handleImportForm, s.requireUser)
	s.routeBodyLimit(http.MethodPost, paths.Import, s.importBodyLimit)
	e.POST(paths.Import, s.handleImport, s.requireUser)

	// Collections: signed-in; one collection (/collections/:id) owner only.
	colls := group(e, paths.Collections, s.requireUser)
	colls.GET(paths.Collections, s.handleCollections)
	colls.POST(paths.Collections, s.handleCollectionCreate)
	colls.GET(paths.CollectionsAdd, s.handleCollectionOrganise)
	colls.POST(paths.CollectionsAdd, s.handleCollectionsAddBadges)
	coll := colls.group(paths.CollectionPattern)
	coll.GET(paths.CollectionPattern, s.handleCollection)
	coll.GET(paths.CollectionEditPattern, s.handleCollectionEditForm)
	coll.POST(paths.CollectionEditPattern, s.handleCollectionEdit)
	coll.GET(paths.CollectionDeletePattern, s.handleCollectionDeleteForm)
	coll.POST(paths.CollectionDeletePattern, s.handleCollectionDelete)
	coll.GET(paths.CollectionVisibilityPattern, s.handleCollectionVisibilityForm)
	coll.POST(paths.CollectionVisibilityPattern, s.handleCollectionVisibility)
	coll.GET(paths.CollectionReplaceLinkPattern, s.handleCollectionReplaceLinkForm)
	coll.POST(paths.CollectionReplaceLinkPattern, s.handleCollectionReplaceLink)
	coll.GET(paths.CollectionAddPattern, s.handleCollectionAddForm)
	coll.POST(paths.CollectionBadgesPattern, s.handleCollectionAddBadges)
	coll.POST(paths.CollectionMakeBadgesPublicPattern, s.handleCollectionMakeBadgesPublic)
	coll.POST(paths.CollectionMovePattern, s.handleCollectionMove)
	coll.POST(paths.CollectionRemovePattern, s.handleCollectionRemove)
	// The automatic groupings (by issuer, by tag): signed-in.
	e.GET(paths.CollectionGroups, s.handleCollectionGroups, s.requireUser)

	// Public pages: anonymous, showing only what is public. "Verify now"
	// fetches from the issuer, so it is rate-limited per client.
	e.GET(paths.PublicProfilePattern, s.handlePublicProfile)
	e.GET(paths.PublicCollectionPattern, s.handlePublicCollection)
	e.GET(paths.PublicBadgePattern, s.handlePublicBadge)
	e.POST(paths.PublicBadgeVerifyPattern, s.handlePublicBadgeVerify, limitPublicVerify)
	e.GET(paths.UnlistedCollectionPattern, s.handleUnlistedCollection)

	// Sharing public pages: anonymous. The Mastodon redirect, oEmbed,
	// share pictures and QR codes.
	e.GET(paths.MastodonShare, s.handleMastodonShare)
	e.GET(paths.OEmbed, s.handleOEmbed)
	e.GET(paths.ProfileShareImagePattern, s.handleProfileShareImage)
	e.GET(paths.BadgeShareImagePattern, s.handleBadgeShareImage)
	e.GET(paths.ProfileQRPNGPattern, s.handleProfileQR)
	e.GET(paths.ProfileQRSVGPattern, s.handleProfileQR)
	e.GET(paths.BadgeQRPNGPattern, s.handleBadgeQR)
	e.GET(paths.BadgeQRSVGPattern, s.handleBadgeQR)

	// The Open Badges APIs, for learning platforms (only when the operator
	// published the policies they need: requireAPI). Discovery and the
	// manifest are anonymous; registration is anonymous and rate-limited;
	// the authorization endpoint sends the learner to the consent page,
	// which needs a signed-in learner; the token and revocation endpoints
	// take the platform's HTTP Basic credentials; the resource endpoints
	// a bearer token with the scope named. None has a session or CSRF
	// cookie (sessionless) but the consent page.
	e.GET(paths.OB3Discovery, s.handleDiscovery, s.requireAPI)
	e.GET(paths.BadgeConnectManifest, s.handleBadgeConnectManifest, s.requireAPI)
	e.POST(paths.OAuthRegister, s.handleRegister, s.requireAPI, limitRegister)
	e.GET(paths.OAuthAuthorize, s.handleAuthorize, s.requireAPI)
	e.GET(paths.OAuthConsentPattern, s.handleConsent, s.requireAPI, s.requireUser)
	e.POST(paths.OAuthConsentPattern, s.handleConsentAnswer, s.requireAPI, s.requireUser)
	e.POST(paths.OAuthToken, s.handleToken, s.requireAPI)
	e.POST(paths.OAuthRevoke, s.handleRevoke, s.requireAPI)
	e.GET(paths.OB3Credentials, s.handleOB3Credentials, s.requireAPI, s.requireToken(obapi.ScopeCredentialReadonly))
	s.routeBodyLimit(http.MethodPost, paths.OB3Credentials, pushBodyLimit)
	e.POST(paths.OB3Credentials, s.handleOB3Upsert, s.requireAPI, s.requireToken(obapi.ScopeCredentialUpsert))
	e.GET(paths.OB3Profile, s.handleOB3Profile, s.requireAPI, s.requireToken(obapi.ScopeProfileReadonly))
	e.PUT(paths.OB3Profile, s.handleOB3ProfileUpdate, s.requireAPI, s.requireToken(obapi.ScopeProfileUpdate))
	e.GET(paths.BadgeConnectAssertions, s.handleBCAssertions, s.requireAPI, s.requireToken(obapi.ScopeAssertionReadonly))
	s.routeBodyLimit(http.MethodPost, paths.BadgeConnectAssertions, pushBodyLimit)
	e.POST(paths.BadgeConnectAssertions, s.handleBCPostAssertion, s.requireAPI, s.requireToken(obapi.ScopeAssertionCreate))
	e.GET(paths.BadgeConnectProfile, s.handleBCProfile, s.requireAPI, s.requireToken(obapi.ScopeBCProfileReadonly))
	e.POST(paths.BadgeConnectProfile, s.handleBCProfileUpdate, s.requireAPI, s.requireToken(obapi.ScopeBCProfileUpdate))

	// Embeds: anonymous, and the only pages other sites may frame.
	embed := group(e, "/embed", allowFraming)
	embed.GET(paths.EmbedBadgePattern, s.handleEmbedBadge)
	embed.GET(paths.EmbedCollectionPattern, s.handleEmbedCollection)
	embed.GET(paths.EmbedSignaturePattern, s.handleEmbedSignature)
}

// routeGroup is an echo group whose routes are registered by their full
// pattern, so the table names each route as internal/paths does.
type routeGroup struct {
	g      *echo.Group
	prefix string
}

// group starts a group of routes under prefix, guarded by m.
func group(e *echo.Echo, prefix string, m ...echo.MiddlewareFunc) routeGroup {
	return routeGroup{e.Group(prefix, m...), prefix}
}

// group starts a group inside g; it keeps g's middleware.
func (g routeGroup) group(prefix string, m ...echo.MiddlewareFunc) routeGroup {
	return routeGroup{g.g.Group(g.under(prefix), m...), prefix}
}

func (g routeGroup) GET(pattern string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	g.g.GET(g.under(pattern), h, m...)
}

func (g routeGroup) POST(pattern string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	g.g.POST(g.under(pattern), h, m...)
}

// under is pattern relative to the group; a pattern outside it is a
// mistake in the table, found when the server starts.
func (g routeGroup) under(pattern string) string {
	rest, ok := strings.CutPrefix(pattern, g.prefix)
	if !ok {
		panic("web: route " + pattern + " is not under its group " + g.prefix)
	}
	return rest
}
