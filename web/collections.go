package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/fail"
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
	return s.render(c, status, views.CollectionsPage(s.shell(c, "Collections"), v))
}

func collectionInput(c echo.Context) store.CollectionInput {
	return store.CollectionInput{Name: c.FormValue("name"), Description: c.FormValue("description"), Slug: c.FormValue("slug")}.Normalize()
}

func formOf(in store.CollectionInput, problems map[string]string) views.CollectionForm {
	return views.CollectionForm{Name: in.Name, Description: in.Description, Slug: in.Slug, Errors: problems}
}

func (s *Server) handleCollectionCreate(c echo.Context) error {
	in := collectionInput(c)
	in.Slug = "" // made from the name; changed on the edit form
	if p := in.Problems(false); len(p) > 0 {
		return s.renderCollections(c, http.StatusUnprocessableEntity, formOf(in, p))
	}
	col, err := s.db.CreateCollection(c.Request().Context(), currentUser(c).ID, in)
	if err != nil {
		return err
	}
	s.flash(c, views.FlashSuccess, "Collection ‘"+col.Name+"’ created. Tick badges below to add them.")
	return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID))
}

func collectionTile(b store.BadgeSummary) components.Tile {
	name := b.Name
	if name == "" {
		name = "Untitled badge"
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

func candidates(bs []store.BadgeSummary) []views.CollectionCandidate {
	var out []views.CollectionCandidate
	for _, b := range bs {
		name := b.Name
		if name == "" {
			name = "Untitled badge"
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
		Visibility: col.Visibility, Candidates: candidates(rest)}
	for i, b := range badges {
		t := collectionTile(b)
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
	return s.render(c, http.StatusOK, views.CollectionEditPage(s.shell(c, "Rename "+col.Name), v))
}

func (s *Server) handleCollectionEdit(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	in := collectionInput(c)
	again := func(p map[string]string) error {
		v := views.CollectionEdit{PublicID: col.PublicID, Name: col.Name, Form: formOf(in, p)}
		return s.render(c, http.StatusUnprocessableEntity, views.CollectionEditPage(s.shell(c, "Rename "+col.Name), v))
	}
	if p := in.Problems(true); len(p) > 0 {
		return again(p)
	}
	err = s.db.UpdateCollection(c.Request().Context(), col.UserID, col.PublicID, in)
	if fail.CodeOf(err) == fail.Conflict {
		return again(map[string]string{"slug": fail.Message(err)})
	}
	if err != nil {
		return err
	}
	s.flash(c, views.FlashSuccess, "Changes to ‘"+in.Name+"’ saved.")
	return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID))
}

func (s *Server) handleCollectionDeleteForm(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	v := views.CollectionDelete{PublicID: col.PublicID, Name: col.Name, BadgeCount: col.BadgeCount}
	return s.render(c, http.StatusOK, views.CollectionDeletePage(s.shell(c, "Delete "+col.Name), v))
}

func (s *Server) handleCollectionDelete(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	if err := s.db.DeleteCollection(c.Request().Context(), col.UserID, col.PublicID); err != nil {
		return err
	}
	s.flash(c, views.FlashSuccess, "Collection ‘"+col.Name+"’ deleted. Its badges are still in your backpack.")
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
			v.PrivateNames = append(v.PrivateNames, badgeName(b))
		}
	}
	return v, nil
}

func badgeName(b store.BadgeSummary) string {
	if b.Name == "" {
		return "Untitled badge"
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
	return s.render(c, http.StatusOK, views.CollectionVisibilityPage(s.shell(c, "Who can see "+col.Name), v))
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
		msg = "‘" + col.Name + "’ is now public: it is listed on your profile."
	case store.Unlisted:
		msg = "‘" + col.Name + "’ is now unlisted: anyone with its link can see it."
	default:
		msg = "‘" + col.Name + "’ is now private: only you can see it."
	}
	// The badges' own visibility still decides: say so, rather than let
	// them go missing for visitors unnoticed.
	if vis != store.Private {
		v, err := s.visibilityView(c, col)
		if err != nil {
			return err
		}
		switch {
		case v.PrivateBadges == 1:
			msg += " 1 of its " + collBadges(v.BadgeCount) + " is private and stays hidden from visitors: the note below names it and leads to where you can make it public."
		case v.PrivateBadges > 1:
			msg += " " + strconv.Itoa(v.PrivateBadges) + " of its " + collBadges(v.BadgeCount) + " are private and stay hidden from visitors: the note below names them and leads to where you can make them public."
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
	switch {
	case n == 0:
		s.flash(c, views.FlashInfo, "No badge was changed: those badges are public already or no longer in ‘"+col.Name+"’.")
	case n == 1:
		s.flash(c, views.FlashSuccess, "Made 1 badge public. Visitors of ‘"+col.Name+"’ now see it.")
	default:
		s.flash(c, views.FlashSuccess, "Made "+strconv.Itoa(n)+" badges public. Visitors of ‘"+col.Name+"’ now see them.")
	}
	return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID))
}

func (s *Server) handleCollectionReplaceLinkForm(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	v := views.CollectionVisibility{PublicID: col.PublicID, Name: col.Name, Visibility: col.Visibility}
	return s.render(c, http.StatusOK, views.CollectionReplaceLinkPage(s.shell(c, "Replace the link of "+col.Name), v))
}

func (s *Server) handleCollectionReplaceLink(c echo.Context) error {
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	if _, err := s.db.ReplaceUnlistedToken(c.Request().Context(), col.UserID, col.PublicID); err != nil {
		return err
	}
	s.flash(c, views.FlashSuccess, "The link was replaced. The old link no longer works; share the new one below.")
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
	v := views.CollectionAdd{PublicID: col.PublicID, Name: col.Name, Candidates: candidates(rest)}
	return s.render(c, http.StatusOK, views.CollectionAddPage(s.shell(c, "Add badges to "+col.Name), v))
}

// formValues are the values of a repeated form field.
func formValues(c echo.Context, name string) ([]string, error) {
	params, err := c.FormParams()
	if err != nil {
		return nil, err
	}
	vs := params[name]
	if len(vs) > collMaxBadgesPerPost {
		return nil, &fail.Error{Code: fail.TooLarge, Title: "Too many at once",
			Message: "Choose at most " + strconv.Itoa(collMaxBadgesPerPost) + " at a time."}
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
		s.flash(c, views.FlashError, "Choose the collection to add the badges to.")
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
		s.flash(c, views.FlashError, "Tick at least one badge to add it to ‘"+col.Name+"’.")
		return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID))
	}
	n, err := s.db.AddToCollection(ctx, u.ID, col.PublicID, ids)
	if err != nil {
		return err
	}
	msg := "Added " + collBadges(n) + " to ‘" + col.Name + "’."
	if n < len(ids) {
		msg += " " + collBadges(len(ids)-n) + " already in it stayed where they were."
	}
	s.flash(c, views.FlashSuccess, msg)
	return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID))
}

func collBadges(n int) string {
	if n == 1 {
		return "1 badge"
	}
	return strconv.Itoa(n) + " badges"
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
		name = "Untitled badge"
	}
	s.flash(c, views.FlashSuccess, "‘"+name+"’ is now "+views.Ordinal(m.Position)+" of "+strconv.Itoa(m.Total)+".")
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
	s.flash(c, views.FlashSuccess, "‘"+name+"’ was taken out of ‘"+col.Name+"’. It is still in your backpack.")
	return c.Redirect(http.StatusSeeOther, paths.Collection(col.PublicID)+"#collection-badges-heading")
}

// badgeCollectionsView is the "Collections" section of a badge's page.
func (s *Server) badgeCollectionsView(c echo.Context, badge string) (*views.BadgeCollections, error) {
	name, list, err := s.db.BadgeCollections(c.Request().Context(), currentUser(c).ID, badge)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = "Untitled badge"
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
	return s.render(c, http.StatusOK, views.BadgeCollectionsPage(s.shell(c, "Collections of "+v.BadgeName), *v))
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
	msg := "Collections saved."
	switch {
	case joined > 0 && left > 0:
		msg = "Collections saved: added to " + strconv.Itoa(joined) + ", taken out of " + strconv.Itoa(left) + "."
	case joined > 0:
		msg = "Collections saved: added to " + strconv.Itoa(joined) + "."
	case left > 0:
		msg = "Collections saved: taken out of " + strconv.Itoa(left) + "."
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
	return s.render(c, http.StatusOK, views.CollectionGroupsPage(s.shell(c, "Automatic groups"), v))
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
	v := views.CollectionOrganise{Badges: candidates(all), Selected: c.QueryParam("collection")}
	for _, col := range list {
		v.Collections = append(v.Collections, views.CollectionSummary{PublicID: col.PublicID, Name: col.Name, BadgeCount: col.BadgeCount})
	}
	return s.render(c, http.StatusOK, views.CollectionOrganisePage(s.shell(c, "Add badges to a collection"), v))
}
