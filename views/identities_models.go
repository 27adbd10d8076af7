package views

import (
	"net/url"
	"time"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/views/components"
)

// EmailConfirmURL is the link sent by email: base (the public base URL,
// without a trailing slash) plus the confirmation path and token.
func EmailConfirmURL(base, token string) string {
	return base + paths.EmailConfirm + "?token=" + url.QueryEscape(token)
}

// Emails is the page listing the learner's email addresses.
type Emails struct {
	Provided []ProvidedEmail // from sign-in providers, not removable here
	Added    []AddedEmail
	Form     AddEmailForm
	// CanSend is false when this server has no way to send email; then
	// addresses cannot be added.
	CanSend bool
	// DevOutbox: mail goes to the development outbox, which the page links.
	DevOutbox bool
}

// ProvidedEmail is an address a sign-in provider reported.
type ProvidedEmail struct {
	Email    string
	Provider string // label, e.g. "GitHub"
	Verified bool   // the provider vouched for it
}

// AddedEmail is an address the learner added.
type AddedEmail struct {
	ID          int64
	Email       string
	AddedAt     time.Time
	ConfirmedAt time.Time // zero while waiting for confirmation
}

// Confirmed reports whether the address has been confirmed.
func (e AddedEmail) Confirmed() bool { return !e.ConfirmedAt.IsZero() }

// AddEmailForm is the add-an-address form, with the input kept when it is
// shown again and what is wrong with it.
type AddEmailForm struct {
	Email string
	Error string
}

func (f AddEmailForm) errors() []components.FieldError {
	if f.Error == "" {
		return nil
	}
	return []components.FieldError{{ID: "add-email", Message: f.Error}}
}

// ConfirmEmail is the page a confirmation link opens: a button that
// confirms (so that a mail scanner following the link confirms nothing),
// or why the link cannot be used.
type ConfirmEmail struct {
	Token     string
	Email     string
	ExpiresAt time.Time
	Problem   string // set when the link cannot be used
}

// ConfirmMail is the confirmation email's content.
type ConfirmMail struct {
	// The address being confirmed. The account's name is left out on
	// purpose: it is whatever the account holder typed, and the mail goes
	// to an address they do not yet control.
	Email string
	Link  string // absolute
	Hours int    // how long the link works
}

// Outbox is the development outbox page.
type Outbox struct {
	Messages []OutboxMessage
}

// OutboxMessage is one kept email, its text body split into lines so that
// the page can make links clickable.
type OutboxMessage struct {
	ID      int64
	To      string
	Subject string
	SentAt  time.Time
	Lines   []OutboxLine
	HTML    string // the HTML body's source, shown as text
}

// OutboxLine is a line of text, or a link when Link is set.
type OutboxLine struct {
	Text string
	Link string
}
