package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/mail"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// devOutbox is the Mailer of local development: it keeps each message in
// the database, where /dev/outbox shows it to any process, and logs it.
type devOutbox struct {
	db  *store.DB
	log *slog.Logger
}

func (o devOutbox) Send(ctx context.Context, m mail.Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	id, err := o.db.AddToOutbox(ctx, store.OutboxMessage{To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML})
	if err != nil {
		return err
	}
	o.log.Info("email kept in the development outbox (not sent)", "outbox_id", id, "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

// mailer is how this server sends email: the configured sender, else the
// development outbox when it is on, else nil (email cannot be sent).
func (s *Server) mailer() Mailer {
	switch {
	case s.opts.Mail != nil:
		return s.opts.Mail
	case s.opts.DevOutbox:
		return devOutbox{db: s.db, log: s.log}
	}
	return nil
}

// outboxShown is how many messages the outbox page lists.
const outboxShown = 50

// handleOutbox shows the development outbox; without it the page does not
// exist.
func (s *Server) handleOutbox(c echo.Context) error {
	if !s.opts.DevOutbox || s.opts.Mail != nil {
		return notFoundIn(c, tr(c, "errors.page_not_found_message"))
	}
	msgs, err := s.db.Outbox(c.Request().Context(), outboxShown)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(s.baseURL.String(), "/") + "/"
	var v views.Outbox
	for _, m := range msgs {
		om := views.OutboxMessage{ID: m.ID, To: m.To, Subject: m.Subject, SentAt: m.CreatedAt, HTML: m.HTML}
		for _, line := range strings.Split(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n") {
			l := views.OutboxLine{Text: line}
			// Only links to this server become clickable.
			if t := strings.TrimSpace(line); strings.HasPrefix(t, base) && !strings.ContainsAny(t, " \t<>\"") {
				l.Link = t
			}
			om.Lines = append(om.Lines, l)
		}
		v.Messages = append(v.Messages, om)
	}
	return s.render(c, http.StatusOK, views.OutboxPage(s.shell(c, tr(c, "dev.outbox.title")), v))
}
