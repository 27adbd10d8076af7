package main

import (
	"log/slog"
	"net/url"

	"github.com/satchel-backpack/satchel/internal/config"
	"github.com/satchel-backpack/satchel/internal/mail"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/web"
)

// mailOptions chooses how the server sends email: the configured SMTP
// server; else, in local development, the development outbox; else none
// (learners then cannot add email addresses).
func mailOptions(cfg *config.Config, base *url.URL, log *slog.Logger) (sender web.Mailer, devOutbox bool, err error) {
	if cfg.SMTP.Host == "" {
		if cfg.DevOutbox() {
			log.Info("email is not sent: it goes to the development outbox and this log", "outbox", base.String()+paths.Outbox)
			return nil, true, nil
		}
		log.Warn("no SMTP server is configured, so learners cannot add email addresses; set SATCHEL_SMTP_HOST and SATCHEL_SMTP_FROM")
		return nil, false, nil
	}
	s, err := mail.NewSMTP(mail.SMTPOptions{
		Host:      cfg.SMTP.Host,
		Port:      cfg.SMTP.Port,
		Username:  cfg.SMTP.Username,
		Password:  cfg.SMTP.Password,
		From:      cfg.SMTP.From,
		FromName:  "Satchel",
		TLS:       cfg.SMTP.TLS,
		HelloName: base.Hostname(),
	})
	if err != nil {
		return nil, false, &config.Error{Var: "SATCHEL_SMTP_HOST", Msg: err.Error()}
	}
	log.Info("email goes out through SMTP", "host", cfg.SMTP.Host, "port", cfg.SMTP.Port, "tls", cfg.SMTP.TLS, "from", cfg.SMTP.From)
	return s, false, nil
}
