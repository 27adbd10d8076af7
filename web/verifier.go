package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/views"
	"github.com/satchel-backpack/satchel/views/components"
)

// The public verifier's limits.
const (
	// verifyMaxFile is the largest badge file (or pasted text) accepted.
	verifyMaxFile = 5 << 20
	// verifyMaxBody leaves room beside the file for the other fields and
	// the multipart framing.
	verifyMaxBody = verifyMaxFile + 256<<10
	// Each client may run this many checks per window; a check can make
	// Satchel fetch from several issuers, so it is not free.
	verifyLimit  = 20
	verifyWindow = 10 * time.Minute
	// bucketVerify names the verifier's count in the rate_limits table.
	bucketVerify = "verify"
	// reportImageMax is the largest badge image shown in a report, inline.
	reportImageMax = 512 << 10
	// verifyConcurrency bounds the checks one process runs at once (each
	// may wait on issuers for a while).
	verifyConcurrency = 16
)

// DefaultVerifyQueueWait is how long a check waits for a turn before the
// visitor is asked to come back (Options.VerifyQueueWait).
const DefaultVerifyQueueWait = 3 * time.Second

// oneOf lets a request through only while it holds one of the slots,
// waiting up to wait for one; otherwise it answers 503 with Retry-After.
// It bounds what this process spends on outside work (fetching from
// issuers) when many clients, each within its own rate limit, arrive at
// once. It is a bound on this process's own work, which no other process
// needs to know.
func oneOf(slots chan struct{}, wait time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
				return next(c)
			case <-t.C:
			case <-c.Request().Context().Done():
			}
			c.Response().Header().Set("Retry-After", "30")
			return &fail.Error{
				Code:    fail.Unavailable,
				Title:   tr(c, "limits.busy_title"),
				Message: tr(c, "limits.busy"),
				Err:     errors.New("all verification slots busy"),
			}
		}
	}
}

func (s *Server) handleVerifyForm(c echo.Context) error {
	return s.render(c, http.StatusOK, views.VerifierPage(s.shell(c, tr(c, "nav.verify")), views.Verifier{MaxFileMB: verifyMaxFile >> 20}))
}

// handleVerify checks the badge given as a file, a web address or pasted
// text and shows the report, or the form again with what is wrong next to
// the field. It writes nothing but the rate-limit count.
func (s *Server) handleVerify(c echo.Context) error {
	form := views.Verifier{
		URL:       strings.TrimSpace(c.FormValue("url")),
		Text:      strings.TrimSpace(c.FormValue("text")),
		Email:     strings.TrimSpace(c.FormValue("email")),
		Errors:    map[string]string{},
		MaxFileMB: verifyMaxFile >> 20,
	}
	data, field := s.verifyInput(c, &form)
	var recipients []badge.Identifier
	if form.Email != "" {
		if a, err := mail.ParseAddress(form.Email); err != nil || a.Address != form.Email {
			form.Errors["email"] = tr(c, "verifier_form.email_invalid")
		} else {
			recipients = []badge.Identifier{{Type: "email", Value: form.Email}}
		}
	}
	if len(form.Errors) > 0 {
		return s.verifyRejected(c, form)
	}

	b, rep, err := s.verifier.VerifyBytes(c.Request().Context(), data, recipients)
	if err != nil {
		form.Errors[field] = notABadgeMessage(c, field, err)
		return s.verifyRejected(c, form)
	}
	r := reportView(rep, b, form.Email)
	if field == "file" {
		// The image the person chose is the one to show beside its report.
		if uri := imageDataURI(data); uri != "" && r.Badge != nil {
			r.Badge.ImageDataURI = uri
		}
	}
	form.Report = &r
	// The form below the report is for the next badge: what was checked is
	// cleared so it is not sent again with it; the email address stays, as
	// an employer often checks several badges of one person.
	form.URL, form.Text = "", ""
	return s.render(c, http.StatusOK, views.VerifierPage(s.shell(c, reportTitle(c, rep.Verdict)), form))
}

// verifyRejected shows the form again with its problems; the title says
// so first, as it is the first thing a screen reader reads.
func (s *Server) verifyRejected(c echo.Context, form views.Verifier) error {
	return s.render(c, http.StatusUnprocessableEntity, views.VerifierPage(s.shell(c, tr(c, "verifier_form.title_error")), form))
}

// verifyInput reads the one way the badge was given and names its field;
// problems go into form.Errors by field.
func (s *Server) verifyInput(c echo.Context, form *views.Verifier) (data []byte, field string) {
	fh, err := c.FormFile("file")
	if err != nil {
		fh = nil // no file chosen (or not a multipart form)
	}
	var given []string
	if fh != nil {
		given = append(given, "file")
	}
	if form.URL != "" {
		given = append(given, "url")
	}
	if form.Text != "" {
		given = append(given, "text")
	}
	switch len(given) {
	case 0:
		form.Errors["file"] = tr(c, "verifier_form.nothing_given")
		return nil, ""
	case 1:
	default:
		form.Errors[given[0]] = tr(c, "verifier_form.more_than_one")
		return nil, ""
	}

	switch field = given[0]; field {
	case "file":
		if fh.Size > verifyMaxFile {
			form.Errors["file"] = tr(c, "verifier_form.file_too_large", i18n.Vars{"Size": megabytes(c, fh.Size), "Max": maxMB(c)})
			return nil, field
		}
		f, err := fh.Open()
		if err != nil {
			form.Errors["file"] = tr(c, "verifier_form.file_unreadable")
			return nil, field
		}
		defer f.Close()
		data, err = io.ReadAll(io.LimitReader(f, verifyMaxFile+1))
		switch {
		case err != nil:
			form.Errors["file"] = tr(c, "verifier_form.file_unreadable")
		case len(data) == 0:
			form.Errors["file"] = tr(c, "verifier_form.file_empty")
		case len(data) > verifyMaxFile:
			form.Errors["file"] = tr(c, "verifier_form.file_over_limit", i18n.Vars{"Max": maxMB(c)})
		}
		return data, field
	case "url":
		u, err := url.Parse(form.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			form.Errors["url"] = tr(c, "verifier_form.url_invalid")
			return nil, field
		}
		return []byte(form.URL), field
	default:
		if len(form.Text) > verifyMaxFile {
			form.Errors["text"] = tr(c, "verifier_form.text_too_long", i18n.Vars{"Max": maxMB(c)})
			return nil, field
		}
		return []byte(form.Text), field
	}
}

// notABadgeMessage explains, for the field it was given in, why what was
// given could not be read as a badge, in the request's language.
func notABadgeMessage(c echo.Context, field string, err error) string {
	var m *badge.MalformedError
	switch {
	case errors.Is(err, badge.ErrNoBadgeData):
		return tr(c, "verifier_form.no_badge_data")
	case errors.As(err, &m):
		return i18n.Say(c.Request().Context(), verify.ReadError(err)...)
	case field == "text":
		return tr(c, "verifier_form.text_not_badge")
	case field == "url":
		return tr(c, "verifier_form.url_not_badge")
	}
	return tr(c, "verifier_form.file_not_badge")
}

// reportView turns a verification report into the report component's
// model. The recipient appears only as a kind ("an email address"); the
// identity or its hash never leaves the badge.
func reportView(rep *verify.Report, b *badge.Badge, email string) components.Report {
	r := components.Report{Verdict: string(rep.Verdict), RanAt: rep.RanAt, IssuerBinding: string(rep.IssuerBinding), IssuerWhere: rep.IssuerWhere}
	var recipientCheck string
	for _, ch := range rep.Checks {
		r.Checks = append(r.Checks, components.ReportCheck{ID: ch.ID, Status: string(ch.Status), Message: ch.Message, Says: ch.Says, Detail: ch.Detail})
		if ch.ID == "recipient" && email != "" && ch.Status != verify.Skipped {
			recipientCheck = string(ch.Status)
		}
	}
	if b == nil || (b.Name == "" && b.Issuer.Name == "" && b.Issuer.ID == "" && b.Version == "") {
		return r
	}
	rb := &components.ReportBadge{
		Name:           b.Name,
		Description:    shorten(b.Description, 600),
		Lang:           b.Language,
		IssuerName:     b.Issuer.Name,
		IssuerURL:      firstWebURL(b.Issuer.URL, b.Issuer.ID),
		Issued:         b.IssuedOn,
		Expires:        b.Expires,
		Version:        string(b.Version),
		Format:         formatWords(context.Background(), b.Format), // the component says FormatCode in the reader's language
		FormatCode:     string(b.Format),
		RecipientCheck: recipientCheck,
	}
	if recipientCheck != "" {
		rb.RecipientGiven = email
	}
	if len(badge.RecipientTypes(b)) > 0 {
		rb.Recipient = badge.IssuedTo(b)
		rb.RecipientKinds = badge.RecipientTypes(b)
	}
	if strings.HasPrefix(b.Image.URL, "data:") {
		if data, ok := decodeDataURI(b.Image.URL); ok {
			rb.ImageDataURI = imageDataURI(data)
		}
	}
	r.Badge = rb
	return r
}

// reportTitle is the title of a report's page, which says its verdict.
func reportTitle(c echo.Context, v verify.Verdict) string {
	switch v {
	case verify.Valid:
		return tr(c, "verifier_form.report_valid")
	case verify.ValidWarn:
		return tr(c, "verifier_form.report_valid_warn")
	case verify.VerdictUnconfirmed:
		return tr(c, "verifier_form.report_unconfirmed")
	}
	return tr(c, "verifier_form.report_invalid")
}

// formatWords says how a badge was carried ("baked into a PNG image") in
// the context's language.
func formatWords(ctx context.Context, f badge.Format) string {
	id := map[badge.Format]string{
		badge.FormatPNG:  "report.format.png",
		badge.FormatSVG:  "report.format.svg",
		badge.FormatJSON: "report.format.json",
		badge.FormatJWS:  "report.format.jws",
		badge.FormatURL:  "report.format.url",
	}[f]
	if id == "" {
		return ""
	}
	return i18n.T(ctx, id)
}

func firstWebURL(candidates ...string) string {
	for _, c := range candidates {
		if u, err := url.Parse(c); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			return c
		}
	}
	return ""
}

// shorten cuts s to about n bytes at a space, with an ellipsis.
func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexFunc(s[:n], unicode.IsSpace)
	if cut < n/2 {
		cut = n
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}

// imageDataURI returns a data: URI for a PNG or SVG image small enough to
// show inline, or "". The page's Content-Security-Policy allows data:
// images, and an SVG shown through <img> runs no scripts.
func imageDataURI(data []byte) string {
	if len(data) == 0 || len(data) > reportImageMax {
		return ""
	}
	var typ string
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		typ = "image/png"
	case looksLikeSVG(data):
		typ = "image/svg+xml"
	default:
		return ""
	}
	return "data:" + typ + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// looksLikeSVG accepts what an SVG file starts with: an XML declaration,
// a comment, an SVG doctype or the svg element itself, and an svg element
// near the start.
func looksLikeSVG(data []byte) bool {
	head := bytes.TrimLeft(bytes.TrimPrefix(data[:min(len(data), 4096)], []byte("\xef\xbb\xbf")), " \t\r\n")
	for _, start := range []string{"<?xml", "<!--", "<!DOCTYPE svg", "<svg"} {
		if bytes.HasPrefix(head, []byte(start)) {
			return bytes.Contains(head, []byte("<svg"))
		}
	}
	return false
}

// decodeDataURI decodes a base64 data: URI (the only kind badges use for
// images).
func decodeDataURI(u string) ([]byte, bool) {
	meta, payload, ok := strings.Cut(strings.TrimPrefix(u, "data:"), ",")
	if !ok || !strings.HasSuffix(meta, ";base64") || len(payload) > reportImageMax*4/3+8 {
		return nil, false
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return nil, false
	}
	return data, true
}

// megabytes writes a size in megabytes with one decimal, the request's
// language's way ("5.3", "5,3", "٥٫٣"); the unit is the message's.
func megabytes(c echo.Context, n int64) string {
	return i18n.Tenths(c.Request().Context(), float64(n)/(1<<20))
}

// maxMB is the largest badge file the verifier accepts, in megabytes, in
// the request's language's digits.
func maxMB(c echo.Context) string {
	return i18n.Number(c.Request().Context(), verifyMaxFile>>20)
}

// verifyBodyLimit replaces the default body limit on the verifier's POST:
// a badge file may be larger than other forms, but not without bound. It
// runs before the language is chosen, so it chooses it for its refusal.
func (s *Server) verifyBodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.ContentLength > verifyMaxBody {
			s.ensureLanguage(c)
			return &fail.Error{
				Code:    fail.TooLarge,
				Title:   tr(c, "verifier_form.too_large_title"),
				Message: tr(c, "verifier_form.too_large", i18n.Vars{"Max": maxMB(c)}),
			}
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, verifyMaxBody)
		return next(c)
	}
}

// rateLimit allows each client limit requests per window to the routes it
// guards. message is the id of the refusal's words, a whole sentence per
// limit whose {{.Wait}} says how long to wait ("limits.verify"). See allow.
func (s *Server) rateLimit(bucket string, limit int, window time.Duration, message string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := s.allow(c, bucket, limit, window, message); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// allow counts one request of this client (its IP as echo's RealIP sees it
// through the trusted proxies; an IPv6 client by its /64 network, which one
// household or host usually has) in bucket. The count lives in the
// database, so every Satchel process shares it. Over the limit it returns
// a 429 page error saying how long to wait, and sets Retry-After.
func (s *Server) allow(c echo.Context, bucket string, limit int, window time.Duration, message string) error {
	return s.allowOr(c, bucket, limit, window, "errors.title.rate_limited", message)
}

// allowOr is allow with the refusal's own title: title and message are
// message ids, and the message's {{.Wait}} is how long to wait in words.
func (s *Server) allowOr(c echo.Context, bucket string, limit int, window time.Duration, title, message string) error {
	ok, retry, err := s.db.AllowAt(c.Request().Context(), bucket, clientKey(c.RealIP()), limit, window, s.now())
	if err != nil {
		return fmt.Errorf("web: rate limit: %w", err)
	}
	if ok {
		return nil
	}
	secs := max(1, int(math.Ceil(retry.Seconds())))
	c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	return &fail.Error{
		Code:    fail.RateLimited,
		Title:   tr(c, title),
		Message: tr(c, message, i18n.Vars{"Wait": waitWords(c.Request().Context(), time.Duration(secs)*time.Second)}),
		Err:     fmt.Errorf("rate limit %s for %s", bucket, c.RealIP()),
	}
}

// waitWords says a wait in words, in the context's language and plural:
// "a second", "30 seconds", "a minute", "4 minutes" (whole seconds under a
// minute, else whole minutes, rounded up).
func waitWords(ctx context.Context, d time.Duration) string {
	if d < time.Minute {
		return i18n.N(ctx, "limits.wait.seconds", max(1, int(math.Ceil(d.Seconds()))))
	}
	return i18n.N(ctx, "limits.wait.minutes", int(math.Ceil(d.Minutes())))
}

// clientKey is what a client is counted by: its IP address, or for IPv6
// its /64 network.
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(64)
	if err != nil {
		return a.String()
	}
	return p.String()
}
