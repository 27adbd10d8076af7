package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// handleProfileForm shows the learner's profile form, filled with their
// profile or, before they have one, with a suggested name and handle.
func (s *Server) handleProfileForm(c echo.Context) error {
	u := currentUser(c)
	p, err := s.db.ProfileOf(c.Request().Context(), u.ID)
	var f views.ProfileForm
	switch {
	case fail.CodeOf(err) == fail.NotFound:
		f.DisplayName = u.Name
		if h := store.Slugify(u.Name); store.ValidateHandle(h) == "" {
			f.Handle = h
		}
	case err != nil:
		return err
	default:
		f.Handle, f.DisplayName, f.Bio, f.Indexable = p.Handle, p.DisplayName, p.Bio, p.Indexable
	}
	return s.renderProfileForm(c, http.StatusOK, f, p)
}

// renderProfileForm shows the form with the pictures the learner's logins
// have. A form without an avatar choice (not one sent back) shows the
// profile's picture as chosen, or initials.
func (s *Server) renderProfileForm(c echo.Context, status int, f views.ProfileForm, p *store.Profile) error {
	ctx := c.Request().Context()
	pictures, err := s.db.LoginPictures(ctx, currentUser(c).ID)
	if err != nil {
		return err
	}
	chosen := f.Avatar == ""
	if chosen {
		f.Avatar = views.AvatarNone
	}
	for _, pic := range pictures {
		label := s.providerLabel(c, pic.Provider)
		v := views.ProviderAvatarValue(pic.Provider)
		f.Pictures = append(f.Pictures, views.ProfilePicture{Value: v, Label: label, Src: paths.Image(pic.Hash)})
		if chosen && p != nil && p.Avatar == store.AvatarProvider && pic.Hash == p.AvatarHash {
			f.Avatar = v
		}
	}
	if p != nil {
		f.Saved, f.PublicURL = true, paths.PublicProfile(p.Handle)
		if pp, err := s.db.PublicProfileByHandle(ctx, p.Handle, s.now()); err == nil {
			f.PublicBadges, f.PublicColls = len(pp.Badges), len(pp.Collections)
		}
	}
	title := tr(c, "profile.title")
	if len(f.Errors) > 0 {
		title = tr(c, "profile.error_title")
	}
	return s.render(c, status, views.ProfileEditPage(s.shell(c, title), f))
}

// handleProfileSave saves the profile, or shows the form again (422) with
// the input kept and each problem next to its field.
func (s *Server) handleProfileSave(c echo.Context) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	avatar := c.FormValue("avatar")
	in := store.ProfileInput{
		Handle:      c.FormValue("handle"),
		DisplayName: c.FormValue("display_name"),
		Bio:         c.FormValue("bio"),
		Avatar:      avatar,
		Indexable:   c.FormValue("indexable") != "",
	}
	if from, ok := views.AvatarProviderOf(avatar); ok {
		in.Avatar, in.AvatarFrom = store.AvatarProvider, from
	}
	p, err := s.db.SaveProfile(ctx, u.ID, in)
	var pe store.ProfileProblems
	if errors.As(err, &pe) {
		old, err := s.db.ProfileOf(ctx, u.ID)
		if err != nil && fail.CodeOf(err) != fail.NotFound {
			return err
		}
		f := views.ProfileForm{Handle: in.Handle, DisplayName: in.DisplayName, Bio: in.Bio, Avatar: avatar, Indexable: in.Indexable, Errors: pe.In(ctx)}
		return s.renderProfileForm(c, http.StatusUnprocessableEntity, f, old)
	}
	if err != nil {
		return err
	}
	logger(c).Info("profile saved", "handle", p.Handle)
	s.flash(c, views.FlashSuccess, tr(c, "profile.saved"))
	return c.Redirect(http.StatusSeeOther, paths.ProfileEdit)
}
