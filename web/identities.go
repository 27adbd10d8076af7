package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/mail"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// Mailer sends email: *mail.SMTP in production, the development outbox in
// local development.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// mailSendTimeout bounds sending one email within a request.
const mailSendTimeout = 20 * time.Second

func (s *Server) handleEmails(c echo.Context) error {
	return s.renderEmails(c, http.StatusOK, views.AddEmailForm{})
}

// renderEmails shows the email addresses page with the add form as given.
func (s *Server) renderEmails(c echo.Context, status int, form views.AddEmailForm) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	logins, err := s.db.Logins(ctx, u.ID)
	if err != nil {
		return err
	}
	added, err := s.db.UserEmails(ctx, u.ID)
	if err != nil {
		return err
	}
	v := views.Emails{Form: form, CanSend: s.mailer() != nil, DevOutbox: s.opts.Mail == nil && s.opts.DevOutbox}
	for _, l := range logins {
		if strings.TrimSpace(l.Email) == "" {
			continue
		}
		v.Provided = append(v.Provided, views.ProvidedEmail{Email: l.Email, Provider: s.providerLabel(c, l.Provider), Verified: l.EmailVerified})
	}
	for _, e := range added {
		v.Added = append(v.Added, views.AddedEmail{ID: e.ID, Email: e.Email, AddedAt: e.AddedAt, ConfirmedAt: e.ConfirmedAt})
	}
	return s.render(c, status, views.EmailsPage(s.shell(c, tr(c, "emails.title")), v))
}

// providerLabel names a sign-in provider: its configured name, or for the
// development sign-in its name in the request's language.
func (s *Server) providerLabel(c echo.Context, id string) string {
	if id == devID {
		return tr(c, "dev.title")
	}
	if p, ok := s.providers[id]; ok {
		return p.label
	}
	return id
}

// handleEmailAdd adds an address (or re-sends its link) and emails a
// confirmation link to it.
func (s *Server) handleEmailAdd(c echo.Context) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	form := views.AddEmailForm{Email: strings.TrimSpace(c.FormValue("email"))}
	refuse := func(status int, msg string) error {
		form.Error = msg
		return s.renderEmails(c, status, form)
	}
	switch {
	case form.Email == "":
		return refuse(http.StatusUnprocessableEntity, tr(c, "emails.enter_email"))
	case len(form.Email) > 254:
		return refuse(http.StatusUnprocessableEntity, tr(c, "emails.too_long"))
	}
	if _, err := mail.ParseAddress(form.Email); err != nil {
		return refuse(http.StatusUnprocessableEntity, tr(c, "emails.invalid"))
	}
	sender := s.mailer()
	if sender == nil {
		return refuse(http.StatusServiceUnavailable, tr(c, "emails.cannot_send"))
	}
	logins, err := s.db.Logins(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, l := range logins {
		if l.EmailVerified && strings.EqualFold(strings.TrimSpace(l.Email), form.Email) {
			return refuse(http.StatusUnprocessableEntity, tr(c, "emails.already_verified", i18n.Vars{"Email": l.Email, "Provider": s.providerLabel(c, l.Provider)}))
		}
	}

	token, ue, err := s.db.RequestEmailConfirmation(ctx, u.ID, form.Email, s.now())
	if err != nil {
		switch {
		case errors.Is(err, store.ErrEmailRateLimit):
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(store.EmailResendInterval.Seconds())))
			return refuse(http.StatusTooManyRequests, fail.MessageIn(c.Request().Context(), err))
		case fail.CodeOf(err) != fail.Internal:
			return refuse(http.StatusUnprocessableEntity, fail.MessageIn(c.Request().Context(), err))
		}
		return err
	}
	msg, err := s.confirmationMail(c, ue.Email, token)
	if err != nil {
		return err
	}
	sendCtx, cancel := context.WithTimeout(ctx, mailSendTimeout)
	defer cancel()
	if err := sender.Send(sendCtx, msg); err != nil {
		logger(c).Error("send confirmation email", "email_id", ue.ID, "err", err)
		return refuse(http.StatusServiceUnavailable, tr(c, "emails.send_failed"))
	}
	logger(c).Info("confirmation email sent", "email_id", ue.ID)
	s.flash(c, views.FlashSuccess, tr(c, "emails.sent", i18n.Vars{"Email": ue.Email}))
	return c.Redirect(http.StatusSeeOther, paths.Emails)
}

// confirmationMail is the email that carries the confirmation link.
func (s *Server) confirmationMail(c echo.Context, email, token string) (mail.Message, error) {
	m := views.ConfirmMail{
		Email: email,
		Link:  views.EmailConfirmURL(strings.TrimSuffix(s.baseURL.String(), "/"), token),
		Hours: int(store.EmailTokenTTL / time.Hour),
	}
	var html bytes.Buffer
	if err := views.ConfirmEmailMail(m).Render(c.Request().Context(), &html); err != nil {
		return mail.Message{}, fmt.Errorf("web: render confirmation email: %w", err)
	}
	// The plain-text body says the same as the HTML one, in the language
	// of the request that sends it.
	ctx := c.Request().Context()
	text := strings.Join([]string{
		i18n.T(ctx, "mail.confirm.hello"),
		i18n.T(ctx, "mail.confirm.asked", i18n.Vars{"Email": m.Email}),
		i18n.T(ctx, "mail.confirm.open"),
		m.Link,
		i18n.N(ctx, "mail.confirm.once", m.Hours),
		"Satchel",
	}, "\n\n") + "\n"
	return mail.Message{To: email, Subject: i18n.T(ctx, "mail.confirm.subject"), Text: text, HTML: html.String()}, nil
}

// tokenStatus is the status of a page that refuses a confirmation link.
func tokenStatus(err error) int {
	switch {
	case errors.Is(err, store.ErrTokenUnknown):
		return http.StatusNotFound
	case errors.Is(err, store.ErrTokenWrongUser):
		return http.StatusForbidden
	case errors.Is(err, store.ErrTokenUsed), errors.Is(err, store.ErrTokenExpired):
		return http.StatusGone
	}
	return http.StatusUnprocessableEntity
}

// handleEmailConfirmForm is where the emailed link leads: it shows what
// the link confirms and a button, and uses nothing up, so that a mail
// scanner that follows links confirms nothing.
func (s *Server) handleEmailConfirmForm(c echo.Context) error {
	// The token is in this page's URL: keep it out of Referer headers.
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	u := currentUser(c)
	token := c.QueryParam("token")
	sh := s.shell(c, tr(c, "emails.confirm.title"))
	p, err := s.db.EmailConfirmation(c.Request().Context(), u.ID, token, s.now())
	if err != nil {
		if fail.CodeOf(err) == fail.Internal {
			return err
		}
		logger(c).Info("confirmation link refused", "err", err)
		return s.render(c, tokenStatus(err), views.ConfirmEmailPage(sh, views.ConfirmEmail{Problem: fail.MessageIn(c.Request().Context(), err)}))
	}
	return s.render(c, http.StatusOK, views.ConfirmEmailPage(sh, views.ConfirmEmail{Token: token, Email: p.Email, ExpiresAt: p.ExpiresAt}))
}

// handleEmailConfirm uses the token up and marks its address confirmed,
// if it was issued to the signed-in user.
func (s *Server) handleEmailConfirm(c echo.Context) error {
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	u := currentUser(c)
	ue, err := s.db.ConfirmEmail(c.Request().Context(), u.ID, c.FormValue("token"), s.now())
	if err != nil {
		if fail.CodeOf(err) == fail.Internal {
			return err
		}
		logger(c).Info("confirmation refused", "err", err)
		return s.render(c, tokenStatus(err), views.ConfirmEmailPage(s.shell(c, tr(c, "emails.confirm.title")), views.ConfirmEmail{Problem: fail.MessageIn(c.Request().Context(), err)}))
	}
	logger(c).Info("email confirmed", "email_id", ue.ID)
	s.flash(c, views.FlashSuccess, tr(c, "emails.confirmed_flash", i18n.Vars{"Email": ue.Email}))
	return c.Redirect(http.StatusSeeOther, paths.Emails)
}

// handleEmailRemove removes an added address. Badges already claimed with
// it stay, each marked with the identifier it matched.
func (s *Server) handleEmailRemove(c echo.Context) error {
	u := currentUser(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return notFoundIn(c, tr(c, "emails.not_yours"))
	}
	ue, err := s.db.RemoveEmail(c.Request().Context(), u.ID, id)
	if err != nil {
		if fail.CodeOf(err) == fail.NotFound {
			s.flash(c, views.FlashError, fail.MessageIn(c.Request().Context(), err))
			return c.Redirect(http.StatusSeeOther, paths.Emails)
		}
		return err
	}
	logger(c).Info("email removed", "email_id", ue.ID)
	s.flash(c, views.FlashSuccess, tr(c, "emails.removed", i18n.Vars{"Email": ue.Email}))
	return c.Redirect(http.StatusSeeOther, paths.Emails)
}
