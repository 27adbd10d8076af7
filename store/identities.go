package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/satchel-backpack/satchel/internal/badge"
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
		) ORDER BY src, at, id`, userID, userID)
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
