package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"time"
)

// SeedOptions size the database SeedForBench fills.
type SeedOptions struct {
	Learners int // accounts, each with a profile (handle "learner-<n>")
	Badges   int // badges in all, spread evenly over the learners
	// Featured is the handle of one more learner with FeaturedPublic public
	// badges (and two public collections of ten of them): the profile
	// benchmarks and load tests ask for.
	Featured       string
	FeaturedPublic int
	// Images are distinct PNG pictures the badges share; Image makes one.
	Images int
	Image  func(i int) []byte
}

// SchemaVersion identifies the embedded migrations (names and contents),
// so a database seeded for benchmarks can be reused until they change.
func SchemaVersion() string {
	names, _ := fs.Glob(migrationFS, "migrations/*.sql")
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		body, _ := migrationFS.ReadFile(n)
		fmt.Fprintf(h, "%s %d\n", n, len(body))
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// SeedForBench fills an empty, migrated database with o.Learners learners
// and o.Badges badges in one transaction, with bulk prepared inserts. It is
// for benchmarks and load tests only: the badges are plausible rows, not
// verified badges.
func (db *DB) SeedForBench(ctx context.Context, o SeedOptions) error {
	now := nanos(db.now())
	return db.tx(ctx, func(tx *sql.Tx) error {
		var imageIDs []int64
		for i := range o.Images {
			data := o.Image(i)
			sum := sha256.Sum256(data)
			var id int64
			if err := tx.QueryRowContext(ctx, "INSERT INTO images (hash, content_type, width, height, bytes, created_at) VALUES (?, 'image/png', 8, 8, ?, ?) RETURNING id",
				hex.EncodeToString(sum[:]), data, now).Scan(&id); err != nil {
				return fmt.Errorf("store: seed image: %w", err)
			}
			imageIDs = append(imageIDs, id)
		}
		user, err := tx.PrepareContext(ctx, "INSERT INTO users (name, email, created_at) VALUES (?, ?, ?) RETURNING id")
		if err != nil {
			return err
		}
		defer user.Close()
		prof, err := tx.PrepareContext(ctx, "INSERT INTO profiles (user_id, handle, display_name, bio, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")
		if err != nil {
			return err
		}
		defer prof.Close()
		ins, err := tx.PrepareContext(ctx, `INSERT INTO badges (public_id, user_id, dedupe_key, version, format, original, payload,
			name, description, criteria_url, criteria_narrative, issuer_id, issuer_name, issuer_url, image_id, issued_at, expires_at,
			model_json, matched_type, matched_value, report_json, checked_at, status, visibility, created_at, updated_at)
			VALUES (?, ?, ?, '3.0', 'json', ?, '{}', ?, ?, 'https://issuer.example/criteria', ?, ?, ?, 'https://issuer.example/', ?, ?, ?,
			'{}', 'email', ?, '', ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer ins.Close()
		statuses := []BadgeStatus{StatusValid, StatusValid, StatusValid, StatusValid, StatusExpired, StatusRevoked, StatusWarning, StatusUnverified}
		seq := 0
		badgeFor := func(userID int64, public bool) (int64, error) {
			seq++
			vis := Private
			if public {
				vis = Public
			}
			var img any
			if len(imageIDs) > 0 {
				img = imageIDs[seq%len(imageIDs)]
			}
			issued := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(seq) * 17 * time.Minute)
			var expires int64
			if seq%9 == 0 {
				expires = nanos(issued.AddDate(3, 0, 0))
			}
			var id int64
			err := ins.QueryRowContext(ctx, newPublicID(), userID, fmt.Sprintf("seed %d", seq), []byte("{}"),
				fmt.Sprintf("Badge %d in subject %d", seq, seq%97),
				fmt.Sprintf("Awarded for showing the skills of subject %d at level %d. The learner completed the coursework and an assessment.", seq%97, seq%5),
				fmt.Sprintf("Complete **module %d** and pass the assessment with at least %d%%.", seq%40, 60+seq%30),
				fmt.Sprintf("https://issuer-%d.example/", seq%300), fmt.Sprintf("Issuer %d", seq%300),
				img, nanos(issued), expires, fmt.Sprintf("learner%d@example.org", userID), now,
				string(statuses[seq%len(statuses)]), vis, now, now).Scan(&id)
			if err != nil {
				return 0, fmt.Errorf("store: seed badge: %w", err)
			}
			return id, nil
		}
		newUser := func(handle, name string) (int64, error) {
			var id int64
			if err := user.QueryRowContext(ctx, name, handle+"@example.org", now).Scan(&id); err != nil {
				return 0, fmt.Errorf("store: seed user: %w", err)
			}
			if _, err := prof.ExecContext(ctx, id, handle, name, "Learner **"+name+"** collects badges.", now, now); err != nil {
				return 0, fmt.Errorf("store: seed profile: %w", err)
			}
			return id, nil
		}

		per := 0
		if o.Learners > 0 {
			per = o.Badges / o.Learners
		}
		for l := range o.Learners {
			id, err := newUser(fmt.Sprintf("learner-%d", l), fmt.Sprintf("Learner %d", l))
			if err != nil {
				return err
			}
			for k := range per {
				if _, err := badgeFor(id, k%10 == 0); err != nil {
					return err
				}
			}
		}
		if o.Featured == "" {
			return nil
		}
		id, err := newUser(o.Featured, "Featured Learner")
		if err != nil {
			return err
		}
		var ids []int64
		for range o.FeaturedPublic {
			bid, err := badgeFor(id, true)
			if err != nil {
				return err
			}
			ids = append(ids, bid)
		}
		for c := range 2 {
			var cid int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO collections (public_id, user_id, name, slug, description, visibility, unlisted_token, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'Badges for one audience.', 'public', ?, ?, ?) RETURNING id`,
				newPublicID(), id, fmt.Sprintf("Collection %d", c+1), fmt.Sprintf("collection-%d", c+1), newPublicID(), now, now).Scan(&cid); err != nil {
				return fmt.Errorf("store: seed collection: %w", err)
			}
			for pos := 1; pos <= 10 && pos+c*10 <= len(ids); pos++ {
				if _, err := tx.ExecContext(ctx, "INSERT INTO collection_badges (collection_id, badge_id, position, added_at) VALUES (?, ?, ?, ?)",
					cid, ids[pos-1+c*10], pos, now); err != nil {
					return fmt.Errorf("store: seed collection badge: %w", err)
				}
			}
		}
		return nil
	})
}
