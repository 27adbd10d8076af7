package web_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/mail"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/web"
)

// emailClock is a settable clock for web.Options.Now.
type emailClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *emailClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *emailClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// startWithOutbox boots a server whose email goes to the development
// outbox, on a clock the test moves.
func startWithOutbox(t *testing.T) (*env, *emailClock) {
	t.Helper()
	clk := &emailClock{t: time.Now()}
	e := MustStart(t, func(o *web.Options) {
		o.DevOutbox = true
		o.Now = clk.now
	})
	return e, clk
}

func devUserID(t *testing.T, e *env, email string) int64 {
	t.Helper()
	u, err := e.db.UserByLogin(context.Background(), "dev", "dev:"+strings.ToLower(email))
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func verified(t *testing.T, e *env, userID int64) []string {
	t.Helper()
	ids, err := e.db.VerifiedIdentifiers(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, id := range ids {
		if id.Type != "email" {
			t.Errorf("identifier type %q", id.Type)
		}
		out = append(out, id.Value)
	}
	return out
}

// addEmail submits the add form and expects success.
func (b *browser) addEmail(email string) *page {
	b.t.Helper()
	p := b.submit(paths.Emails, paths.Emails, url.Values{"email": {email}})
	if p.StatusCode != http.StatusOK || p.Request.URL.Path != paths.Emails {
		b.t.Fatalf("adding %s ended at %s with %d:\n%s\nlogs:\n%s", email, p.Request.URL, p.StatusCode, p.Body, b.e.logs.String())
	}
	return p
}

// outboxLink returns the confirmation link of the newest message to the
// address on the development outbox page.
func (b *browser) outboxLink(to string) string {
	b.t.Helper()
	p := b.get(paths.Outbox)
	if p.StatusCode != http.StatusOK {
		b.t.Fatalf("outbox: %d", p.StatusCode)
	}
	link := ""
	p.Doc.Find(`[data-testid="outbox-message"]`).EachWithBreak(func(_ int, m *goquery.Selection) bool {
		if strings.TrimSpace(m.Find(`[data-testid="outbox-to"]`).Text()) != to {
			return true
		}
		link, _ = m.Find(`a[data-testid="outbox-link"]`).Attr("href")
		return false
	})
	if link == "" {
		b.t.Fatalf("no confirmation link to %s in the outbox:\n%s", to, p.Body)
	}
	return link
}

func TestEmails_AddConfirmWithTheEmailedLinkThenRemove(t *testing.T) {
	t.Parallel()
	e, _ := startWithOutbox(t)
	ada := e.browser()
	ada.devSignIn("Ada Lovelace", "ada@example.org")
	id := devUserID(t, e, "ada@example.org")

	// The account page links to the email addresses page.
	acct := ada.get(paths.Account)
	if href, _ := acct.Doc.Find(`[data-testid="emails-link"]`).Attr("href"); href != paths.Emails {
		t.Fatalf("account page link to emails: %q", href)
	}
	p := ada.get(paths.Emails)
	provided := p.Doc.Find(`[data-testid="provided-email"]`)
	if provided.Length() != 1 || !strings.Contains(provided.Text(), "ada@example.org") || !strings.Contains(provided.Text(), "verified by Development sign-in") {
		t.Fatalf("provided emails: %q", provided.Text())
	}
	if provided.Find("button, form").Length() != 0 {
		t.Fatal("a provider's email offers a remove button")
	}

	p = ada.addEmail("Ada@School.example")
	if f := p.Doc.Find(`[data-flash="success"]`).Text(); !strings.Contains(f, "We sent a link to Ada@School.example") {
		t.Fatalf("flash %q", f)
	}
	pending := p.Doc.Find(`[data-testid="added-email"]`)
	if pending.Length() != 1 || pending.AttrOr("data-confirmed", "") != "false" || !strings.Contains(pending.Text(), "waiting for confirmation") {
		t.Fatalf("pending address: %q", pending.Text())
	}
	if got := verified(t, e, id); len(got) != 1 {
		t.Fatalf("verified before confirming: %v", got)
	}

	// The email holds an absolute link to this server, in text and HTML.
	msgs, err := e.db.Outbox(context.Background(), 10)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox %+v %v", msgs, err)
	}
	link := ada.outboxLink("Ada@School.example")
	if !strings.HasPrefix(link, e.ts.URL+paths.EmailConfirm+"?token=") || !strings.Contains(msgs[0].Text, link) ||
		!strings.Contains(msgs[0].HTML, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) {
		t.Fatalf("link %q; mail:\n%s\n%s", link, msgs[0].Text, msgs[0].HTML)
	}
	// The account's name is the account holder's own text: it stays out of
	// mail sent to an address not yet theirs.
	if strings.Contains(msgs[0].Text+msgs[0].HTML, "Lovelace") {
		t.Error("the confirmation email quotes the account name")
	}
	if !strings.Contains(e.logs.String(), "development outbox") {
		t.Error("the outbox message was not logged")
	}

	// Opening the link (as a mail scanner would) uses nothing up.
	for range 2 {
		cp := ada.get(link)
		if cp.StatusCode != http.StatusOK || strings.TrimSpace(cp.Doc.Find(`[data-testid="confirm-email"]`).Text()) != "Ada@School.example" {
			t.Fatalf("confirm page: %d\n%s", cp.StatusCode, cp.Body)
		}
		if cp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Error("the confirm page may leak its token in Referer")
		}
	}
	if got := verified(t, e, id); len(got) != 1 {
		t.Fatalf("verified by a GET: %v", got)
	}

	p = confirmFrom(t, ada, link)
	if p.StatusCode != http.StatusOK || p.Request.URL.Path != paths.Emails ||
		!strings.Contains(p.Doc.Find(`[data-flash="success"]`).Text(), "Ada@School.example is confirmed") {
		t.Fatalf("confirm: %d at %s\n%s", p.StatusCode, p.Request.URL, p.Body)
	}
	want := []string{"ada@example.org", "Ada@School.example"}
	if got := verified(t, e, id); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("verified = %v, want %v", got, want)
	}
	// A badge issued to the lower-cased address matches the confirmed one.
	b := &badge.Badge{Recipient: badge.Recipient{Type: "email", Identity: "ada@school.example"}}
	ids, _ := e.db.VerifiedIdentifiers(context.Background(), id)
	if m, ok := badge.MatchRecipient(b, ids); !ok || m.Value != "Ada@School.example" {
		t.Fatalf("MatchRecipient = %+v %v", m, ok)
	}

	// The link works once.
	if again := ada.get(link); again.StatusCode != http.StatusGone || !strings.Contains(again.Doc.Find(`[role="alert"]`).Text(), "already been used") {
		t.Fatalf("used link: %d\n%s", again.StatusCode, again.Body)
	}

	// Remove it: no longer verified, and the page says badges stay.
	added := p.Doc.Find(`[data-testid="added-email"]`)
	if added.AttrOr("data-confirmed", "") != "true" || added.Find(`[data-testid="resend"]`).Length() != 0 {
		t.Fatalf("confirmed address: %q", added.Text())
	}
	action, _ := added.Find(`form:has([data-testid="remove"])`).Attr("action")
	p = ada.submit(paths.Emails, action, nil)
	if p.StatusCode != http.StatusOK || !strings.Contains(p.Doc.Find(`[data-flash="success"]`).Text(), "Badges you already added with it stay") {
		t.Fatalf("remove: %d\n%s", p.StatusCode, p.Body)
	}
	if got := verified(t, e, id); len(got) != 1 || got[0] != "ada@example.org" {
		t.Fatalf("verified after removal: %v", got)
	}
	if p.Doc.Find(`[data-testid="added-email"]`).Length() != 0 {
		t.Fatal("removed address still listed")
	}
}

// confirmFrom opens the link's page and presses its confirm button.
func confirmFrom(t *testing.T, b *browser, link string) *page {
	t.Helper()
	cp := b.get(link)
	tok, ok := cp.Doc.Find(`[data-testid="confirm-form"] input[name="token"]`).Attr("value")
	if !ok {
		t.Fatalf("no confirm form on %s (%d):\n%s", link, cp.StatusCode, cp.Body)
	}
	return b.post(paths.EmailConfirm, url.Values{"_csrf": {cp.csrf(t)}, "token": {tok}})
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("token")
}

func TestEmails_ExpiredLinkRefused(t *testing.T) {
	t.Parallel()
	e, clk := startWithOutbox(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	ada.addEmail("ada@school.example")
	link := ada.outboxLink("ada@school.example")
	form := ada.get(paths.Emails)

	clk.advance(store.EmailTokenTTL + time.Second)
	p := ada.get(link)
	if p.StatusCode != http.StatusGone || !strings.Contains(p.Doc.Find(`[role="alert"]`).Text(), "expired") || p.Doc.Find(`[data-testid="confirm-form"]`).Length() != 0 {
		t.Fatalf("expired link page: %d\n%s", p.StatusCode, p.Body)
	}
	// Posting the token directly is refused too.
	p = ada.post(paths.EmailConfirm, url.Values{"_csrf": {form.csrf(t)}, "token": {tokenOf(t, link)}})
	if p.StatusCode != http.StatusGone || !strings.Contains(p.Body, "expired") {
		t.Fatalf("expired confirm: %d\n%s", p.StatusCode, p.Body)
	}
	if got := verified(t, e, devUserID(t, e, "ada@example.org")); len(got) != 1 {
		t.Fatalf("expired link verified: %v", got)
	}
	// A new link can be asked for and works.
	ada.addEmail("ada@school.example")
	if p := confirmFrom(t, ada, ada.outboxLink("ada@school.example")); p.StatusCode != http.StatusOK || p.Request.URL.Path != paths.Emails {
		t.Fatalf("fresh link: %d\n%s", p.StatusCode, p.Body)
	}
	if got := verified(t, e, devUserID(t, e, "ada@example.org")); len(got) != 2 {
		t.Fatalf("after the fresh link: %v", got)
	}
}

func TestEmails_AnotherUsersLinkRefusedAndNotUsedUp(t *testing.T) {
	t.Parallel()
	e, _ := startWithOutbox(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	ada.addEmail("shared@school.example")
	link := ada.outboxLink("shared@school.example")

	bob := e.browser()
	bob.devSignIn("Bob", "bob@example.org")
	p := bob.get(link)
	if p.StatusCode != http.StatusForbidden || !strings.Contains(p.Doc.Find(`[role="alert"]`).Text(), "different Satchel account") ||
		strings.Contains(p.Body, "shared@school.example") {
		t.Fatalf("bob opening ada's link: %d\n%s", p.StatusCode, p.Body)
	}
	p = bob.post(paths.EmailConfirm, url.Values{"_csrf": {bob.get(paths.Emails).csrf(t)}, "token": {tokenOf(t, link)}})
	if p.StatusCode != http.StatusForbidden {
		t.Fatalf("bob confirming ada's token: %d\n%s", p.StatusCode, p.Body)
	}
	if got := verified(t, e, devUserID(t, e, "bob@example.org")); len(got) != 1 {
		t.Fatalf("bob gained %v", got)
	}
	// Ada's link still works for Ada.
	if p := confirmFrom(t, ada, link); p.StatusCode != http.StatusOK || p.Request.URL.Path != paths.Emails {
		t.Fatalf("ada after bob's attempt: %d\n%s", p.StatusCode, p.Body)
	}
	if got := verified(t, e, devUserID(t, e, "ada@example.org")); len(got) != 2 {
		t.Fatalf("ada: %v", got)
	}
}

func TestEmails_UnknownTokenRefused(t *testing.T) {
	t.Parallel()
	e, _ := startWithOutbox(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	for _, q := range []string{"?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "", "?token=%00%FF"} {
		p := ada.get(paths.EmailConfirm + q)
		if p.StatusCode != http.StatusNotFound || !strings.Contains(p.Doc.Find(`[role="alert"]`).Text(), "not valid") {
			t.Fatalf("%q: %d\n%s", q, p.StatusCode, p.Body)
		}
	}
	p := ada.post(paths.EmailConfirm, url.Values{"_csrf": {ada.get(paths.Emails).csrf(t)}, "token": {"nope"}})
	if p.StatusCode != http.StatusNotFound {
		t.Fatalf("posting an unknown token: %d", p.StatusCode)
	}
}

func TestEmails_LinkOpenedSignedOutLeadsBackAfterSignIn(t *testing.T) {
	t.Parallel()
	e, _ := startWithOutbox(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	ada.addEmail("ada@school.example")
	link := ada.outboxLink("ada@school.example")

	// The same person on another device, signed out.
	other := e.browser()
	p := other.get(link)
	if p.Request.URL.Path != paths.SignIn {
		t.Fatalf("signed-out link opened %s", p.Request.URL)
	}
	p = other.devSignIn("Ada", "ada@example.org")
	if p.Request.URL.Path != paths.EmailConfirm || p.Doc.Find(`[data-testid="confirm-form"]`).Length() != 1 {
		t.Fatalf("after sign-in: %s\n%s", p.Request.URL, p.Body)
	}
}

func TestEmails_AddRefusals(t *testing.T) {
	t.Parallel()
	e, _ := startWithOutbox(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	for _, tc := range []struct {
		email  string
		status int
		want   string
	}{
		{"", http.StatusUnprocessableEntity, "Enter the email address"},
		{"not an address", http.StatusUnprocessableEntity, "like name@example.org"},
		{"Ada <ada@school.example>", http.StatusUnprocessableEntity, "like name@example.org"},
		{strings.Repeat("a", 250) + "@example.org", http.StatusUnprocessableEntity, "too long"},
		{"ADA@example.org", http.StatusUnprocessableEntity, "already verified by your Development sign-in"},
	} {
		p := ada.submit(paths.Emails, paths.Emails, url.Values{"email": {tc.email}})
		field := p.Doc.Find(`#add-email`)
		fieldErr := p.Doc.Find(`#add-email-error`)
		if p.StatusCode != tc.status || !strings.Contains(fieldErr.Text(), tc.want) ||
			!strings.Contains(field.AttrOr("aria-describedby", ""), "add-email-error") || field.AttrOr("aria-invalid", "") != "true" ||
			field.AttrOr("value", "") != tc.email || !strings.Contains(p.Doc.Find(`[role="alert"]`).Text(), tc.want) {
			t.Errorf("%q: %d, field error %q\n%s", tc.email, p.StatusCode, fieldErr.Text(), p.Body)
		}
	}
	if msgs, _ := e.db.Outbox(context.Background(), 10); len(msgs) != 0 {
		t.Fatalf("refused adds sent mail: %+v", msgs)
	}
}

func TestEmails_ResendRateLimitedPerUser(t *testing.T) {
	t.Parallel()
	e, clk := startWithOutbox(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	ada.addEmail("ada@school.example")

	// The "send again" button is a form on the list.
	p := ada.get(paths.Emails)
	resend := p.Doc.Find(`form:has([data-testid="resend"])`)
	if v, _ := resend.Find(`input[name="email"]`).Attr("value"); v != "ada@school.example" {
		t.Fatalf("resend form: %q", v)
	}
	p = ada.submit(paths.Emails, paths.Emails, url.Values{"email": {"ada@school.example"}})
	if p.StatusCode != http.StatusTooManyRequests || !strings.Contains(p.Doc.Find(`#add-email-error`).Text(), "less than a minute ago") || p.Header.Get("Retry-After") == "" {
		t.Fatalf("resend at once: %d\n%s", p.StatusCode, p.Body)
	}
	// Another address is limited too: the limit is the user's.
	p = ada.submit(paths.Emails, paths.Emails, url.Values{"email": {"ada@other.example"}})
	if p.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second address at once: %d", p.StatusCode)
	}
	// Bob is not limited by Ada.
	bob := e.browser()
	bob.devSignIn("Bob", "bob@example.org")
	bob.addEmail("bob@school.example")

	clk.advance(store.EmailResendInterval)
	ada.addEmail("ada@school.example")
	msgs, _ := e.db.Outbox(context.Background(), 10)
	if len(msgs) != 3 {
		t.Fatalf("%d emails sent, want 3", len(msgs))
	}
	// Both of Ada's links work; the address is listed once.
	if p := confirmFrom(t, ada, ada.outboxLink("ada@school.example")); p.Doc.Find(`[data-testid="added-email"]`).Length() != 1 {
		t.Fatalf("after resend and confirm:\n%s", p.Body)
	}
}

func TestEmails_RemoveOnlyOwnAddresses(t *testing.T) {
	t.Parallel()
	e, _ := startWithOutbox(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	ada.addEmail("ada@school.example")
	es, err := e.db.UserEmails(context.Background(), devUserID(t, e, "ada@example.org"))
	if err != nil || len(es) != 1 {
		t.Fatal(es, err)
	}
	bob := e.browser()
	bob.devSignIn("Bob", "bob@example.org")
	p := bob.submit(paths.Emails, paths.EmailRemove(es[0].ID), nil)
	if !strings.Contains(p.Doc.Find(`[data-flash="error"]`).Text(), "not on your account") {
		t.Fatalf("bob removing ada's address: %d\n%s", p.StatusCode, p.Body)
	}
	if es, _ := e.db.UserEmails(context.Background(), devUserID(t, e, "ada@example.org")); len(es) != 1 {
		t.Fatal("bob removed ada's address")
	}
	if p := bob.submit(paths.Emails, "/account/emails/x/remove", nil); p.StatusCode != http.StatusNotFound {
		t.Fatalf("bad id: %d", p.StatusCode)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestEmails_EveryPostNeedsCSRF(t *testing.T) {
	t.Parallel()
	e, _ := startWithOutbox(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	ada.addEmail("ada@school.example")
	link := ada.outboxLink("ada@school.example")
	es, _ := e.db.UserEmails(context.Background(), devUserID(t, e, "ada@example.org"))
	for _, tc := range []struct {
		path string
		form url.Values
	}{
		{paths.Emails, url.Values{"email": {"x@example.org"}}},
		{paths.EmailConfirm, url.Values{"token": {tokenOf(t, link)}}},
		{paths.EmailRemove(es[0].ID), nil},
	} {
		if p := ada.post(tc.path, tc.form); p.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without a CSRF token: %d", tc.path, p.StatusCode)
		}
	}
	if got := verified(t, e, devUserID(t, e, "ada@example.org")); len(got) != 1 {
		t.Fatalf("confirmed without CSRF: %v", got)
	}
	if es, _ := e.db.UserEmails(context.Background(), devUserID(t, e, "ada@example.org")); len(es) != 1 {
		t.Fatal("removed without CSRF")
	}
	// And signed out, the pages ask for sign-in.
	if p := e.browser().get(paths.Emails); p.Request.URL.Path != paths.SignIn {
		t.Fatalf("signed out: %s", p.Request.URL)
	}
}

func TestOutbox_OnlyWhenOn(t *testing.T) {
	t.Parallel()
	off := MustStart(t)
	if p := off.browser().get(paths.Outbox); p.StatusCode != http.StatusNotFound {
		t.Fatalf("outbox without dev outbox: %d", p.StatusCode)
	}
	// Without any way to send mail the form is not offered.
	b := off.browser()
	b.devSignIn("Ada", "ada@example.org")
	p := b.get(paths.Emails)
	if p.Doc.Find(`[data-testid="add-email-form"]`).Length() != 0 || p.Doc.Find(`[data-testid="no-mail"]`).Length() != 1 {
		t.Fatalf("emails page without mail:\n%s", p.Body)
	}
	p = b.submit(paths.Emails, paths.Emails, url.Values{"email": {"ada@school.example"}})
	if p.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("add without mail: %d", p.StatusCode)
	}

	// With SMTP configured, the outbox is off even if asked for.
	smtp, err := mail.NewSMTP(mail.SMTPOptions{Host: "127.0.0.1", Port: 1, TLS: mail.NoTLS, From: "satchel@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	withSMTP := MustStart(t, func(o *web.Options) { o.DevOutbox, o.Mail = true, smtp })
	if p := withSMTP.browser().get(paths.Outbox); p.StatusCode != http.StatusNotFound {
		t.Fatalf("outbox with SMTP: %d", p.StatusCode)
	}
}

func TestOutbox_ShowsMessagesNewestFirstWithLinks(t *testing.T) {
	t.Parallel()
	e, _ := startWithOutbox(t)
	b := e.browser()
	if p := b.get(paths.Outbox); p.Doc.Find(`[data-testid="outbox-empty"]`).Length() != 1 {
		t.Fatalf("empty outbox:\n%s", p.Body)
	}
	ctx := context.Background()
	e.db.AddToOutbox(ctx, store.OutboxMessage{To: "one@example.org", Subject: "First", Text: "Visit\n" + e.ts.URL + "/x?a=1&b=2\n", HTML: `<p><script>alert(1)</script>Visit</p>`})
	e.db.AddToOutbox(ctx, store.OutboxMessage{To: "two@example.org", Subject: "<b>Second</b>", Text: "Elsewhere:\nhttps://evil.example/\njavascript:alert(1)\n"})
	p := b.get(paths.Outbox)
	msgs := p.Doc.Find(`[data-testid="outbox-message"]`)
	if msgs.Length() != 2 || strings.TrimSpace(msgs.Eq(0).Find("h2").Text()) != "<b>Second</b>" {
		t.Fatalf("outbox:\n%s", p.Body)
	}
	if msgs.Eq(0).Find("a").Length() != 0 {
		t.Error("a link to another site was made clickable")
	}
	if href, _ := msgs.Eq(1).Find(`a[data-testid="outbox-link"]`).Attr("href"); href != e.ts.URL+"/x?a=1&b=2" {
		t.Errorf("link %q", href)
	}
	// The HTML body is shown as source, never as markup.
	if html := msgs.Eq(1).Find(`[data-testid="outbox-html"]`); html.Text() != `<p><script>alert(1)</script>Visit</p>` || html.Find("script").Length() != 0 {
		t.Errorf("HTML source shown as %q", html.Text())
	}
	if body := msgs.Eq(1).Find(`[data-testid="outbox-body"]`).Text(); !regexp.MustCompile(`Visit *\n`).MatchString(body) {
		t.Errorf("line breaks lost: %q", body)
	}
}

func TestEmails_SendFailureKeepsAddressAndSaysSo(t *testing.T) {
	t.Parallel()
	// A real SMTP sender pointed at a closed port on loopback.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	smtp, err := mail.NewSMTP(mail.SMTPOptions{Host: "127.0.0.1", Port: port, TLS: mail.NoTLS, From: "satchel@example.org", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	e := MustStart(t, func(o *web.Options) { o.Mail = smtp })
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	p := b.submit(paths.Emails, paths.Emails, url.Values{"email": {"ada@school.example"}})
	if p.StatusCode != http.StatusServiceUnavailable || !strings.Contains(p.Doc.Find(`#add-email-error`).Text(), "could not send") {
		t.Fatalf("send failure: %d\n%s", p.StatusCode, p.Body)
	}
	if strings.Contains(p.Body, "connection refused") {
		t.Error("the page shows the internal error")
	}
	if p.Doc.Find(`[data-testid="added-email"]`).Length() != 1 {
		t.Fatal("the address was not kept for a later re-send")
	}
}
