package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
)

// Profile is how a learner appears on their public pages.
type Profile struct {
	UserID      int64
	Handle      string // lower-case; the public URL is /u/<handle>
	DisplayName string
	Bio         string // Markdown; pages render it sanitised
	Avatar      string // AvatarNone or AvatarProvider
	AvatarHash  string // the stored avatar image's hash, "" when none is stored
	Indexable   bool   // search engines may index the public pages
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Avatar choices.
const (
	AvatarNone     = "none"     // initials
	AvatarProvider = "provider" // the sign-in provider's picture, kept in images
)

// Profile limits.
const (
	HandleMinLen      = 3
	HandleMaxLen      = 30
	DisplayNameMaxLen = 80
	BioMaxLen         = 1000
)

// reservedHandles are names a handle may not take: they are, or could one
// day be, Satchel's own addresses, or would mislead visitors.
var reservedHandles = map[string]bool{
	"about": true, "account": true, "admin": true, "administrator": true, "api": true, "app": true,
	"assets": true, "auth": true, "backpack": true, "badge": true, "badges": true, "c": true,
	"collection": true, "collections": true, "dev": true, "download": true, "embed": true, "export": true, "oembed": true, "qr": true,
	"healthz": true, "readyz": true, "metrics": true, "help": true, "images": true, "import": true, "login": true, "logout": true,
	"me": true, "moderator": true, "new": true, "null": true, "profile": true, "public": true,
	"root": true, "satchel": true, "security": true, "settings": true, "share": true, "signin": true,
	"signout": true, "signup": true, "static": true, "support": true, "system": true, "u": true,
	"undefined": true, "user": true, "users": true, "verify": true, "www": true,
}

// NormalizeHandle lower-cases and trims a handle as a learner typed it.
func NormalizeHandle(h string) string {
	return strings.ToLower(strings.TrimSpace(h))
}

// ValidateHandle checks a (normalised) handle and says what is wrong in
// words a learner can act on, or returns "".
func ValidateHandle(h string) string {
	if p := handleProblem(h); p != nil {
		return p.English()
	}
	return ""
}

// handleProblem is what is wrong with a (normalised) handle, as a phrase
// said in the reader's language, or nil.
func handleProblem(h string) *i18n.Phrase {
	n := len(h)
	if n == 0 {
		return &i18n.Phrase{ID: "store_msg.handle_empty"}
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return &i18n.Phrase{ID: "store_msg.handle_characters"}
		}
	}
	if n < HandleMinLen || n > HandleMaxLen {
		return &i18n.Phrase{ID: "store_msg.handle_length", Vars: map[string]string{"Min": strconv.Itoa(HandleMinLen), "Max": strconv.Itoa(HandleMaxLen), "Length": strconv.Itoa(n)}}
	}
	if h[0] == '-' || h[n-1] == '-' || strings.Contains(h, "--") {
		return &i18n.Phrase{ID: "store_msg.handle_hyphens"}
	}
	if reservedHandles[h] {
		return &i18n.Phrase{ID: "store_msg.handle_reserved"}
	}
	return nil
}

// ProfileInput is what the learner submits on the profile form.
type ProfileInput struct {
	Handle      string
	DisplayName string
	Bio         string
	Avatar      string // AvatarNone or AvatarProvider
	// AvatarFrom names the login (its provider) whose picture to show when
	// Avatar is AvatarProvider.
	AvatarFrom string
	Indexable  bool
}

// ProfileErrors are the problems of a submitted profile, by field name
// ("handle", "display_name", "bio", "avatar"), in English.
type ProfileErrors map[string]string

func (e ProfileErrors) Error() string {
	var parts []string
	for k, v := range e {
		parts = append(parts, k+": "+v)
	}
	return "store: invalid profile: " + strings.Join(parts, "; ")
}

// ProfileProblems are the problems of a submitted profile, by field name,
// as phrases said in the reader's language. SaveProfile returns them;
// errors.As gives them as ProfileErrors too, in English.
type ProfileProblems map[string]i18n.Phrase

// English is the problems in English.
func (p ProfileProblems) English() ProfileErrors {
	e := make(ProfileErrors, len(p))
	for k, ph := range p {
		e[k] = ph.English()
	}
	return e
}

// In says the problems in the context's language.
func (p ProfileProblems) In(ctx context.Context) map[string]string {
	m := make(map[string]string, len(p))
	for k, ph := range p {
		m[k] = i18n.Say(ctx, ph)
	}
	return m
}

func (p ProfileProblems) Error() string { return p.English().Error() }

// As lets errors.As read ProfileProblems as ProfileErrors.
func (p ProfileProblems) As(target any) bool {
	if t, ok := target.(*ProfileErrors); ok {
		*t = p.English()
		return true
	}
	return false
}

// profileTaken is the problem of a handle another learner has.
func profileTaken() ProfileProblems {
	return ProfileProblems{"handle": {ID: "store_msg.handle_taken"}}
}

// Validate normalises the input in place and returns its problems, or nil.
func (in *ProfileInput) Validate() ProfileErrors {
	if p := in.problems(); p != nil {
		return p.English()
	}
	return nil
}

// problems normalises the input in place and returns its problems as
// phrases, or nil.
func (in *ProfileInput) problems() ProfileProblems {
	errs := ProfileProblems{}
	in.Handle = NormalizeHandle(in.Handle)
	if p := handleProblem(in.Handle); p != nil {
		errs["handle"] = *p
	}
	in.DisplayName = strings.Join(strings.Fields(in.DisplayName), " ")
	switch n := utf8.RuneCountInString(in.DisplayName); {
	case n == 0:
		errs["display_name"] = i18n.Phrase{ID: "store_msg.name_empty"}
	case n > DisplayNameMaxLen:
		errs["display_name"] = i18n.Phrase{ID: "store_msg.name_too_long", Vars: map[string]string{"Max": strconv.Itoa(DisplayNameMaxLen), "Length": strconv.Itoa(n)}}
	case strings.Contains(in.DisplayName, "@"):
		// Public pages never show an email address, not even by mistake.
		errs["display_name"] = i18n.Phrase{ID: "store_msg.name_at"}
	}
	in.Bio = strings.TrimSpace(strings.ReplaceAll(in.Bio, "\r\n", "\n"))
	if n := utf8.RuneCountInString(in.Bio); n > BioMaxLen {
		errs["bio"] = i18n.Phrase{ID: "store_msg.bio_too_long", Vars: map[string]string{"Max": strconv.Itoa(BioMaxLen), "Length": strconv.Itoa(n)}}
	}
	if in.Avatar == "" {
		in.Avatar = AvatarNone
	}
	if in.Avatar != AvatarNone && in.Avatar != AvatarProvider {
		errs["avatar"] = i18n.Phrase{ID: "store_msg.avatar_choose"}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

const profileColumns = `p.user_id, p.handle, p.display_name, p.bio, p.avatar, coalesce(i.hash, ''), p.indexable, p.created_at, p.updated_at`
const profileFrom = ` FROM profiles p LEFT JOIN images i ON i.id = p.avatar_image_id `

func scanProfile(row interface{ Scan(...any) error }) (*Profile, error) {
	var p Profile
	var created, updated int64
	if err := row.Scan(&p.UserID, &p.Handle, &p.DisplayName, &p.Bio, &p.Avatar, &p.AvatarHash, &p.Indexable, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &p, nil
}

var errNoProfile = (&fail.Error{Code: fail.NotFound, Message: "There is no such profile."}).Say("store_msg.no_profile")

// ProfileOf returns the user's profile; NotFound when they have not made one.
func (db *DB) ProfileOf(ctx context.Context, userID int64) (*Profile, error) {
	p, err := scanProfile(db.reader.QueryRowContext(ctx, "SELECT "+profileColumns+profileFrom+"WHERE p.user_id = ?", userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoProfile
	}
	if err != nil {
		return nil, fmt.Errorf("store: profile of user %d: %w", userID, err)
	}
	return p, nil
}

// SaveProfile creates or updates the user's profile. Invalid input returns
// ProfileErrors (Kind Invalid through KindOf is not used: the form needs
// each field's message); a handle another learner has is a ProfileErrors
// too, on "handle".
func (db *DB) SaveProfile(ctx context.Context, userID int64, in ProfileInput) (*Profile, error) {
	if errs := in.problems(); errs != nil {
		return nil, errs
	}
	now := nanos(db.now())
	var p *Profile
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var owner int64
		err := tx.QueryRowContext(ctx, "SELECT user_id FROM profiles WHERE handle = ?", in.Handle).Scan(&owner)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case owner != userID:
			return profileTaken()
		}
		var picture sql.NullInt64
		if in.Avatar == AvatarProvider {
			err := tx.QueryRowContext(ctx, "SELECT avatar_image_id FROM logins WHERE user_id = ? AND provider = ? AND avatar_image_id IS NOT NULL",
				userID, in.AvatarFrom).Scan(&picture)
			if errors.Is(err, sql.ErrNoRows) {
				return ProfileProblems{"avatar": {ID: "store_msg.avatar_no_picture"}}
			}
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO profiles (user_id, handle, display_name, bio, avatar, avatar_image_id, indexable, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET handle = excluded.handle, display_name = excluded.display_name,
				bio = excluded.bio, avatar = excluded.avatar, avatar_image_id = excluded.avatar_image_id,
				indexable = excluded.indexable, rev = profiles.rev + 1, updated_at = excluded.updated_at`,
			userID, in.Handle, in.DisplayName, in.Bio, in.Avatar, picture, in.Indexable, now, now); err != nil {
			return err
		}
		p, err = scanProfile(tx.QueryRowContext(ctx, "SELECT "+profileColumns+profileFrom+"WHERE p.user_id = ?", userID))
		return err
	})
	var pe ProfileProblems
	if errors.As(err, &pe) {
		return nil, pe
	}
	if uniqueViolation(err, "profiles_handle_key") {
		// Another process gave the handle to someone else since the check.
		return nil, profileTaken()
	}
	if err != nil {
		return nil, fmt.Errorf("store: save profile of user %d: %w", userID, err)
	}
	return p, nil
}

// DeleteProfile removes the user's public profile: their public pages
// answer 404 until they choose a handle again. Badges and collections keep
// their visibility.
func (db *DB) DeleteProfile(ctx context.Context, userID int64) error {
	res, err := db.writer.ExecContext(ctx, "DELETE FROM profiles WHERE user_id = ?", userID)
	if err != nil {
		return fmt.Errorf("store: delete profile of user %d: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNoProfile
	}
	return nil
}
