package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/verify"
)

// BadgeStatus is what a learner sees of a badge's latest verification.
type BadgeStatus string

const (
	StatusValid   BadgeStatus = "valid"   // every check passed
	StatusWarning BadgeStatus = "warning" // valid, with warnings
	// StatusUnconfirmed: signed and otherwise valid, but the signing key is
	// not proven to be the issuer's. Never shown as valid.
	StatusUnconfirmed BadgeStatus = "unconfirmed"
	StatusInvalid     BadgeStatus = "invalid"    // a check failed
	StatusExpired     BadgeStatus = "expired"    // past its expiry date
	StatusRevoked     BadgeStatus = "revoked"    // withdrawn by its issuer
	StatusUnverified  BadgeStatus = "unverified" // could not be checked (issuer unreachable)
)

// Visibility of a badge: private (default) or public.
const (
	Private = "private"
	Public  = "public"
)

// Badge is a badge in a learner's backpack: the normalised fields for
// listing, the original bytes, the whole model as JSON and the latest
// verification.
type Badge struct {
	ID           int64 // never shown; URLs use PublicID
	PublicID     string
	UserID       int64
	DedupeKey    string
	Version      string
	Format       string
	Original     []byte
	OriginalName string
	OriginalType string // content type of Original, e.g. "image/png"
	Payload      string // assertion or credential JSON
	JWS          string
	SourceURL    string

	Name              string
	Description       string
	CriteriaURL       string
	CriteriaNarrative string
	IssuerID          string
	IssuerName        string
	IssuerURL         string
	IssuerEmail       string
	ImageURL          string // as the badge gives it
	ImageCaption      string
	ImageID           int64  // 0: no stored image
	ImageHash         string // the stored image's hash (served at /images/<hash>), "" when none
	IssuedAt          time.Time
	ExpiresAt         time.Time
	Tags              []string

	// ModelJSON is the JSON of the whole badge.Badge; see Model.
	ModelJSON []byte

	MatchedType  string // the verified identifier the badge was matched to
	MatchedValue string

	ReportJSON []byte // the latest verify.Report as JSON
	CheckedAt  time.Time
	Status     BadgeStatus
	SeenStatus BadgeStatus // the status the learner last saw; "" when never shown
	// IssuerBinding is how the latest check tied the signing key to the
	// issuer (verify.Report's issuerBinding); "" when no key was checked.
	IssuerBinding string
	NextCheckAt   time.Time
	Visibility    string // Private or Public

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Model decodes ModelJSON back into the normalised badge, with Original
// and Payload restored from their own columns.
func (b *Badge) Model() (*badge.Badge, error) {
	var m badge.Badge
	if len(b.ModelJSON) > 0 {
		if err := json.Unmarshal(b.ModelJSON, &m); err != nil {
			return nil, fmt.Errorf("store: badge %s model: %w", b.PublicID, err)
		}
	}
	m.Original = b.Original
	m.Payload = []byte(b.Payload)
	return &m, nil
}

// Report decodes ReportJSON; nil when the badge was never checked.
func (b *Badge) Report() (*verify.Report, error) {
	if len(b.ReportJSON) == 0 {
		return nil, nil
	}
	var r verify.Report
	if err := json.Unmarshal(b.ReportJSON, &r); err != nil {
		return nil, fmt.Errorf("store: badge %s report: %w", b.PublicID, err)
	}
	return &r, nil
}

// NewBadge fills a Badge's normalised fields, dedupe key and model JSON
// from a read (and verified) badge. The caller sets UserID, OriginalName,
// OriginalType, the match, the report and status.
func NewBadge(m *badge.Badge) (*Badge, error) {
	model := *m
	model.Original, model.Payload = nil, nil // kept in their own columns
	js, err := json.Marshal(&model)
	if err != nil {
		return nil, fmt.Errorf("store: encode badge model: %w", err)
	}
	return &Badge{
		DedupeKey:         DedupeKey(m),
		Version:           string(m.Version),
		Format:            string(m.Format),
		Original:          m.Original,
		Payload:           string(m.Payload),
		JWS:               m.JWS,
		SourceURL:         m.URL,
		Name:              m.Name,
		Description:       m.Description,
		CriteriaURL:       m.Criteria.URL,
		CriteriaNarrative: m.Criteria.Narrative,
		IssuerID:          m.Issuer.ID,
		IssuerName:        m.Issuer.Name,
		IssuerURL:         m.Issuer.URL,
		IssuerEmail:       m.Issuer.Email,
		ImageURL:          m.Image.URL,
		ImageCaption:      m.Image.Caption,
		IssuedAt:          m.IssuedOn,
		ExpiresAt:         m.Expires,
		Tags:              m.Tags,
		ModelJSON:         js,
		Visibility:        Private,
		Status:            StatusUnverified,
	}, nil
}

// DedupeKey says when two imports are the same badge: for 2.0 and older the
// assertion id; for 3.0 the issuer id and the credential id. A badge
// without an id falls back to a hash of its payload (the same bytes are the
// same badge).
func DedupeKey(m *badge.Badge) string {
	if m.Version == badge.V3_0 {
		if m.ID != "" {
			return "ob3 " + m.Issuer.ID + " " + m.ID
		}
	} else if m.ID != "" {
		return "ob2 " + m.ID
	}
	data := m.Payload
	if len(data) == 0 {
		data = m.Original
	}
	sum := sha256.Sum256(data)
	return "sha256 " + hex.EncodeToString(sum[:])
}

// UpsertResult says what UpsertBadge did.
type UpsertResult int

const (
	// Inserted: the badge is new to the backpack.
	Inserted UpsertResult = iota + 1
	// Replaced: a 3.0 credential with a newer validFrom replaced the stored one
	// (same public id, visibility and creation time).
	Replaced
	// Existing: the same badge is already there and was left as it was.
	Existing
)

func (r UpsertResult) String() string {
	switch r {
	case Inserted:
		return "inserted"
	case Replaced:
		return "replaced"
	case Existing:
		return "existing"
	}
	return fmt.Sprintf("UpsertResult(%d)", int(r))
}

func newPublicID() string { return strings.ToLower(rand.Text()) }

// UpsertBadge stores b in its owner's backpack (b.UserID) unless the same
// badge (b.DedupeKey) is already there. A 3.0 credential whose issued date
// (validFrom) is newer than the stored one's replaces it; otherwise the
// stored badge stays. It returns what happened and the stored badge's
// public id (b.ID and b.PublicID are set to the stored row). When b has a
// report it is also recorded in the check history.
func (db *DB) UpsertBadge(ctx context.Context, b *Badge) (UpsertResult, error) {
	return db.upsertBadge(ctx, b, true)
}

func (db *DB) upsertBadge(ctx context.Context, b *Badge, mayReplace bool) (UpsertResult, error) {
	if b.UserID == 0 || b.DedupeKey == "" {
		return 0, fmt.Errorf("store: upsert badge: user id and dedupe key are required")
	}
	if b.Visibility == "" {
		b.Visibility = Private
	}
	if b.Status == "" {
		b.Status = StatusUnverified
	}
	now := db.now()
	var result UpsertResult
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// The same badge imported twice at once (a double submit reaching
		// two processes) is then Existing the second time.
		if err := db.lockUser(ctx, tx, b.UserID); err != nil {
			return err
		}
		var id, issued int64
		var publicID string
		err := tx.QueryRowContext(ctx, "SELECT id, public_id, issued_at FROM badges WHERE user_id = ? AND dedupe_key = ?",
			b.UserID, b.DedupeKey).Scan(&id, &publicID, &issued)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			b.PublicID = newPublicID()
			b.CreatedAt, b.UpdatedAt = now, now
			if err := tx.QueryRowContext(ctx, `INSERT INTO badges (`+badgeWriteColumns+`, public_id, user_id, dedupe_key, visibility, created_at)
				VALUES (`+placeholders(badgeWriteCount+5)+`) RETURNING id`,
				append(b.writeArgs(), b.PublicID, b.UserID, b.DedupeKey, b.Visibility, nanos(now))...).Scan(&b.ID); err != nil {
				return err
			}
			result = Inserted
		case err != nil:
			return err
		case mayReplace && b.Version == string(badge.V3_0) && nanos0(b.IssuedAt) > issued:
			b.ID, b.PublicID, b.UpdatedAt = id, publicID, now
			if _, err := tx.ExecContext(ctx, `UPDATE badges SET (`+badgeWriteColumns+`) = (`+placeholders(badgeWriteCount)+`)
				WHERE id = ?`, append(b.writeArgs(), id)...); err != nil {
				return err
			}
			result = Replaced
		default:
			b.ID, b.PublicID = id, publicID
			result = Existing
			return nil
		}
		if err := writeTags(ctx, tx, b.ID, b.UserID, b.Tags); err != nil {
			return err
		}
		if len(b.ReportJSON) > 0 {
			return insertCheck(ctx, tx, b.ID, b.ReportJSON, b.Status, b.CheckedAt)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: upsert badge: %w", err)
	}
	return result, nil
}

// InsertBadge stores b as a new badge; a badge with the same dedupe key in
// the same backpack is a Conflict.
func (db *DB) InsertBadge(ctx context.Context, b *Badge) error {
	res, err := db.upsertBadge(ctx, b, false)
	if err != nil {
		return err
	}
	if res != Inserted {
		return (&fail.Error{Code: fail.Conflict, Message: "This badge is already in your backpack."}).Say("store_msg.badge_in_backpack")
	}
	return nil
}

// Columns written on insert and on replace (in writeArgs order).
const badgeWriteColumns = `version, format, original, original_name, original_type, payload, jws, source_url,
	name, description, criteria_url, criteria_narrative, issuer_id, issuer_name, issuer_url, issuer_email,
	image_url, image_caption, image_id, issued_at, expires_at, model_json, matched_type, matched_value,
	report_json, checked_at, status, next_check_at, updated_at, issuer_binding`

const badgeWriteCount = 30

func (b *Badge) writeArgs() []any {
	var imageID any
	if b.ImageID != 0 {
		imageID = b.ImageID
	}
	return []any{b.Version, b.Format, nonNilBytes(b.Original), b.OriginalName, b.OriginalType, b.Payload, b.JWS, b.SourceURL,
		b.Name, b.Description, b.CriteriaURL, b.CriteriaNarrative, b.IssuerID, b.IssuerName, b.IssuerURL, b.IssuerEmail,
		b.ImageURL, b.ImageCaption, imageID, nanos0(b.IssuedAt), nanos0(b.ExpiresAt), string(b.ModelJSON), b.MatchedType, b.MatchedValue,
		string(b.ReportJSON), nanos0(b.CheckedAt), string(b.Status), nanos0(b.NextCheckAt), nanos(b.UpdatedAt), bindingOf(b.ReportJSON)}
}

// bindingOf reads the issuerBinding a verification report records (a
// stable code, see verify.Report), for the column tiles show it from.
func bindingOf(report []byte) string {
	var r struct {
		Binding string `json:"issuerBinding"`
	}
	if json.Unmarshal(report, &r) != nil {
		return ""
	}
	switch r.Binding {
	case "did-document", "hosted-document", "self-key", "unconfirmed":
		return r.Binding
	}
	return ""
}

func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// nanos0 is nanos with the zero time stored as 0 ("not given").
func nanos0(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return nanos(t)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func writeTags(ctx context.Context, tx *sql.Tx, badgeID, userID int64, tags []string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM badge_tags WHERE badge_id = ?", badgeID); err != nil {
		return err
	}
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO badge_tags (badge_id, user_id, tag) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", badgeID, userID, t); err != nil {
			return err
		}
	}
	return nil
}

func insertCheck(ctx context.Context, tx *sql.Tx, badgeID int64, report []byte, status BadgeStatus, checkedAt time.Time) error {
	var r struct {
		Verdict string `json:"verdict"`
	}
	_ = json.Unmarshal(report, &r) // the verdict is a convenience; the report is kept whole
	_, err := tx.ExecContext(ctx, "INSERT INTO badge_checks (badge_id, checked_at, verdict, status, report_json) VALUES (?, ?, ?, ?, ?)",
		badgeID, nanos0(checkedAt), r.Verdict, string(status), string(report))
	return err
}

const badgeColumns = `b.id, b.public_id, b.user_id, b.dedupe_key, b.version, b.format, b.original, b.original_name, b.original_type,
	b.payload, b.jws, b.source_url, b.name, b.description, b.criteria_url, b.criteria_narrative,
	b.issuer_id, b.issuer_name, b.issuer_url, b.issuer_email, b.image_url, b.image_caption,
	coalesce(b.image_id, 0), coalesce(i.hash, ''), b.issued_at, b.expires_at, b.model_json, b.matched_type, b.matched_value,
	b.report_json, b.checked_at, b.status, b.seen_status, b.next_check_at, b.visibility, b.created_at, b.updated_at, b.issuer_binding`

// badgeFrom is the FROM clause that goes with badgeColumns.
const badgeFrom = ` FROM badges b LEFT JOIN images i ON i.id = b.image_id `

func scanBadge(row interface{ Scan(...any) error }) (*Badge, error) {
	var b Badge
	var issued, expires, checked, next, created, updated int64
	var model, report, status, seen string
	if err := row.Scan(&b.ID, &b.PublicID, &b.UserID, &b.DedupeKey, &b.Version, &b.Format, &b.Original, &b.OriginalName, &b.OriginalType,
		&b.Payload, &b.JWS, &b.SourceURL, &b.Name, &b.Description, &b.CriteriaURL, &b.CriteriaNarrative,
		&b.IssuerID, &b.IssuerName, &b.IssuerURL, &b.IssuerEmail, &b.ImageURL, &b.ImageCaption,
		&b.ImageID, &b.ImageHash, &issued, &expires, &model, &b.MatchedType, &b.MatchedValue,
		&report, &checked, &status, &seen, &next, &b.Visibility, &created, &updated, &b.IssuerBinding); err != nil {
		return nil, err
	}
	b.IssuedAt, b.ExpiresAt, b.CheckedAt, b.NextCheckAt = fromNanos(issued), fromNanos(expires), fromNanos(checked), fromNanos(next)
	b.CreatedAt, b.UpdatedAt = fromNanos(created), fromNanos(updated)
	b.ModelJSON = []byte(model)
	if report != "" {
		b.ReportJSON = []byte(report)
	}
	b.Status, b.SeenStatus = BadgeStatus(status), BadgeStatus(seen)
	return &b, nil
}

func (db *DB) badgeTags(ctx context.Context, badgeID int64) ([]string, error) {
	rows, err := db.reader.QueryContext(ctx, "SELECT tag FROM badge_tags WHERE badge_id = ? ORDER BY "+nocase(db.pg, "tag"), badgeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tags []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		tags = append(tags, t)
	}
	return tags, rows.Err()
}

var errNoBadge = (&fail.Error{Code: fail.NotFound, Message: "There is no such badge in your backpack."}).Say("store_msg.no_badge")

// BadgeByPublicID returns the user's badge with that public id, tags
// included. Another user's badge is NotFound, exactly like a missing one.
func (db *DB) BadgeByPublicID(ctx context.Context, userID int64, publicID string) (*Badge, error) {
	b, err := scanBadge(db.reader.QueryRowContext(ctx, "SELECT "+badgeColumns+badgeFrom+"WHERE b.user_id = ? AND b.public_id = ?", userID, publicID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoBadge
	}
	if err != nil {
		return nil, fmt.Errorf("store: badge %s: %w", publicID, err)
	}
	if b.Tags, err = db.badgeTags(ctx, b.ID); err != nil {
		return nil, fmt.Errorf("store: badge %s tags: %w", publicID, err)
	}
	return b, nil
}

// BadgeByID returns a badge by its internal id, whoever owns it (for the
// re-verification job).
func (db *DB) BadgeByID(ctx context.Context, id int64) (*Badge, error) {
	b, err := scanBadge(db.reader.QueryRowContext(ctx, "SELECT "+badgeColumns+badgeFrom+"WHERE b.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoBadge
	}
	if err != nil {
		return nil, fmt.Errorf("store: badge %d: %w", id, err)
	}
	if b.Tags, err = db.badgeTags(ctx, b.ID); err != nil {
		return nil, fmt.Errorf("store: badge %d tags: %w", id, err)
	}
	return b, nil
}

// DeleteBadge deletes the user's badge (its tags and check history go with
// it) and its image when no other badge shows it.
func (db *DB) DeleteBadge(ctx context.Context, userID int64, publicID string) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var imageID sql.NullInt64
		err := tx.QueryRowContext(ctx, "DELETE FROM badges WHERE user_id = ? AND public_id = ? RETURNING image_id", userID, publicID).Scan(&imageID)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoBadge
		}
		if err != nil {
			return err
		}
		if imageID.Valid {
			err = deleteImagesIfUnused(ctx, tx, imageID.Int64)
		}
		return err
	})
	if err != nil && fail.CodeOf(err) == fail.Internal {
		return fmt.Errorf("store: delete badge %s: %w", publicID, err)
	}
	return err
}

// SetBadgeVisibility makes the user's badge Private or Public.
func (db *DB) SetBadgeVisibility(ctx context.Context, userID int64, publicID, visibility string) error {
	if visibility != Private && visibility != Public {
		return (&fail.Error{Code: fail.Invalid, Message: "Choose private or public."}).Say("store_msg.choose_private_public")
	}
	res, err := db.writer.ExecContext(ctx, "UPDATE badges SET visibility = ?, updated_at = ? WHERE user_id = ? AND public_id = ?",
		visibility, nanos(db.now()), userID, publicID)
	if err != nil {
		return fmt.Errorf("store: set badge %s visibility: %w", publicID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNoBadge
	}
	return nil
}

// MarkBadgeSeen records that the learner has seen the badge's current
// status, so a later change can be pointed out.
func (db *DB) MarkBadgeSeen(ctx context.Context, userID int64, publicID string) error {
	_, err := db.writer.ExecContext(ctx, "UPDATE badges SET seen_status = status WHERE user_id = ? AND public_id = ? AND seen_status <> status", userID, publicID)
	if err != nil {
		return fmt.Errorf("store: mark badge %s seen: %w", publicID, err)
	}
	return nil
}

// RecordCheck stores a verification result as the badge's latest report
// and status and adds it to the badge's check history.
func (db *DB) RecordCheck(ctx context.Context, badgeID int64, report []byte, status BadgeStatus, checkedAt, nextCheckAt time.Time) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE badges SET report_json = ?, status = ?, checked_at = ?, next_check_at = ?, updated_at = ?, issuer_binding = ? WHERE id = ?",
			string(report), string(status), nanos0(checkedAt), nanos0(nextCheckAt), nanos(db.now()), bindingOf(report), badgeID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoBadge
		}
		return insertCheck(ctx, tx, badgeID, report, status, checkedAt)
	})
	if err != nil && fail.CodeOf(err) == fail.Internal {
		return fmt.Errorf("store: record check of badge %d: %w", badgeID, err)
	}
	return err
}

// BadgeCheck is one entry of a badge's verification history.
type BadgeCheck struct {
	CheckedAt  time.Time
	Verdict    string
	Status     BadgeStatus
	ReportJSON []byte
}

// BadgeChecks returns the badge's verification history, newest first, at
// most limit entries.
func (db *DB) BadgeChecks(ctx context.Context, badgeID int64, limit int) ([]BadgeCheck, error) {
	rows, err := db.reader.QueryContext(ctx, "SELECT checked_at, verdict, status, report_json FROM badge_checks WHERE badge_id = ? ORDER BY checked_at DESC, id DESC LIMIT ?", badgeID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: checks of badge %d: %w", badgeID, err)
	}
	defer rows.Close()
	var out []BadgeCheck
	for rows.Next() {
		var c BadgeCheck
		var at int64
		var status, report string
		if err := rows.Scan(&at, &c.Verdict, &status, &report); err != nil {
			return nil, fmt.Errorf("store: checks of badge %d: %w", badgeID, err)
		}
		c.CheckedAt, c.Status, c.ReportJSON = fromNanos(at), BadgeStatus(status), []byte(report)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Image is a stored picture, served from Satchel's origin by its hash.
type Image struct {
	ID          int64
	Hash        string // sha256 of Bytes, lower-case hex
	ContentType string // "image/png" or "image/svg+xml"
	Width       int
	Height      int
	Bytes       []byte
	CreatedAt   time.Time
}

// PutImage stores an image (already checked by internal/badgeimg) once per
// content and returns its id and hash; storing the same bytes again returns
// the existing row.
func (db *DB) PutImage(ctx context.Context, data []byte, contentType string, width, height int) (id int64, hash string, err error) {
	return putImage(ctx, db.writer, data, contentType, width, height, nanos(db.now()))
}

func putImage(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, data []byte, contentType string, width, height int, now int64) (id int64, hash string, err error) {
	if contentType != "image/png" && contentType != "image/svg+xml" {
		return 0, "", (&fail.Error{Code: fail.Invalid, Message: "Only PNG and SVG images are kept."}).Say("store_msg.image_types")
	}
	sum := sha256.Sum256(data)
	hash = hex.EncodeToString(sum[:])
	err = q.QueryRowContext(ctx, `INSERT INTO images (hash, content_type, width, height, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (hash) DO UPDATE SET hash = excluded.hash RETURNING id`,
		hash, contentType, width, height, nonNilBytes(data), now).Scan(&id)
	if err != nil {
		return 0, "", fmt.Errorf("store: put image: %w", err)
	}
	return id, hash, nil
}

// ImageByHash returns the stored image with that hash.
func (db *DB) ImageByHash(ctx context.Context, hash string) (*Image, error) {
	var im Image
	var created int64
	err := db.reader.QueryRowContext(ctx, "SELECT id, hash, content_type, width, height, bytes, created_at FROM images WHERE hash = ?", strings.ToLower(hash)).
		Scan(&im.ID, &im.Hash, &im.ContentType, &im.Width, &im.Height, &im.Bytes, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, (&fail.Error{Code: fail.NotFound, Message: "There is no such image."}).Say("store_msg.no_image")
	}
	if err != nil {
		return nil, fmt.Errorf("store: image %s: %w", hash, err)
	}
	im.CreatedAt = fromNanos(created)
	return &im, nil
}

// BadgeWithKey returns the public id and issued date of the user's badge
// with that dedupe key, so an import can tell a duplicate before it does
// any more work; found is false when there is none.
func (db *DB) BadgeWithKey(ctx context.Context, userID int64, dedupeKey string) (publicID string, issuedAt time.Time, found bool, err error) {
	var issued int64
	err = db.reader.QueryRowContext(ctx, "SELECT public_id, issued_at FROM badges WHERE user_id = ? AND dedupe_key = ?", userID, dedupeKey).Scan(&publicID, &issued)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, false, nil
	}
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("store: badge by key: %w", err)
	}
	return publicID, fromNanos(issued), true, nil
}

// CountBadges returns the number of badges in the user's backpack.
func (db *DB) CountBadges(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := db.reader.QueryRowContext(ctx, "SELECT count(*) FROM badges WHERE user_id = ?", userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count badges: %w", err)
	}
	return n, nil
}
