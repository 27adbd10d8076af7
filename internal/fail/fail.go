// Package fail is Satchel's one error type: a code that says what kind of
// failure it is, a message safe to show to the person who asked, and the
// technical cause for the log.
//
// The use cases (internal/backpack) and the store return *Error for every
// failure a person can act on; anything else is internal. The web layer
// maps the code to an HTTP status and an error page or JSON body in one
// function (web/errors.go), logging the cause and never showing it.
package fail

import (
	"context"
	"errors"
	"fmt"

	"github.com/satchel-backpack/satchel/internal/i18n"
)

// Code classifies a failure. Its string is stable: it names the failure in
// JSON bodies and logs.
type Code string

// The codes, from the asker's point of view.
const (
	// Internal is anything unexpected: the person sees a generic message.
	Internal Code = "internal"
	// NotFound: there is no such thing (or it is not theirs to see).
	NotFound Code = "not_found"
	// Invalid: the request was understood but what it asks is refused
	// (a bad field, a rule of the backpack).
	Invalid Code = "invalid"
	// Malformed: the request itself could not be read.
	Malformed Code = "malformed"
	// Conflict: it clashes with what is already there.
	Conflict Code = "conflict"
	// Unauthorized: sign in first.
	Unauthorized Code = "unauthorized"
	// Forbidden: signed in (or not), but not allowed.
	Forbidden Code = "forbidden"
	// TooLarge: more than Satchel accepts at once.
	TooLarge Code = "too_large"
	// RateLimited: too many requests; try again later.
	RateLimited Code = "rate_limited"
	// Unavailable: something Satchel depends on (an issuer, a mail server)
	// could not be reached; often temporary.
	Unavailable Code = "unavailable"
	// Unsupported: a format or feature Satchel does not offer.
	Unsupported Code = "unsupported"
)

// Error is the one error type. Message is safe to show; Title, when set, is
// a short heading for an error page (the code's own heading otherwise); Err
// is the cause, for the log only.
type Error struct {
	Code    Code
	Message string
	Title   string
	Err     error
	// MessageID, when set, is the catalog message that says Message in the
	// asker's language, with Vars its values; TitleID likewise for Title.
	// Message and Title stay the English, for logs and for callers with
	// no language.
	MessageID string
	Vars      map[string]string
	TitleID   string
	// Says, when set, say Message in the asker's language as phrases,
	// whose numbers and counts are written the language's way; they come
	// before MessageID.
	Says []i18n.Phrase
}

func (e *Error) Error() string {
	s := string(e.Code)
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with code and a message safe to show.
func New(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// Errorf returns an error with code and a formatted message safe to show.
// Only the values given are formatted: there is no %w, since a cause must
// not reach the message; use Wrap for that.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error with code and a message safe to show, keeping err
// as the cause for the log and for errors.Is / errors.As.
func Wrap(code Code, message string, err error) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// Say sets the catalog message that says Message in another language,
// with its values as name, value pairs, and returns e.
func (e *Error) Say(id string, kv ...string) *Error {
	e.MessageID = id
	if len(kv) > 0 {
		e.Vars = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			e.Vars[kv[i]] = kv[i+1]
		}
	}
	return e
}

// SayPhrases sets the phrases that say Message in another language (a
// message with numbers or a count), and returns e.
func (e *Error) SayPhrases(ps ...i18n.Phrase) *Error {
	e.Says = ps
	return e
}

// SayTitle sets the catalog message that says Title in another language,
// and returns e.
func (e *Error) SayTitle(id string) *Error {
	e.TitleID = id
	return e
}

// MessageIn is the message in the context's language: its catalog
// message when it has one, else Message.
func (e *Error) MessageIn(ctx context.Context) string {
	if len(e.Says) > 0 {
		return i18n.Say(ctx, e.Says...)
	}
	if e.MessageID == "" {
		return e.Message
	}
	vars := i18n.Vars{}
	for k, v := range e.Vars {
		vars[k] = v
	}
	return i18n.T(ctx, e.MessageID, vars)
}

// Phrases are the phrases that say Message in another language: Says,
// or the catalog message MessageID with Vars; nil when there are none.
func (e *Error) Phrases() []i18n.Phrase {
	switch {
	case len(e.Says) > 0:
		return e.Says
	case e.MessageID != "":
		return []i18n.Phrase{{ID: e.MessageID, Vars: e.Vars}}
	}
	return nil
}

// TitleIn is the title in the context's language ("" when there is none).
func (e *Error) TitleIn(ctx context.Context) string {
	if e.TitleID == "" {
		return e.Title
	}
	return i18n.T(ctx, e.TitleID)
}

// WithTitle sets the page heading and returns e.
func (e *Error) WithTitle(title string) *Error {
	e.Title = title
	return e
}

// CodeOf returns the code of the first *Error in err's chain: Internal when
// there is none, "" when err is nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Message returns the safe message of the first *Error in err's chain, or
// "" when there is none (an internal error, whose text is never shown).
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

// MessageIn returns the safe message of the first *Error in err's chain
// in the context's language, or "" when there is none.
func MessageIn(ctx context.Context, err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.MessageIn(ctx)
	}
	return ""
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }
