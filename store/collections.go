package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
)

// Unlisted is the visibility of a collection that anyone with its secret
// link can see, but that is not listed on the profile. Collections are
// Private, Unlisted or Public.
const Unlisted = "unlisted"

// Limits of a collection's texts, in characters.
const (
	MaxCollectionName        = 100
	MaxCollectionDescription = 2000
	MaxCollectionSlug        = 60
)

// Collection is a learner's group of badges.
type Collection struct {
	ID            int64 // never shown; URLs use PublicID
	PublicID      string
	UserID        int64
	Name          string
	Slug          string // the public address on the profile
	Description   string
	Visibility    string // Private, Unlisted or Public
	UnlistedToken string // the secret of the unlisted link
	BadgeCount    int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// CollectionInput is what a learner types for a collection. An empty Slug
// on create is made from the name.
type CollectionInput struct {
	Name        string
	Description string
	Slug        string
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Normalize trims the input and lower-cases the slug.
func (in CollectionInput) Normalize() CollectionInput {
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	return in
}

// Problems checks a (normalised) input and returns a message per field
// ("name", "description", "slug") that needs fixing; none when it is fine.
// requireSlug is false on create, where an empty slug is made from the name.
func (in CollectionInput) Problems(requireSlug bool) map[string]string {
	p := map[string]string{}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		p["name"] = "Enter a name for the collection."
	case n > MaxCollectionName:
		p["name"] = fmt.Sprintf("Use at most %d characters for the name; this one has %d.", MaxCollectionName, n)
	case !utf8.ValidString(in.Name) || strings.ContainsFunc(in.Name, unicode.IsControl):
		p["name"] = "The name contains characters that cannot be shown. Type it again."
	}
	if n := utf8.RuneCountInString(in.Description); n > MaxCollectionDescription {
		p["description"] = fmt.Sprintf("Use at most %d characters for the description; this one has %d.", MaxCollectionDescription, n)
	} else if !utf8.ValidString(in.Description) {
		p["description"] = "The description contains characters that cannot be shown. Type it again."
	}
	switch {
	case in.Slug == "" && requireSlug:
		p["slug"] = "Enter the web address name, for example data-skills."
	case in.Slug == "":
	case len(in.Slug) > MaxCollectionSlug:
		p["slug"] = fmt.Sprintf("Use at most %d characters for the web address name.", MaxCollectionSlug)
	case !slugPattern.MatchString(in.Slug):
		p["slug"] = "Use only lower-case letters a to z, digits and single hyphens between them, for example data-skills."
	}
	return p
}

func (in CollectionInput) check(requireSlug bool) error {
	for _, field := range []string{"name", "description", "slug"} {
		if msg, ok := in.Problems(requireSlug)[field]; ok {
			return (&fail.Error{Code: fail.Invalid, Message: msg}).SayPhrases(in.problemPhrase(field))
		}
	}
	return nil
}

// problemPhrase says the problem Problems finds with field (one it has)
// in the reader's language, with the same messages as the collection form.
func (in CollectionInput) problemPhrase(field string) i18n.Phrase {
	switch field {
	case "name":
		switch n := utf8.RuneCountInString(in.Name); {
		case n == 0:
			return i18n.Phrase{ID: "collections.error_name_missing"}
		case n > MaxCollectionName:
			return i18n.Phrase{ID: "collections.error_name_long", Vars: map[string]string{"Max": strconv.Itoa(MaxCollectionName), "Length": strconv.Itoa(n)}}
		}
		return i18n.Phrase{ID: "collections.error_name_characters"}
	case "description":
		if n := utf8.RuneCountInString(in.Description); n > MaxCollectionDescription {
			return i18n.Phrase{ID: "collections.error_description_long", Vars: map[string]string{"Max": strconv.Itoa(MaxCollectionDescription), "Length": strconv.Itoa(n)}}
		}
		return i18n.Phrase{ID: "collections.error_description_characters"}
	}
	switch {
	case in.Slug == "":
		return i18n.Phrase{ID: "collections.error_slug_missing"}
	case len(in.Slug) > MaxCollectionSlug:
		return i18n.Phrase{ID: "collections.error_slug_long", Vars: map[string]string{"Max": strconv.Itoa(MaxCollectionSlug)}}
	}
	return i18n.Phrase{ID: "collections.error_slug_pattern"}
}

// Slugify makes a web address name from a collection name: lower-case
// ASCII letters and digits with single hyphens ("Données & Python!" →
// "donnees-python"); "collection" when nothing is left.
func Slugify(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case r >= 'A' && r <= 'Z':
			r = unicode.ToLower(r)
		case unicode.Is(unicode.Mn, r): // accents, split off by NFKD
			continue
		default:
			hyphen = b.Len() > 0
			continue
		}
		if hyphen {
			b.WriteByte('-')
			hyphen = false
		}
		b.WriteRune(r)
		if b.Len() >= MaxCollectionSlug-4 { // room for "-999"
			break
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if s == "" {
		return "collection"
	}
	return s
}

var errNoCollection = (&fail.Error{Code: fail.NotFound, Message: "There is no such collection among yours."}).Say("store_msg.no_collection")

var errSlugTaken = (&fail.Error{Code: fail.Conflict, Message: "You already have a collection with this web address name. Choose another."}).Say("collections.error_slug_taken")

// newSecret is a random token of 130 bits for unlisted links.
func newSecret() string { return rand.Text() }

const collectionColumns = `c.id, c.public_id, c.user_id, c.name, c.slug, c.description, c.visibility, c.unlisted_token,
	(SELECT count(*) FROM collection_badges cb WHERE cb.collection_id = c.id), c.created_at, c.updated_at`

func scanCollection(row interface{ Scan(...any) error }) (*Collection, error) {
	var c Collection
	var created, updated int64
	if err := row.Scan(&c.ID, &c.PublicID, &c.UserID, &c.Name, &c.Slug, &c.Description, &c.Visibility, &c.UnlistedToken,
		&c.BadgeCount, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &c, nil
}

func (db *DB) oneCollection(ctx context.Context, what string, where string, args ...any) (*Collection, error) {
	c, err := scanCollection(db.reader.QueryRowContext(ctx, "SELECT "+collectionColumns+" FROM collections c WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoCollection
	}
	if err != nil {
		return nil, fmt.Errorf("store: collection %s: %w", what, err)
	}
	return c, nil
}

// CreateCollection makes a new, private and empty collection for the
// user. Without a slug one is made from the name, numbered when the user
// already has it ("skills-2").
func (db *DB) CreateCollection(ctx context.Context, userID int64, in CollectionInput) (*Collection, error) {
	in = in.Normalize()
	if err := in.check(false); err != nil {
		return nil, err
	}
	now := db.now()
	c := &Collection{PublicID: newPublicID(), UserID: userID, Name: in.Name, Description: in.Description,
		Visibility: Private, UnlistedToken: newSecret(), CreatedAt: now, UpdatedAt: now}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockUser(ctx, tx, userID); err != nil {
			return err
		}
		base := in.Slug
		if base == "" {
			base = Slugify(in.Name)
		}
		slug, err := freeSlug(ctx, tx, userID, base, in.Slug != "")
		if err != nil {
			return err
		}
		c.Slug = slug
		return tx.QueryRowContext(ctx, `INSERT INTO collections (public_id, user_id, name, slug, description, visibility, unlisted_token, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.PublicID, userID, c.Name, c.Slug, c.Description, c.Visibility, c.UnlistedToken, nanos(now), nanos(now)).Scan(&c.ID)
	})
	if err != nil {
		if fail.CodeOf(err) != fail.Internal {
			return nil, err
		}
		return nil, fmt.Errorf("store: create collection: %w", err)
	}
	return c, nil
}

// freeSlug returns base when the user has no collection with it, else
// (unless exact) the first free "base-N".
func freeSlug(ctx context.Context, tx *sql.Tx, userID int64, base string, exact bool) (string, error) {
	for n := 1; n < 1000; n++ {
		slug := base
		if n > 1 {
			slug = base + "-" + strconv.Itoa(n)
		}
		var taken int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM collections WHERE user_id = ? AND slug = ?", userID, slug).Scan(&taken); err != nil {
			return "", err
		}
		if taken == 0 {
			return slug, nil
		}
		if exact {
			return "", errSlugTaken
		}
	}
	return "", errSlugTaken
}

// UpdateCollection renames the user's collection, and changes its
// description and slug. A slug the user already uses for another
// collection is a Conflict.
func (db *DB) UpdateCollection(ctx context.Context, userID int64, publicID string, in CollectionInput) error {
	in = in.Normalize()
	if err := in.check(true); err != nil {
		return err
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockUser(ctx, tx, userID); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM collections WHERE user_id = ? AND public_id = ?", userID, publicID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoCollection
		}
		if err != nil {
			return err
		}
		var taken int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM collections WHERE user_id = ? AND slug = ? AND id <> ?", userID, in.Slug, id).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return errSlugTaken
		}
		_, err = tx.ExecContext(ctx, "UPDATE collections SET name = ?, description = ?, slug = ?, updated_at = ? WHERE id = ?",
			in.Name, in.Description, in.Slug, nanos(db.now()), id)
		return err
	})
	if err != nil && fail.CodeOf(err) == fail.Internal {
		return fmt.Errorf("store: update collection %s: %w", publicID, err)
	}
	return err
}

// DeleteCollection deletes the user's collection. Its badges stay in the
// backpack (and in any other collection).
func (db *DB) DeleteCollection(ctx context.Context, userID int64, publicID string) error {
	res, err := db.writer.ExecContext(ctx, "DELETE FROM collections WHERE user_id = ? AND public_id = ?", userID, publicID)
	if err != nil {
		return fmt.Errorf("store: delete collection %s: %w", publicID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNoCollection
	}
	return nil
}

// Collections lists the user's collections by name, each with its number
// of badges.
func (db *DB) Collections(ctx context.Context, userID int64) ([]Collection, error) {
	rows, err := db.reader.QueryContext(ctx, "SELECT "+collectionColumns+" FROM collections c WHERE c.user_id = ? ORDER BY "+nocase(db.pg, "c.name")+", c.id", userID)
	if err != nil {
		return nil, fmt.Errorf("store: collections of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []Collection
	for rows.Next() {
		c, err := scanCollection(rows)
		if err != nil {
			return nil, fmt.Errorf("store: collections of user %d: %w", userID, err)
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// CollectionByPublicID returns the user's collection with that public id.
// Another user's collection is NotFound, exactly like a missing one.
func (db *DB) CollectionByPublicID(ctx context.Context, userID int64, publicID string) (*Collection, error) {
	return db.oneCollection(ctx, publicID, "c.user_id = ? AND c.public_id = ?", userID, publicID)
}

// CollectionBySlug returns the user's collection at that slug if it is
// public (shown on the profile); a private or unlisted one is NotFound,
// exactly like a missing one. For the public pages: userID is the owner of
// the profile's handle.
func (db *DB) CollectionBySlug(ctx context.Context, userID int64, slug string) (*Collection, error) {
	return db.oneCollection(ctx, slug, "c.user_id = ? AND c.slug = ? AND c.visibility = 'public'", userID, strings.ToLower(slug))
}

// CollectionByUnlistedToken returns the collection whose unlisted link
// carries token, when the collection is unlisted or public. A private
// collection, or a token that was replaced, is NotFound.
func (db *DB) CollectionByUnlistedToken(ctx context.Context, token string) (*Collection, error) {
	if len(token) < 16 {
		return nil, errNoCollection
	}
	return db.oneCollection(ctx, "by link", "c.unlisted_token = ? AND c.visibility IN ('unlisted', 'public')", token)
}

// PublicCollections lists the user's public collections by name, for the
// profile.
func (db *DB) PublicCollections(ctx context.Context, userID int64) ([]Collection, error) {
	all, err := db.Collections(ctx, userID)
	if err != nil {
		return nil, err
	}
	var out []Collection
	for _, c := range all {
		if c.Visibility == Public {
			out = append(out, c)
		}
	}
	return out, nil
}

// SetCollectionVisibility makes the user's collection Private, Unlisted or
// Public. The unlisted link keeps its token; ReplaceUnlistedToken changes it.
func (db *DB) SetCollectionVisibility(ctx context.Context, userID int64, publicID, visibility string) error {
	if visibility != Private && visibility != Unlisted && visibility != Public {
		return (&fail.Error{Code: fail.Invalid, Message: "Choose private, unlisted or public."}).Say("store_msg.choose_visibility")
	}
	return db.updateCollectionRow(ctx, userID, publicID, "visibility = ?", visibility)
}

// ReplaceUnlistedToken gives the user's collection a new unlisted link and
// returns its token; the old link stops working at once.
func (db *DB) ReplaceUnlistedToken(ctx context.Context, userID int64, publicID string) (string, error) {
	token := newSecret()
	if err := db.updateCollectionRow(ctx, userID, publicID, "unlisted_token = ?", token); err != nil {
		return "", err
	}
	return token, nil
}

func (db *DB) updateCollectionRow(ctx context.Context, userID int64, publicID, set string, value any) error {
	res, err := db.writer.ExecContext(ctx, "UPDATE collections SET "+set+", updated_at = ? WHERE user_id = ? AND public_id = ?",
		value, nanos(db.now()), userID, publicID)
	if err != nil {
		return fmt.Errorf("store: update collection %s: %w", publicID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNoCollection
	}
	return nil
}

// MakeCollectionBadgesPublic makes public those of the named badges (by
// public id) that are private, the user's, and in the user's collection:
// the learner's fix for a shared collection whose private badges visitors
// do not see. A named badge that is public already, not in the collection
// or another user's is left as it is. It returns how many it changed.
// Another user's collection is NotFound and changes nothing.
func (db *DB) MakeCollectionBadgesPublic(ctx context.Context, userID int64, collectionPublicID string, badgePublicIDs []string) (int, error) {
	changed := 0
	now := db.now()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cid, err := db.collectionID(ctx, tx, userID, collectionPublicID)
		if err != nil {
			return err
		}
		for _, pid := range badgePublicIDs {
			res, err := tx.ExecContext(ctx, `UPDATE badges SET visibility = ?, updated_at = ?
				WHERE user_id = ? AND public_id = ? AND visibility = ?
				AND EXISTS (SELECT 1 FROM collection_badges cb WHERE cb.collection_id = ? AND cb.badge_id = badges.id)`,
				Public, nanos(now), userID, pid, Private, cid)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			changed += int(n)
		}
		if changed > 0 {
			return touchCollection(ctx, tx, cid, now)
		}
		return nil
	})
	if err != nil {
		if fail.CodeOf(err) != fail.Internal {
			return 0, err
		}
		return 0, fmt.Errorf("store: make badges of collection %s public: %w", collectionPublicID, err)
	}
	return changed, nil
}

// collectionID returns the internal id of the user's collection. On
// PostgreSQL it locks the collection's row until the transaction ends, so
// that two processes changing one collection's badges (adding, removing,
// reordering) take turns and its positions stay 1, 2, 3 …; on SQLite the
// write transaction already holds the database.
func (db *DB) collectionID(ctx context.Context, tx *sql.Tx, userID int64, publicID string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM collections WHERE user_id = ? AND public_id = ?"+lockRows(db.pg, false), userID, publicID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNoCollection
	}
	return id, err
}

// badgeID returns the internal id of the user's badge.
func badgeID(ctx context.Context, tx *sql.Tx, userID int64, publicID string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM badges WHERE user_id = ? AND public_id = ?", userID, publicID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNoBadge
	}
	return id, err
}

func touchCollection(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, "UPDATE collections SET updated_at = ? WHERE id = ?", nanos(now), id)
	return err
}

// AddToCollection appends the user's badges to the end of the user's
// collection, in the order given; badges already in it stay where they
// are. It returns how many were added. A badge that is not the user's
// makes the whole call NotFound and changes nothing.
func (db *DB) AddToCollection(ctx context.Context, userID int64, collectionPublicID string, badgePublicIDs []string) (int, error) {
	added := 0
	now := db.now()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cid, err := db.collectionID(ctx, tx, userID, collectionPublicID)
		if err != nil {
			return err
		}
		for _, pid := range badgePublicIDs {
			bid, err := badgeID(ctx, tx, userID, pid)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO collection_badges (collection_id, badge_id, position, added_at)
				SELECT ?, ?, coalesce(max(position), 0) + 1, ? FROM collection_badges WHERE collection_id = ?
				ON CONFLICT (collection_id, badge_id) DO NOTHING`, cid, bid, nanos(now), cid)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		if added > 0 {
			return touchCollection(ctx, tx, cid, now)
		}
		return nil
	})
	if err != nil {
		if fail.CodeOf(err) != fail.Internal {
			return 0, err
		}
		return 0, fmt.Errorf("store: add to collection %s: %w", collectionPublicID, err)
	}
	return added, nil
}

// RemoveFromCollection takes the user's badge out of the user's
// collection; the badge stays in the backpack. The badges after it move up
// one place. A badge that is not in the collection is NotFound.
func (db *DB) RemoveFromCollection(ctx context.Context, userID int64, collectionPublicID, badgePublicID string) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cid, err := db.collectionID(ctx, tx, userID, collectionPublicID)
		if err != nil {
			return err
		}
		bid, err := badgeID(ctx, tx, userID, badgePublicID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM collection_badges WHERE collection_id = ? AND badge_id = ?", cid, bid)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotInCollection
		}
		return touchCollection(ctx, tx, cid, db.now())
	})
	if err != nil && fail.CodeOf(err) == fail.Internal {
		return fmt.Errorf("store: remove from collection %s: %w", collectionPublicID, err)
	}
	return err
}

var errNotInCollection = (&fail.Error{Code: fail.NotFound, Message: "That badge is not in this collection."}).Say("store_msg.not_in_collection")

// Move says where a badge goes within its collection: MoveUp, MoveDown,
// MoveTop, or MoveTo a position.
type Move string

// The relative moves.
const (
	MoveUp   Move = "up"
	MoveDown Move = "down"
	MoveTop  Move = "top"
)

// MoveTo is the move to position n (1 is the top); a position past the end
// means the end.
func MoveTo(n int) Move { return Move(strconv.Itoa(n)) }

// target is the 1-based position the move leads to from pos among total.
func (m Move) target(pos, total int) (int, error) {
	switch m {
	case MoveUp:
		return max(pos-1, 1), nil
	case MoveDown:
		return min(pos+1, total), nil
	case MoveTop:
		return 1, nil
	}
	n, err := strconv.Atoi(string(m))
	if err != nil || n < 1 {
		return 0, (&fail.Error{Code: fail.Invalid, Message: "Choose to move the badge up, down, to the top or to a position from 1."}).Say("store_msg.move_choice")
	}
	return min(n, total), nil
}

// Moved says where a badge ended up.
type Moved struct {
	Name     string // the badge's name
	Position int    // 1-based
	Total    int    // badges in the collection
}

// MoveInCollection moves the user's badge within the user's collection, in
// one transaction, keeping positions 1…n without gaps. It returns the
// badge's new position and the number of badges. Moving the first badge
// up (or the last down) leaves it where it is.
func (db *DB) MoveInCollection(ctx context.Context, userID int64, collectionPublicID, badgePublicID string, m Move) (Moved, error) {
	var moved Moved
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cid, err := db.collectionID(ctx, tx, userID, collectionPublicID)
		if err != nil {
			return err
		}
		var bid int64
		err = tx.QueryRowContext(ctx, "SELECT id, name FROM badges WHERE user_id = ? AND public_id = ?", userID, badgePublicID).Scan(&bid, &moved.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoBadge
		}
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT badge_id, position FROM collection_badges WHERE collection_id = ? ORDER BY position, added_at, badge_id", cid)
		if err != nil {
			return err
		}
		var order []int64
		from := -1
		dense := true
		for rows.Next() {
			var id int64
			var p int
			if err := rows.Scan(&id, &p); err != nil {
				rows.Close()
				return err
			}
			if id == bid {
				from = len(order)
			}
			order = append(order, id)
			dense = dense && p == len(order)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if from < 0 {
			return errNotInCollection
		}
		moved.Total = len(order)
		to, err := m.target(from+1, moved.Total)
		if err != nil {
			return err
		}
		moved.Position = to
		if dense {
			// Positions are 1…n already (the usual case): shift the badges
			// between the old and the new place by one, then place the badge.
			if to != from+1 {
				lo, hi, by := to, from, 1 // moving up: to … from-1 go down one
				if to > from+1 {
					lo, hi, by = from+2, to, -1 // moving down: from+2 … to go up one
				}
				if _, err := tx.ExecContext(ctx, "UPDATE collection_badges SET position = position + ? WHERE collection_id = ? AND position BETWEEN ? AND ?",
					by, cid, lo, hi); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "UPDATE collection_badges SET position = ? WHERE collection_id = ? AND badge_id = ?", to, cid, bid); err != nil {
					return err
				}
			}
			return touchCollection(ctx, tx, cid, db.now())
		}
		// Otherwise renumber the whole collection in its new order.
		order = append(order[:from], order[from+1:]...)
		order = append(order[:to-1], append([]int64{bid}, order[to-1:]...)...)
		for i, id := range order {
			if _, err := tx.ExecContext(ctx, "UPDATE collection_badges SET position = ? WHERE collection_id = ? AND badge_id = ? AND position <> ?",
				i+1, cid, id, i+1); err != nil {
				return err
			}
		}
		return touchCollection(ctx, tx, cid, db.now())
	})
	if err != nil {
		if fail.CodeOf(err) != fail.Internal {
			return Moved{}, err
		}
		return Moved{}, fmt.Errorf("store: move in collection %s: %w", collectionPublicID, err)
	}
	return moved, nil
}

// CollectionBadges returns the badges of a collection in their order, as
// tiles show them. It does not check who asks: the caller has the
// collection from an owner-checked or public lookup (its ID).
func (db *DB) CollectionBadges(ctx context.Context, collectionID int64) ([]BadgeSummary, error) {
	return db.badgeSummaries(ctx, `JOIN collection_badges cb ON cb.badge_id = b.id WHERE cb.collection_id = :coll ORDER BY cb.position, cb.added_at, b.id`,
		sql.Named("coll", collectionID))
}

// BadgesNotInCollection returns the user's badges that the collection does
// not hold, by name, for the checklist that adds them.
func (db *DB) BadgesNotInCollection(ctx context.Context, userID, collectionID int64) ([]BadgeSummary, error) {
	return db.badgeSummaries(ctx, `WHERE b.user_id = :user AND NOT EXISTS
		(SELECT 1 FROM collection_badges cb WHERE cb.collection_id = :coll AND cb.badge_id = b.id)
		ORDER BY `+nocase(db.pg, "b.name")+`, b.id`, sql.Named("user", userID), sql.Named("coll", collectionID))
}

func (db *DB) badgeSummaries(ctx context.Context, rest string, args ...any) ([]BadgeSummary, error) {
	args = append(args, sql.Named("now", nanos(db.now())), sql.Named("textlen", SummaryTextLen))
	rows, err := db.reader.QueryContext(ctx, `SELECT b.public_id, b.name, substr(b.description, 1, :textlen), substr(b.criteria_narrative, 1, :textlen),
		b.criteria_url, b.issuer_name, coalesce(i.hash, ''), b.image_caption, b.issued_at, b.expires_at,
		`+effectiveStatus+`, b.seen_status <> '' AND b.seen_status <> b.status, b.visibility, b.issuer_binding
		FROM badges b LEFT JOIN images i ON i.id = b.image_id `+rest, args...)
	if err != nil {
		return nil, fmt.Errorf("store: badge summaries: %w", err)
	}
	defer rows.Close()
	var out []BadgeSummary
	for rows.Next() {
		var s BadgeSummary
		var issued, expires int64
		var status string
		if err := rows.Scan(&s.PublicID, &s.Name, &s.Description, &s.Criteria, &s.CriteriaURL, &s.IssuerName, &s.ImageHash,
			&s.ImageCaption, &issued, &expires, &status, &s.Changed, &s.Visibility, &s.IssuerBinding); err != nil {
			return nil, fmt.Errorf("store: badge summaries: %w", err)
		}
		s.IssuedAt, s.ExpiresAt, s.Status = fromNanos(issued), fromNanos(expires), BadgeStatus(status)
		out = append(out, s)
	}
	return out, rows.Err()
}

// BadgeCollection is one of the user's collections, and whether a given
// badge is in it.
type BadgeCollection struct {
	Collection
	Contains bool
}

// BadgeCollections returns the name of the user's badge and lists every
// collection of the user, by name, saying which hold the badge (for the
// badge page). Another user's badge is NotFound.
func (db *DB) BadgeCollections(ctx context.Context, userID int64, badgePublicID string) (badgeName string, _ []BadgeCollection, _ error) {
	var bid int64
	err := db.reader.QueryRowContext(ctx, "SELECT id, name FROM badges WHERE user_id = ? AND public_id = ?", userID, badgePublicID).Scan(&bid, &badgeName)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, errNoBadge
	}
	if err != nil {
		return "", nil, fmt.Errorf("store: badge %s: %w", badgePublicID, err)
	}
	rows, err := db.reader.QueryContext(ctx, "SELECT "+collectionColumns+`,
		EXISTS (SELECT 1 FROM collection_badges cb WHERE cb.collection_id = c.id AND cb.badge_id = ?)
		FROM collections c WHERE c.user_id = ? ORDER BY `+nocase(db.pg, "c.name")+`, c.id`, bid, userID)
	if err != nil {
		return "", nil, fmt.Errorf("store: collections of badge %s: %w", badgePublicID, err)
	}
	defer rows.Close()
	var out []BadgeCollection
	for rows.Next() {
		var bc BadgeCollection
		var created, updated int64
		c := &bc.Collection
		if err := rows.Scan(&c.ID, &c.PublicID, &c.UserID, &c.Name, &c.Slug, &c.Description, &c.Visibility, &c.UnlistedToken,
			&c.BadgeCount, &created, &updated, &bc.Contains); err != nil {
			return "", nil, fmt.Errorf("store: collections of badge %s: %w", badgePublicID, err)
		}
		c.CreatedAt, c.UpdatedAt = fromNanos(created), fromNanos(updated)
		out = append(out, bc)
	}
	return badgeName, out, rows.Err()
}

// SetBadgeCollections puts the user's badge in exactly the user's
// collections named (by public id): it is added at the end of those it
// was not in and removed from the others. It returns how many collections
// it joined and left. An id that is not one of the user's collections
// makes the call NotFound and changes nothing.
func (db *DB) SetBadgeCollections(ctx context.Context, userID int64, badgePublicID string, collectionPublicIDs []string) (joined, left int, err error) {
	now := db.now()
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if db.pg {
			// All the user's collections, in one order, so that two
			// processes doing this never wait on each other in a circle.
			if _, err := tx.ExecContext(ctx, "SELECT id FROM collections WHERE user_id = ? ORDER BY id"+lockRows(db.pg, false), userID); err != nil {
				return err
			}
		}
		bid, err := badgeID(ctx, tx, userID, badgePublicID)
		if err != nil {
			return err
		}
		want := map[int64]bool{}
		for _, pid := range collectionPublicIDs {
			cid, err := db.collectionID(ctx, tx, userID, pid)
			if err != nil {
				return err
			}
			want[cid] = true
		}
		rows, err := tx.QueryContext(ctx, `SELECT c.id, EXISTS (SELECT 1 FROM collection_badges cb WHERE cb.collection_id = c.id AND cb.badge_id = ?)
			FROM collections c WHERE c.user_id = ?`, bid, userID)
		if err != nil {
			return err
		}
		type state struct {
			id  int64
			has bool
		}
		var all []state
		for rows.Next() {
			var s state
			if err := rows.Scan(&s.id, &s.has); err != nil {
				rows.Close()
				return err
			}
			all = append(all, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, s := range all {
			switch {
			case want[s.id] && !s.has:
				if _, err := tx.ExecContext(ctx, `INSERT INTO collection_badges (collection_id, badge_id, position, added_at)
					SELECT ?, ?, coalesce(max(position), 0) + 1, ? FROM collection_badges WHERE collection_id = ?`, s.id, bid, nanos(now), s.id); err != nil {
					return err
				}
				joined++
			case !want[s.id] && s.has:
				if _, err := tx.ExecContext(ctx, "DELETE FROM collection_badges WHERE collection_id = ? AND badge_id = ?", s.id, bid); err != nil {
					return err
				}
				left++
			default:
				continue
			}
			if err := touchCollection(ctx, tx, s.id, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if fail.CodeOf(err) != fail.Internal {
			return 0, 0, err
		}
		return 0, 0, fmt.Errorf("store: set collections of badge %s: %w", badgePublicID, err)
	}
	return joined, left, nil
}
