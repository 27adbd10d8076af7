package web

import (
	"context"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
	"github.com/satchel-backpack/satchel/views/components"
)

// badgeHistoryLen is how many past checks the badge page lists.
const badgeHistoryLen = 20

// ownBadge loads the signed-in learner's badge named in the URL. Anyone
// else's badge, or none, is the same 404.
func (s *Server) ownBadge(c echo.Context) (*store.Badge, error) {
	id := c.Param("id")
	if id == "" || len(id) > 64 {
		return nil, notFoundIn(c, tr(c, "badge.not_found"))
	}
	b, err := s.db.BadgeByPublicID(c.Request().Context(), currentUser(c).ID, id)
	if fail.CodeOf(err) == fail.NotFound {
		return nil, notFoundIn(c, tr(c, "badge.not_found_detail"))
	}
	return b, err
}

// handleBadge is the owner's page of one badge. Showing it records that the
// learner has seen its current status.
func (s *Server) handleBadge(c echo.Context) error {
	ctx := c.Request().Context()
	b, err := s.ownBadge(c)
	if err != nil {
		return err
	}
	d, err := s.badgeDetail(c, b)
	if err != nil {
		return err
	}
	if d.Collections, err = s.badgeCollectionsView(c, b.PublicID); err != nil {
		return err
	}
	if push, err := s.db.BadgePush(ctx, b.ID); err != nil {
		return err
	} else if push != nil {
		d.SentBy, d.SentAt = push.ClientName, push.PushedAt
	}
	if b.SeenStatus != b.Status {
		if err := s.db.MarkBadgeSeen(ctx, b.UserID, b.PublicID); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, views.BadgePage(s.shell(c, d.Name), d))
}

// badgeDetail fills the badge page's model from the stored badge.
func (s *Server) badgeDetail(c echo.Context, b *store.Badge) (views.BadgeDetail, error) {
	ctx := c.Request().Context()
	now := s.now()
	name, desc, crit, langs := badgeContent(ctx, b)
	d := views.BadgeDetail{
		PublicID:          b.PublicID,
		Name:              orDefault(name, tr(c, "badge.untitled")),
		Description:       desc,
		Content:           langs,
		ImageAlt:          orDefault(b.ImageCaption, orDefault(b.Name, tr(c, "badge.image_alt"))),
		CriteriaURL:       views.WebURL(b.CriteriaURL),
		CriteriaNarrative: crit,
		Issuer: views.BadgeIssuer{
			Name:  b.IssuerName,
			URL:   views.WebURL(b.IssuerURL),
			Email: b.IssuerEmail,
			ID:    b.IssuerID,
		},
		Issued:       b.IssuedAt,
		Expires:      b.ExpiresAt,
		IssuedTo:     b.MatchedValue,
		IssuedToKind: identifierKind(ctx, b.MatchedType),
		Tags:         b.Tags,
		Version:      b.Version,
		Format:       formatWords(ctx, badge.Format(b.Format)),
		OriginalName: downloadName(b),
		Status:       string(effectiveStatus(b, now)),
		CheckedAt:    b.CheckedAt,
		Visibility:   b.Visibility,
		Now:          now,
	}
	if b.ImageHash != "" {
		d.ImageSrc = paths.Image(b.ImageHash)
	}
	if b.SeenStatus != "" && b.SeenStatus != b.Status {
		d.Changed, d.PrevStatus = true, string(b.SeenStatus)
	}

	m, err := b.Model()
	if err != nil {
		// The listed fields above still show; the rest of the model is
		// missing, which the log records.
		logger(c).Error("badge model unreadable", "badge", b.PublicID, "err", err)
		m = &badge.Badge{}
	}
	d.AwardedOn = m.AwardedOn
	d.Issuer.Description = m.Issuer.Description
	if d.Issuer.URL == "" {
		d.Issuer.URL = views.WebURL(m.Issuer.ID)
	}
	if strings.HasPrefix(m.Issuer.Image.URL, "data:") {
		if data, ok := decodeDataURI(m.Issuer.Image.URL); ok {
			d.Issuer.ImageSrc = imageDataURI(data)
		}
	}
	for _, e := range m.Evidence {
		d.Evidence = append(d.Evidence, views.BadgeEvidence{
			Name: e.Name, URL: views.WebURL(e.URL), Description: e.Description, Narrative: e.Narrative,
			Genre: e.Genre, Audience: e.Audience,
		})
	}
	for _, a := range m.Alignments {
		d.Alignments = append(d.Alignments, views.BadgeAlignment{
			Name: a.TargetName, URL: views.WebURL(a.TargetURL), Description: a.TargetDescription,
			Framework: a.TargetFramework, Code: a.TargetCode, Type: a.TargetType,
		})
	}
	for _, e := range m.Endorsements {
		d.Endorsements = append(d.Endorsements, views.BadgeEndorsement{
			IssuerName: e.IssuerName, IssuerURL: views.WebURL(e.IssuerID), Comment: e.Comment,
			IssuedOn: e.IssuedOn, On: endorsedWords(ctx, e.On),
		})
	}

	rep, err := b.Report()
	if err != nil {
		logger(c).Error("badge report unreadable", "badge", b.PublicID, "err", err)
	}
	if rep != nil {
		r := reportView(rep, nil, "")
		r.Level, r.Title = 3, tr(c, "badge.report_title")
		d.Report = &r
		if d.CheckedAt.IsZero() {
			d.CheckedAt = rep.RanAt
		}
	}
	checks, err := s.db.BadgeChecks(ctx, b.ID, badgeHistoryLen)
	if err != nil {
		return d, err
	}
	for _, ch := range checks {
		d.History = append(d.History, views.BadgeHistoryEntry{CheckedAt: ch.CheckedAt, Status: string(ch.Status)})
	}
	d.Baked = bakedOffer(b)
	d.Share = s.ownerShare(ctx, b)
	return d, nil
}

// effectiveStatus is the badge's status as the backpack lists it: a badge
// last checked valid whose expiry date has passed since is expired.
func effectiveStatus(b *store.Badge, now time.Time) store.BadgeStatus {
	if (b.Status == store.StatusValid || b.Status == store.StatusWarning || b.Status == store.StatusUnconfirmed) && !b.ExpiresAt.IsZero() && !b.ExpiresAt.After(now) {
		return store.StatusExpired
	}
	return b.Status
}

// identifierKind names a kind of recipient identifier, for "Your email
// address ada@example.org".
func identifierKind(ctx context.Context, t string) string {
	switch t {
	case "email":
		return i18n.T(ctx, "badge.kind.email")
	case "url":
		return i18n.T(ctx, "badge.kind.url")
	case "telephone":
		return i18n.T(ctx, "badge.kind.telephone")
	}
	return i18n.T(ctx, "badge.kind.identifier")
}

// endorsedWords says what an endorsement endorses, as a sentence; "" when
// it does not say.
func endorsedWords(ctx context.Context, on string) string {
	switch on {
	case "assertion", "credential":
		return i18n.T(ctx, "badge.endorsements.on_badge")
	case "badgeclass", "achievement":
		return i18n.T(ctx, "badge.endorsements.on_achievement")
	case "issuer":
		return i18n.T(ctx, "badge.endorsements.on_issuer")
	}
	return ""
}

// downloadName is the file name the original is downloaded as: the name it
// was imported with, or one made from the badge's name and format.
func downloadName(b *store.Badge) string {
	name := strings.TrimSpace(path.Base(strings.ReplaceAll(b.OriginalName, `\`, "/")))
	if name != "" && name != "." && name != "/" {
		return name
	}
	base := slug(b.Name)
	if base == "" {
		base = "badge"
	}
	switch badge.Format(b.Format) {
	case badge.FormatPNG:
		return base + ".png"
	case badge.FormatSVG:
		return base + ".svg"
	case badge.FormatJWS:
		return base + ".jwt"
	case badge.FormatURL:
		return base + ".txt"
	}
	return base + ".json"
}

// slug is s in lower-case letters, digits and dashes, for a file name.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// downloadType is the type the original is sent with: what it was
// imported as when that is one Satchel reads, or bytes.
func downloadType(b *store.Badge) string {
	t, _, _ := mime.ParseMediaType(b.OriginalType)
	switch t {
	case "image/png", "image/svg+xml", "application/json", "application/ld+json", "text/plain", "application/jwt":
		return t
	}
	switch badge.Format(b.Format) {
	case badge.FormatPNG:
		return "image/png"
	case badge.FormatSVG:
		return "image/svg+xml"
	case badge.FormatJSON:
		return "application/json"
	case badge.FormatJWS, badge.FormatURL:
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// handleBadgeDownload sends the original file exactly as it was imported,
// as an attachment, never to be shown by the browser as a page.
func (s *Server) handleBadgeDownload(c echo.Context) error {
	b, err := s.ownBadge(c)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": downloadName(b)}))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, downloadType(b), b.Original)
}

// handleBadgeCheck verifies the badge again now, with the learner's
// verified identifiers, records the result and goes back to the badge.
func (s *Server) handleBadgeCheck(c echo.Context) error {
	b, err := s.ownBadge(c)
	if err != nil {
		return err
	}
	res, err := s.bp.CheckBadge(useCaseCtx(c), b)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	switch {
	case res.Transient:
		s.flash(c, views.FlashError, tr(c, "badge.check.unreachable", i18n.Vars{
			"Status": strings.ToLower(components.StatusText(ctx, string(b.Status)))}))
	case res.Status == store.StatusValid:
		s.flash(c, views.FlashSuccess, tr(c, "badge.check.valid"))
	case res.Status == store.StatusWarning:
		s.flash(c, views.FlashSuccess, tr(c, "badge.check.warning"))
	default:
		s.flash(c, views.FlashInfo, tr(c, "badge.check.result", i18n.Vars{
			"Status": strings.ToLower(components.StatusText(ctx, string(res.Status)))}))
	}
	return c.Redirect(http.StatusSeeOther, paths.Badge(b.PublicID))
}

func (s *Server) handleBadgeDeleteForm(c echo.Context) error {
	b, err := s.ownBadge(c)
	if err != nil {
		return err
	}
	name := orDefault(b.Name, tr(c, "badge.untitled"))
	return s.render(c, http.StatusOK, views.DeleteBadgePage(s.shell(c, tr(c, "badge.delete.title", i18n.Vars{"Name": name})), views.DeleteBadge{PublicID: b.PublicID, Name: name}))
}

func (s *Server) handleBadgeDelete(c echo.Context) error {
	b, err := s.ownBadge(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "delete" {
		return c.Redirect(http.StatusSeeOther, paths.BadgeDelete(b.PublicID))
	}
	if err := s.db.DeleteBadge(c.Request().Context(), b.UserID, b.PublicID); err != nil {
		return err
	}
	logger(c).Info("badge deleted", "badge", b.PublicID)
	s.flash(c, views.FlashSuccess, tr(c, "badge.delete.done", i18n.Vars{"Name": orDefault(b.Name, tr(c, "badge.untitled"))}))
	return c.Redirect(http.StatusSeeOther, paths.Backpack)
}

func (s *Server) handleBadgeVisibility(c echo.Context) error {
	b, err := s.ownBadge(c)
	if err != nil {
		return err
	}
	v := c.FormValue("visibility")
	if v != store.Private && v != store.Public {
		s.flash(c, views.FlashError, tr(c, "badge.visibility.choose"))
		return c.Redirect(http.StatusSeeOther, paths.Badge(b.PublicID))
	}
	if err := s.db.SetBadgeVisibility(c.Request().Context(), b.UserID, b.PublicID, v); err != nil {
		return err
	}
	msg := tr(c, "badge.visibility.private")
	if v == store.Public {
		msg = tr(c, "badge.visibility.public")
	}
	s.flash(c, views.FlashSuccess, msg)
	return c.Redirect(http.StatusSeeOther, paths.Badge(b.PublicID))
}

// badgeContent is the badge's name, description and criteria narrative as
// a page shows them: each in the reader's language when the issuer gave it
// in several, else as stored, with the language each is in.
func badgeContent(ctx context.Context, b *store.Badge) (name, description, criteria string, langs views.ContentLangs) {
	m, err := b.Model()
	if err != nil {
		return b.Name, b.Description, b.CriteriaNarrative, langs
	}
	reader := i18n.Current(ctx).Code()
	n := m.In(badge.FieldName, b.Name, reader)
	d := m.In(badge.FieldDescription, b.Description, reader)
	c := m.In(badge.FieldCriteria, b.CriteriaNarrative, reader)
	return n.Value, d.Value, c.Value, views.ContentLangs{Name: n.Lang, Description: d.Lang, Criteria: c.Lang}
}
