package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
)

// VerifiedIdentifiers returns the identifiers a badge may be claimed with:
// the emails the user's sign-in providers vouched for (logins with a
// verified email), then the emails the user added and confirmed, each
// address once whatever its letter case (type "email").
func (db *DB) VerifiedIdentifiers(ctx context.Context, userID int64) ([]badge.Identifier, error) {
	rows, err := db.reader.QueryContext(ctx, `
		SELECT email FROM (
			SELECT 0 AS src, email, created_at AS at, id FROM logins
				WHERE user_id = ? AND email_verified = 1 AND trim(email) <> ''
			UNION ALL
			SELECT 1, email, confirmed_at, id FROM user_emails
				WHERE user_id = ? AND confirmed_at > 0
		) ids ORDER BY src, at, id`, userID, userID)
	if err != nil {
		return nil, fmt.Errorf("store: verified identifiers of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []badge.Identifier
	seen := map[string]bool{}
	for rows.Next() {
		var email string
		if err := rows.Scan(&email); err != nil {
			return nil, fmt.Errorf("store: verified identifiers of user %d: %w", userID, err)
		}
		email = strings.TrimSpace(email)
		key := strings.ToLower(email)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, badge.Identifier{Type: "email", Value: email})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: verified identifiers of user %d: %w", userID, err)
	}
	return out, nil
}

// UserEmail is an email address the user added to their account.
type UserEmail struct {
	ID          int64
	UserID      int64
	Email       string // as typed
	AddedAt     time.Time
	ConfirmedAt time.Time // zero until the link sent to it is followed
}

// Confirmed reports whether the address has been confirmed.
func (e UserEmail) Confirmed() bool { return !e.ConfirmedAt.IsZero() }

// Limits on adding emails and sending confirmation links. The counts are
// read from the database, so they hold across restarts and processes.
const (
	EmailTokenTTL       = 24 * time.Hour
	EmailResendInterval = time.Minute // at most one link per user per interval
	EmailDailyLimit     = 10          // and at most this many per user per day
	MaxEmailsPerUser    = 20          // addresses, confirmed or not
	maxEmailLen         = 254         // RFC 5321 path limit
	emailTokenBytes     = 32
)

// Errors of the confirmation flow, wrapped in an *Error whose Msg says what
// to do; test with errors.Is.
var (
	ErrTokenUnknown   = errors.New("confirmation token unknown")
	ErrTokenExpired   = errors.New("confirmation token expired")
	ErrTokenUsed      = errors.New("confirmation token already used")
	ErrTokenWrongUser = errors.New("confirmation token issued to another user")
	ErrEmailRateLimit = errors.New("too many confirmation emails")
)

// NormaliseEmail is the form addresses are compared in: trimmed and
// lower-cased.
func NormaliseEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// hashEmailToken is how a confirmation token is stored: SHA-256 of the
// token as sent in the link.
func hashEmailToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

const userEmailColumns = "id, user_id, email, added_at, confirmed_at"

func scanUserEmail(row interface{ Scan(...any) error }) (*UserEmail, error) {
	var e UserEmail
	var added, confirmed int64
	if err := row.Scan(&e.ID, &e.UserID, &e.Email, &added, &confirmed); err != nil {
		return nil, err
	}
	e.AddedAt, e.ConfirmedAt = fromNanos(added), fromNanos(confirmed)
	return &e, nil
}

// UserEmails lists the addresses the user added, oldest first.
func (db *DB) UserEmails(ctx context.Context, userID int64) ([]UserEmail, error) {
	rows, err := db.reader.QueryContext(ctx, "SELECT "+userEmailColumns+" FROM user_emails WHERE user_id = ? ORDER BY added_at, id", userID)
	if err != nil {
		return nil, fmt.Errorf("store: emails of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []UserEmail
	for rows.Next() {
		e, err := scanUserEmail(rows)
		if err != nil {
			return nil, fmt.Errorf("store: emails of user %d: %w", userID, err)
		}
		out = append(out, *e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: emails of user %d: %w", userID, err)
	}
	return out, nil
}

// RequestEmailConfirmation adds the address to the user's account (once;
// adding it again re-sends) and issues a confirmation token for it, valid
// for EmailTokenTTL from now and usable once. It returns the token, which
// is stored only as its hash: send it and forget it. The address must
// already be valid (the caller checks its syntax). Sending is limited per
// user (EmailResendInterval, EmailDailyLimit): over the limit the error
// wraps ErrEmailRateLimit. An address already confirmed is a Conflict.
func (db *DB) RequestEmailConfirmation(ctx context.Context, userID int64, email string, now time.Time) (token string, ue *UserEmail, err error) {
	email = strings.TrimSpace(email)
	norm := NormaliseEmail(email)
	if norm == "" || len(email) > maxEmailLen {
		return "", nil, (&fail.Error{Code: fail.Invalid, Message: "Enter an email address like name@example.org."}).Say("store_msg.email_invalid")
	}
	raw := make([]byte, emailTokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, fmt.Errorf("store: confirmation token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	at := nanos(now)
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockUser(ctx, tx, userID); err != nil {
			return err
		}
		ue, err = scanUserEmail(tx.QueryRowContext(ctx, "SELECT "+userEmailColumns+" FROM user_emails WHERE user_id = ? AND email_norm = ?", userID, norm))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			ue = nil
		case err != nil:
			return err
		case ue.Confirmed():
			return (&fail.Error{Code: fail.Conflict, Message: ue.Email + " is already confirmed as yours."}).Say("store_msg.email_confirmed", "Email", ue.Email)
		}

		var last sql.NullInt64
		var today int
		if err := tx.QueryRowContext(ctx, "SELECT max(created_at), count(*) FROM email_tokens WHERE user_id = ? AND created_at > ?",
			userID, nanos(now.Add(-24*time.Hour))).Scan(&last, &today); err != nil {
			return err
		}
		if last.Valid {
			if wait := fromNanos(last.Int64).Add(EmailResendInterval).Sub(now); wait > 0 {
				secs := int(wait.Round(time.Second) / time.Second)
				return (&fail.Error{Code: fail.Invalid, Err: ErrEmailRateLimit, Message: fmt.Sprintf(
					"A confirmation email was sent less than a minute ago. Check your inbox (and spam folder), or wait %d seconds and try again.", max(secs, 1))}).
					SayPhrases(i18n.Phrase{ID: "store_msg.email_resend_wait", Count: max(secs, 1)})
			}
		}
		if today >= EmailDailyLimit {
			return (&fail.Error{Code: fail.Invalid, Err: ErrEmailRateLimit, Message: fmt.Sprintf(
				"You have asked for %d confirmation emails in the last day, the most Satchel sends. Please try again tomorrow.", today)}).
				SayPhrases(i18n.Phrase{ID: "store_msg.email_daily_limit", Count: today})
		}

		if ue == nil {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM user_emails WHERE user_id = ?", userID).Scan(&n); err != nil {
				return err
			}
			if n >= MaxEmailsPerUser {
				return (&fail.Error{Code: fail.Invalid, Message: fmt.Sprintf("Your account already has %d email addresses, the most it can hold. Remove one you no longer use first.", n)}).
					SayPhrases(i18n.Phrase{ID: "store_msg.email_too_many", Count: n})
			}
			ue, err = scanUserEmail(tx.QueryRowContext(ctx, "INSERT INTO user_emails (user_id, email, email_norm, added_at) VALUES (?, ?, ?, ?) RETURNING "+userEmailColumns,
				userID, email, norm, at))
			if err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO email_tokens (token_hash, user_id, email_id, email_norm, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, hashEmailToken(token), userID, ue.ID, norm, at, nanos(now.Add(EmailTokenTTL)))
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("store: request confirmation of an email for user %d: %w", userID, err)
	}
	return token, ue, nil
}

// PendingConfirmation is what a confirmation token is for.
type PendingConfirmation struct {
	EmailID   int64
	Email     string
	ExpiresAt time.Time
}

// lookupEmailToken finds the token and refuses it, without changing
// anything, when it is unknown, another user's, used or expired (checked
// in that order, so another user learns nothing about the token's state).
func lookupEmailToken(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, userID int64, token string, now time.Time) (tokenID int64, p *PendingConfirmation, err error) {
	var owner, expires, used int64
	p = &PendingConfirmation{}
	err = q.QueryRowContext(ctx, `SELECT t.id, t.user_id, t.expires_at, t.used_at, e.id, e.email
		FROM email_tokens t JOIN user_emails e ON e.id = t.email_id
		WHERE t.token_hash = ? AND e.email_norm = t.email_norm AND e.user_id = t.user_id`, hashEmailToken(token)).
		Scan(&tokenID, &owner, &expires, &used, &p.EmailID, &p.Email)
	switch {
	case errors.Is(err, sql.ErrNoRows) || token == "":
		return 0, nil, (&fail.Error{Code: fail.NotFound, Err: ErrTokenUnknown,
			Message: "This confirmation link is not valid. Check that you copied the whole link, or add the address again to get a new one."}).Say("store_msg.token_unknown")
	case err != nil:
		return 0, nil, err
	case owner != userID:
		return 0, nil, (&fail.Error{Code: fail.Invalid, Err: ErrTokenWrongUser,
			Message: "This confirmation link was sent to a different Satchel account. Sign out, then sign in to the account that asked for it and open the link again."}).Say("store_msg.token_wrong_user")
	case used != 0:
		return 0, nil, (&fail.Error{Code: fail.Invalid, Err: ErrTokenUsed,
			Message: "This confirmation link has already been used; each link works once. If the address is not listed as confirmed, add it again to get a new link."}).Say("store_msg.token_used")
	case expires <= nanos(now):
		return 0, nil, (&fail.Error{Code: fail.Invalid, Err: ErrTokenExpired,
			Message: "This confirmation link has expired; links work for 24 hours. Add the address again to get a new link."}).Say("store_msg.token_expired")
	}
	p.ExpiresAt = fromNanos(expires)
	return tokenID, p, nil
}

// EmailConfirmation returns what the token would confirm for the user,
// without using it up. The errors are those of ConfirmEmail.
func (db *DB) EmailConfirmation(ctx context.Context, userID int64, token string, now time.Time) (*PendingConfirmation, error) {
	_, p, err := lookupEmailToken(ctx, db.reader, userID, token, now)
	if err != nil {
		return nil, fmt.Errorf("store: look up confirmation token: %w", err)
	}
	return p, nil
}

// ConfirmEmail uses the token up and marks its address confirmed for the
// user. The token must be the user's own (ErrTokenWrongUser otherwise, and
// it stays usable), unused (ErrTokenUsed) and unexpired (ErrTokenExpired);
// an unknown token is ErrTokenUnknown.
func (db *DB) ConfirmEmail(ctx context.Context, userID int64, token string, now time.Time) (*UserEmail, error) {
	var ue *UserEmail
	err := db.tx(ctx, func(tx *sql.Tx) error {
		id, p, err := lookupEmailToken(ctx, tx, userID, token, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE email_tokens SET used_at = ? WHERE id = ?", nanos(now), id); err != nil {
			return err
		}
		// Confirmed once: a second link for the same address keeps the
		// first confirmation time.
		ue, err = scanUserEmail(tx.QueryRowContext(ctx, `UPDATE user_emails SET confirmed_at = CASE WHEN confirmed_at = 0 THEN ? ELSE confirmed_at END
			WHERE id = ? RETURNING `+userEmailColumns, nanos(now), p.EmailID))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: confirm email for user %d: %w", userID, err)
	}
	return ue, nil
}

// RemoveEmail removes an address the user added, with its pending links.
// Badges already claimed with it stay: each records the identifier it
// matched.
func (db *DB) RemoveEmail(ctx context.Context, userID, emailID int64) (*UserEmail, error) {
	ue, err := scanUserEmail(db.writer.QueryRowContext(ctx, "DELETE FROM user_emails WHERE id = ? AND user_id = ? RETURNING "+userEmailColumns, emailID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, (&fail.Error{Code: fail.NotFound, Message: "That email address is not on your account (it may have been removed already)."}).Say("store_msg.email_not_yours")
	}
	if err != nil {
		return nil, fmt.Errorf("store: remove email %d of user %d: %w", emailID, userID, err)
	}
	return ue, nil
}

// OutboxMessage is an email kept in the development outbox instead of
// being sent.
type OutboxMessage struct {
	ID        int64
	To        string
	Subject   string
	Text      string
	HTML      string
	CreatedAt time.Time
}

// outboxKeep is how many messages the development outbox keeps.
const outboxKeep = 200

// AddToOutbox keeps a message in the development outbox, dropping the
// oldest beyond the last outboxKeep.
func (db *DB) AddToOutbox(ctx context.Context, m OutboxMessage) (int64, error) {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = db.now()
	}
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO outbox (to_addr, subject, text_body, html_body, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			m.To, m.Subject, m.Text, m.HTML, nanos(m.CreatedAt)).Scan(&id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM outbox WHERE id <= ?", id-outboxKeep)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: add to outbox: %w", err)
	}
	return id, nil
}

// Outbox lists the development outbox, newest first, at most limit
// messages.
func (db *DB) Outbox(ctx context.Context, limit int) ([]OutboxMessage, error) {
	rows, err := db.reader.QueryContext(ctx, "SELECT id, to_addr, subject, text_body, html_body, created_at FROM outbox ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		var at int64
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, &at); err != nil {
			return nil, fmt.Errorf("store: outbox: %w", err)
		}
		m.CreatedAt = fromNanos(at)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	return out, nil
}
