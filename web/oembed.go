package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/internal/share"
	"github.com/satchel-backpack/satchel/internal/shareimg"
)

// oembedURL is the discovery address of a public page's oEmbed.
func (s *Server) oembedURL(page string) string {
	u, _ := share.OEmbedURL(s.abs(paths.OEmbed), page)
	return u
}

// handleOEmbed answers oEmbed (https://oembed.com) for public badge and
// collection pages of this site: a "rich" response whose HTML is the
// iframe embed. Anything else, private or elsewhere, is 404; only JSON is
// offered (XML is 501, as the spec asks).
func (s *Server) handleOEmbed(c echo.Context) error {
	switch c.QueryParam("format") {
	case "", "json":
	default:
		return &fail.Error{Code: fail.Unsupported, Title: tr(c, "share.oembed_format"),
			Message: tr(c, "share.oembed_format_message")}
	}
	u, err := url.Parse(c.QueryParam("url"))
	if err != nil || u.Scheme != s.baseURL.Scheme || u.Host != s.baseURL.Host || u.User != nil {
		return echo.ErrNotFound
	}
	maxW, maxH := positive(c.QueryParam("maxwidth")), positive(c.QueryParam("maxheight"))
	w, h := share.Fit(embedWidth, embedHeight, maxW, maxH)
	ctx := c.Request().Context()

	var (
		kind                 share.Kind
		title, author        string
		embedPath, authorURL string
		thumb                share.Thumbnail
	)
	// Public pages that have an embed: a badge's and a collection's.
	if m, ok := paths.Params(paths.PublicBadgePattern, u.Path); ok {
		p, b, err := s.db.PublicBadge(ctx, m[0], m[1], s.now())
		if err != nil {
			return notPublic(err)
		}
		kind, title, author = share.KindBadge, orDefault(b.Name, "Untitled badge"), p.DisplayName
		embedPath, authorURL = paths.EmbedBadge(p.Handle, b.PublicID), paths.PublicProfile(p.Handle)
		thumb.URL = s.abs(paths.BadgeShareImage(p.Handle, b.PublicID))
	} else if m, ok := paths.Params(paths.PublicCollectionPattern, u.Path); ok {
		pc, err := s.db.PublicCollectionBySlug(ctx, m[0], m[1], s.now())
		if err != nil {
			return notPublic(err)
		}
		if pc.Owner == nil {
			return echo.ErrNotFound
		}
		kind, title, author = share.KindCollection, pc.Name, pc.Owner.DisplayName
		embedPath, authorURL = paths.EmbedCollection(pc.Owner.Handle, pc.Slug), paths.PublicProfile(pc.Owner.Handle)
		thumb.URL = s.abs(paths.ProfileShareImage(pc.Owner.Handle))
	} else {
		return echo.ErrNotFound
	}
	thumb.Width, thumb.Height = share.Fit(shareimg.Width, shareimg.Height, maxW, maxH)
	r, err := share.OEmbed(kind, title, author, siteName, s.abs(paths.Home), s.abs(embedPath), w, h, thumb)
	if err != nil {
		return err
	}
	r.AuthorURL = s.abs(authorURL)
	c.Response().Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(share.OEmbedCacheAge))
	return c.JSON(http.StatusOK, r)
}

func positive(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
