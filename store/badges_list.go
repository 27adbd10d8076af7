package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// How a backpack is sorted.
const (
	SortIssued = "issued" // by issued date (default: newest first)
	SortName   = "name"
	SortIssuer = "issuer" // by issuer name, then newest first
)

// Backpack page sizes.
const (
	DefaultPageSize = 24
	MaxPageSize     = 48
)

// MaxSearchLen bounds a search text (in characters); longer text is cut.
const MaxSearchLen = 200

// maxSearchTerms bounds how many words a search matches; the rest are ignored.
const maxSearchTerms = 8

// BadgeQuery asks for one page of a learner's backpack.
type BadgeQuery struct {
	UserID int64
	Sort   string // SortIssued (default), SortName or SortIssuer
	Desc   bool   // descending; the issued date defaults to newest first when Sort is ""
	Issuer string // issuer name, any letter case; "" for all
	Tag    string // "" for all
	Status BadgeStatus
	// Search matches badges whose name, description or issuer name contains
	// every word of it, ignoring letter case.
	Search   string
	Page     int // 1-based; values below 1 mean 1
	PageSize int // 0 means DefaultPageSize; capped at MaxPageSize
	// Now decides which badges count as expired; zero means the store's clock.
	Now time.Time
}

// BadgeSummary is what a backpack tile shows of a badge: no original bytes,
// no payload, and the long texts cut to their beginning.
type BadgeSummary struct {
	PublicID     string
	Name         string
	Description  string // at most SummaryTextLen characters
	Criteria     string // the criteria narrative (Markdown), at most SummaryTextLen characters
	CriteriaURL  string
	IssuerName   string
	ImageHash    string // "" when no image is stored
	ImageCaption string
	IssuedAt     time.Time
	ExpiresAt    time.Time
	// Status is the badge's effective status: the latest check's, or
	// expired when it was valid then and its expiry date has passed since.
	Status BadgeStatus
	// Changed is true when the status differs from the one the learner last
	// saw on the badge's page.
	Changed    bool
	Visibility string
	// IssuerBinding is how the issuer was confirmed (see Badge).
	IssuerBinding string
}

// SummaryTextLen is how many characters of a description or criteria
// narrative a BadgeSummary carries: enough for any tile's summary.
const SummaryTextLen = 600

// BadgePage is one page of a backpack.
type BadgePage struct {
	Badges   []BadgeSummary
	Total    int // badges matching the query, on every page
	Page     int // the page returned (clamped to the last page)
	PageSize int
	Pages    int // number of pages; at least 1
}

// Facet is one value a backpack can be filtered by, with how many of the
// learner's badges have it.
type Facet struct {
	Value string
	Count int
}

// BadgeFacets are the values the backpack's filter form offers, over the
// learner's whole backpack.
type BadgeFacets struct {
	Total    int // every badge in the backpack
	Issuers  []Facet
	Tags     []Facet
	Statuses []Facet // in the order of AllStatuses
}

// AllStatuses lists the statuses in the order pages show them.
var AllStatuses = []BadgeStatus{StatusValid, StatusWarning, StatusUnconfirmed, StatusExpired, StatusRevoked, StatusInvalid, StatusUnverified}

// ValidStatus reports whether s is a known status.
func ValidStatus(s BadgeStatus) bool {
	for _, v := range AllStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// effectiveStatus is the SQL for BadgeSummary.Status: a badge that was
// valid (or valid with warnings) when last checked is expired once its
// expiry date has passed, whether or not it has been checked since.
const effectiveStatus = `(CASE WHEN b.status IN ('valid', 'warning') AND b.expires_at > 0 AND b.expires_at <= :now THEN 'expired' ELSE b.status END)`

// likePattern makes s a LIKE pattern that matches s anywhere, with LIKE's
// wildcards in s taken literally (ESCAPE '\').
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// searchTerms splits a search into at most maxSearchTerms words.
func searchTerms(s string) []string {
	if utf8.RuneCountInString(s) > MaxSearchLen {
		s = string([]rune(s)[:MaxSearchLen])
	}
	terms := strings.Fields(s)
	if len(terms) > maxSearchTerms {
		terms = terms[:maxSearchTerms]
	}
	return terms
}

// badgeListSQL is the SQL of ListBadges: the count of matches and one page
// of them (its offset still to bind), with their arguments.
type badgeListSQL struct {
	count, page string
	args        []any
	size        int
}

func buildBadgeList(pg bool, q BadgeQuery, now time.Time) badgeListSQL {
	size := q.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	size = min(size, MaxPageSize)

	// Every filter reads an index or a narrow table, never the badge rows
	// (see migration 0004 and TestListBadges_QueriesReadNoBadgeRows). The
	// unary + keeps SQLite from looking each matching id up in the badges
	// table.
	where := []string{"b.user_id = :user"}
	args := []any{sql.Named("user", q.UserID), sql.Named("now", nanos(now))}
	if q.Issuer != "" {
		where = append(where, "+b.id IN (SELECT id FROM badges WHERE user_id = :user AND "+nocase(pg, "issuer_name")+" = "+nocaseParam(pg, ":issuer")+")")
		args = append(args, sql.Named("issuer", q.Issuer))
	}
	if q.Tag != "" {
		where = append(where, "+b.id IN (SELECT badge_id FROM badge_tags WHERE user_id = :user AND "+nocase(pg, "tag")+" = "+nocaseParam(pg, ":tag")+")")
		args = append(args, sql.Named("tag", q.Tag))
	}
	if q.Status != "" {
		where = append(where, "+b.id IN (SELECT b.id FROM badges b WHERE b.user_id = :user AND "+effectiveStatus+" = :status)")
		args = append(args, sql.Named("status", string(q.Status)))
	}
	if terms := searchTerms(q.Search); len(terms) > 0 {
		// SQLite's LIKE ignores the case of A–Z; PostgreSQL's ILIKE does.
		like := "LIKE"
		if pg {
			like = "ILIKE"
		}
		var match []string
		for i, term := range terms {
			name := fmt.Sprintf("q%d", i)
			match = append(match, fmt.Sprintf(`(t.name %[2]s :%[1]s ESCAPE '\' OR t.description %[2]s :%[1]s ESCAPE '\' OR t.issuer_name %[2]s :%[1]s ESCAPE '\')`, name, like))
			args = append(args, sql.Named(name, likePattern(term)))
		}
		where = append(where, "+b.id IN (SELECT t.badge_id FROM badge_text t WHERE t.user_id = :user AND "+strings.Join(match, " AND ")+")")
	}

	dir := "ASC"
	if q.Desc || q.Sort == "" {
		dir = "DESC"
	}
	// Each order ends in the id so that pages never overlap, and follows an
	// index where it can.
	var order string
	switch q.Sort {
	case SortName:
		order = nocase(pg, "b.name") + " " + dir + ", b.id " + dir
	case SortIssuer:
		order = nocase(pg, "b.issuer_name") + " " + dir + ", b.issued_at DESC, b.id DESC"
	default:
		order = "b.issued_at " + dir + ", b.id " + dir
	}
	cond := strings.Join(where, " AND ")

	// The page's ids come first, from indexes; only the page's rows are
	// then read in full.
	page := `SELECT b.public_id, b.name, substr(b.description, 1, :textlen), substr(b.criteria_narrative, 1, :textlen),
		b.criteria_url, b.issuer_name, coalesce(i.hash, ''), b.image_caption, b.issued_at, b.expires_at,
		` + effectiveStatus + `, b.seen_status <> '' AND b.seen_status <> b.status, b.visibility, b.issuer_binding
		FROM (SELECT b.id FROM badges b WHERE ` + cond + ` ORDER BY ` + order + ` LIMIT :limit OFFSET :offset) p
		JOIN badges b ON b.id = p.id LEFT JOIN images i ON i.id = b.image_id
		ORDER BY ` + order
	args = append(args, sql.Named("textlen", SummaryTextLen), sql.Named("limit", size))
	return badgeListSQL{count: "SELECT count(*) FROM badges b WHERE " + cond, page: page, args: args, size: size}
}

// ListBadges returns one page of the learner's badges, sorted, filtered and
// searched as q says, with the number of matches. It reads only the columns
// a tile shows, and only for the badges on the page.
func (db *DB) ListBadges(ctx context.Context, q BadgeQuery) (*BadgePage, error) {
	now := q.Now
	if now.IsZero() {
		now = db.now()
	}
	lq := buildBadgeList(db.pg, q, now)
	size, args := lq.size, lq.args

	// One read transaction: the count and the page see the same snapshot.
	tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: list badges: %w", err)
	}
	defer tx.Rollback()
	p := &BadgePage{PageSize: size}
	if err := tx.QueryRowContext(ctx, lq.count, args...).Scan(&p.Total); err != nil {
		return nil, fmt.Errorf("store: count badges: %w", err)
	}
	p.Pages = max(1, (p.Total+size-1)/size)
	// Past the end (a bookmarked page of a backpack that shrank): the last page.
	p.Page = min(max(q.Page, 1), p.Pages)
	rows, err := tx.QueryContext(ctx, lq.page, append(args, sql.Named("offset", (p.Page-1)*size))...)
	if err != nil {
		return nil, fmt.Errorf("store: list badges: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s BadgeSummary
		var issued, expires int64
		var status string
		if err := rows.Scan(&s.PublicID, &s.Name, &s.Description, &s.Criteria, &s.CriteriaURL, &s.IssuerName, &s.ImageHash,
			&s.ImageCaption, &issued, &expires, &status, &s.Changed, &s.Visibility, &s.IssuerBinding); err != nil {
			return nil, fmt.Errorf("store: list badges: %w", err)
		}
		s.IssuedAt, s.ExpiresAt, s.Status = fromNanos(issued), fromNanos(expires), BadgeStatus(status)
		p.Badges = append(p.Badges, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list badges: %w", err)
	}
	return p, nil
}

// badgeFacetsSQL counts a learner's badges by issuer, tag and status, each
// from a covering index; badgeFacetsPostgres is the same on PostgreSQL,
// where min() picks among spellings in byte order as SQLite's does.
const badgeFacetsSQL = `
	SELECT 'issuer', min(b.issuer_name), count(*) FROM badges b WHERE b.user_id = :user AND b.issuer_name <> ''
		GROUP BY b.issuer_name COLLATE NOCASE
	UNION ALL
	SELECT 'tag', min(t.tag), count(*) FROM badge_tags t WHERE t.user_id = :user GROUP BY t.tag
	UNION ALL
	SELECT 'status', ` + effectiveStatus + `, count(*) FROM badges b WHERE b.user_id = :user GROUP BY 2`

const badgeFacetsPostgres = `
	SELECT 'issuer', min(b.issuer_name COLLATE "C"), count(*) FROM badges b WHERE b.user_id = :user AND b.issuer_name <> ''
		GROUP BY lower(b.issuer_name COLLATE "C")
	UNION ALL
	SELECT 'tag', min(t.tag COLLATE "C"), count(*) FROM badge_tags t WHERE t.user_id = :user GROUP BY lower(t.tag COLLATE "C")
	UNION ALL
	SELECT 'status', ` + effectiveStatus + ` COLLATE "C", count(*) FROM badges b WHERE b.user_id = :user GROUP BY 2`

// BadgeFacets counts the learner's badges by issuer, tag and status, for
// the filter form. Issuers and tags are in alphabetical order.
func (db *DB) BadgeFacets(ctx context.Context, userID int64, now time.Time) (*BadgeFacets, error) {
	if now.IsZero() {
		now = db.now()
	}
	facets := badgeFacetsSQL
	if db.pg {
		facets = badgeFacetsPostgres
	}
	rows, err := db.reader.QueryContext(ctx, facets,
		sql.Named("user", userID), sql.Named("now", nanos(now)))
	if err != nil {
		return nil, fmt.Errorf("store: badge facets: %w", err)
	}
	defer rows.Close()
	f := &BadgeFacets{}
	statuses := map[BadgeStatus]int{}
	for rows.Next() {
		var kind, value string
		var n int
		if err := rows.Scan(&kind, &value, &n); err != nil {
			return nil, fmt.Errorf("store: badge facets: %w", err)
		}
		switch kind {
		case "issuer":
			f.Issuers = append(f.Issuers, Facet{Value: value, Count: n})
		case "tag":
			f.Tags = append(f.Tags, Facet{Value: value, Count: n})
		case "status":
			statuses[BadgeStatus(value)] += n
			f.Total += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: badge facets: %w", err)
	}
	for _, s := range AllStatuses {
		if n := statuses[s]; n > 0 {
			f.Statuses = append(f.Statuses, Facet{Value: string(s), Count: n})
		}
	}
	sortFacets(f.Issuers)
	sortFacets(f.Tags)
	return f, nil
}

// sortFacets orders facets by value, ignoring letter case.
func sortFacets(fs []Facet) {
	slices.SortFunc(fs, func(a, b Facet) int {
		return strings.Compare(strings.ToLower(a.Value), strings.ToLower(b.Value))
	})
}
