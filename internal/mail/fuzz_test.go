package mail_test

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	satchelmail "github.com/satchel-backpack/satchel/internal/mail"
)

// FuzzMessage: whatever a learner types as their address (and whatever a
// subject or body holds), a message that is accepted parses back with
// exactly that one recipient, that subject and that text, and no header
// the input smuggled in.
func FuzzMessage(f *testing.F) {
	f.Add("ada@example.org", "Confirm", "Hello\n.\nbye")
	f.Add("ada@example.org\r\nBcc: x@example.org", "hi", "x")
	f.Add("\"a b\"@example.org", "Ünïcödé — subject", "body\r\n\r\nBcc: x@example.org")
	f.Add("a@[127.0.0.1]", "=?utf-8?q?Bcc:_x?=", "x")
	f.Fuzz(func(t *testing.T, to, subject, text string) {
		from := &mail.Address{Name: "Zoë Ångström", Address: "satchel@school.example"}
		out, err := satchelmail.Render(from, satchelmail.Message{To: to, Subject: subject, Text: text}, time.Unix(0, 0))
		if err != nil {
			return
		}
		msg, err := mail.ReadMessage(strings.NewReader(string(out)))
		if err != nil {
			t.Fatalf("unparseable:\n%q", out)
		}
		if msg.Header.Get("Bcc") != "" || msg.Header.Get("Cc") != "" || len(msg.Header["To"]) != 1 || len(msg.Header["Subject"]) != 1 || len(msg.Header["From"]) != 1 {
			t.Fatalf("headers injected: %v", msg.Header)
		}
		addrs, err := msg.Header.AddressList("To")
		if err != nil || len(addrs) != 1 || addrs[0].Address != to {
			t.Fatalf("To = %v (%v), want %q", addrs, err, to)
		}
		if got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil || got != strings.TrimSpace(subject) {
			t.Fatalf("Subject = %q (%v), want %q", got, err, strings.TrimSpace(subject))
		}
		body, err := io.ReadAll(decodeBody(t, msg))
		if err != nil || normalise(string(body)) != normalise(text) {
			t.Fatalf("body = %q (%v), want %q", body, err, text)
		}
	})
}

// decodeBody reads a plain-text message's body as a mail client would.
func decodeBody(t *testing.T, msg *mail.Message) io.Reader {
	t.Helper()
	if cte := msg.Header.Get("Content-Transfer-Encoding"); !strings.EqualFold(cte, "quoted-printable") {
		t.Fatalf("Content-Transfer-Encoding %q", cte)
	}
	return quotedprintable.NewReader(msg.Body)
}

// normalise makes line endings alike: mail has CRLF, Go strings often LF.
func normalise(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
