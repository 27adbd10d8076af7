package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/satchel-backpack/satchel/internal/fail"
)

// LoginPicture is the profile picture a sign-in provider gave, kept in
// images (a PNG made by internal/avatar).
type LoginPicture struct {
	Provider string
	Hash     string // the image's hash, for /images/{hash}
}

// LoginHasPicture says whether a picture is kept for the user's login
// with provider.
func (db *DB) LoginHasPicture(ctx context.Context, userID int64, provider string) (bool, error) {
	var kept bool
	err := db.reader.QueryRowContext(ctx, "SELECT avatar_image_id IS NOT NULL FROM logins WHERE user_id = ? AND provider = ?",
		userID, provider).Scan(&kept)
	if errors.Is(err, sql.ErrNoRows) {
		return false, (&fail.Error{Code: fail.NotFound, Message: "That sign-in is not linked to your account."}).Say("store_msg.login_not_linked")
	}
	if err != nil {
		return false, fmt.Errorf("store: %s picture of user %d: %w", provider, userID, err)
	}
	return kept, nil
}

// SetLoginPicture keeps png (side×side, from avatar.Normalize) as the
// picture of the user's login with provider; a nil png forgets the login's
// picture (the provider no longer gives one). A public profile that showed
// the login's previous picture shows the new one, or initials when there
// is none; a picture nothing shows any more is deleted.
func (db *DB) SetLoginPicture(ctx context.Context, userID int64, provider string, png []byte, side int) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var old sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT avatar_image_id FROM logins WHERE user_id = ? AND provider = ?", userID, provider).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return (&fail.Error{Code: fail.NotFound, Message: "That sign-in is not linked to your account."}).Say("store_msg.login_not_linked")
		}
		if err != nil {
			return err
		}
		var id sql.NullInt64
		if png != nil {
			if id.Int64, _, err = putImage(ctx, tx, png, "image/png", side, side, nanos(db.now())); err != nil {
				return err
			}
			id.Valid = true
		}
		if _, err := tx.ExecContext(ctx, "UPDATE logins SET avatar_image_id = ? WHERE user_id = ? AND provider = ?",
			id, userID, provider); err != nil {
			return err
		}
		if old.Valid && old != id {
			avatar := AvatarProvider
			if !id.Valid {
				avatar = AvatarNone
			}
			if _, err := tx.ExecContext(ctx, `UPDATE profiles SET avatar = ?, avatar_image_id = ?, rev = rev + 1, updated_at = ?
				WHERE user_id = ? AND avatar = 'provider' AND avatar_image_id = ?`, avatar, id, nanos(db.now()), userID, old.Int64); err != nil {
				return err
			}
			return deleteImagesIfUnused(ctx, tx, old.Int64)
		}
		return nil
	})
	if err != nil && fail.CodeOf(err) == fail.Internal {
		return fmt.Errorf("store: set %s picture of user %d: %w", provider, userID, err)
	}
	return err
}

// LoginPictures lists the pictures kept from the user's logins, in the
// order the logins were linked.
func (db *DB) LoginPictures(ctx context.Context, userID int64) ([]LoginPicture, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT l.provider, i.hash FROM logins l JOIN images i ON i.id = l.avatar_image_id
		WHERE l.user_id = ? ORDER BY l.created_at, l.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: pictures of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []LoginPicture
	for rows.Next() {
		var p LoginPicture
		if err := rows.Scan(&p.Provider, &p.Hash); err != nil {
			return nil, fmt.Errorf("store: pictures of user %d: %w", userID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pictures of user %d: %w", userID, err)
	}
	return out, nil
}

// deleteImagesIfUnused deletes each of the images that no badge, login or
// profile shows any more.
func deleteImagesIfUnused(ctx context.Context, tx *sql.Tx, ids ...int64) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `DELETE FROM images WHERE id = ?
			AND NOT EXISTS (SELECT 1 FROM badges WHERE image_id = ?)
			AND NOT EXISTS (SELECT 1 FROM logins WHERE avatar_image_id = ?)
			AND NOT EXISTS (SELECT 1 FROM profiles WHERE avatar_image_id = ?)`, id, id, id, id); err != nil {
			return err
		}
	}
	return nil
}
