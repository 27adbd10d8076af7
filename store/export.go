package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/satchel-backpack/satchel/internal/fail"
)

// The questions "Download everything" and its re-import ask: everything of
// one learner's, and the writes of an archive's import in one transaction.

// UserExport is everything a learner takes with them.
type UserExport struct {
	Profile *Profile // nil without a public profile
	// Badges in the order they were added, with their tags.
	Badges []Badge
	// Images holds each badge's stored picture by its hash.
	Images      map[string]*Image
	Collections []ExportCollection
}

// ExportCollection is a collection with its badges' public ids in order.
type ExportCollection struct {
	Collection
	Badges []string
}

// ExportData gathers the user's profile, badges (original bytes
// included), their pictures and their collections in order.
func (db *DB) ExportData(ctx context.Context, userID int64) (*UserExport, error) {
	out := &UserExport{Images: map[string]*Image{}}
	p, err := db.ProfileOf(ctx, userID)
	switch {
	case err == nil:
		out.Profile = p
	case fail.CodeOf(err) != fail.NotFound:
		return nil, fmt.Errorf("store: export profile: %w", err)
	}
	rows, err := db.reader.QueryContext(ctx, "SELECT "+badgeColumns+badgeFrom+"WHERE b.user_id = ? ORDER BY b.created_at, b.id", userID)
	if err != nil {
		return nil, fmt.Errorf("store: export badges: %w", err)
	}
	for rows.Next() {
		b, err := scanBadge(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: export badges: %w", err)
		}
		out.Badges = append(out.Badges, *b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: export badges: %w", err)
	}
	for i := range out.Badges {
		b := &out.Badges[i]
		if b.Tags, err = db.badgeTags(ctx, b.ID); err != nil {
			return nil, fmt.Errorf("store: export tags: %w", err)
		}
		if b.ImageHash != "" && out.Images[b.ImageHash] == nil {
			im, err := db.ImageByHash(ctx, b.ImageHash)
			if err != nil {
				return nil, fmt.Errorf("store: export image: %w", err)
			}
			out.Images[b.ImageHash] = im
		}
	}
	cols, err := db.Collections(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, c := range cols {
		bs, err := db.CollectionBadges(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		ec := ExportCollection{Collection: c, Badges: []string{}}
		for _, b := range bs {
			ec.Badges = append(ec.Badges, b.PublicID)
		}
		out.Collections = append(out.Collections, ec)
	}
	return out, nil
}

// ArchiveBadge is one badge of an archive, read and verified again, ready
// to store. Key names it within the archive (collections refer to it).
type ArchiveBadge struct {
	Key   string
	Badge *Badge // UserID, PublicID and ImageID are set by ImportArchive
	// Image is the picture to store with it (checked PNG or SVG), or nil.
	Image       []byte
	ImageType   string
	ImageWidth  int
	ImageHeight int
}

// ArchiveCollection is a collection of an archive; Badges are archive keys
// in order (keys of badges that were refused are skipped).
type ArchiveCollection struct {
	Name, Slug, Description, Visibility string
	Badges                              []string
}

// ArchiveImport is what an archive brings into a backpack.
type ArchiveImport struct {
	Badges      []ArchiveBadge
	Collections []ArchiveCollection
}

// ArchiveResult counts what ImportArchive did.
type ArchiveResult struct {
	BadgesAdded, BadgesExisting           int
	CollectionsAdded, CollectionsExisting int
	// Placed is how many badges were put into collections.
	Placed int
}

// ImportArchive writes an archive's badges and collections into the
// user's backpack in one transaction: all of it or, on any error, nothing.
// A badge already there (same dedupe key) is kept as it is; a collection
// with the same slug and name is reused, and only the badges it lacks are
// appended in the archive's order. Running it twice changes nothing the
// second time.
func (db *DB) ImportArchive(ctx context.Context, userID int64, in ArchiveImport) (ArchiveResult, error) {
	var res ArchiveResult
	now := db.now()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockUser(ctx, tx, userID); err != nil {
			return err
		}
		ids := map[string]int64{} // archive key → badge row id
		for _, ab := range in.Badges {
			b := ab.Badge
			if b == nil || b.DedupeKey == "" {
				return fmt.Errorf("badge %q has no dedupe key", ab.Key)
			}
			var id int64
			err := tx.QueryRowContext(ctx, "SELECT id FROM badges WHERE user_id = ? AND dedupe_key = ?", userID, b.DedupeKey).Scan(&id)
			if err == nil {
				ids[ab.Key] = id
				res.BadgesExisting++
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			b.UserID, b.ImageID = userID, 0
			if len(ab.Image) > 0 {
				sum := sha256.Sum256(ab.Image)
				if err := tx.QueryRowContext(ctx, `INSERT INTO images (hash, content_type, width, height, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)
					ON CONFLICT (hash) DO UPDATE SET hash = excluded.hash RETURNING id`,
					hex.EncodeToString(sum[:]), ab.ImageType, ab.ImageWidth, ab.ImageHeight, ab.Image, nanos(now)).Scan(&b.ImageID); err != nil {
					return err
				}
			}
			if b.Visibility != Public {
				b.Visibility = Private
			}
			if b.Status == "" {
				b.Status = StatusUnverified
			}
			b.PublicID, b.CreatedAt, b.UpdatedAt = newPublicID(), now, now
			if err := tx.QueryRowContext(ctx, `INSERT INTO badges (`+badgeWriteColumns+`, public_id, user_id, dedupe_key, visibility, created_at)
				VALUES (`+placeholders(badgeWriteCount+5)+`) RETURNING id`,
				append(b.writeArgs(), b.PublicID, b.UserID, b.DedupeKey, b.Visibility, nanos(now))...).Scan(&b.ID); err != nil {
				return err
			}
			if err := writeTags(ctx, tx, b.ID, userID, b.Tags); err != nil {
				return err
			}
			if len(b.ReportJSON) > 0 {
				if err := insertCheck(ctx, tx, b.ID, b.ReportJSON, b.Status, b.CheckedAt); err != nil {
					return err
				}
			}
			ids[ab.Key] = b.ID
			res.BadgesAdded++
		}

		for _, ac := range in.Collections {
			in := CollectionInput{Name: ac.Name, Slug: ac.Slug, Description: ac.Description}.Normalize()
			if in.Slug == "" {
				in.Slug = Slugify(in.Name)
			}
			if err := in.check(false); err != nil {
				return err
			}
			var colID int64
			err := tx.QueryRowContext(ctx, "SELECT id FROM collections WHERE user_id = ? AND slug = ? AND name = ?", userID, in.Slug, in.Name).Scan(&colID)
			switch {
			case err == nil:
				res.CollectionsExisting++
			case errors.Is(err, sql.ErrNoRows):
				slug, err := freeSlug(ctx, tx, userID, in.Slug, false)
				if err != nil {
					return err
				}
				vis := ac.Visibility
				if vis != Public && vis != Unlisted {
					vis = Private
				}
				if err := tx.QueryRowContext(ctx, `INSERT INTO collections (public_id, user_id, name, slug, description, visibility, unlisted_token, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, newPublicID(), userID, in.Name, slug, in.Description, vis, newSecret(), nanos(now), nanos(now)).Scan(&colID); err != nil {
					return err
				}
				res.CollectionsAdded++
			default:
				return err
			}
			var last int
			if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(position), 0) FROM collection_badges WHERE collection_id = ?", colID).Scan(&last); err != nil {
				return err
			}
			for _, key := range ac.Badges {
				bid, ok := ids[key]
				if !ok {
					continue // refused, or not in the archive
				}
				r, err := tx.ExecContext(ctx, `INSERT INTO collection_badges (collection_id, badge_id, position, added_at)
					SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM collection_badges WHERE collection_id = ? AND badge_id = ?)`,
					colID, bid, last+1, nanos(now), colID, bid)
				if err != nil {
					return err
				}
				if n, _ := r.RowsAffected(); n > 0 {
					last++
					res.Placed++
				}
			}
		}
		return nil
	})
	if err != nil {
		if fail.CodeOf(err) != fail.Internal {
			return ArchiveResult{}, err
		}
		return ArchiveResult{}, fmt.Errorf("store: import archive: %w", err)
	}
	return res, nil
}

// shareImageKeyOK is the form of a share image's cache key.
func shareImageKeyOK(key string) bool {
	if len(key) != 64 {
		return false
	}
	return strings.Trim(key, "0123456789abcdef") == ""
}

// ShareImage returns the cached share image stored under key (see
// internal/shareimg's Key), found false when there is none.
func (db *DB) ShareImage(ctx context.Context, key string) (png []byte, found bool, err error) {
	if !shareImageKeyOK(key) {
		return nil, false, nil
	}
	err = db.reader.QueryRowContext(ctx, "SELECT png FROM share_images WHERE key = ?", key).Scan(&png)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: share image: %w", err)
	}
	return png, true, nil
}

// PutShareImage caches a rendered share image under key; every process
// shares it.
func (db *DB) PutShareImage(ctx context.Context, key string, png []byte) error {
	if !shareImageKeyOK(key) {
		return &fail.Error{Code: fail.Invalid, Message: "bad share image key"}
	}
	if _, err := db.writer.ExecContext(ctx, "INSERT INTO share_images (key, png, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
		key, png, nanos(db.now())); err != nil {
		return fmt.Errorf("store: put share image: %w", err)
	}
	return nil
}
