package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/fail"
)

// User is an account. It has one or more Logins.
type User struct {
	ID                 int64
	Name               string
	Email              string
	CreatedAt          time.Time
	SessionsValidAfter time.Time // sessions issued at or before this are void
	// Language is the BCP 47 tag of the language the learner chose for
	// Satchel's pages ("es"), or "" to follow their browser.
	Language string
}

// Login is one way to sign in to an account: a provider and the subject
// (the provider's stable user id), with the email the provider reported.
type Login struct {
	ID            int64
	UserID        int64
	Provider      string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	CreatedAt     time.Time
	LastUsedAt    time.Time
}

// Identity is what a provider tells us at sign-in.
type Identity struct {
	Provider      string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
}

func (id Identity) validate() error {
	if strings.TrimSpace(id.Provider) == "" || strings.TrimSpace(id.Subject) == "" {
		return (&fail.Error{Code: fail.Invalid, Message: "The sign-in provider did not say who you are. Please try again or use another provider."}).Say("store_msg.provider_no_subject")
	}
	return nil
}

const userColumns = "id, name, email, created_at, sessions_valid_after, language"

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var created, valid int64
	if err := row.Scan(&u.ID, &u.Name, &u.Email, &created, &valid, &u.Language); err != nil {
		return nil, err
	}
	u.CreatedAt, u.SessionsValidAfter = fromNanos(created), fromNanos(valid)
	return &u, nil
}

// User returns the user with the given id.
func (db *DB) User(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(db.reader.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, (&fail.Error{Code: fail.NotFound, Message: "This account does not exist."}).Say("store_msg.no_account")
	}
	if err != nil {
		return nil, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// SetUserLanguage keeps the language the user chose for Satchel's pages
// (a BCP 47 tag the caller has checked), or "" to follow their browser.
// Their public pages' share texts speak it, so the profile's revision
// moves too and no process serves a kept page with the old words.
func (db *DB) SetUserLanguage(ctx context.Context, userID int64, tag string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE users SET language = ? WHERE id = ?", tag, userID)
		if err != nil {
			return fmt.Errorf("store: set language of user %d: %w", userID, err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return (&fail.Error{Code: fail.NotFound, Message: "This account does not exist."}).Say("store_msg.no_account")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE profiles SET rev = rev + 1 WHERE user_id = ?", userID); err != nil {
			return fmt.Errorf("store: set language of user %d: %w", userID, err)
		}
		return nil
	})
}

// SignIn finds the account that the identity's login belongs to, refreshing
// the login's email and last use, or creates a new account with that login.
// created reports whether the account is new.
func (db *DB) SignIn(ctx context.Context, id Identity) (u *User, created bool, err error) {
	if err := id.validate(); err != nil {
		return nil, false, err
	}
	now := nanos(db.now())
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockLogin(ctx, tx, id.Provider, id.Subject); err != nil {
			return err
		}
		var userID int64
		err := tx.QueryRowContext(ctx, "SELECT user_id FROM logins WHERE provider = ? AND subject = ?", id.Provider, id.Subject).Scan(&userID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			name := displayName(id)
			if err := tx.QueryRowContext(ctx, "INSERT INTO users (name, email, created_at) VALUES (?, ?, ?) RETURNING id",
				name, id.Email, now).Scan(&userID); err != nil {
				return err
			}
			if err := insertLogin(ctx, tx, userID, id, now); err != nil {
				return err
			}
			created = true
		case err != nil:
			return err
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE logins SET email = ?, email_verified = ?, name = ?, last_used_at = ?
				WHERE provider = ? AND subject = ?`, id.Email, id.EmailVerified, id.Name, now, id.Provider, id.Subject); err != nil {
				return err
			}
		}
		u, err = scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", userID))
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: sign in with %s: %w", id.Provider, err)
	}
	return u, created, nil
}

func displayName(id Identity) string {
	if n := strings.TrimSpace(id.Name); n != "" {
		return n
	}
	if at := strings.IndexByte(id.Email, '@'); at > 0 {
		return id.Email[:at]
	}
	return "Learner"
}

func insertLogin(ctx context.Context, tx *sql.Tx, userID int64, id Identity, now int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO logins (user_id, provider, subject, email, email_verified, name, created_at, last_used_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, userID, id.Provider, id.Subject, id.Email, id.EmailVerified, id.Name, now, now)
	return err
}

// LinkLogin adds the identity as another way to sign in to the user's
// account. Linking a login the account already has only refreshes it;
// a login that belongs to another account is a Conflict.
func (db *DB) LinkLogin(ctx context.Context, userID int64, id Identity) error {
	if err := id.validate(); err != nil {
		return err
	}
	now := nanos(db.now())
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockLogin(ctx, tx, id.Provider, id.Subject); err != nil {
			return err
		}
		var owner int64
		err := tx.QueryRowContext(ctx, "SELECT user_id FROM logins WHERE provider = ? AND subject = ?", id.Provider, id.Subject).Scan(&owner)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM logins WHERE user_id = ? AND provider = ?", userID, id.Provider).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return (&fail.Error{Code: fail.Conflict, Message: "Your account already has a sign-in with this provider. Unlink it first to link a different one."}).Say("store_msg.login_same_provider")
			}
			return insertLogin(ctx, tx, userID, id, now)
		case err != nil:
			return err
		case owner != userID:
			return (&fail.Error{Code: fail.Conflict, Message: "That sign-in is already linked to a different Satchel account. Sign in with it and delete that account first if you want to move it here."}).Say("store_msg.login_other_account")
		default:
			_, err := tx.ExecContext(ctx, `UPDATE logins SET email = ?, email_verified = ?, name = ?, last_used_at = ?
				WHERE provider = ? AND subject = ?`, id.Email, id.EmailVerified, id.Name, now, id.Provider, id.Subject)
			return err
		}
	})
	if err != nil {
		return fmt.Errorf("store: link %s login: %w", id.Provider, err)
	}
	return nil
}

// Logins lists the user's logins, oldest first.
func (db *DB) Logins(ctx context.Context, userID int64) ([]Login, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT id, user_id, provider, subject, email, email_verified, name, created_at, last_used_at
		FROM logins WHERE user_id = ? ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: logins of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []Login
	for rows.Next() {
		var l Login
		var created, used int64
		if err := rows.Scan(&l.ID, &l.UserID, &l.Provider, &l.Subject, &l.Email, &l.EmailVerified, &l.Name, &created, &used); err != nil {
			return nil, fmt.Errorf("store: logins of user %d: %w", userID, err)
		}
		l.CreatedAt, l.LastUsedAt = fromNanos(created), fromNanos(used)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: logins of user %d: %w", userID, err)
	}
	return out, nil
}

// UnlinkLogin removes the user's login with the given provider. The last
// login cannot be removed: the account would be unreachable (delete the
// account instead).
func (db *DB) UnlinkLogin(ctx context.Context, userID int64, provider string) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM logins WHERE user_id = ?", userID).Scan(&n); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM logins WHERE user_id = ? AND provider = ?", userID, provider).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return (&fail.Error{Code: fail.NotFound, Message: "That sign-in is not linked to your account."}).Say("store_msg.login_not_linked")
		}
		if err != nil {
			return err
		}
		if n <= 1 {
			return (&fail.Error{Code: fail.Invalid, Message: "This is the only way to sign in to your account, so it cannot be removed. Link another provider first, or delete the account."}).Say("store_msg.login_only_one")
		}
		var picture sql.NullInt64
		if err := tx.QueryRowContext(ctx, "DELETE FROM logins WHERE id = ? RETURNING avatar_image_id", id).Scan(&picture); err != nil {
			return err
		}
		if !picture.Valid {
			return nil
		}
		// A profile showing this provider's picture shows initials instead.
		if _, err := tx.ExecContext(ctx, `UPDATE profiles SET avatar = 'none', avatar_image_id = NULL, rev = rev + 1, updated_at = ?
			WHERE user_id = ? AND avatar_image_id = ?`, nanos(db.now()), userID, picture.Int64); err != nil {
			return err
		}
		return deleteImagesIfUnused(ctx, tx, picture.Int64)
	})
	if err != nil {
		return fmt.Errorf("store: unlink %s login: %w", provider, err)
	}
	return nil
}

// RevokeSessions voids every session of the user issued up to now
// ("sign out everywhere") and returns the cut-off time.
func (db *DB) RevokeSessions(ctx context.Context, userID int64) (time.Time, error) {
	now := db.now().UTC()
	res, err := db.writer.ExecContext(ctx, `UPDATE users SET sessions_valid_after = CASE WHEN sessions_valid_after > :t THEN sessions_valid_after ELSE :t END
		WHERE id = :id`, sql.Named("t", nanos(now)), sql.Named("id", userID))
	if err != nil {
		return time.Time{}, fmt.Errorf("store: revoke sessions of user %d: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return time.Time{}, (&fail.Error{Code: fail.NotFound, Message: "This account does not exist."}).Say("store_msg.no_account")
	}
	return now, nil
}

// DeleteUser deletes the account and, through ON DELETE CASCADE, all of
// its data. Every table holding a user's data must reference users(id)
// ON DELETE CASCADE; TestEveryUserTableCascades checks that it does.
// Images (which are shared by content) go too when nothing else shows them.
func (db *DB) DeleteUser(ctx context.Context, userID int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		images, err := userImages(ctx, tx, userID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM users WHERE id = ?", userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return (&fail.Error{Code: fail.NotFound, Message: "This account does not exist."}).Say("store_msg.no_account")
		}
		return deleteImagesIfUnused(ctx, tx, images...)
	})
	if err != nil && fail.CodeOf(err) == fail.Internal {
		return fmt.Errorf("store: delete user %d: %w", userID, err)
	}
	return err
}

// userImages lists the images the user's badges, logins and profile show.
func userImages(ctx context.Context, tx *sql.Tx, userID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT image_id FROM badges WHERE user_id = :user AND image_id IS NOT NULL
		UNION SELECT avatar_image_id FROM logins WHERE user_id = :user AND avatar_image_id IS NOT NULL
		UNION SELECT avatar_image_id FROM profiles WHERE user_id = :user AND avatar_image_id IS NOT NULL`, sql.Named("user", userID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// UserByLogin returns the account that the provider's subject signs in to.
func (db *DB) UserByLogin(ctx context.Context, provider, subject string) (*User, error) {
	u, err := scanUser(db.reader.QueryRowContext(ctx, "SELECT "+prefixed("u.", userColumns)+
		" FROM users u JOIN logins l ON l.user_id = u.id WHERE l.provider = ? AND l.subject = ?", provider, subject))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, (&fail.Error{Code: fail.NotFound, Message: "No account uses that sign-in."}).Say("store_msg.no_account_login")
	}
	if err != nil {
		return nil, fmt.Errorf("store: user by %s login: %w", provider, err)
	}
	return u, nil
}

// CountUsers returns the number of accounts.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.reader.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// SetUserName changes the learner's name (a connected platform's profile
// update, issue 15). The caller has checked it.
func (db *DB) SetUserName(ctx context.Context, userID int64, name string) error {
	res, err := db.writer.ExecContext(ctx, "UPDATE users SET name = ? WHERE id = ?", name, userID)
	if err != nil {
		return fmt.Errorf("store: set name of user %d: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return (&fail.Error{Code: fail.NotFound, Message: "This account does not exist."}).Say("store_msg.no_account")
	}
	return nil
}
