package web

import (
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/markdown"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
	"github.com/satchel-backpack/satchel/views/components"
)

// Tile summary lengths on a collection's page.
const (
	collTileDescriptionLen = 180
	collTileCriteriaLen    = 220
	// collMaxBadgesPerPost bounds the badges one "add" request names.
	collMaxBadgesPerPost = 500
)

// collection loads the signed-in user's collection named in the URL; any
// other is NotFound, exactly like a missing one.
func (s *Server) collection(c echo.Context) (*store.Collection, error) {
	return s.db.CollectionByPublicID(c.Request().Context(), currentUser(c).ID, c.Param("id"))
}

func (s *Server) handleCollections(c echo.Context) error {
	return s.renderCollections(c, http.StatusOK, views.CollectionForm{})
}

func (s *Server) renderCollections(c echo.Context, status int, form views.CollectionForm) error {
	list, err := s.db.Collections(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	v := views.Collections{Form: form}
	for _, col := range list {
		v.Items = append(v.Items, views.CollectionSummary{PublicID: col.PublicID, Name: col.Name, Description: col.Description,
			Visibility: col.Visibility, BadgeCount: col.BadgeCount})
	}
	return s.render(c, status, views.CollectionsPage(s.shell(c, tr(c, "collections.title")), v))
}

func collectionInput(c echo.Context) store.CollectionInput {
	return store.CollectionInput{Name: c.FormValue("name"), Description: c.FormValue("description"), Slug: c.FormValue("slug")}.Normalize()
}

func formOf(in store.CollectionInput, problems map[string]string) views.CollectionForm {
	return views.CollectionForm{Name: in.Name, Description: in.Description, Slug: in.Slug, Errors: problems}
}

// collectionProblems are in's problems (store.CollectionInput.Problems),
// each said in the request's language: the store finds them, this says
// them, in the same order of checks.
func collectionProblems(c echo.Context, in store.CollectionInput, requireSlug bool) map[string]string {
	p := in.Problems(requireSlug)
	if _, ok := p["name"]; ok {
		switch n := utf8.RuneCountInString(in.Name); {
		case n == 0:
			p["name"] = tr(c, "collections.error_name_missing")
		case n > store.MaxCollectionName:
			p["name"] = tr(c, "collections.error_name_long", i18n.Vars{"Max": strconv.Itoa(store.MaxCollectionName), "Length": strconv.Itoa(n)})
		default:
			p["name"] = tr(c, "collections.error_name_characters")
		}
	}
	if _, ok := p["description"]; ok {
		if n := utf8.RuneCountInString(in.Description); n > store.MaxCollectionDescription {
			p["description"] = tr(c, "collections.error_description_long", i18n.Vars{"Max": strconv.Itoa(store.MaxCollectionDescription), "Length": strconv.Itoa(n)})
		} else {
			p["description"] = tr(c, "collections.error_description_characters")
		}
	}
	if _, ok := p["slug"]; ok {
		switch {
		case in.Slug == "":
			p["slug"] = tr(c, "collections.error_slug_missing")
		case len(in.Slug) > store.MaxCollectionSlug:
			p["slug"] = tr(c, "collections.error_slug_long", i18n.Vars{"Max": strconv.Itoa(store.MaxCollectionSlug)})
		default:
			p["slug"] = tr(c, "collections.error_slug_pattern")
		}
	}
	return p
}

func (s *Server) handleCollectionCreate(c echo.Context) error {
	in := collectionInput(c)
	in.Slug = "" // made from the name; changed on the edit form
	if p := collectionProblems(c, in, false); len(p) > 0 {
		return s.renderCollections(c, http.StatusUnprocessableEntity, formOf(in, p))
	}
	col, err := s.db.CreateCollection(c.Request().Context(), currentUser(c).ID, in)
	if err != nil {
		return err
	}
	s.flash(c, views.FlashSuccess, tr(c, "collections.created", i18n.Vars{"Name": col.Name}))
	return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID))
}

func collectionTile(c echo.Context, b store.BadgeSummary) components.Tile {
	name := b.Name
	if name == "" {
		name = tr(c, "collections.untitled_badge")
	}
	t := components.Tile{
		ID:          b.PublicID,
		Href:        paths.Badge(b.PublicID),
		Name:        name,
		Issuer:      b.IssuerName,
		ImageAlt:    b.ImageCaption,
		Issued:      b.IssuedAt,
		Expires:     b.ExpiresAt,
		Status:      string(b.Status),
		Changed:     b.Changed,
		Binding:     b.IssuerBinding,
		Description: markdown.Summary(b.Description, collTileDescriptionLen),
		Criteria:    markdown.Summary(b.Criteria, collTileCriteriaLen),
	}
	if b.ImageHash != "" {
		t.ImageSrc = paths.Image(b.ImageHash)
	}
	return t
}

func candidates(c echo.Context, bs []store.BadgeSummary) []views.CollectionCandidate {
	var out []views.CollectionCandidate
	for _, b := range bs {
		name := b.Name
		if name == "" {
			name = tr(c, "collections.untitled_badge")
		}
		out = append(out, views.CollectionCandidate{PublicID: b.PublicID, Name: name, Issuer: b.IssuerName})
	}
	return out
}

func (s *Server) handleCollection(c echo.Context) error {
	ctx := c.Request().Context()
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	badges, err := s.db.CollectionBadges(ctx, col.ID)
	if err != nil {
		return err
	}
	rest, err := s.db.BadgesNotInCollection(ctx, col.UserID, col.ID)
	if err != nil {
		return err
	}
	v := views.Collection{PublicID: col.PublicID, Name: col.Name, Description: col.Description, Slug: col.Slug,
		Visibility: col.Visibility, Candidates: candidates(c, rest)}
	for i, b := range badges {
		t := collectionTile(c, b)
		v.Badges = append(v.Badges, views.CollectionBadge{Tile: t, PublicID: b.PublicID, Name: t.Name, Position: i + 1,
			Private: b.Visibility != store.Public})
	}
	return s.render(c, http.StatusOK, views.CollectionPage(s.shell(c, col.Name), v))
}

func (s *Server) handleCollectionEditForm(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	v := views.CollectionEdit{PublicID: col.PublicID, Name: col.Name,
		Form: views.CollectionForm{Name: col.Name, Description: col.Description, Slug: col.Slug}}
	return s.render(c, http.StatusOK, views.CollectionEditPage(s.shell(c, tr(c, "collections.title_rename", i18n.Vars{"Name": col.Name})), v))
}

func (s *Server) handleCollectionEdit(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	in := collectionInput(c)
	again := func(p map[string]string) error {
		v := views.CollectionEdit{PublicID: col.PublicID, Name: col.Name, Form: formOf(in, p)}
		return s.render(c, http.StatusUnprocessableEntity, views.CollectionEditPage(s.shell(c, tr(c, "collections.title_rename", i18n.Vars{"Name": col.Name})), v))
	}
	if p := collectionProblems(c, in, true); len(p) > 0 {
		return again(p)
	}
	err = s.db.UpdateCollection(c.Request().Context(), col.UserID, col.PublicID, in)
	if fail.CodeOf(err) == fail.Conflict {
		// The store's only conflict here: the slug is taken.
		return again(map[string]string{"slug": tr(c, "collections.error_slug_taken")})
	}
	if err != nil {
		return err
	}
	s.flash(c, views.FlashSuccess, tr(c, "collections.saved", i18n.Vars{"Name": in.Name}))
	return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID))
}

func (s *Server) handleCollectionDeleteForm(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	v := views.CollectionDelete{PublicID: col.PublicID, Name: col.Name, BadgeCount: col.BadgeCount}
	return s.render(c, http.StatusOK, views.CollectionDeletePage(s.shell(c, tr(c, "collections.title_delete", i18n.Vars{"Name": col.Name})), v))
}

func (s *Server) handleCollectionDelete(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	if err := s.db.DeleteCollection(c.Request().Context(), col.UserID, col.PublicID); err != nil {
		return err
	}
	s.flash(c, views.FlashSuccess, tr(c, "collections.deleted", i18n.Vars{"Name": col.Name}))
	return c.Redirect(http.StatusSeeOther, paths.Collections)
}

func (s *Server) visibilityView(c echo.Context, col *store.Collection) (views.CollectionVisibility, error) {
	badges, err := s.db.CollectionBadges(c.Request().Context(), col.ID)
	if err != nil {
		return views.CollectionVisibility{}, err
	}
	v := views.CollectionVisibility{PublicID: col.PublicID, Name: col.Name, Slug: col.Slug, Visibility: col.Visibility,
		UnlistedURL: s.baseURL.JoinPath(paths.UnlistedCollection(col.UnlistedToken)).String(), BadgeCount: len(badges)}
	for _, b := range badges {
		if b.Visibility != store.Public {
			v.PrivateBadges++
			v.PrivateNames = append(v.PrivateNames, badgeName(c, b))
		}
	}
	return v, nil
}

func badgeName(c echo.Context, b store.BadgeSummary) string {
	if b.Name == "" {
		return tr(c, "collections.untitled_badge")
	}
	return b.Name
}

func (s *Server) handleCollectionVisibilityForm(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	v, err := s.visibilityView(c, col)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.CollectionVisibilityPage(s.shell(c, tr(c, "collections.visibility_heading", i18n.Vars{"Name": col.Name})), v))
}

func (s *Server) handleCollectionVisibility(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	vis := c.FormValue("visibility")
	if err := s.db.SetCollectionVisibility(c.Request().Context(), col.UserID, col.PublicID, vis); err != nil {
		return err
	}
	var msg string
	switch vis {
	case store.Public:
		msg = tr(c, "collections.now_public", i18n.Vars{"Name": col.Name})
	case store.Unlisted:
		msg = tr(c, "collections.now_unlisted", i18n.Vars{"Name": col.Name})
	default:
		msg = tr(c, "collections.now_private", i18n.Vars{"Name": col.Name})
	}
	// The badges' own visibility still decides: say so, rather than let
	// them go missing for visitors unnoticed.
	if vis != store.Private {
		v, err := s.visibilityView(c, col)
		if err != nil {
			return err
		}
		if v.PrivateBadges > 0 {
			msg += " " + i18n.N(c.Request().Context(), "collections.now_shared_private", v.PrivateBadges,
				i18n.Vars{"Total": collBadges(c, v.BadgeCount)})
		}
	}
	s.flash(c, views.FlashSuccess, msg)
	return c.Redirect(http.StatusSeeOther, paths.CollectionVisibility(col.PublicID))
}

// handleCollectionMakeBadgesPublic makes public the private badges of the
// collection that its notice listed (form field "badge"); the store leaves
// any other badge alone. Only those listed, so that a badge added since the
// page was shown does not go public unseen.
func (s *Server) handleCollectionMakeBadgesPublic(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	ids, err := formValues(c, "badge")
	if err != nil {
		return err
	}
	n, err := s.db.MakeCollectionBadgesPublic(c.Request().Context(), col.UserID, col.PublicID, ids)
	if err != nil {
		return err
	}
	if n == 0 {
		s.flash(c, views.FlashInfo, tr(c, "collections.made_public_none", i18n.Vars{"Name": col.Name}))
	} else {
		s.flash(c, views.FlashSuccess, i18n.N(c.Request().Context(), "collections.made_public", n, i18n.Vars{"Name": col.Name}))
	}
	return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID))
}

func (s *Server) handleCollectionReplaceLinkForm(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	v := views.CollectionVisibility{PublicID: col.PublicID, Name: col.Name, Visibility: col.Visibility}
	return s.render(c, http.StatusOK, views.CollectionReplaceLinkPage(s.shell(c, tr(c, "collections.title_replace", i18n.Vars{"Name": col.Name})), v))
}

func (s *Server) handleCollectionReplaceLink(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	if _, err := s.db.ReplaceUnlistedToken(c.Request().Context(), col.UserID, col.PublicID); err != nil {
		return err
	}
	s.flash(c, views.FlashSuccess, tr(c, "collections.link_replaced"))
	return c.Redirect(http.StatusSeeOther, paths.CollectionVisibility(col.PublicID))
}

func (s *Server) handleCollectionAddForm(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	rest, err := s.db.BadgesNotInCollection(c.Request().Context(), col.UserID, col.ID)
	if err != nil {
		return err
	}
	v := views.CollectionAdd{PublicID: col.PublicID, Name: col.Name, Candidates: candidates(c, rest)}
	return s.render(c, http.StatusOK, views.CollectionAddPage(s.shell(c, tr(c, "collections.add_heading", i18n.Vars{"Name": col.Name})), v))
}

// formValues are the values of a repeated form field.
func formValues(c echo.Context, name string) ([]string, error) {
	params, err := c.FormParams()
	if err != nil {
		return nil, err
	}
	vs := params[name]
	if len(vs) > collMaxBadgesPerPost {
		return nil, &fail.Error{Code: fail.TooLarge, Title: tr(c, "collections.too_many"),
			Message: tr(c, "collections.too_many_message", i18n.Vars{"Max": strconv.Itoa(collMaxBadgesPerPost)})}
	}
	return vs, nil
}

func (s *Server) handleCollectionAddBadges(c echo.Context) error {
	return s.addBadges(c, c.Param("id"))
}

// handleCollectionsAddBadges adds several badges to the collection chosen
// in the form (the backpack's "Add selected to collection").
func (s *Server) handleCollectionsAddBadges(c echo.Context) error {
	id := c.FormValue("collection")
	if id == "" {
		s.flash(c, views.FlashError, tr(c, "collections.choose_collection"))
		return c.Redirect(http.StatusSeeOther, paths.Collections)
	}
	return s.addBadges(c, id)
}

func (s *Server) addBadges(c echo.Context, collectionID string) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	col, err := s.db.CollectionByPublicID(ctx, u.ID, collectionID)
	if err != nil {
		return err
	}
	ids, err := formValues(c, "badge")
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		s.flash(c, views.FlashError, tr(c, "collections.tick_one", i18n.Vars{"Name": col.Name}))
		return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID))
	}
	n, err := s.db.AddToCollection(ctx, u.ID, col.PublicID, ids)
	if err != nil {
		return err
	}
	msg := i18n.N(ctx, "collections.added", n, i18n.Vars{"Name": col.Name})
	if n < len(ids) {
		msg += " " + i18n.N(ctx, "collections.already_in", len(ids)-n)
	}
	s.flash(c, views.FlashSuccess, msg)
	return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID))
}

// collBadges is "1 badge", "3 badges" in the request's language.
func collBadges(c echo.Context, n int) string {
	return i18n.N(c.Request().Context(), "collections.badges", n)
}

// handleCollectionMove moves a badge up, down, to the top, or (drag and
// drop) to a position. The page comes back announcing the new position,
// with focus (by the fragment) on the moved badge's control.
func (s *Server) handleCollectionMove(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	to := store.Move(c.FormValue("to"))
	m, err := s.db.MoveInCollection(c.Request().Context(), col.UserID, col.PublicID, c.Param("badge"), to)
	if err != nil {
		return err
	}
	name := m.Name
	if name == "" {
		name = tr(c, "collections.untitled_badge")
	}
	s.flash(c, views.FlashSuccess, tr(c, "collections.moved", i18n.Vars{"Name": name,
		"Position": views.PositionText(c.Request().Context(), m.Position, m.Total)}))
	return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID)+"#"+moveFocus(c.Param("badge"), to, m))
}

// moveFocus is the id of the control that gets focus after a move: the
// same button if the badge can still move that way, else the one that
// moves it back.
func moveFocus(badge string, to store.Move, m store.Moved) string {
	first, last := m.Position == 1, m.Position == m.Total
	switch {
	case m.Total <= 1:
		return views.RemoveID(badge)
	case to == store.MoveDown && !last, first:
		return views.MoveDownID(badge)
	default:
		return views.MoveUpID(badge)
	}
}

func (s *Server) handleCollectionRemove(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	name, _, err := s.db.BadgeCollections(ctx, col.UserID, c.Param("badge"))
	if err != nil {
		return err
	}
	if err := s.db.RemoveFromCollection(ctx, col.UserID, col.PublicID, c.Param("badge")); err != nil {
		return err
	}
	s.flash(c, views.FlashSuccess, tr(c, "collections.removed", i18n.Vars{"Name": name, "Collection": col.Name}))
	return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID)+"#collection-badges-heading")
}

// badgeCollectionsView is the "Collections" section of a badge's page.
func (s *Server) badgeCollectionsView(c echo.Context, badge string) (*views.BadgeCollections, error) {
	name, list, err := s.db.BadgeCollections(c.Request().Context(), currentUser(c).ID, badge)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = tr(c, "collections.untitled_badge")
	}
	v := &views.BadgeCollections{BadgePublicID: badge, BadgeName: name}
	for _, bc := range list {
		v.Options = append(v.Options, views.BadgeCollectionOption{PublicID: bc.PublicID, Name: bc.Name, Checked: bc.Contains})
	}
	return v, nil
}

func (s *Server) handleBadgeCollectionsForm(c echo.Context) error {
	v, err := s.badgeCollectionsView(c, c.Param("id"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.BadgeCollectionsPage(s.shell(c, tr(c, "collections.title_badge", i18n.Vars{"Name": v.BadgeName})), *v))
}

// handleBadgeCollections puts the badge in exactly the ticked collections.
func (s *Server) handleBadgeCollections(c echo.Context) error {
	ids, err := formValues(c, "collection")
	if err != nil {
		return err
	}
	badge := c.Param("id")
	joined, left, err := s.db.SetBadgeCollections(c.Request().Context(), currentUser(c).ID, badge, ids)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	counts := i18n.Vars{"Joined": i18n.Number(ctx, joined), "Left": i18n.Number(ctx, left)}
	msg := tr(c, "collections.badge_saved")
	switch {
	case joined > 0 && left > 0:
		msg = tr(c, "collections.badge_saved_both", counts)
	case joined > 0:
		msg = tr(c, "collections.badge_saved_added", counts)
	case left > 0:
		msg = tr(c, "collections.badge_saved_removed", counts)
	}
	s.flash(c, views.FlashSuccess, msg)
	return c.Redirect(http.StatusSeeOther, paths.Badge(badge))
}

func (s *Server) handleCollectionGroups(c echo.Context) error {
	f, err := s.db.BadgeFacets(c.Request().Context(), currentUser(c).ID, time.Time{})
	if err != nil {
		return err
	}
	v := views.CollectionGroups{Total: f.Total}
	for _, i := range f.Issuers {
		v.Issuers = append(v.Issuers, views.FacetCount{Value: i.Value, Count: i.Count})
	}
	for _, t := range f.Tags {
		v.Tags = append(v.Tags, views.FacetCount{Value: t.Value, Count: t.Count})
	}
	return s.render(c, http.StatusOK, views.CollectionGroupsPage(s.shell(c, tr(c, "collections.groups_heading")), v))
}

// handleCollectionOrganise is the page that adds several badges of the
// backpack to one collection (linked from the backpack).
func (s *Server) handleCollectionOrganise(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	list, err := s.db.Collections(ctx, u.ID)
	if err != nil {
		return err
	}
	// No collection has id 0: every badge of the backpack.
	all, err := s.db.BadgesNotInCollection(ctx, u.ID, 0)
	if err != nil {
		return err
	}
	v := views.CollectionOrganise{Badges: candidates(c, all), Selected: c.QueryParam("collection")}
	for _, col := range list {
		v.Collections = append(v.Collections, views.CollectionSummary{PublicID: col.PublicID, Name: col.Name, BadgeCount: col.BadgeCount})
	}
	return s.render(c, http.StatusOK, views.CollectionOrganisePage(s.shell(c, tr(c, "collections.organise_heading")), v))
}
