package mail_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/badgetest"
	satchelmail "github.com/satchel-backpack/satchel/internal/mail"
)

// smtpServer is a tiny SMTP server on loopback that records what clients
// send. It speaks just enough of RFC 5321 for an SMTP client: EHLO,
// STARTTLS (with a self-signed certificate), AUTH PLAIN, MAIL, RCPT, DATA,
// RSET, NOOP, QUIT.
type smtpServer struct {
	t        *testing.T
	ln       net.Listener
	cert     tls.Certificate
	implicit bool // TLS from the first byte
	starttls bool // offer STARTTLS
	auth     bool // offer AUTH PLAIN
	silent   bool // accept connections and never answer

	mu   sync.Mutex
	got  []received
	wg   sync.WaitGroup
	done chan struct{}
}

type received struct {
	TLS        bool
	User, Pass string
	From       string
	To         []string
	Data       []byte
}

func startSMTP(t *testing.T, configure func(*smtpServer)) *smtpServer {
	t.Helper()
	s := &smtpServer{t: t, cert: testCert(t), done: make(chan struct{})}
	if configure != nil {
		configure(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if s.implicit {
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{s.cert}})
	}
	s.ln = ln
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				if s.silent {
					<-s.done
					return
				}
				s.serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		close(s.done)
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *smtpServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

func (s *smtpServer) serve(c net.Conn) {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	_, isTLS := c.(*tls.Conn)
	tp := textproto.NewConn(c)
	tp.PrintfLine("220 test.invalid ESMTP ready")
	var cur received
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"test.invalid greets you"}
			if s.starttls && !isTLS {
				lines = append(lines, "STARTTLS")
			}
			if s.auth {
				lines = append(lines, "AUTH PLAIN")
			}
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				tp.PrintfLine("250%s%s", sep, l)
			}
		case "STARTTLS":
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{s.cert}})
			if err := tc.Handshake(); err != nil {
				return
			}
			c, isTLS = tc, true
			tp = textproto.NewConn(c)
			cur = received{}
		case "AUTH":
			mech, ir, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(ir)
			parts := strings.Split(string(raw), "\x00")
			if strings.ToUpper(mech) != "PLAIN" || err != nil || len(parts) != 3 {
				tp.PrintfLine("535 bad auth")
				continue
			}
			if parts[2] != "secret-password" {
				tp.PrintfLine("535 5.7.8 authentication failed")
				continue
			}
			cur.User, cur.Pass = parts[1], parts[2]
			tp.PrintfLine("235 ok")
		case "MAIL":
			cur.From = pathArg(arg, "FROM:")
			tp.PrintfLine("250 ok")
		case "RCPT":
			cur.To = append(cur.To, pathArg(arg, "TO:"))
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data, cur.TLS = data, isTLS
			s.mu.Lock()
			s.got = append(s.got, cur)
			s.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "RSET", "NOOP":
			tp.PrintfLine("250 ok")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 not implemented")
		}
	}
}

// pathArg takes the address out of "FROM:<a@b> BODY=8BITMIME".
func pathArg(arg, prefix string) string {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return ""
	}
	path, _, _ := strings.Cut(arg[len(prefix):], " ")
	return strings.Trim(path, "<>")
}

// testCert is a self-signed certificate for 127.0.0.1 and localhost.
func testCert(t *testing.T) tls.Certificate {
	t.Helper()
	cert, _ := badgetest.MustTLSCert(t, "localhost", "127.0.0.1")
	return cert
}

func trusting(cert tls.Certificate) *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	return &tls.Config{RootCAs: pool}
}

// testMessage and testFromName are not ASCII where mail clients most often
// get it wrong: the subject and the sender's display name.
var testMessage = satchelmail.Message{
	To:      "ada@example.org",
	Subject: "Confirmez votre adresse — Satchel",
	Text:    "Hello Ada,\n\nOpen this link: http://localhost:8080/account/emails/confirm?token=abc\n",
	HTML:    `<p>Hello Ada,</p><p><a href="http://localhost:8080/account/emails/confirm?token=abc">Confirm</a></p>`,
}

const testFromName = "Zoë Ångström"

func TestSMTP_DeliversOverEachTLSMode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode      string
		configure func(*smtpServer)
		user      string
	}{
		{satchelmail.StartTLS, func(s *smtpServer) { s.starttls, s.auth = true, true }, "satchel"},
		{satchelmail.ImplicitTLS, func(s *smtpServer) { s.implicit, s.auth = true, true }, "satchel"},
		{satchelmail.NoTLS, nil, ""},
		// Plain AUTH in the clear is allowed only because the server is on loopback.
		{satchelmail.NoTLS, func(s *smtpServer) { s.auth = true }, "satchel"},
	} {
		t.Run(tc.mode+"/"+tc.user, func(t *testing.T) {
			srv := startSMTP(t, tc.configure)
			s, err := satchelmail.NewSMTP(satchelmail.SMTPOptions{
				Host: "127.0.0.1", Port: srv.port(), TLS: tc.mode,
				Username: tc.user, Password: "secret-password",
				From: "satchel@school.example", FromName: testFromName, TLSConfig: trusting(srv.cert),
				Now: func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) },
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send(context.Background(), testMessage); err != nil {
				t.Fatal(err)
			}
			got := srv.messages()
			if len(got) != 1 {
				t.Fatalf("server received %d messages", len(got))
			}
			r := got[0]
			if r.TLS != (tc.mode != satchelmail.NoTLS) || r.User != tc.user || r.From != "satchel@school.example" ||
				len(r.To) != 1 || r.To[0] != "ada@example.org" {
				t.Fatalf("envelope: %+v", r)
			}
			checkMessage(t, r.Data)
		})
	}
}

// checkMessage parses the DATA as a mail client would.
func checkMessage(t *testing.T, data []byte) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("unparseable message: %v\n%s", err, data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != testMessage.Subject {
		t.Errorf("subject %q (%v)", subject, err)
	}
	if from, err := msg.Header.AddressList("From"); err != nil || len(from) != 1 || from[0].Address != "satchel@school.example" || from[0].Name != testFromName {
		t.Errorf("From %v (%v) in %q, want %q <satchel@school.example>", from, err, msg.Header.Get("From"), testFromName)
	}
	if to, _ := msg.Header.AddressList("To"); len(to) != 1 || to[0].Address != "ada@example.org" {
		t.Errorf("To %v", to)
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("Date %v %v", d, err)
	}
	if msg.Header.Get("Message-ID") == "" {
		t.Error("no Message-ID")
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q", msg.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var bodies []string
	var types []string
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		types = append(types, ct)
		bodies = append(bodies, strings.ReplaceAll(string(b), "\r\n", "\n"))
	}
	if len(bodies) != 2 || types[0] != "text/plain" || types[1] != "text/html" ||
		bodies[0] != testMessage.Text || bodies[1] != testMessage.HTML {
		t.Errorf("parts %q: %q", types, bodies)
	}
}

func TestSMTP_Refusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		configure func(*smtpServer)
		opts      satchelmail.SMTPOptions
		want      string
	}{
		{"starttls required but not offered", func(s *smtpServer) { s.auth = true },
			satchelmail.SMTPOptions{TLS: satchelmail.StartTLS}, "does not support STARTTLS"},
		{"untrusted certificate", func(s *smtpServer) { s.starttls = true },
			satchelmail.SMTPOptions{TLS: satchelmail.StartTLS, TLSConfig: &tls.Config{}}, "certificate"},
		{"wrong password", func(s *smtpServer) { s.starttls, s.auth = true, true },
			satchelmail.SMTPOptions{TLS: satchelmail.StartTLS, Username: "satchel", Password: "wrong"}, "authentication failed"},
		{"username but no AUTH", func(s *smtpServer) { s.starttls = true },
			satchelmail.SMTPOptions{TLS: satchelmail.StartTLS, Username: "satchel", Password: "secret-password"}, "does not support SMTP AUTH"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSMTP(t, tc.configure)
			o := tc.opts
			o.Host, o.Port, o.From = "127.0.0.1", srv.port(), "satchel@school.example"
			if o.TLSConfig == nil {
				o.TLSConfig = trusting(srv.cert)
			}
			s, err := satchelmail.NewSMTP(o)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Send(context.Background(), testMessage)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Send: %v, want an error mentioning %q", err, tc.want)
			}
			if n := len(srv.messages()); n != 0 {
				t.Fatalf("%d messages delivered", n)
			}
		})
	}
}

func TestSMTP_SilentServerTimesOutAndCancels(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, func(s *smtpServer) { s.silent = true })
	s, err := satchelmail.NewSMTP(satchelmail.SMTPOptions{Host: "127.0.0.1", Port: srv.port(), TLS: satchelmail.NoTLS,
		From: "satchel@school.example", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), testMessage); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send to a silent server: %v, want a deadline error", err)
	}

	s, _ = satchelmail.NewSMTP(satchelmail.SMTPOptions{Host: "127.0.0.1", Port: srv.port(), TLS: satchelmail.NoTLS,
		From: "satchel@school.example", Timeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	if err := s.Send(ctx, testMessage); !errors.Is(err, context.Canceled) {
		t.Fatalf("Send with a cancelled context: %v, want context.Canceled", err)
	}
}

func TestNewSMTP_RefusesBadOptions(t *testing.T) {
	t.Parallel()
	for _, o := range []satchelmail.SMTPOptions{
		{Host: "", From: "a@example.org"},
		{Host: "mail.example.org", From: "not an address"},
		{Host: "mail.example.org", From: "Satchel <a@example.org>"},
		{Host: "mail.example.org", From: "a@example.org", TLS: "ssl"},
		{Host: "mail.example.org", From: "a@example.org", Port: 70000},
		{Host: "mail.example.org", From: "a@example.org", FromName: "Satchel\r\nBcc: x@example.org"},
	} {
		if _, err := satchelmail.NewSMTP(o); err == nil {
			t.Errorf("NewSMTP(%+v) accepted", o)
		}
	}
	s, err := satchelmail.NewSMTP(satchelmail.SMTPOptions{Host: "mail.example.org", From: "a@example.org", TLS: satchelmail.ImplicitTLS})
	if err != nil || s.From() != "a@example.org" {
		t.Fatalf("NewSMTP: %v", err)
	}
}

func TestRender_RefusesHeaderInjectionAndBadRecipients(t *testing.T) {
	t.Parallel()
	from := &mail.Address{Address: "satchel@school.example"}
	for _, m := range []satchelmail.Message{
		{To: "ada@example.org", Subject: "hi\r\nBcc: victim@example.org", Text: "x"},
		{To: "ada@example.org\r\nBcc: victim@example.org", Subject: "hi", Text: "x"},
		{To: "Ada <ada@example.org>", Subject: "hi", Text: "x"},
		{To: "ada@example.org, bob@example.org", Subject: "hi", Text: "x"},
		{To: "ada@example.org", Subject: "hi", Text: "  "},
	} {
		if _, err := satchelmail.Render(from, m, time.Now()); err == nil {
			t.Errorf("Render accepted %+v", m)
		}
	}
	out, err := satchelmail.Render(from, satchelmail.Message{To: "ada@example.org", Subject: "Plain", Text: "only text é"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(out)))
	if err != nil || !strings.HasPrefix(msg.Header.Get("Content-Type"), "text/plain") || msg.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
		t.Fatalf("plain message: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "\r\n\r\n") || strings.Contains(strings.ReplaceAll(string(out), "\r\n", ""), "\n") {
		t.Errorf("line endings are not CRLF:\n%q", out)
	}
}
