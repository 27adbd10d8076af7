package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestListBadges_QueriesReadNoBadgeRows checks SQLite's plan for every
// shape of backpack query: what is filtered, counted, sorted and searched
// comes from covering indexes and the narrow badge_text table. A badge row
// holds the original file before its other columns, so a plan that reads
// rows to filter 1,000 badges walks megabytes of overflow pages; only the
// page's own rows (by rowid) may be read.
func TestListBadges_QueriesReadNoBadgeRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	plan := func(query string, args ...any) []string {
		t.Helper()
		rows, err := db.reader.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatalf("%v\n%s", err, query)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			out = append(out, detail)
		}
		return out
	}
	// A step that touches badges must use a covering index, except the
	// join that reads the page's rows by rowid.
	check := func(what string, steps []string, pageJoin bool) {
		t.Helper()
		for _, s := range steps {
			touchesBadges := strings.HasPrefix(s, "SCAN b") || strings.HasPrefix(s, "SEARCH b ") || strings.Contains(s, " badges ") || strings.HasSuffix(s, " badges")
			switch {
			case !touchesBadges:
			case strings.Contains(s, "COVERING INDEX"):
			case pageJoin && strings.Contains(s, "INTEGER PRIMARY KEY (rowid=?)"):
			default:
				t.Errorf("%s: step %q reads badge rows; plan:\n  %s", what, s, strings.Join(steps, "\n  "))
			}
			if strings.HasPrefix(s, "SCAN t") || strings.HasPrefix(s, "SCAN badge_text") {
				t.Errorf("%s: step %q scans every learner's text", what, s)
			}
		}
	}
	now := time.Now()
	for _, sort := range []string{"", SortIssued, SortName, SortIssuer} {
		for _, desc := range []bool{false, true} {
			for _, q := range []BadgeQuery{
				{},
				{Issuer: "Sea Scouts"},
				{Tag: "sailing"},
				{Status: StatusExpired},
				{Search: "knot tying"},
				{Issuer: "Sea Scouts", Tag: "sailing", Status: StatusValid, Search: "knot"},
			} {
				q.UserID, q.Sort, q.Desc, q.Page = 1, sort, desc, 3
				lq := buildBadgeList(false, q, now)
				what := strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(
					strings.Join([]string{"sort=" + sort, "issuer=" + q.Issuer, "tag=" + q.Tag, "status=" + string(q.Status), "q=" + q.Search}, " "), "\n", " "), "\t", ""))
				check("count "+what, plan(lq.count, lq.args...), false)
				check("page "+what, plan(lq.page, append(lq.args, sql.Named("offset", 48))...), true)
			}
		}
	}
	check("facets", plan(badgeFacetsSQL, sql.Named("user", 1), sql.Named("now", now.UnixNano())), false)
}

// TestBadgeText_FollowsBadges checks the triggers that keep the search
// table in step with the badges.
func TestBadgeText_FollowsBadges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "text.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, _, err := db.SignIn(ctx, Identity{Provider: "dev", Subject: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	b := &Badge{UserID: u.ID, DedupeKey: "k", Version: "3.0", Format: "json", Name: "Knot Tying", Description: "Ties knots.", IssuerName: "Sea Scouts"}
	if _, err := db.UpsertBadge(ctx, b); err != nil {
		t.Fatal(err)
	}
	text := func() string {
		var name, desc, issuer string
		err := db.reader.QueryRowContext(ctx, "SELECT name, description, issuer_name FROM badge_text WHERE badge_id = ?", b.ID).Scan(&name, &desc, &issuer)
		if err == sql.ErrNoRows {
			return "(none)"
		}
		if err != nil {
			t.Fatal(err)
		}
		return name + "|" + desc + "|" + issuer
	}
	if got := text(); got != "Knot Tying|Ties knots.|Sea Scouts" {
		t.Errorf("after insert: %q", got)
	}
	// A newer 3.0 credential replaces the stored one.
	b2 := &Badge{UserID: u.ID, DedupeKey: "k", Version: "3.0", Format: "json", Name: "Knot Tying II", Description: "More knots.", IssuerName: "Sea Scouts", IssuedAt: now1()}
	if res, err := db.UpsertBadge(ctx, b2); err != nil || res != Replaced {
		t.Fatalf("replace: %v %v", res, err)
	}
	if got := text(); got != "Knot Tying II|More knots.|Sea Scouts" {
		t.Errorf("after replace: %q", got)
	}
	if err := db.DeleteBadge(ctx, u.ID, b.PublicID); err != nil {
		t.Fatal(err)
	}
	if got := text(); got != "(none)" {
		t.Errorf("after delete: %q", got)
	}
}

func now1() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
