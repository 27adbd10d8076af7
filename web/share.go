package web

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/internal/qr"
	"github.com/satchel-backpack/satchel/internal/share"
	"github.com/satchel-backpack/satchel/internal/shareimg"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// Sharing: embed frames, QR codes and share pictures.
const (
	// Embed frames: the size of the card (share.EmbedCard) with room.
	embedWidth  = 400
	embedHeight = 150

	// qrDefaultSize is a QR PNG's side unless ?size= says otherwise.
	qrDefaultSize = 512

	siteName = "Satchel"

	// embedCSP lets any site frame the card; the card has no script and
	// its styles are inline (written by html/template).
	embedCSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors *"
)

// badgeShare is the share panel of a public badge.
func (s *Server) badgeShare(ctx context.Context, p *store.Profile, b *store.Badge, credentialID string) views.Share {
	lang := s.ownerLanguage(ctx, p.UserID)
	page := s.abs(paths.PublicBadge(p.Handle, b.PublicID))
	sb := share.Badge{Name: orDefault(b.Name, "Untitled badge"), IssuerName: b.IssuerName, IssuedOn: b.IssuedAt,
		Expires: b.ExpiresAt, URL: page, CredentialID: credentialID}
	v := s.shareLinks(page, share.ShareText(sb, lang))
	v.Lang = share.Language(lang).Code()
	v.Kind, v.Title = "badge", "this badge"
	v.LinkedInAdd, _ = share.LinkedInAddToProfile(sb)
	v.EmbedURL = s.abs(paths.EmbedBadge(p.Handle, b.PublicID))
	v.CardHTML, _ = share.EmbedCard(s.badgeCard(p, b, lang))
	v.IframeHTML, _ = share.EmbedFrame(share.Frame{Kind: share.KindBadge, Title: sb.Name, URL: v.EmbedURL, Width: embedWidth, Height: embedHeight, Lang: lang})
	v.EmbedWidth, v.EmbedHeight = embedWidth, embedHeight
	v.QRPNG, v.QRSVG = s.abs(paths.BadgeQRPNG(p.Handle, b.PublicID)), s.abs(paths.BadgeQRSVG(p.Handle, b.PublicID))
	v.ImageURL = s.abs(paths.BadgeShareImage(p.Handle, b.PublicID))
	return v
}

func (s *Server) badgeCard(p *store.Profile, b *store.Badge, lang string) share.Card {
	return share.Card{Kind: share.KindBadge, Name: orDefault(b.Name, "Untitled badge"), Issuer: b.IssuerName,
		ImageURL: s.imageURL(b.ImageHash), ImageAlt: orDefault(b.ImageCaption, b.Name),
		URL: s.abs(paths.PublicBadge(p.Handle, b.PublicID)), SiteName: siteName, Lang: lang}
}

// collectionShare is the share panel of a public collection.
func (s *Server) collectionShare(ctx context.Context, pc *store.PublicCollection) views.Share {
	lang := s.ownerLanguage(ctx, pc.Owner.UserID)
	page := s.abs(paths.PublicCollection(pc.Owner.Handle, pc.Slug))
	v := s.shareLinks(page, share.CollectionText(pc.Name, lang))
	v.Lang = share.Language(lang).Code()
	v.Kind, v.Title = "collection", "this collection"
	v.EmbedURL = s.abs(paths.EmbedCollection(pc.Owner.Handle, pc.Slug))
	v.CardHTML, _ = share.EmbedCard(s.collectionCard(pc, lang))
	v.IframeHTML, _ = share.EmbedFrame(share.Frame{Kind: share.KindCollection, Title: pc.Name, URL: v.EmbedURL, Width: embedWidth, Height: embedHeight, Lang: lang})
	v.EmbedWidth, v.EmbedHeight = embedWidth, embedHeight
	v.QRPNG, v.QRSVG = s.abs(paths.ProfileQRPNG(pc.Owner.Handle)), s.abs(paths.ProfileQRSVG(pc.Owner.Handle))
	v.ImageURL = s.abs(paths.ProfileShareImage(pc.Owner.Handle))
	return v
}

func (s *Server) collectionCard(pc *store.PublicCollection, lang string) share.Card {
	c := share.Card{Kind: share.KindCollection, Name: pc.Name, Issuer: pc.Owner.DisplayName,
		URL: s.abs(paths.PublicCollection(pc.Owner.Handle, pc.Slug)), SiteName: siteName, Lang: lang}
	for _, b := range pc.Badges {
		if b.ImageHash != "" {
			c.ImageURL, c.ImageAlt = s.imageURL(b.ImageHash), orDefault(b.ImageCaption, b.Name)
			break
		}
	}
	return c
}

// profileShare is the share panel of a public profile, with the email
// signature.
func (s *Server) profileShare(ctx context.Context, pp *store.PublicProfile) views.Share {
	p := &pp.Profile
	lang := s.ownerLanguage(ctx, p.UserID)
	page := s.abs(paths.PublicProfile(p.Handle))
	v := s.shareLinks(page, share.ProfileText(siteName, lang))
	v.Lang = share.Language(lang).Code()
	v.Kind, v.Title = "profile", "your profile"
	v.QRPNG, v.QRSVG = s.abs(paths.ProfileQRPNG(p.Handle)), s.abs(paths.ProfileQRSVG(p.Handle))
	v.ImageURL = s.abs(paths.ProfileShareImage(p.Handle))
	v.Signature, _ = share.EmailSignature(s.signature(pp, lang))
	v.SignatureURL = s.abs(paths.EmbedSignature(p.Handle))
	// The panel's heading says whose badges these are in the page's
	// language ("share.heading_profile").
	v.Title = p.DisplayName
	return v
}

func (s *Server) signature(pp *store.PublicProfile, lang string) share.Signature {
	sig := share.Signature{ProfileURL: s.abs(paths.PublicProfile(pp.Profile.Handle)), Lang: lang}
	for _, b := range pp.Badges {
		if b.ImageHash == "" || len(sig.Badges) == share.MaxSignatureBadges {
			continue
		}
		sig.Badges = append(sig.Badges, share.SignatureBadge{Name: orDefault(b.Name, "Badge"),
			ImageURL: s.imageURL(b.ImageHash), URL: s.abs(paths.PublicBadge(pp.Profile.Handle, b.PublicID))})
	}
	return sig
}

func (s *Server) shareLinks(page, text string) views.Share {
	v := views.Share{URL: page, MastodonText: text}
	v.LinkedInPost, _ = share.LinkedInPost(page)
	v.X, _ = share.X(page, text)
	v.Facebook, _ = share.Facebook(page)
	return v
}

// ownPublicURL reports whether raw is an address on this site's public
// pages, so the Mastodon redirect never shares someone else's link.
func (s *Server) ownPublicURL(raw string) (*url.URL, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != s.baseURL.Scheme || u.Host != s.baseURL.Host || u.User != nil {
		return nil, false
	}
	if !strings.HasPrefix(u.Path, paths.Prefix(paths.PublicProfilePattern)) && !strings.HasPrefix(u.Path, paths.Prefix(paths.UnlistedCollectionPattern)) {
		return nil, false
	}
	return u, true
}

// handleMastodonShare is where the Mastodon form goes: a valid server name
// redirects (303) to that server's share page; a bad one shows the form
// again with the reason.
func (s *Server) handleMastodonShare(c echo.Context) error {
	page, text, instance := c.QueryParam("url"), c.QueryParam("text"), c.QueryParam("instance")
	if _, ok := s.ownPublicURL(page); !ok {
		return &fail.Error{Code: fail.Malformed, Title: tr(c, "share.nothing_to_share"),
			Message: tr(c, "share.nothing_to_share_message")}
	}
	if len([]rune(text)) > 500 {
		text = string([]rune(text)[:500])
	}
	link, err := share.Mastodon(instance, page, text)
	if err != nil {
		// share.ErrBadInstance, in the page's language.
		v := views.MastodonShare{URL: page, Text: text, Instance: instance, Error: tr(c, "share.bad_instance")}
		return s.render(c, http.StatusUnprocessableEntity, views.MastodonSharePage(s.shell(c, tr(c, "share.mastodon_error_title")), v))
	}
	return c.Redirect(http.StatusSeeOther, link)
}

// renderEmbed writes an embed frame's page with its own policy, in the
// owner's language lang (the card speaks for them).
func (s *Server) renderEmbed(c echo.Context, lang, title, html string) error {
	var buf bytes.Buffer
	l := share.Language(lang)
	if err := views.EmbedCardPage(views.EmbedCard{Title: title, HTML: html, Lang: l.Code(), Dir: l.Dir}).Render(c.Request().Context(), &buf); err != nil {
		return fmt.Errorf("web: render embed: %w", err)
	}
	c.Response().Header().Set("Content-Security-Policy", embedCSP)
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

func (s *Server) handleEmbedBadge(c echo.Context) error {
	p, b, err := s.db.PublicBadge(c.Request().Context(), c.Param("handle"), c.Param("badge"), s.now())
	if err != nil {
		return notPublic(err)
	}
	lang := s.ownerLanguage(c.Request().Context(), p.UserID)
	html, err := share.EmbedCard(s.badgeCard(p, b, lang))
	if err != nil {
		return err
	}
	return s.renderEmbed(c, lang, orDefault(b.Name, share.Say(lang, "snippet.frame_badge_plain")), html)
}

func (s *Server) handleEmbedCollection(c echo.Context) error {
	pc, err := s.db.PublicCollectionBySlug(c.Request().Context(), c.Param("handle"), c.Param("slug"), s.now())
	if err != nil {
		return notPublic(err)
	}
	if pc.Owner == nil || pc.Visibility != store.Public {
		return echo.ErrNotFound
	}
	lang := s.ownerLanguage(c.Request().Context(), pc.Owner.UserID)
	html, err := share.EmbedCard(s.collectionCard(pc, lang))
	if err != nil {
		return err
	}
	return s.renderEmbed(c, lang, pc.Name, html)
}

func (s *Server) handleEmbedSignature(c echo.Context) error {
	pp, err := s.db.PublicProfileByHandle(c.Request().Context(), c.Param("handle"), s.now())
	if err != nil {
		return notPublic(err)
	}
	lang := s.ownerLanguage(c.Request().Context(), pp.Profile.UserID)
	html, err := share.EmailSignature(s.signature(pp, lang))
	if err != nil {
		return err
	}
	return s.renderEmbed(c, lang, share.Say(lang, "snippet.signature_title", i18n.Vars{"Name": pp.Profile.DisplayName}), html)
}

// sendShareImage answers with the share picture cached under key, drawing
// and caching it first when no process has yet. The key is the ETag.
func (s *Server) sendShareImage(c echo.Context, key string, draw func() ([]byte, error)) error {
	h := c.Response().Header()
	etag := `"` + key + `"`
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=300")
	if c.Request().Header.Get("If-None-Match") == etag {
		return c.NoContent(http.StatusNotModified)
	}
	ctx := c.Request().Context()
	png, found, err := s.db.ShareImage(ctx, key)
	if err != nil {
		return err
	}
	if !found {
		if png, err = draw(); err != nil {
			return err
		}
		if err := s.db.PutShareImage(ctx, key, png); err != nil {
			logger(c).Error("share image not cached", "err", err)
		}
	}
	h.Set("Content-Security-Policy", imageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, "image/png", png)
}

func (s *Server) imageBytes(c echo.Context, hash string) []byte {
	if hash == "" {
		return nil
	}
	im, err := s.db.ImageByHash(c.Request().Context(), hash)
	if err != nil {
		return nil
	}
	return im.Bytes
}

func (s *Server) handleBadgeShareImage(c echo.Context) error {
	_, b, err := s.db.PublicBadge(c.Request().Context(), c.Param("handle"), c.Param("badge"), s.now())
	if err != nil {
		return notPublic(err)
	}
	in := shareimg.Badge{Name: orDefault(b.Name, "Untitled badge"), IssuerName: b.IssuerName,
		Image: s.imageBytes(c, b.ImageHash), SiteName: siteName}
	return s.sendShareImage(c, in.Key(), func() ([]byte, error) { return shareimg.RenderBadge(in) })
}

func (s *Server) handleProfileShareImage(c echo.Context) error {
	pp, err := s.db.PublicProfileByHandle(c.Request().Context(), c.Param("handle"), s.now())
	if err != nil {
		return notPublic(err)
	}
	in := shareimg.Profile{DisplayName: pp.Profile.DisplayName, BadgeCount: len(pp.Badges), SiteName: siteName}
	for _, b := range pp.Badges {
		if len(in.Thumbnails) == shareimg.MaxThumbnails {
			break
		}
		if img := s.imageBytes(c, b.ImageHash); img != nil {
			in.Thumbnails = append(in.Thumbnails, img)
		}
	}
	return s.sendShareImage(c, in.Key(), func() ([]byte, error) { return shareimg.RenderProfile(in) })
}

func (s *Server) handleProfileQR(c echo.Context) error {
	pp, err := s.db.PublicProfileByHandle(c.Request().Context(), c.Param("handle"), s.now())
	if err != nil {
		return notPublic(err)
	}
	return s.sendQR(c, s.abs(paths.PublicProfile(pp.Profile.Handle)), pp.Profile.Handle)
}

func (s *Server) handleBadgeQR(c echo.Context) error {
	p, b, err := s.db.PublicBadge(c.Request().Context(), c.Param("handle"), c.Param("badge"), s.now())
	if err != nil {
		return notPublic(err)
	}
	return s.sendQR(c, s.abs(paths.PublicBadge(p.Handle, b.PublicID)), p.Handle+"-"+slug(orDefault(b.Name, "badge")))
}

// sendQR answers with the QR code of link, as PNG (?size= in pixels) or
// SVG by the path's extension.
func (s *Server) sendQR(c echo.Context, link, name string) error {
	var data []byte
	var err error
	ext, ctype := ".png", "image/png"
	if strings.HasSuffix(c.Path(), ".svg") {
		ext, ctype = ".svg", "image/svg+xml"
		data, err = qr.SVG(link)
	} else {
		size := qrDefaultSize
		if q := c.QueryParam("size"); q != "" {
			n, err := strconv.Atoi(q)
			if err != nil || n < 1 || n > qr.MaxPNGSize {
				return &fail.Error{Code: fail.Malformed, Title: tr(c, "share.qr_bad_size"),
					Message: tr(c, "share.qr_bad_size_message", i18n.Vars{"Max": strconv.Itoa(qr.MaxPNGSize)})}
			}
			size = n
		}
		data, err = qr.PNG(link, size)
	}
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": "qr-" + name + ext}))
	h.Set("Content-Security-Policy", imageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, ctype, data)
}

// ownerLanguage is the language a profile's owner chose for Satchel's
// pages, in which the share texts speak for them; "" (English) when they
// left it to their browser.
func (s *Server) ownerLanguage(ctx context.Context, userID int64) string {
	u, err := s.db.User(ctx, userID)
	if err != nil {
		return ""
	}
	return u.Language
}

// ownerShare is the share panel on the owner's page of a badge: only when
// the badge is public on a profile with a handle, nil otherwise.
func (s *Server) ownerShare(ctx context.Context, b *store.Badge) *views.Share {
	if b.Visibility != store.Public {
		return nil
	}
	p, err := s.db.ProfileOf(ctx, b.UserID)
	if err != nil || p.Handle == "" {
		return nil
	}
	id := ""
	if m, err := b.Model(); err == nil {
		id = m.ID
	}
	sh := s.badgeShare(ctx, p, b, id)
	return &sh
}
