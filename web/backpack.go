package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/markdown"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/static"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
	"github.com/satchel-backpack/satchel/views/components"
)

// How much of a badge's description and criteria a tile shows.
const (
	tileDescriptionLen = 180
	tileCriteriaLen    = 220
)

// backpackQuery reads the sort and filter form from the query string,
// dropping what is not one of its choices.
func backpackQuery(c echo.Context) views.BackpackQuery {
	q := views.BackpackQuery{
		Search: clipText(strings.TrimSpace(c.QueryParam("q")), store.MaxSearchLen),
		Issuer: clipText(strings.TrimSpace(c.QueryParam("issuer")), 300),
		Tag:    clipText(strings.TrimSpace(c.QueryParam("tag")), 300),
		Status: c.QueryParam("status"),
		Sort:   c.QueryParam("sort"),
	}
	if !store.ValidStatus(store.BadgeStatus(q.Status)) {
		q.Status = ""
	}
	known := false
	for _, o := range views.SortOptions {
		known = known || o.Value == q.Sort
	}
	if !known {
		q.Sort = ""
	}
	if n, err := strconv.Atoi(c.QueryParam("page")); err == nil && n > 1 {
		q.Page = min(n, 1_000_000)
	}
	return q
}

func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// storeQuery turns the form's choices into the store's.
func storeQuery(userID int64, q views.BackpackQuery) store.BadgeQuery {
	sq := store.BadgeQuery{UserID: userID, Issuer: q.Issuer, Tag: q.Tag, Status: store.BadgeStatus(q.Status), Search: q.Search, Page: q.Page}
	switch q.Sort {
	case views.SortOldest:
		sq.Sort = store.SortIssued
	case views.SortNameAZ:
		sq.Sort = store.SortName
	case views.SortNameZA:
		sq.Sort, sq.Desc = store.SortName, true
	case views.SortIssuerAZ:
		sq.Sort = store.SortIssuer
	case views.SortIssuerZA:
		sq.Sort, sq.Desc = store.SortIssuer, true
	default:
		sq.Sort, sq.Desc = store.SortIssued, true
	}
	return sq
}

// handleBackpack is the signed-in home: the learner's badges.
func (s *Server) handleBackpack(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	q := backpackQuery(c)
	sq := storeQuery(u.ID, q)
	sq.Now = s.now()

	facets, err := s.db.BadgeFacets(ctx, u.ID, sq.Now)
	if err != nil {
		return err
	}
	sh, err := s.announceArrivals(c, s.shell(c, tr(c, "backpack.title")))
	if err != nil {
		return err
	}
	bp := views.Backpack{Name: u.Name, Query: q, All: facets.Total, Page: 1, Pages: 1}
	if bp.Emails, err = s.accountEmails(c, u.ID); err != nil {
		return err
	}
	if facets.Total == 0 {
		for _, sm := range static.Samples() {
			bp.Samples = append(bp.Samples, views.SampleBadge{Name: sm.Name, URL: sm.URL})
		}
		return s.render(c, http.StatusOK, views.BackpackPage(sh, bp))
	}

	page, err := s.db.ListBadges(ctx, sq)
	if err != nil {
		return err
	}
	bp.Total, bp.Page, bp.Pages = page.Total, page.Page, page.Pages
	if len(page.Badges) > 0 {
		bp.From = (page.Page-1)*page.PageSize + 1
		bp.To = bp.From + len(page.Badges) - 1
	}
	for _, b := range page.Badges {
		bp.Tiles = append(bp.Tiles, tileIn(ctx, b))
	}
	bp.Issuers = facetOptions(facets.Issuers, q.Issuer, nil)
	bp.Tags = facetOptions(facets.Tags, q.Tag, nil)
	bp.Statuses = facetOptions(facets.Statuses, q.Status, func(status string) string { return components.StatusText(ctx, status) })
	return s.render(c, http.StatusOK, views.BackpackPage(sh, bp))
}

// facetOptions turns the store's facets into the form's choices. A chosen
// value no badge has (any more) stays a choice, so the form shows what the
// list is filtered by.
func facetOptions(fs []store.Facet, chosen string, label func(string) string) []views.FacetOption {
	out := make([]views.FacetOption, 0, len(fs)+1)
	found := chosen == ""
	for _, f := range fs {
		o := views.FacetOption{Value: f.Value, Label: f.Value, Count: f.Count}
		if label != nil {
			o.Label = label(f.Value)
		}
		if strings.EqualFold(f.Value, chosen) {
			// The form shows the choice as the facet spells it.
			found = true
			o.Value = chosen
		}
		out = append(out, o)
	}
	if !found {
		o := views.FacetOption{Value: chosen, Label: chosen}
		if label != nil {
			o.Label = label(chosen)
		}
		out = append(out, o)
	}
	return out
}

// tileIn is a badge as its tile shows it, Satchel's words in the context's
// language.
func tileIn(ctx context.Context, b store.BadgeSummary) components.Tile {
	t := components.Tile{
		ID:          b.PublicID,
		Href:        paths.Badge(b.PublicID),
		Name:        orDefault(b.Name, i18n.T(ctx, "badge.untitled")),
		Issuer:      b.IssuerName,
		ImageAlt:    b.ImageCaption,
		Issued:      b.IssuedAt,
		Expires:     b.ExpiresAt,
		Status:      string(b.Status),
		Changed:     b.Changed,
		Binding:     b.IssuerBinding,
		Description: markdown.Summary(b.Description, tileDescriptionLen),
		Criteria:    markdown.Summary(b.Criteria, tileCriteriaLen),
	}
	if b.ImageHash != "" {
		t.ImageSrc = paths.Image(b.ImageHash)
	}
	if t.Criteria == "" && b.CriteriaURL != "" {
		t.Criteria = i18n.T(ctx, "tile.criteria_elsewhere")
	}
	return t
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// accountEmails lists the addresses shown in the account summary: those
// the sign-in providers gave, then those the learner added and confirmed.
func (s *Server) accountEmails(c echo.Context, userID int64) ([]string, error) {
	ctx := c.Request().Context()
	logins, err := s.db.Logins(ctx, userID)
	if err != nil {
		return nil, err
	}
	ids, err := s.db.VerifiedIdentifiers(ctx, userID)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	add := func(e string) {
		if e = strings.TrimSpace(e); e != "" && !seen[strings.ToLower(e)] {
			seen[strings.ToLower(e)] = true
			out = append(out, e)
		}
	}
	for _, l := range logins {
		add(l.Email)
	}
	for _, id := range ids {
		if id.Type == "email" {
			add(id.Value)
		}
	}
	return out, nil
}

// announceArrivals tells the learner, once, which badges connected
// platforms pushed since their last visit ("2 new badges from Example
// LMS"), so that nothing appears in a backpack silently.
func (s *Server) announceArrivals(c echo.Context, sh views.Shell) (views.Shell, error) {
	arrived, err := s.db.TakePushAnnouncements(c.Request().Context(), currentUser(c).ID, s.now())
	if err != nil {
		return sh, err
	}
	for _, a := range arrived {
		sh.Flashes = append(sh.Flashes, views.Flash{Kind: views.FlashInfo,
			Message: i18n.N(c.Request().Context(), "oauth.arrived", a.Count, i18n.Vars{"From": a.ClientName})})
	}
	return sh, nil
}
