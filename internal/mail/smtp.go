package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"
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
	FromName string // the sender's display name, e.g. "Satchel"; empty for none
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
	if !utf8.ValidString(o.FromName) || strings.ContainsAny(o.FromName, "\r\n") {
		return nil, fmt.Errorf("mail: sender name %q is not one line of UTF-8", o.FromName)
	}
	from.Name = o.FromName
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
// whichever is first. With StartTLS the server must offer STARTTLS; with a
// username it must offer AUTH PLAIN, and the password is only sent over
// TLS, or in the clear to a server on this machine.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := compose(s.from, m, s.opts.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()

	c, err := gomail.NewClient(s.opts.Host, s.clientOptions(ctx)...)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	conn, err := c.DialToSMTPClientWithContext(ctx)
	if err == nil {
		// The message is accepted once DATA is; a failed RSET or QUIT
		// after it does not undo that.
		defer c.CloseWithSMTPClient(conn)
		err = c.SendWithSMTPClient(conn, msg)
	}
	if err != nil && !msg.IsDelivered() {
		return fmt.Errorf("mail: send via %s (%s): %w", s.addr, s.opts.TLS, ctxErr(ctx, err))
	}
	return nil
}

// clientOptions configure go-mail for one delivery bounded by ctx.
func (s *SMTP) clientOptions(ctx context.Context) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithTimeout(s.opts.Timeout),
		gomail.WithHELO(s.opts.HelloName),
		gomail.WithTLSConfig(s.tlsConfig()),
		gomail.WithDialContextFunc(s.dialer(ctx)),
	}
	switch s.opts.TLS {
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.opts.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(s.opts.Username), gomail.WithPassword(s.opts.Password))
	}
	// Last, so that no option above moves the port.
	return append(opts, gomail.WithPort(s.opts.Port))
}

// dialer connects, in TLS from the first byte for ImplicitTLS, and closes
// the connection when ctx ends: go-mail bounds each step by its timeout
// but watches no context once connected, so this is what stops a delivery
// at once when the request that asked for it goes away.
func (s *SMTP) dialer(ctx context.Context) gomail.DialContextFunc {
	return func(dctx context.Context, network, addr string) (net.Conn, error) {
		d := &net.Dialer{}
		var conn net.Conn
		var err error
		if s.opts.TLS == ImplicitTLS {
			// A *tls.Conn, not a wrapper, so that the SMTP client knows
			// the connection is encrypted.
			conn, err = (&tls.Dialer{NetDialer: d, Config: s.tlsConfig()}).DialContext(dctx, network, addr)
		} else {
			conn, err = d.DialContext(dctx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		context.AfterFunc(ctx, func() { conn.Close() })
		return conn, nil
	}
}

// ctxErr prefers the context's reason (deadline, cancellation) to the
// I/O error it caused.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	// go-mail's deadline for each step is the Timeout too: it may pass a
	// moment before the context notices.
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	return err
}
