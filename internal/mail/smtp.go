package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"strconv"
	"time"
)

// TLS modes of an SMTP connection.
const (
	StartTLS    = "starttls" // plain connection upgraded with STARTTLS, which must be offered (port 587)
	ImplicitTLS = "tls"      // TLS from the first byte (port 465)
	NoTLS       = "none"     // no encryption: only for a relay on this machine
)

// DefaultPort is the usual port of each TLS mode.
func DefaultPort(mode string) int {
	switch mode {
	case ImplicitTLS:
		return 465
	case NoTLS:
		return 25
	}
	return 587
}

// SMTPOptions configure an SMTP sender.
type SMTPOptions struct {
	Host     string
	Port     int // 0: DefaultPort(TLS)
	Username string
	Password string
	From     string // the sender address
	TLS      string // StartTLS (default), ImplicitTLS or NoTLS
	// Timeout bounds a whole delivery, from dialling to QUIT. Zero means
	// 30 seconds.
	Timeout time.Duration
	// TLSConfig, if set, is cloned for the connection (tests use it for
	// their own certificate authority); ServerName defaults to Host.
	TLSConfig *tls.Config
	// HelloName is sent in EHLO; empty means "localhost".
	HelloName string
	// Now is the clock for the Date header; nil means time.Now.
	Now func() time.Time
}

// SMTP delivers messages to one SMTP server (a submission server or relay).
// It opens one connection per message.
type SMTP struct {
	opts SMTPOptions
	from *mail.Address
	addr string
}

// NewSMTP checks the options and returns a sender.
func NewSMTP(o SMTPOptions) (*SMTP, error) {
	if o.Host == "" {
		return nil, errors.New("mail: no SMTP host")
	}
	if o.TLS == "" {
		o.TLS = StartTLS
	}
	switch o.TLS {
	case StartTLS, ImplicitTLS, NoTLS:
	default:
		return nil, fmt.Errorf("mail: TLS mode %q is not one of starttls, tls, none", o.TLS)
	}
	if o.Port == 0 {
		o.Port = DefaultPort(o.TLS)
	}
	if o.Port < 1 || o.Port > 65535 {
		return nil, fmt.Errorf("mail: port %d is out of range", o.Port)
	}
	from, err := ParseAddress(o.From)
	if err != nil {
		return nil, fmt.Errorf("mail: sender: %w", err)
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.HelloName == "" {
		o.HelloName = "localhost"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &SMTP{opts: o, from: from, addr: net.JoinHostPort(o.Host, strconv.Itoa(o.Port))}, nil
}

// From is the sender address.
func (s *SMTP) From() string { return s.from.Address }

func (s *SMTP) tlsConfig() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.opts.TLSConfig != nil {
		c = s.opts.TLSConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.opts.Host
	}
	return c
}

// Send delivers m. It gives up when ctx ends or the Timeout passes,
// whichever is first. Credentials are only sent over TLS, or in the clear
// to a server on this machine (net/smtp's PlainAuth refuses otherwise).
func (s *SMTP) Send(ctx context.Context, m Message) (err error) {
	data, err := Format(s.from, m, s.opts.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	defer func() {
		if err != nil {
			err = fmt.Errorf("mail: send via %s: %w", s.addr, err)
		}
	}()

	d := &net.Dialer{Timeout: s.opts.Timeout}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return ctxErr(ctx, err)
	}
	defer conn.Close()
	// Every read and write stops at the deadline, and at once if ctx is
	// cancelled: net/smtp has no context of its own.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if s.opts.TLS == ImplicitTLS {
		tc := tls.Client(conn, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("TLS handshake: %w", ctxErr(ctx, err))
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.opts.Host)
	if err != nil {
		return ctxErr(ctx, err)
	}
	defer c.Close()
	if err := c.Hello(s.opts.HelloName); err != nil {
		return ctxErr(ctx, err)
	}
	if s.opts.TLS == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("the server does not offer STARTTLS; set SATCHEL_SMTP_TLS=tls for a TLS port, or none only for a relay on this machine")
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return fmt.Errorf("STARTTLS: %w", ctxErr(ctx, err))
		}
	}
	if s.opts.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("the server does not offer authentication (AUTH) but a username is configured")
		}
		if err := c.Auth(smtp.PlainAuth("", s.opts.Username, s.opts.Password, s.opts.Host)); err != nil {
			return fmt.Errorf("authenticate: %w", ctxErr(ctx, err))
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", ctxErr(ctx, err))
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("RCPT TO: %w", ctxErr(ctx, err))
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", ctxErr(ctx, err))
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("DATA: %w", ctxErr(ctx, err))
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", ctxErr(ctx, err))
	}
	// The message is accepted once DATA is; a failed QUIT does not undo it.
	_ = c.Quit()
	return nil
}

// ctxErr prefers the context's reason (deadline, cancellation) to the
// I/O error it caused.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	// The connection's deadline is the context's: it may pass a moment
	// before the context notices.
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	return err
}
