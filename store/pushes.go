package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Badges that a connected platform pushed through the Open Badges APIs
// (issue 15): who sent each, and whether the learner has been told.

// RecordPush notes that the platform (clientID, by its internal id, and
// its name as the learner saw it) sent the badge, to be announced on the
// learner's next visit. Sending the same badge again announces it again.
func (db *DB) RecordPush(ctx context.Context, userID, badgeID, clientID int64, clientName string, now time.Time) error {
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO badge_pushes (badge_id, user_id, client_id, client_name, pushed_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (badge_id) DO UPDATE SET client_id = excluded.client_id, client_name = excluded.client_name,
			pushed_at = excluded.pushed_at, announced_at = 0`,
		badgeID, userID, clientID, clientName, nanos(now)); err != nil {
		return fmt.Errorf("store: record push: %w", err)
	}
	return nil
}

// PushAnnouncement is how many badges one platform sent since the learner
// last looked.
type PushAnnouncement struct {
	ClientName string
	Count      int
}

// TakePushAnnouncements returns the badges pushed since the learner was
// last told, counted by platform (the most recent first), and marks them
// told. Two processes taking at once each tell only what they marked.
func (db *DB) TakePushAnnouncements(ctx context.Context, userID int64, now time.Time) ([]PushAnnouncement, error) {
	// Every backpack view asks: a read first, so that the usual answer
	// (nothing new) takes no write.
	var pending bool
	if err := db.reader.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM badge_pushes WHERE user_id = ? AND announced_at = 0)", userID).Scan(&pending); err != nil {
		return nil, fmt.Errorf("store: push announcements: %w", err)
	}
	if !pending {
		return nil, nil
	}
	var out []PushAnnouncement
	err := db.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `UPDATE badge_pushes SET announced_at = ?
			WHERE user_id = ? AND announced_at = 0 RETURNING client_name, pushed_at`, nanos(now), userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		latest := map[string]int64{}
		count := map[string]int{}
		for rows.Next() {
			var name string
			var at int64
			if err := rows.Scan(&name, &at); err != nil {
				return err
			}
			if count[name] == 0 {
				out = append(out, PushAnnouncement{ClientName: name})
			}
			count[name]++
			latest[name] = max(latest[name], at)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			out[i].Count = count[out[i].ClientName]
		}
		sortAnnouncements(out, latest)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: push announcements: %w", err)
	}
	return out, nil
}

func sortAnnouncements(a []PushAnnouncement, latest map[string]int64) {
	slices.SortFunc(a, func(x, y PushAnnouncement) int {
		if c := cmp.Compare(latest[y.ClientName], latest[x.ClientName]); c != 0 {
			return c
		}
		return strings.Compare(x.ClientName, y.ClientName)
	})
}

// Push is who sent a badge.
type Push struct {
	ClientName string
	PushedAt   time.Time
}

// BadgePush says which platform sent the badge (by its internal id), or
// nil when the learner added it themselves.
func (db *DB) BadgePush(ctx context.Context, badgeID int64) (*Push, error) {
	var p Push
	var at int64
	err := db.reader.QueryRowContext(ctx, "SELECT client_name, pushed_at FROM badge_pushes WHERE badge_id = ?", badgeID).Scan(&p.ClientName, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: badge push: %w", err)
	}
	p.PushedAt = fromNanos(at)
	return &p, nil
}

// APIBadge is a badge as the Open Badges APIs hand it back: the credential
// or assertion JSON as received, or its compact JWS.
type APIBadge struct {
	Payload string
	JWS     string
}

// APIBadges lists a learner's badges of the given versions issued after
// since (zero: all), oldest first, one page of them, with how many there
// are in all.
func (db *DB) APIBadges(ctx context.Context, userID int64, versions []string, since time.Time, limit, offset int) ([]APIBadge, int, error) {
	if len(versions) == 0 {
		return nil, 0, nil
	}
	where := "user_id = ? AND version IN (" + placeholders(len(versions)) + ") AND issued_at > ?"
	args := []any{userID}
	for _, v := range versions {
		args = append(args, v)
	}
	after := int64(0)
	if !since.IsZero() {
		after = nanos(since)
	}
	args = append(args, after)
	var total int
	if err := db.reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM badges WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: API badges: %w", err)
	}
	rows, err := db.reader.QueryContext(ctx, "SELECT payload, jws FROM badges WHERE "+where+" ORDER BY issued_at, id LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: API badges: %w", err)
	}
	defer rows.Close()
	var out []APIBadge
	for rows.Next() {
		var b APIBadge
		if err := rows.Scan(&b.Payload, &b.JWS); err != nil {
			return nil, 0, fmt.Errorf("store: API badges: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: API badges: %w", err)
	}
	return out, total, nil
}

// SetOAuthClientLogo keeps the platform's logo, once fetched and stored as
// an image.
func (db *DB) SetOAuthClientLogo(ctx context.Context, clientID, imageID int64) error {
	if _, err := db.writer.ExecContext(ctx, "UPDATE oauth_clients SET logo_image_id = ? WHERE id = ?", imageID, clientID); err != nil {
		return fmt.Errorf("store: set OAuth client logo: %w", err)
	}
	return nil
}

// ImageHash is the hash (the address) of a stored image, "" when there is
// none with that id.
func (db *DB) ImageHash(ctx context.Context, imageID int64) (string, error) {
	var hash string
	err := db.reader.QueryRowContext(ctx, "SELECT hash FROM images WHERE id = ?", imageID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: image hash: %w", err)
	}
	return hash, nil
}
