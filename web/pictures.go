package web

import (
	"context"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/avatar"
)

// pictureTimeout bounds fetching a provider's profile picture during a
// sign-in: a slow picture host must not hold the learner up for long.
const pictureTimeout = 5 * time.Second

// refreshPicture keeps the profile picture the provider gave at this
// sign-in (avatarURL, "" for none), fetched through the guarded client. It
// is fetched at every sign-in that names one, since providers keep the
// same address when the picture changes. A picture that cannot be fetched
// or read leaves what was kept before: the sign-in goes on either way, and
// the log says why.
func (s *Server) refreshPicture(c echo.Context, userID int64, provider, avatarURL string) {
	ctx, cancel := context.WithTimeout(c.Request().Context(), pictureTimeout)
	defer cancel()
	log := logger(c).With("provider", provider, "user_id", userID)
	var png []byte // none: forget the picture kept before
	if avatarURL = strings.TrimSpace(avatarURL); avatarURL != "" {
		var err error
		if png, err = avatar.Fetch(ctx, s.fetcher, avatarURL); err != nil {
			log.Info("the provider's profile picture was not kept", "err", err)
			return
		}
	} else if kept, err := s.db.LoginHasPicture(ctx, userID, provider); err != nil || !kept {
		return // most sign-ins without a picture never had one: nothing to write
	}
	if err := s.db.SetLoginPicture(ctx, userID, provider, png, avatar.Side); err != nil {
		log.Warn("keeping the profile picture failed", "err", err)
		return
	}
	log.Info("profile picture kept", "has_picture", png != nil)
}
