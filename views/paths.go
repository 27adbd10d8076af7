package views

import "net/url"

// The URLs pages link to and post to. They are the web package's routes; they
// are named here once so a changed route is a one-line change.
const (
	pathHome              = "/"
	pathSignIn            = "/signin"
	pathDevSignIn         = "/auth/dev"
	pathSignOut           = "/auth/signout"
	pathAccount           = "/account"
	pathSignOutEverywhere = "/account/signout-everywhere"
	pathDeleteAccount     = "/account/delete"
	pathImport            = "/import"
	pathAddEmail          = "/account/emails"
)

// BadgePath is the owner's page of one badge, by its public id.
func BadgePath(publicID string) string {
	return "/badges/" + url.PathEscape(publicID)
}

// authPath is where the sign-in (or link) flow for a provider starts.
func authPath(providerID string) string {
	return "/auth/" + url.PathEscape(providerID)
}

// unlinkPath removes a linked sign-in.
func unlinkPath(providerID string) string {
	return "/account/logins/" + url.PathEscape(providerID) + "/unlink"
}
