package mail_test

import (
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	satchelmail "github.com/satchel-backpack/satchel/internal/mail"
)

// FuzzFormat: whatever a learner types as their address (and whatever a
// subject or body holds), a message that Format accepts parses back with
// exactly that one recipient and subject, and no header the input smuggled
// in.
func FuzzFormat(f *testing.F) {
	f.Add("ada@example.org", "Confirm", "Hello\n.\nbye")
	f.Add("ada@example.org\r\nBcc: x@example.org", "hi", "x")
	f.Add("\"a b\"@example.org", "Ünïcödé — subject", "body\r\n\r\nBcc: x@example.org")
	f.Add("a@[127.0.0.1]", "=?utf-8?q?Bcc:_x?=", "x")
	f.Fuzz(func(t *testing.T, to, subject, text string) {
		from := &mail.Address{Address: "satchel@school.example"}
		out, err := satchelmail.Format(from, satchelmail.Message{To: to, Subject: subject, Text: text}, time.Unix(0, 0))
		if err != nil {
			return
		}
		msg, err := mail.ReadMessage(strings.NewReader(string(out)))
		if err != nil {
			t.Fatalf("unparseable:\n%q", out)
		}
		if msg.Header.Get("Bcc") != "" || msg.Header.Get("Cc") != "" || len(msg.Header["To"]) != 1 || len(msg.Header["Subject"]) != 1 {
			t.Fatalf("headers injected: %v", msg.Header)
		}
		addrs, err := msg.Header.AddressList("To")
		if err != nil || len(addrs) != 1 || addrs[0].Address != to {
			t.Fatalf("To = %v (%v), want %q", addrs, err, to)
		}
		if got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil || got != strings.TrimSpace(subject) {
			t.Fatalf("Subject = %q (%v), want %q", got, err, strings.TrimSpace(subject))
		}
	})
}
