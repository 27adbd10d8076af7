package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// handleProfileForm shows the learner's profile form, filled with their
// profile or, before they have one, with a suggested name and handle.
func (s *Server) handleProfileForm(c echo.Context) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	p, err := s.db.ProfileOf(ctx, u.ID)
	f := views.ProfileForm{Avatar: views.AvatarNone}
	switch {
	case store.KindOf(err) == store.NotFound:
		f.DisplayName = u.Name
		if h := store.Slugify(u.Name); store.ValidateHandle(h) == "" {
			f.Handle = h
		}
	case err != nil:
		return err
	default:
		f.Handle, f.DisplayName, f.Bio, f.Indexable = p.Handle, p.DisplayName, p.Bio, p.Indexable
	}
	pictures, err := s.db.LoginPictures(ctx, u.ID)
	if err != nil {
		return err
	}
	f.Pictures = s.pictureChoices(pictures)
	if p != nil && p.Avatar == store.AvatarProvider {
		for _, pic := range pictures {
			if pic.Hash == p.AvatarHash {
				f.Avatar = views.ProviderAvatarValue(pic.Provider)
			}
		}
	}
	return s.renderProfileForm(c, http.StatusOK, f, p)
}

// pictureChoices offers each kept provider picture on the profile form.
func (s *Server) pictureChoices(pictures []store.LoginPicture) []views.ProfilePicture {
	var out []views.ProfilePicture
	for _, pic := range pictures {
		label := pic.Provider
		if info, ok := s.providers[pic.Provider]; ok {
			label = info.label
		}
		out = append(out, views.ProfilePicture{Value: views.ProviderAvatarValue(pic.Provider), Label: label, Src: views.ImagePath(pic.Hash)})
	}
	return out
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
	if from, ok := strings.CutPrefix(in.Avatar, "provider:"); ok {
		in.Avatar, in.AvatarFrom = store.AvatarProvider, from
	}
	p, err := s.db.SaveProfile(ctx, u.ID, in)
	var pe store.ProfileErrors
	if errors.As(err, &pe) {
		return s.renderProfileErrors(c, ctx, u.ID, in, pe)
	}
	if err != nil {
		return err
	}
	logger(c).Info("profile saved", "handle", p.Handle)
	s.flash(c, views.FlashSuccess, "Your public profile is saved.")
	return c.Redirect(http.StatusSeeOther, views.ProfileEditPath)
}

// renderProfileErrors shows the form again with what the learner typed.
func (s *Server) renderProfileErrors(c echo.Context, ctx context.Context, userID int64, in store.ProfileInput, pe store.ProfileErrors) error {
	f := views.ProfileForm{Handle: in.Handle, DisplayName: in.DisplayName, Bio: in.Bio, Avatar: c.FormValue("avatar"), Indexable: in.Indexable, Errors: pe}
	pictures, err := s.db.LoginPictures(ctx, userID)
	if err != nil {
		return err
	}
	f.Pictures = s.pictureChoices(pictures)
	old, err := s.db.ProfileOf(ctx, userID)
	if err != nil && store.KindOf(err) != store.NotFound {
		return err
	}
	return s.renderProfileForm(c, http.StatusUnprocessableEntity, f, old)
}
