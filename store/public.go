package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/satchel-backpack/satchel/internal/fail"
)

// The questions public pages ask. Every answer is limited to what the
// learner made public: a badge whose visibility is public, a collection
// whose visibility is public (or unlisted, by its secret link), a profile
// with a handle. Anything else is NotFound exactly like a missing item, so
// a visitor cannot tell that a private one exists.

// errNotPublic is the one answer for anything private, deleted or unknown.
var errNotPublic = (&fail.Error{Code: fail.NotFound, Message: "There is no page at this address."}).Say("store_msg.no_public_page")

// PublicProfile is a learner's public page: the profile, their public
// badges (newest first) and their public collections.
type PublicProfile struct {
	Profile     Profile
	Badges      []BadgeSummary
	Collections []PublicCollectionSummary
}

// PublicCollectionSummary is a collection as the profile lists it.
type PublicCollectionSummary struct {
	Slug        string
	Name        string
	Description string
	Badges      int    // public badges in it
	ImageHash   string // the first public badge's image, "" when none
}

// PublicCollection is one shared collection with its public badges in the
// learner's order. Owner is nil for an unlisted collection whose learner
// has no public profile.
type PublicCollection struct {
	Owner       *Profile
	Slug        string
	Name        string
	Description string
	Visibility  string // "public" or "unlisted"
	UpdatedAt   time.Time
	Badges      []BadgeSummary
}

// summaryColumns are what a public tile shows of a badge (aliased b, with
// images as i); the owner's "seen" state is not among them.
const summaryColumns = `b.public_id, b.name, substr(b.description, 1, :textlen), substr(b.criteria_narrative, 1, :textlen),
	b.criteria_url, b.issuer_name, coalesce(i.hash, ''), b.image_caption, b.issued_at, b.expires_at,
	` + effectiveStatus + `, b.visibility, b.issuer_binding`

func scanSummary(rows *sql.Rows, extra ...any) (BadgeSummary, error) {
	var s BadgeSummary
	var issued, expires int64
	var status string
	dest := append(extra, &s.PublicID, &s.Name, &s.Description, &s.Criteria, &s.CriteriaURL, &s.IssuerName, &s.ImageHash,
		&s.ImageCaption, &issued, &expires, &status, &s.Visibility, &s.IssuerBinding)
	if err := rows.Scan(dest...); err != nil {
		return s, err
	}
	s.IssuedAt, s.ExpiresAt, s.Status = fromNanos(issued), fromNanos(expires), BadgeStatus(status)
	return s, nil
}

// PublicProfileByHandle returns the public page of the learner with that
// handle (any letter case). now decides which badges show as expired;
// zero means the store's clock.
func (db *DB) PublicProfileByHandle(ctx context.Context, handle string, now time.Time) (*PublicProfile, error) {
	if now.IsZero() {
		now = db.now()
	}
	handle = NormalizeHandle(handle)
	if ValidateHandle(handle) != "" {
		return nil, errNotPublic // not a handle anyone can have: no query
	}
	tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: public profile: %w", err)
	}
	defer tx.Rollback()
	p, err := scanProfile(tx.QueryRowContext(ctx, "SELECT "+profileColumns+profileFrom+"WHERE p.handle = ?", handle))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotPublic
	}
	if err != nil {
		return nil, fmt.Errorf("store: public profile %s: %w", handle, err)
	}
	out := &PublicProfile{Profile: *p}

	rows, err := tx.QueryContext(ctx, `SELECT `+summaryColumns+`
		FROM badges b LEFT JOIN images i ON i.id = b.image_id
		WHERE b.user_id = :user AND b.visibility = 'public'
		ORDER BY b.issued_at DESC, b.id DESC`,
		sql.Named("user", p.UserID), sql.Named("now", nanos(now)), sql.Named("textlen", SummaryTextLen))
	if err != nil {
		return nil, fmt.Errorf("store: public badges of %s: %w", handle, err)
	}
	for rows.Next() {
		s, err := scanSummary(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: public badges of %s: %w", handle, err)
		}
		out.Badges = append(out.Badges, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: public badges of %s: %w", handle, err)
	}

	rows, err = tx.QueryContext(ctx, `SELECT c.slug, c.name, c.description,
			(SELECT count(*) FROM collection_badges cb JOIN badges b ON b.id = cb.badge_id
				WHERE cb.collection_id = c.id AND b.visibility = 'public'),
			coalesce((SELECT i.hash FROM collection_badges cb JOIN badges b ON b.id = cb.badge_id JOIN images i ON i.id = b.image_id
				WHERE cb.collection_id = c.id AND b.visibility = 'public' ORDER BY cb.position LIMIT 1), '')
		FROM collections c WHERE c.user_id = ? AND c.visibility = 'public'
		ORDER BY `+nocase(db.pg, "c.name")+`, c.id`, p.UserID)
	if err != nil {
		return nil, fmt.Errorf("store: public collections of %s: %w", handle, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c PublicCollectionSummary
		if err := rows.Scan(&c.Slug, &c.Name, &c.Description, &c.Badges, &c.ImageHash); err != nil {
			return nil, fmt.Errorf("store: public collections of %s: %w", handle, err)
		}
		out.Collections = append(out.Collections, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: public collections of %s: %w", handle, err)
	}
	return out, nil
}

// PublicCollectionBySlug returns the public collection with that slug of
// the learner with that handle.
func (db *DB) PublicCollectionBySlug(ctx context.Context, handle, slug string, now time.Time) (*PublicCollection, error) {
	handle = NormalizeHandle(handle)
	if ValidateHandle(handle) != "" || slug == "" {
		return nil, errNotPublic
	}
	return db.publicCollection(ctx, now, `JOIN profiles p ON p.user_id = c.user_id
		WHERE p.handle = ? AND c.slug = ? AND c.visibility = 'public'`, handle, slug)
}

// UnlistedCollection returns the collection whose secret link carries
// token, when it is unlisted or public. A replaced token finds nothing.
func (db *DB) UnlistedCollection(ctx context.Context, token string, now time.Time) (*PublicCollection, error) {
	if len(token) < 16 || len(token) > 200 {
		return nil, errNotPublic
	}
	return db.publicCollection(ctx, now, `WHERE c.unlisted_token = ? AND c.visibility IN ('unlisted', 'public')`, token)
}

func (db *DB) publicCollection(ctx context.Context, now time.Time, where string, args ...any) (*PublicCollection, error) {
	if now.IsZero() {
		now = db.now()
	}
	tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: public collection: %w", err)
	}
	defer tx.Rollback()
	var c PublicCollection
	var id, userID, updated int64
	err = tx.QueryRowContext(ctx, `SELECT c.id, c.user_id, c.slug, c.name, c.description, c.visibility, c.updated_at FROM collections c `+where, args...).
		Scan(&id, &userID, &c.Slug, &c.Name, &c.Description, &c.Visibility, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotPublic
	}
	if err != nil {
		return nil, fmt.Errorf("store: public collection: %w", err)
	}
	c.UpdatedAt = fromNanos(updated)
	p, err := scanProfile(tx.QueryRowContext(ctx, "SELECT "+profileColumns+profileFrom+"WHERE p.user_id = ?", userID))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if c.Visibility == Public {
			return nil, errNotPublic // a public collection lives on a profile
		}
	case err != nil:
		return nil, fmt.Errorf("store: public collection owner: %w", err)
	default:
		c.Owner = p
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+summaryColumns+`
		FROM collection_badges cb JOIN badges b ON b.id = cb.badge_id LEFT JOIN images i ON i.id = b.image_id
		WHERE cb.collection_id = :coll AND b.visibility = 'public'
		ORDER BY cb.position`,
		sql.Named("coll", id), sql.Named("now", nanos(now)), sql.Named("textlen", SummaryTextLen))
	if err != nil {
		return nil, fmt.Errorf("store: public collection badges: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanSummary(rows)
		if err != nil {
			return nil, fmt.Errorf("store: public collection badges: %w", err)
		}
		c.Badges = append(c.Badges, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: public collection badges: %w", err)
	}
	return &c, nil
}

// PublicBadge returns the badge with that public id of the learner with
// that handle, only when the badge is public, with the learner's profile.
// Its Status is the effective one at now (expired once past its date).
func (db *DB) PublicBadge(ctx context.Context, handle, publicID string, now time.Time) (*Profile, *Badge, error) {
	if now.IsZero() {
		now = db.now()
	}
	handle = NormalizeHandle(handle)
	if ValidateHandle(handle) != "" || publicID == "" {
		return nil, nil, errNotPublic
	}
	p, err := scanProfile(db.reader.QueryRowContext(ctx, "SELECT "+profileColumns+profileFrom+"WHERE p.handle = ?", handle))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errNotPublic
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: public badge: %w", err)
	}
	b, err := scanBadge(db.reader.QueryRowContext(ctx, "SELECT "+badgeColumns+badgeFrom+
		"WHERE b.user_id = ? AND b.public_id = ? AND b.visibility = 'public'", p.UserID, publicID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errNotPublic
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: public badge %s: %w", publicID, err)
	}
	if (b.Status == StatusValid || b.Status == StatusWarning || b.Status == StatusUnconfirmed) && !b.ExpiresAt.IsZero() && !b.ExpiresAt.After(now) {
		b.Status = StatusExpired
	}
	if b.Tags, err = db.badgeTags(ctx, b.ID); err != nil {
		return nil, nil, fmt.Errorf("store: public badge %s tags: %w", publicID, err)
	}
	return p, b, nil
}

// PublicProfileVersion is a short text that changes whenever what the
// learner's public profile shows changes: the profile itself (updated_at,
// its handle) and, through triggers (migration 0010_profile_revisions), its
// public badges and its collections (rev). Pages may cache a rendered
// profile under it. It answers NotFound like PublicProfileByHandle.
//
// On PostgreSQL a process keeps the versions it read until the database
// notifies it of a change (profile_versions.go), so most calls do not
// reach the database.
func (db *DB) PublicProfileVersion(ctx context.Context, handle string) (string, error) {
	handle = NormalizeHandle(handle)
	if ValidateHandle(handle) != "" {
		return "", errNotPublic
	}
	var gen uint64
	if db.pg {
		db.watchProfiles()
		v, g, ok := db.versions.lookup(handle)
		if ok {
			return v, nil
		}
		gen = g
	}
	var userID, rev, updated int64
	err := db.reader.QueryRowContext(ctx, "SELECT user_id, rev, updated_at FROM profiles WHERE handle = ?", handle).Scan(&userID, &rev, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNotPublic
	}
	if err != nil {
		return "", fmt.Errorf("store: public profile version %s: %w", handle, err)
	}
	v := fmt.Sprintf("%s:%d:%d:%d", handle, userID, rev, updated)
	if db.pg {
		db.versions.keep(handle, v, gen)
	}
	return v, nil
}
