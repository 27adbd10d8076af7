package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/markdown"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
	"github.com/satchel-backpack/satchel/views/components"
)

// The public pages' limits.
const (
	// "Verify now" fetches from the issuer; each client may run it this
	// often (shared by every process through the database).
	publicVerifyLimit  = 10
	publicVerifyWindow = 10 * time.Minute
	bucketPublicVerify = "public-verify"
	// publicVerifyTimeout bounds one live verification.
	publicVerifyTimeout = 20 * time.Second

	metaDescriptionLen = 200
)

// notPublic is the answer for anything private, deleted or unknown: the
// very error of an address with no route, so the page is identical.
func notPublic(err error) error {
	if fail.CodeOf(err) == fail.NotFound {
		return echo.ErrNotFound
	}
	return err
}

// abs makes a path on this site absolute, for link previews and print.
func (s *Server) abs(path string) string {
	return strings.TrimSuffix(s.baseURL.String(), "/") + path
}

func (s *Server) publicOwner(p *store.Profile) views.PublicOwner {
	o := views.PublicOwner{Handle: p.Handle, DisplayName: p.DisplayName}
	if p.Avatar == store.AvatarProvider && p.AvatarHash != "" {
		o.AvatarSrc = paths.Image(p.AvatarHash)
	}
	return o
}

// publicTile is a backpack tile linking to the badge's public page, by an
// absolute address (printed on paper).
func (s *Server) publicTile(ctx context.Context, handle string, b store.BadgeSummary) components.Tile {
	t := tileIn(ctx, b)
	t.Changed = false
	if handle != "" {
		t.Href = s.abs(paths.PublicBadge(handle, b.PublicID))
	} else {
		t.Href = "#" + t.DetailsID()
	}
	return t
}

func (s *Server) imageURL(hash string) string {
	if hash == "" {
		return ""
	}
	return s.abs(paths.Image(hash))
}

// handlePublicProfile shows a learner's public page. The rendered page is
// the same for every visitor, so it is kept under the profile's version
// (one cheap lookup) and rendered again only when something on it changed.
func (s *Server) handlePublicProfile(c echo.Context) error {
	ctx := c.Request().Context()
	handle := c.Param("handle")
	now := s.now()
	version, err := s.db.PublicProfileVersion(ctx, handle)
	if err != nil {
		return notPublic(err)
	}
	if lower := store.NormalizeHandle(handle); lower != handle {
		// One address per profile: /u/Ada → /u/ada.
		return c.Redirect(http.StatusMovedPermanently, paths.PublicProfile(lower))
	}
	return s.cachedPage(c, handle, version, now, func() (templ.Component, error) {
		return s.publicProfilePage(ctx, handle, now)
	})
}

// cachedPage answers with the public page kept as page under the profile's
// version for this minute, or renders the one build makes and keeps it.
// Such a page is the same for every visitor who reads that language: no
// nonce, and in place of the CSRF token of the language menu's form a
// marker that each answer replaces with the visitor's own token.
func (s *Server) cachedPage(c echo.Context, page, version string, now time.Time, build func() (templ.Component, error)) error {
	key := cacheKey(version, now)
	ctx := c.Request().Context()
	page = i18n.Current(ctx).Code() + " " + page
	parts, ok := s.pages.get(page, key)
	if !ok {
		comp, err := build()
		if err != nil {
			return err
		}
		ctx = views.WithCSRF(ctx, csrfMarker)
		ctx = views.WithLanguageMenu(ctx, views.LanguageMenu{Offered: s.langs.Offered(), Next: c.Request().URL.Path})
		var buf bytes.Buffer
		if err := comp.Render(ctx, &buf); err != nil {
			return fmt.Errorf("web: render %s: %w", c.Path(), err)
		}
		parts = bytes.Split(buf.Bytes(), []byte(csrfMarker))
		s.pages.put(page, key, parts)
	}
	body := parts[0]
	if len(parts) > 1 {
		body = bytes.Join(parts, []byte(csrfToken(c)))
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(http.StatusOK, body)
}

// csrfMarker stands for the CSRF token in a kept public page. It is plain
// letters, so HTML escaping leaves it as it is.
const csrfMarker = "SATCHELCSRFTOKENMARKER"

func (s *Server) publicProfilePage(ctx context.Context, handle string, now time.Time) (templ.Component, error) {
	pp, err := s.db.PublicProfileByHandle(ctx, handle, now)
	if err != nil {
		return nil, notPublic(err)
	}
	p := &pp.Profile
	path := paths.PublicProfile(p.Handle)
	v := views.PublicProfile{
		Owner: s.publicOwner(p),
		Bio:   p.Bio,
		Meta: views.PublicMeta{
			Title:       p.DisplayName,
			Description: profileDescription(ctx, pp),
			URL:         s.abs(path),
			Type:        "profile",
			Index:       p.Indexable,
		},
	}
	if p.Avatar == store.AvatarProvider && p.AvatarHash != "" {
		v.Meta.ImageURL, v.Meta.ImageAlt = s.imageURL(p.AvatarHash), p.DisplayName
	} else {
		for _, b := range pp.Badges {
			if b.ImageHash != "" {
				v.Meta.ImageURL, v.Meta.ImageAlt = s.imageURL(b.ImageHash), orDefault(b.ImageCaption, b.Name)
				break
			}
		}
	}
	for _, c := range pp.Collections {
		card := views.PublicCollectionCard{
			Name: c.Name, Description: c.Description, Badges: c.Badges,
			Href: s.abs(paths.PublicCollection(p.Handle, c.Slug)),
		}
		if c.ImageHash != "" {
			card.ImageSrc = paths.Image(c.ImageHash)
		}
		v.Collections = append(v.Collections, card)
	}
	for _, b := range pp.Badges {
		v.Tiles = append(v.Tiles, s.publicTile(ctx, p.Handle, b))
	}
	sh := s.profileShare(ctx, pp)
	v.Share = &sh
	v.Meta.ImageURL, v.Meta.ImageAlt, v.Meta.LargeImage = sh.ImageURL, i18n.T(ctx, "public.profile_image_alt", i18n.Vars{"Name": p.DisplayName}), true
	return views.PublicProfilePage(v), nil
}

func profileDescription(ctx context.Context, pp *store.PublicProfile) string {
	if d := markdown.PlainSummary(markdown.Summary(pp.Profile.Bio, metaDescriptionLen), metaDescriptionLen); d != "" {
		return d
	}
	name := i18n.Vars{"Name": pp.Profile.DisplayName}
	if n := len(pp.Badges); n > 0 {
		return i18n.N(ctx, "public.meta_profile", n, name)
	}
	return i18n.T(ctx, "public.meta_profile_none", name)
}

// handlePublicCollection shows a public collection of a learner's profile.
// Like the profile, the page is the same for every visitor and is kept
// under the profile's version, which every change to the collection, its
// badges or the profile moves (migration 0010_profile_revisions).
func (s *Server) handlePublicCollection(c echo.Context) error {
	ctx := c.Request().Context()
	handle, slug := c.Param("handle"), c.Param("slug")
	now := s.now()
	version, err := s.db.PublicProfileVersion(ctx, handle)
	if err != nil {
		return notPublic(err)
	}
	if lower := store.NormalizeHandle(handle); lower != handle {
		return c.Redirect(http.StatusMovedPermanently, paths.PublicCollection(lower, slug))
	}
	return s.cachedPage(c, handle+"/"+slug, version, now, func() (templ.Component, error) {
		pc, err := s.db.PublicCollectionBySlug(ctx, handle, slug, now)
		if err != nil {
			return nil, notPublic(err)
		}
		v := s.collectionView(ctx, pc, s.abs(paths.PublicCollection(pc.Owner.Handle, pc.Slug)), pc.Owner.Indexable)
		sh := s.collectionShare(ctx, pc)
		v.Share, v.Meta.OEmbedURL = &sh, s.oembedURL(v.Meta.URL)
		return views.PublicCollectionPage(v), nil
	})
}

func (s *Server) handleUnlistedCollection(c echo.Context) error {
	pc, err := s.db.UnlistedCollection(c.Request().Context(), c.Param("token"), s.now())
	if err != nil {
		return notPublic(err)
	}
	// A secret link is never indexed, whatever the profile says.
	v := s.collectionView(c.Request().Context(), pc, s.abs(paths.UnlistedCollection(c.Param("token"))), false)
	v.Unlisted = true
	return s.render(c, http.StatusOK, views.PublicCollectionPage(v))
}

func (s *Server) collectionView(ctx context.Context, pc *store.PublicCollection, url string, index bool) views.PublicCollection {
	v := views.PublicCollection{
		Name:        pc.Name,
		Description: pc.Description,
		Meta: views.PublicMeta{
			Title:       pc.Name,
			Description: markdown.Summary(pc.Description, metaDescriptionLen),
			URL:         url,
			Index:       index,
		},
	}
	handle := ""
	if pc.Owner != nil {
		o := s.publicOwner(pc.Owner)
		v.Owner, handle = &o, pc.Owner.Handle
		v.Meta.Title = pc.Name + " · " + pc.Owner.DisplayName
	}
	if v.Meta.Description == "" {
		v.Meta.Description = i18n.N(ctx, "public.meta_collection", len(pc.Badges))
	}
	for _, b := range pc.Badges {
		if v.Meta.ImageURL == "" && b.ImageHash != "" {
			v.Meta.ImageURL, v.Meta.ImageAlt = s.imageURL(b.ImageHash), orDefault(b.ImageCaption, b.Name)
		}
		v.Tiles = append(v.Tiles, s.publicTile(ctx, handle, b))
	}
	return v
}

// publicBadge loads a public badge and builds its page without a report.
func (s *Server) publicBadge(c echo.Context) (*store.Profile, *store.Badge, *badge.Badge, views.PublicBadge, error) {
	p, b, err := s.db.PublicBadge(c.Request().Context(), c.Param("handle"), c.Param("badge"), s.now())
	if err != nil {
		return nil, nil, nil, views.PublicBadge{}, notPublic(err)
	}
	m, err := b.Model()
	if err != nil {
		return nil, nil, nil, views.PublicBadge{}, err
	}
	path := paths.PublicBadge(p.Handle, b.PublicID)
	name, desc, crit, langs := badgeContent(c.Request().Context(), b)
	v := views.PublicBadge{
		Owner:             s.publicOwner(p),
		PublicID:          b.PublicID,
		Name:              orDefault(name, tr(c, "public.untitled")),
		Description:       desc,
		ImageAlt:          orDefault(b.ImageCaption, b.Name),
		CriteriaURL:       views.WebURL(b.CriteriaURL),
		CriteriaNarrative: crit,
		Content:           langs,
		Issuer: views.PublicIssuer{
			Name:        b.IssuerName,
			URL:         views.WebURL(firstNonEmpty(b.IssuerURL, m.Issuer.URL)),
			ID:          b.IssuerID,
			Description: m.Issuer.Description,
		},
		Issued:        b.IssuedAt,
		AwardedOn:     m.AwardedOn,
		Expires:       b.ExpiresAt,
		Status:        string(b.Status),
		CheckedAt:     b.CheckedAt,
		RecipientKind: recipientKindWords(c.Request().Context(), b.MatchedType),
		Now:           s.now(),
		Meta: views.PublicMeta{
			Title:       orDefault(b.Name, tr(c, "public.badge")) + " · " + p.DisplayName,
			Description: badgeMetaDescription(c.Request().Context(), p, b),
			URL:         s.abs(path),
			Index:       p.Indexable,
			ImageURL:    s.imageURL(b.ImageHash),
			ImageAlt:    orDefault(b.ImageCaption, b.Name),
		},
	}
	if b.ImageHash != "" {
		v.ImageSrc = paths.Image(b.ImageHash)
	}
	sh := s.badgeShare(c.Request().Context(), p, b, m.ID)
	v.Share = &sh
	v.Meta.ImageURL, v.Meta.LargeImage, v.Meta.OEmbedURL = sh.ImageURL, true, s.oembedURL(v.Meta.URL)
	for _, e := range m.Evidence {
		v.Evidence = append(v.Evidence, views.BadgeEvidence{Name: e.Name, URL: views.WebURL(e.URL), Description: e.Description,
			Narrative: e.Narrative, Genre: e.Genre, Audience: e.Audience})
	}
	for _, a := range m.Alignments {
		v.Alignments = append(v.Alignments, views.BadgeAlignment{Name: a.TargetName, URL: views.WebURL(a.TargetURL),
			Description: a.TargetDescription, Framework: a.TargetFramework, Code: a.TargetCode, Type: a.TargetType})
	}
	return p, b, m, v, nil
}

func badgeMetaDescription(ctx context.Context, p *store.Profile, b *store.Badge) string {
	d := i18n.T(ctx, "public.meta_badge", i18n.Vars{"Name": p.DisplayName})
	if b.IssuerName != "" {
		d = i18n.T(ctx, "public.meta_badge_from", i18n.Vars{"Name": p.DisplayName, "Issuer": b.IssuerName})
	}
	if sum := markdown.Summary(b.Description, metaDescriptionLen); sum != "" {
		d += " " + sum
	}
	return d
}

// recipientKindWords names the kind of identifier a badge was matched to,
// never its value.
func recipientKindWords(ctx context.Context, t string) string {
	switch t {
	case "email":
		return i18n.T(ctx, "public.kind.email")
	case "url":
		return i18n.T(ctx, "public.kind.url")
	case "telephone":
		return i18n.T(ctx, "public.kind.telephone")
	case "":
		return ""
	}
	return i18n.T(ctx, "public.kind.identifier")
}

func (s *Server) handlePublicBadge(c echo.Context) error {
	p, b, m, v, err := s.publicBadge(c)
	if err != nil {
		return err
	}
	if c.Param("handle") != p.Handle {
		return c.Redirect(http.StatusMovedPermanently, paths.PublicBadge(p.Handle, b.PublicID))
	}
	if rep, err := b.Report(); err == nil && rep != nil {
		r := publicReportView(c.Request().Context(), rep, m, b)
		v.Report = &r
	}
	return s.render(c, http.StatusOK, views.PublicBadgePage(v))
}

// handlePublicBadgeVerify checks the badge again, live, with the server's
// verifier, and shows each check. It stores nothing. The recipient is not
// compared (the learner's identifiers are private): the page says it was
// matched when imported.
func (s *Server) handlePublicBadgeVerify(c echo.Context) error {
	_, b, m, v, err := s.publicBadge(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), publicVerifyTimeout)
	defer cancel()
	rep, status := s.bp.CheckPublic(ctx, b, m)
	r := publicReportView(c.Request().Context(), rep, m, b)
	r.Title = tr(c, "public.report_title")
	v.Report, v.Live = &r, true
	v.Status = string(status)
	return s.render(c, http.StatusOK, views.PublicBadgePage(v))
}

// publicReportView shows a report to visitors: every check, except that
// the recipient check says only what kind of identifier the badge was
// matched to when imported, and the learner's identifier is scrubbed from
// every sentence in case a check quoted it.
func publicReportView(ctx context.Context, rep *verify.Report, m *badge.Badge, b *store.Badge) components.Report {
	r := reportView(rep, m, "")
	r.Badge = nil // the page shows the badge's fields itself
	r.Level = 3
	r.IDPrefix = "public-report"
	scrub := func(s string) string { return s }
	if b.MatchedValue != "" {
		re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(b.MatchedValue))
		words := "the learner's " + orDefault(recipientKindWords(context.Background(), b.MatchedType), "identifier")
		scrub = func(s string) string { return re.ReplaceAllLiteralString(s, words) }
	}
	for i := range r.Checks {
		ch := &r.Checks[i]
		if ch.ID == "recipient" {
			if b.MatchedType != "" {
				ch.Status = string(verify.Passed)
				ch.Message = i18n.T(ctx, "public.check_matched", i18n.Vars{"Kind": recipientKindWords(ctx, b.MatchedType)})
			} else {
				ch.Status = string(verify.Skipped)
				ch.Message = i18n.T(ctx, "public.check_unmatched")
			}
			ch.Detail, ch.Says = "", nil
			continue
		}
		if m := scrub(ch.Message); m != ch.Message {
			ch.Message, ch.Says = m, nil // the translated sentence would quote what was scrubbed
		}
		ch.Detail = scrub(ch.Detail)
	}
	return r
}
