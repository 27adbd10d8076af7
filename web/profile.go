package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// handleProfileForm shows the learner's profile form, filled with their
// profile or, before they have one, with a suggested name and handle.
func (s *Server) handleProfileForm(c echo.Context) error {
	u := currentUser(c)
	p, err := s.db.ProfileOf(c.Request().Context(), u.ID)
	f := views.ProfileForm{Avatar: store.AvatarNone}
	switch {
	case store.KindOf(err) == store.NotFound:
		f.DisplayName = u.Name
		if h := store.Slugify(u.Name); store.ValidateHandle(h) == "" {
			f.Handle = h
		}
	case err != nil:
		return err
	default:
		f.Handle, f.DisplayName, f.Bio, f.Avatar, f.Indexable = p.Handle, p.DisplayName, p.Bio, p.Avatar, p.Indexable
		if p.AvatarHash != "" {
			f.ProviderAvatar = views.ImagePath(p.AvatarHash)
		}
	}
	return s.renderProfileForm(c, http.StatusOK, f, p)
}

func (s *Server) renderProfileForm(c echo.Context, status int, f views.ProfileForm, p *store.Profile) error {
	if p != nil {
		f.Saved, f.PublicURL = true, views.PublicProfilePath(p.Handle)
		if pp, err := s.db.PublicProfileByHandle(c.Request().Context(), p.Handle, s.now()); err == nil {
			f.PublicBadges, f.PublicColls = len(pp.Badges), len(pp.Collections)
		}
	}
	title := "Your public profile"
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	return s.render(c, status, views.ProfileEditPage(s.shell(c, title), f))
}

// handleProfileSave saves the profile, or shows the form again (422) with
// the input kept and each problem next to its field.
func (s *Server) handleProfileSave(c echo.Context) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	in := store.ProfileInput{
		Handle:      c.FormValue("handle"),
		DisplayName: c.FormValue("display_name"),
		Bio:         c.FormValue("bio"),
		Avatar:      c.FormValue("avatar"),
		Indexable:   c.FormValue("indexable") != "",
	}
	old, err := s.db.ProfileOf(ctx, u.ID)
	if err != nil && store.KindOf(err) != store.NotFound {
		return err
	}
	if in.Avatar == store.AvatarProvider && (old == nil || old.AvatarHash == "") {
		in.Avatar = store.AvatarNone // nothing to show; the form does not offer it
	}
	p, err := s.db.SaveProfile(ctx, u.ID, in)
	var pe store.ProfileErrors
	if errors.As(err, &pe) {
		f := views.ProfileForm{Handle: in.Handle, DisplayName: in.DisplayName, Bio: in.Bio, Avatar: in.Avatar, Indexable: in.Indexable, Errors: pe}
		if old != nil && old.AvatarHash != "" {
			f.ProviderAvatar = views.ImagePath(old.AvatarHash)
		}
		return s.renderProfileForm(c, http.StatusUnprocessableEntity, f, old)
	}
	if err != nil {
		return err
	}
	logger(c).Info("profile saved", "handle", p.Handle)
	s.flash(c, views.FlashSuccess, "Your public profile is saved.")
	return c.Redirect(http.StatusSeeOther, views.ProfileEditPath)
}
