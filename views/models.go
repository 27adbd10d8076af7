package views

import "time"

// Shell is what the layout around every page needs to know.
type Shell struct {
	Title    string     // the page's own title; the layout adds " · Satchel"
	User     *ShellUser // nil for visitors
	Flashes  []Flash
	DevLogin bool // the development sign-in is on: every page says so
}

// ShellUser is the signed-in person, as the header shows them.
type ShellUser struct {
	Name string
}

// Flash kinds. Errors are announced at once (role="alert"); the others
// politely (role="status").
const (
	FlashSuccess = "success"
	FlashError   = "error"
	FlashInfo    = "info"
)

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // FlashSuccess, FlashError or FlashInfo
	Message string
}

// Provider is a sign-in provider a button can start, e.g. {ID: "github",
// Label: "GitHub"}; its flow starts at /auth/{ID}.
type Provider struct {
	ID    string
	Label string
}

// SignIn is the sign-in page.
type SignIn struct {
	Providers []Provider
	Dev       bool   // offer the development sign-in
	Error     string // why the last attempt failed, in words a learner can act on
}

// DevForm is the development sign-in form, with the input kept when it is
// shown again and a message per field name ("name", "email") that failed.
type DevForm struct {
	Name   string
	Email  string
	Errors map[string]string
}

// Account is the account page.
type Account struct {
	Name          string
	Logins        []Login
	LinkProviders []Provider // providers not yet linked that could be
	Language      string     // the language kept with the account ("es"), "" for automatic
	// Apps are the platforms connected through the Open Badges APIs;
	// AppsOffered says whether this Satchel offers those APIs at all.
	Apps        []ConnectedApp
	AppsOffered bool
}

// Login is one linked sign-in.
type Login struct {
	Provider      string // provider ID, used in the unlink URL
	Label         string // e.g. "GitHub"
	Email         string
	EmailVerified bool
	LinkedAt      time.Time
	CanUnlink     bool // false for the last remaining sign-in
}

// ErrorView is an error page.
type ErrorView struct {
	Status  int
	Title   string
	Message string
}
