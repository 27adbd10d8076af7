// Package mail sends email: a Message with a plain-text and an HTML body,
// composed as MIME and delivered over SMTP (STARTTLS, implicit TLS or, for
// a relay on this machine, plain), with authentication and time limits.
// The MIME and the SMTP conversation are go-mail's; this package decides
// what may be sent and how the connection must be protected.
package mail

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"
)

// Message is one email to one recipient.
type Message struct {
	To      string // an address, e.g. ada@example.org
	Subject string
	Text    string // plain-text body; required
	HTML    string // HTML body; optional
}

// Validate checks what would make a message unsendable or let it inject
// headers.
func (m Message) Validate() error {
	if _, err := ParseAddress(m.To); err != nil {
		return fmt.Errorf("mail: recipient: %w", err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return errors.New("mail: the subject contains a line break")
	}
	if strings.Contains(m.Subject, "=?") {
		// An ASCII subject is sent as it is, and mail clients would
		// decode this as the start of an RFC 2047 encoded word.
		return errors.New(`mail: the subject contains "=?"`)
	}
	if !utf8.ValidString(m.Subject) || !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML) {
		return errors.New("mail: the message is not valid UTF-8")
	}
	if len(m.Subject) > maxSubject {
		return fmt.Errorf("mail: the subject is longer than %d bytes", maxSubject)
	}
	if strings.TrimSpace(m.Text) == "" {
		return errors.New("mail: the message has no text body")
	}
	return nil
}

// maxSubject keeps the Subject header to a few folded lines.
const maxSubject = 400

// ParseAddress accepts a bare address ("ada@example.org") and nothing
// else: no display name, no comments, no line breaks, at most 254 bytes.
func ParseAddress(s string) (*mail.Address, error) {
	if len(s) > 254 || strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("%q is not an email address", s)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return nil, fmt.Errorf("%q is not an email address", s)
	}
	return a, nil
}

// compose turns m into a go-mail message from from, dated date:
// multipart/alternative (text, then HTML) when there is an HTML body,
// otherwise plain text; UTF-8, quoted-printable, with display names and
// the subject as RFC 2047 encoded words where they need it.
func compose(from *mail.Address, m Message, date time.Time) (*gomail.Msg, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	// Without the default User-Agent, which names the library and its
	// version.
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(from)
	msg.ToMailAddress(&mail.Address{Address: m.To})
	msg.Subject(strings.TrimSpace(m.Subject))
	msg.SetDateWithValue(date)
	msg.SetMessageIDWithValue(rand.Text() + "@" + domain(from.Address))
	// Tell mail systems not to auto-reply (RFC 3834).
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// domain is the part of addr after the @, for the Message-ID: the
// sender's domain rather than this machine's host name.
func domain(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 && at < len(addr)-1 {
		return addr[at+1:]
	}
	return "satchel.invalid"
}
