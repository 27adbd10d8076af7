package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/verify"
)

// The re-verification job (backpack.Reverifier) keeps stored verdicts
// fresh. Its state lives in the badges table, never in a process:
// next_check_at says when a badge is due, and claiming a badge moves
// next_check_at forward by a lease, so that several Satchel processes on
// one database never check the same badge at once and a process that dies
// mid-check only delays the badge by the lease.

// dueQuery lists the badges due for a check (parameters: now, limit),
// from the badges_next_check index.
const dueQuery = `SELECT id FROM badges WHERE next_check_at <= ? ORDER BY next_check_at, id LIMIT ?`

// expiringQuery lists the badges whose expiry date has passed while their
// status does not say so (parameters: now, limit), from the partial index
// badges_expiring (migration 0012), whose condition it repeats word for
// word so that SQLite can use it.
const expiringQuery = `SELECT id, public_id, user_id, status, report_json, expires_at FROM badges
	WHERE expires_at > 0 AND status IN ('valid', 'warning', 'unconfirmed', 'unverified') AND expires_at <= ?
	ORDER BY expires_at, id LIMIT ?`

// Claim is a badge taken for re-verification by ClaimDueBadges.
type Claim struct {
	// Badge is the stored badge; its NextCheckAt is the lease the claim
	// holds (see RecordReverify).
	Badge *Badge
	// Failures counts the checks in a row, up to this claim, that could not
	// reach the issuer (0 after a definite verdict), for backing off.
	Failures int
}

// ClaimDueBadges claims up to limit badges whose next check is due at now,
// the longest overdue first, by moving their next_check_at to now+lease in
// one statement inside a write transaction. On SQLite a second process
// asking at the same moment waits for the write lock and then sees them as
// not due; on PostgreSQL the subquery locks the rows it picks (FOR UPDATE
// SKIP LOCKED), so a second process takes other badges instead, and the
// outer condition is checked again on each row it updates.
func (db *DB) ClaimDueBadges(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Claim, error) {
	if limit <= 0 || lease <= 0 {
		return nil, fmt.Errorf("store: claim due badges: limit and lease must be positive")
	}
	until := now.Add(lease)
	var ids []int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE badges SET next_check_at = ?
			WHERE id IN (`+dueQuery+lockRows(db.pg, true)+`) AND next_check_at <= ?
			RETURNING id`, nanos(until), nanos(now), limit, nanos(now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim due badges: %w", err)
	}
	claims := make([]Claim, 0, len(ids))
	for _, id := range ids {
		b, err := db.BadgeByID(ctx, id)
		if fail.CodeOf(err) == fail.NotFound {
			continue // deleted since the claim
		}
		if err != nil {
			return nil, fmt.Errorf("store: claim due badges: %w", err)
		}
		n, err := db.failureStreak(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("store: claim due badges: %w", err)
		}
		claims = append(claims, Claim{Badge: b, Failures: n})
	}
	return claims, nil
}

// failureStreak counts the badge's latest checks that could not verify,
// back to its last definite verdict (at most 32: enough for any back-off).
func (db *DB) failureStreak(ctx context.Context, badgeID int64) (int, error) {
	rows, err := db.reader.QueryContext(ctx,
		"SELECT status FROM badge_checks WHERE badge_id = ? ORDER BY checked_at DESC, id DESC LIMIT 32", badgeID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return 0, err
		}
		if BadgeStatus(s) != StatusUnverified {
			break
		}
		n++
	}
	return n, rows.Err()
}

// Reverification is the outcome of re-checking a claimed badge.
type Reverification struct {
	// Report is the verify.Report as JSON; Status what it sums up to
	// (its Standing, as the verifier decided it).
	Report []byte
	Status BadgeStatus
	// Transient: the issuer could not be reached. The badge keeps its last
	// definite report and status; the attempt goes into the history only.
	Transient bool
	CheckedAt time.Time
	// NextCheckAt is when to check again (a back-off after a transient
	// failure).
	NextCheckAt time.Time
	// Refresh, when set on a definite result, holds the badge as the issuer
	// serves it now (NewBadge of the verified model): its name,
	// description, criteria, issuer, image caption, expiry, tags and model
	// replace the stored ones, so that a renamed issuer or a reworded
	// BadgeClass shows. The original bytes, image and dedupe key stay.
	Refresh *Badge
}

// ReverifyOutcome says what RecordReverify did.
type ReverifyOutcome struct {
	// Recorded is false when the claim had lapsed: the badge was deleted,
	// checked again by its owner, replaced by a new import or claimed anew
	// after the lease ran out. Nothing was written then.
	Recorded bool
	// Changed: the badge's status changed; Previous is what it was.
	Changed  bool
	Previous BadgeStatus
}

// RecordReverify writes the result of re-checking the badge claimed in c,
// only if the claim still holds (next_check_at is still the lease). A
// definite result replaces the badge's report, status and check time; a
// transient one only reschedules. Either way it is added to the check
// history. When the status changes and the learner has not looked at the
// badge since it was imported (seen_status is empty), seen_status is set to
// the old status, so the change is pointed out on their next visit.
func (db *DB) RecordReverify(ctx context.Context, c Claim, r Reverification) (ReverifyOutcome, error) {
	b := c.Badge
	var out ReverifyOutcome
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var status string
		err := tx.QueryRowContext(ctx, "SELECT status FROM badges WHERE id = ? AND next_check_at = ?"+lockRows(db.pg, false),
			b.ID, nanos0(b.NextCheckAt)).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // the claim lapsed
		}
		if err != nil {
			return err
		}
		out.Recorded, out.Previous = true, BadgeStatus(status)
		if r.Transient {
			if _, err := tx.ExecContext(ctx, "UPDATE badges SET next_check_at = ? WHERE id = ?", nanos0(r.NextCheckAt), b.ID); err != nil {
				return err
			}
			return insertCheck(ctx, tx, b.ID, r.Report, StatusUnverified, r.CheckedAt)
		}
		out.Changed = r.Status != out.Previous
		if _, err := tx.ExecContext(ctx, `UPDATE badges SET report_json = ?, status = ?, checked_at = ?, next_check_at = ?, updated_at = ?,
				seen_status = CASE WHEN seen_status = '' AND status <> ? THEN status ELSE seen_status END, issuer_binding = ?
			WHERE id = ?`,
			string(r.Report), string(r.Status), nanos0(r.CheckedAt), nanos0(r.NextCheckAt), nanos(db.now()), string(r.Status), bindingOf(r.Report), b.ID); err != nil {
			return err
		}
		if f := r.Refresh; f != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE badges SET name = ?, description = ?, criteria_url = ?, criteria_narrative = ?,
					issuer_id = ?, issuer_name = ?, issuer_url = ?, issuer_email = ?, image_caption = ?, expires_at = ?, model_json = ?
				WHERE id = ?`,
				f.Name, f.Description, f.CriteriaURL, f.CriteriaNarrative, f.IssuerID, f.IssuerName, f.IssuerURL, f.IssuerEmail,
				f.ImageCaption, nanos0(f.ExpiresAt), string(f.ModelJSON), b.ID); err != nil {
				return err
			}
			if err := writeTags(ctx, tx, b.ID, b.UserID, f.Tags); err != nil {
				return err
			}
		}
		return insertCheck(ctx, tx, b.ID, r.Report, r.Status, r.CheckedAt)
	})
	if err != nil {
		return ReverifyOutcome{}, fmt.Errorf("store: record re-verification of badge %d: %w", b.ID, err)
	}
	return out, nil
}

// Expired is a badge ExpireBadges marked expired.
type Expired struct {
	ID       int64
	PublicID string
	UserID   int64
	Previous BadgeStatus
}

// ExpireBadges marks as expired, without fetching anything, up to limit
// badges whose expiry date has passed at now while their status still says
// valid, warning or could-not-verify (invalid and revoked say more and
// stay). Each gets its stored report with the expiry check failed, a
// history entry, and — like RecordReverify — seen_status set to the old
// status when the learner has not looked since the import. It all happens
// in one write transaction, so concurrent callers never expire one badge
// twice.
func (db *DB) ExpireBadges(ctx context.Context, now time.Time, limit int) ([]Expired, error) {
	var out []Expired
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, expiringQuery+lockRows(db.pg, true), nanos(now), limit)
		if err != nil {
			return err
		}
		type row struct {
			e       Expired
			report  string
			expires int64
		}
		var todo []row
		for rows.Next() {
			var r row
			var status string
			if err := rows.Scan(&r.e.ID, &r.e.PublicID, &r.e.UserID, &status, &r.report, &r.expires); err != nil {
				rows.Close()
				return err
			}
			r.e.Previous = BadgeStatus(status)
			todo = append(todo, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range todo {
			report, err := expiredReport(r.report, fromNanos(r.expires), now)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE badges SET report_json = ?, status = 'expired', checked_at = ?, updated_at = ?,
					seen_status = CASE WHEN seen_status = '' THEN status ELSE seen_status END
				WHERE id = ?`, string(report), nanos(now), nanos(db.now()), r.e.ID); err != nil {
				return err
			}
			if err := insertCheck(ctx, tx, r.e.ID, report, StatusExpired, now); err != nil {
				return err
			}
			out = append(out, r.e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: expire badges: %w", err)
	}
	return out, nil
}

// expiredReport is the stored report with its expiry check failed (added
// when the report had none), dated now.
func expiredReport(stored string, expires, now time.Time) ([]byte, error) {
	var r verify.Report
	if strings.TrimSpace(stored) != "" {
		if err := json.Unmarshal([]byte(stored), &r); err != nil {
			r = verify.Report{} // an unreadable report is replaced
		}
	}
	check := verify.ExpiredCheck(expires) // "The badge expired on 2 January 2006."
	found := false
	for i := range r.Checks {
		if r.Checks[i].ID == "expiry" {
			r.Checks[i], found = check, true
		}
	}
	if !found {
		r.Checks = append(r.Checks, check)
	}
	r.RanAt = now.UTC()
	r.Finish()
	return json.Marshal(&r)
}

// CountDueBadges counts the badges due for a check at now: the background
// re-check's queue, as the metrics report it.
func (db *DB) CountDueBadges(ctx context.Context, now time.Time) (int, error) {
	var n int
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM badges WHERE next_check_at <= ?`, nanos(now)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count due badges: %w", err)
	}
	return n, nil
}
