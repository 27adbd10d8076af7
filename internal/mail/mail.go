// Package mail sends email: a Message with a plain-text and an HTML body,
// formatted as MIME and delivered over SMTP (STARTTLS, implicit TLS or, for
// a relay on this machine, plain), with authentication and time limits.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"
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

// Format returns the message as RFC 5322 bytes with CRLF line endings:
// multipart/alternative (text, then HTML) when there is an HTML body,
// otherwise plain text; bodies quoted-printable in UTF-8.
func Format(from *mail.Address, m Message, date time.Time) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", from.String())
	h("To", "<"+m.To+">")
	h("Subject", encodeHeader(strings.TrimSpace(m.Subject)))
	h("Date", date.Format(time.RFC1123Z))
	h("Message-ID", messageID(from.Address))
	h("MIME-Version", "1.0")
	// Tell mail systems not to auto-reply (RFC 3834).
	h("Auto-Submitted", "auto-generated")
	if m.HTML == "" {
		h("Content-Type", `text/plain; charset="utf-8"`)
		h("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h("Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + `; charset="utf-8"`},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, part.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

// maxSubject keeps the Subject header well within line limits.
const maxSubject = 400

// encodeHeader writes plain ASCII as it is and anything else (non-ASCII,
// controls, or text that would read as an encoded word) as RFC 2047
// base64 encoded words of whole characters, folded so no line is long.
func encodeHeader(s string) string {
	plain := !strings.Contains(s, "=?")
	for i := 0; plain && i < len(s); i++ {
		plain = s[i] >= 0x20 && s[i] < 0x7f
	}
	if plain {
		return s
	}
	var words []string
	for len(s) > 0 {
		n := 0
		for n < len(s) {
			_, l := utf8.DecodeRuneInString(s[n:])
			if n+l > 45 && n > 0 {
				break
			}
			n += l
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, "\r\n ")
}

func writeQP(w interface{ Write([]byte) (int, error) }, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(s)); err != nil {
		return err
	}
	return qp.Close()
}

func messageID(from string) string {
	domain := "satchel.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = from[at+1:]
	}
	var r [16]byte
	rand.Read(r[:])
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">"
}
