// Package paths names every path the application serves, once: handlers
// redirect to them, pages link to them, tests request them, and
// web/routes.go registers its routes from the same patterns.
//
// A fixed path is a constant, used as both the route and the link. A path
// with parameters has a pattern (echo's ":name" syntax) and a function that
// fills it in, escaping each argument as a path segment.
package paths

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/satchel-backpack/satchel/internal/obapi"
)

// Fixed paths.
const (
	Home              = "/"
	Healthz           = "/healthz" // alive
	Readyz            = "/readyz"  // ready: database reachable, schema current
	Metrics           = "/metrics" // Prometheus metrics, with a bearer token
	Backpack          = "/backpack"
	CollectionGroups  = "/backpack/groups" // the automatic groupings
	Verify            = "/verify"          // the public verifier
	SignIn            = "/signin"
	DevSignIn         = "/auth/dev"
	SignOut           = "/auth/signout"
	Account           = "/account"
	AccountLanguage   = "/account/language" // the learner's language, kept with the account
	Language          = "/language"         // the language menu's choice, kept in a cookie
	SignOutEverywhere = "/account/signout-everywhere"
	DeleteAccount     = "/account/delete"
	Emails            = "/account/emails"
	EmailConfirm      = "/account/emails/confirm"
	ProfileEdit       = "/account/profile" // the learner's public profile, to edit
	Export            = "/account/export"
	ImportArchive     = "/account/import-archive"
	Outbox            = "/dev/outbox"
	Import            = "/import"
	Collections       = "/collections"
	CollectionsAdd    = "/collections/add-badges" // several badges into one collection
	MastodonShare     = "/share/mastodon"
	OEmbed            = "/oembed"

	// The OAuth 2.0 authorization server through which learning platforms
	// connect (the Open Badges 3.0 API and Badge Connect 2.1 share it).
	OAuthRegister  = "/oauth/register"  // RFC 7591 dynamic client registration
	OAuthAuthorize = "/oauth/authorize" // RFC 6749 § 3.1; sends the learner to OAuthConsent
	OAuthToken     = "/oauth/token"     // RFC 6749 § 3.2
	OAuthRevoke    = "/oauth/revoke"    // RFC 7009

	// The Open Badges APIs' own paths, fixed by the specifications.
	OB3Discovery           = obapi.DiscoveryPath
	OB3Credentials         = obapi.CredentialsPath
	OB3Profile             = obapi.ProfilePath
	BadgeConnectManifest   = obapi.BadgeConnectManifestPath
	BadgeConnectAssertions = obapi.AssertionsPath
	BadgeConnectProfile    = obapi.BadgeConnectProfilePath
)

// Patterns of the paths with parameters, as web/routes.go registers them.
const (
	ImagePattern = "/images/:hash"

	BadgePattern            = "/badges/:id"
	BadgeDownloadPattern    = BadgePattern + "/download"
	BadgeBakedPattern       = BadgePattern + "/baked"
	BadgeCheckPattern       = BadgePattern + "/check"
	BadgeDeletePattern      = BadgePattern + "/delete"
	BadgeVisibilityPattern  = BadgePattern + "/visibility"
	BadgeCollectionsPattern = BadgePattern + "/collections"

	AuthStartPattern     = "/auth/:provider"
	AuthCallbackPattern  = AuthStartPattern + "/callback"
	UnlinkPattern        = "/account/logins/:provider/unlink"
	EmailRemovePattern   = "/account/emails/:id/remove"
	AppDisconnectPattern = "/account/apps/:id/disconnect"
	OAuthConsentPattern  = "/oauth/consent/:id" // the learner allows or denies a platform's request

	CollectionPattern                 = "/collections/:id"
	CollectionEditPattern             = CollectionPattern + "/edit"
	CollectionDeletePattern           = CollectionPattern + "/delete"
	CollectionVisibilityPattern       = CollectionPattern + "/visibility"
	CollectionReplaceLinkPattern      = CollectionPattern + "/replace-link"
	CollectionAddPattern              = CollectionPattern + "/add"
	CollectionBadgesPattern           = CollectionPattern + "/badges"
	CollectionMakeBadgesPublicPattern = CollectionPattern + "/make-badges-public"
	CollectionMovePattern             = CollectionPattern + "/badges/:badge/move"
	CollectionRemovePattern           = CollectionPattern + "/badges/:badge/remove"
	UnlistedCollectionPattern         = "/c/:token"
	PublicProfilePattern              = "/u/:handle"
	PublicCollectionPattern           = PublicProfilePattern + "/:slug"
	PublicBadgePattern                = PublicProfilePattern + "/badges/:badge"
	PublicBadgeVerifyPattern          = PublicBadgePattern + "/verify"
	ProfileShareImagePattern          = PublicProfilePattern + "/share.png"
	ProfileQRPNGPattern               = PublicProfilePattern + "/qr.png"
	ProfileQRSVGPattern               = PublicProfilePattern + "/qr.svg"
	BadgeShareImagePattern            = PublicBadgePattern + "/share.png"
	BadgeQRPNGPattern                 = PublicBadgePattern + "/qr.png"
	BadgeQRSVGPattern                 = PublicBadgePattern + "/qr.svg"
	EmbedBadgePattern                 = "/embed/badges/:handle/:badge"
	EmbedCollectionPattern            = "/embed/collections/:handle/:slug"
	EmbedSignaturePattern             = "/embed/signature/:handle"
)

// Image is a stored image, by its content hash.
func Image(hash string) string { return fill(ImagePattern, hash) }

// Badge is the owner's page of one badge, by its public id; BadgeDownload
// to BadgeCollections are that badge's forms and actions.
func Badge(id string) string            { return fill(BadgePattern, id) }
func BadgeDownload(id string) string    { return fill(BadgeDownloadPattern, id) }
func BadgeBaked(id string) string       { return fill(BadgeBakedPattern, id) }
func BadgeCheck(id string) string       { return fill(BadgeCheckPattern, id) }
func BadgeDelete(id string) string      { return fill(BadgeDeletePattern, id) }
func BadgeVisibility(id string) string  { return fill(BadgeVisibilityPattern, id) }
func BadgeCollections(id string) string { return fill(BadgeCollectionsPattern, id) }

// AuthStart starts the sign-in (or link) flow with a provider; the
// provider sends the browser back to AuthCallback.
func AuthStart(provider string) string    { return fill(AuthStartPattern, provider) }
func AuthCallback(provider string) string { return fill(AuthCallbackPattern, provider) }

// Unlink removes a linked sign-in from the account.
func Unlink(provider string) string { return fill(UnlinkPattern, provider) }

// EmailRemove removes one of the learner's email addresses, by its id.
func EmailRemove(id int64) string { return fill(EmailRemovePattern, strconv.FormatInt(id, 10)) }

// AppDisconnect disconnects a platform from the learner's backpack, by its
// grant's id.
func AppDisconnect(id int64) string { return fill(AppDisconnectPattern, strconv.FormatInt(id, 10)) }

// OAuthConsent is the consent page of one authorization request.
func OAuthConsent(id string) string { return fill(OAuthConsentPattern, id) }

// Collection is the owner's page of one collection, by its public id;
// CollectionEdit to CollectionMakeBadgesPublic are its forms and actions.
func Collection(id string) string                 { return fill(CollectionPattern, id) }
func CollectionEdit(id string) string             { return fill(CollectionEditPattern, id) }
func CollectionDelete(id string) string           { return fill(CollectionDeletePattern, id) }
func CollectionVisibility(id string) string       { return fill(CollectionVisibilityPattern, id) }
func CollectionReplaceLink(id string) string      { return fill(CollectionReplaceLinkPattern, id) }
func CollectionAdd(id string) string              { return fill(CollectionAddPattern, id) }
func CollectionBadges(id string) string           { return fill(CollectionBadgesPattern, id) }
func CollectionMakeBadgesPublic(id string) string { return fill(CollectionMakeBadgesPublicPattern, id) }

// CollectionMove and CollectionRemove act on one badge of a collection.
func CollectionMove(id, badge string) string   { return fill(CollectionMovePattern, id, badge) }
func CollectionRemove(id, badge string) string { return fill(CollectionRemovePattern, id, badge) }

// UnlistedCollection is a collection shared by a secret link.
func UnlistedCollection(token string) string { return fill(UnlistedCollectionPattern, token) }

// PublicProfile is a learner's public page; PublicCollection and
// PublicBadge are public pages below it, and PublicBadgeVerify checks that
// badge again.
func PublicProfile(handle string) string { return fill(PublicProfilePattern, handle) }
func PublicCollection(handle, slug string) string {
	return fill(PublicCollectionPattern, handle, slug)
}
func PublicBadge(handle, badge string) string { return fill(PublicBadgePattern, handle, badge) }
func PublicBadgeVerify(handle, badge string) string {
	return fill(PublicBadgeVerifyPattern, handle, badge)
}

// ProfileShareImage, ProfileQRPNG and ProfileQRSVG are a public profile's
// share picture and QR codes; BadgeShareImage, BadgeQRPNG and BadgeQRSVG a
// public badge's.
func ProfileShareImage(handle string) string { return fill(ProfileShareImagePattern, handle) }
func ProfileQRPNG(handle string) string      { return fill(ProfileQRPNGPattern, handle) }
func ProfileQRSVG(handle string) string      { return fill(ProfileQRSVGPattern, handle) }
func BadgeShareImage(handle, badge string) string {
	return fill(BadgeShareImagePattern, handle, badge)
}
func BadgeQRPNG(handle, badge string) string { return fill(BadgeQRPNGPattern, handle, badge) }
func BadgeQRSVG(handle, badge string) string { return fill(BadgeQRSVGPattern, handle, badge) }

// EmbedBadge, EmbedCollection and EmbedSignature are the cards other sites
// may frame.
func EmbedBadge(handle, badge string) string { return fill(EmbedBadgePattern, handle, badge) }
func EmbedCollection(handle, slug string) string {
	return fill(EmbedCollectionPattern, handle, slug)
}
func EmbedSignature(handle string) string { return fill(EmbedSignaturePattern, handle) }

// fill puts args, each escaped as a path segment, in place of pattern's
// parameters, in order. A wrong count is a bug in this file: it panics.
func fill(pattern string, args ...string) string {
	var b strings.Builder
	b.Grow(len(pattern) + 24*len(args))
	for rest := pattern; rest != ""; {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
		end := strings.IndexByte(rest, '/')
		if end < 0 {
			end = len(rest)
		}
		if len(args) == 0 {
			panic("paths: too few arguments for " + pattern)
		}
		b.WriteString(url.PathEscape(args[0]))
		args, rest = args[1:], rest[end:]
	}
	if len(args) != 0 {
		panic("paths: too many arguments for " + pattern)
	}
	return b.String()
}

// Params reports whether path is one that pattern's builder makes: the
// same number of segments, the fixed ones equal, and each ":name" one a
// non-empty segment. It returns the parameters, unescaped, in the
// pattern's order. Code that must recognise this site's own addresses
// (oEmbed, share links) asks Params rather than spell the paths again.
func Params(pattern, path string) ([]string, bool) {
	want, got := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(want) != len(got) {
		return nil, false
	}
	var params []string
	for i, w := range want {
		if !strings.HasPrefix(w, ":") {
			if got[i] != w {
				return nil, false
			}
			continue
		}
		v, err := url.PathUnescape(got[i])
		if err != nil || v == "" {
			return nil, false
		}
		params = append(params, v)
	}
	return params, true
}

// Prefix is the fixed part of pattern before its first parameter, such as
// "/images/" for ImagePattern: a cookie's path, a prefix to skip.
func Prefix(pattern string) string {
	if i := strings.IndexByte(pattern, ':'); i >= 0 {
		return pattern[:i]
	}
	return pattern
}
