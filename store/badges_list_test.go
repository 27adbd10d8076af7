package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/store"
)

// listFixture is a backpack whose badges differ in every field the list
// sorts, filters and searches by.
type listFixture struct {
	db    *store.DB
	user  *store.User
	other *store.User
	ids   map[string]string // badge name → public id
}

type listBadge struct {
	name, desc, issuer string
	issued             time.Time
	expires            time.Time
	tags               []string
	status             store.BadgeStatus
	pad                int // bytes added to the original, to make rows as large as real ones
}

var listNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func mustListUser(tb testing.TB, db *store.DB, subject string) *store.User {
	tb.Helper()
	u, _, err := db.SignIn(context.Background(), store.Identity{Provider: "dev", Subject: subject, Email: subject + "@example.org"})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func mustAddListBadge(tb testing.TB, db *store.DB, userID int64, n int, lb listBadge) *store.Badge {
	tb.Helper()
	m := &badge.Badge{
		Version: badge.V3_0, Format: badge.FormatJSON,
		ID: fmt.Sprintf("urn:uuid:%d-%s", n, lb.name), Name: lb.name, Description: lb.desc,
		Criteria: badge.Criteria{Narrative: "Do **" + lb.name + "**."},
		Issuer:   badge.Issuer{ID: "did:key:" + strings.ReplaceAll(lb.issuer, " ", ""), Name: lb.issuer},
		IssuedOn: lb.issued, Expires: lb.expires, Tags: lb.tags,
		Payload: []byte(fmt.Sprintf(`{"n":%d}`, n)), Original: append([]byte(fmt.Sprintf(`{"n":%d}`, n)), make([]byte, lb.pad)...),
	}
	b, err := store.NewBadge(m)
	if err != nil {
		tb.Fatal(err)
	}
	b.UserID, b.Status = userID, lb.status
	if b.Status == "" {
		b.Status = store.StatusValid
	}
	if _, err := db.UpsertBadge(context.Background(), b); err != nil {
		tb.Fatal(err)
	}
	return b
}

func newListFixture(t *testing.T) *listFixture {
	t.Helper()
	db := MustOpen(t)
	f := &listFixture{db: db, user: mustListUser(t, db, "ada"), other: mustListUser(t, db, "bob"), ids: map[string]string{}}
	for i, lb := range []listBadge{
		{name: "Knot Tying", desc: "Ties five knots.", issuer: "Sea Scouts", issued: day(2024, 3, 1), tags: []string{"sailing", "Ropes"}},
		{name: "advanced sailing", desc: "Sails upwind.", issuer: "sea scouts", issued: day(2025, 1, 10), tags: []string{"Sailing"}},
		{name: "First Aid", desc: "Knows 100% of CPR_basics.", issuer: "Red Cross", issued: day(2023, 5, 5), expires: day(2025, 5, 5)},
		{name: "Python", desc: "Data analysis.", issuer: "Open Learning", issued: day(2025, 9, 9), tags: []string{"code"}, status: store.StatusRevoked},
		{name: "Zebra Care", desc: "Looks after zebras.", issuer: "Zoo", issued: day(2022, 1, 1), status: store.StatusUnverified},
	} {
		b := mustAddListBadge(t, db, f.user.ID, i, lb)
		f.ids[lb.name] = b.PublicID
	}
	// Another learner's badges never appear in Ada's lists.
	mustAddListBadge(t, db, f.other.ID, 99, listBadge{name: "Knot Tying", issuer: "Sea Scouts", issued: day(2024, 3, 1), tags: []string{"sailing"}})
	return f
}

func (f *listFixture) names(t *testing.T, q store.BadgeQuery) []string {
	t.Helper()
	q.UserID = f.user.ID
	q.Now = listNow
	p, err := f.db.ListBadges(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range p.Badges {
		out = append(out, b.Name)
	}
	return out
}

func TestListBadges_SortsFiltersAndSearches(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	cases := []struct {
		name string
		q    store.BadgeQuery
		want []string
	}{
		{"default: newest first", store.BadgeQuery{}, []string{"Python", "advanced sailing", "Knot Tying", "First Aid", "Zebra Care"}},
		{"issued, oldest first", store.BadgeQuery{Sort: store.SortIssued}, []string{"Zebra Care", "First Aid", "Knot Tying", "advanced sailing", "Python"}},
		{"issued, newest first", store.BadgeQuery{Sort: store.SortIssued, Desc: true}, []string{"Python", "advanced sailing", "Knot Tying", "First Aid", "Zebra Care"}},
		{"name ignores case", store.BadgeQuery{Sort: store.SortName}, []string{"advanced sailing", "First Aid", "Knot Tying", "Python", "Zebra Care"}},
		{"name descending", store.BadgeQuery{Sort: store.SortName, Desc: true}, []string{"Zebra Care", "Python", "Knot Tying", "First Aid", "advanced sailing"}},
		{"issuer, then newest", store.BadgeQuery{Sort: store.SortIssuer}, []string{"Python", "First Aid", "advanced sailing", "Knot Tying", "Zebra Care"}},
		{"issuer filter ignores case", store.BadgeQuery{Issuer: "SEA SCOUTS"}, []string{"advanced sailing", "Knot Tying"}},
		{"tag filter ignores case", store.BadgeQuery{Tag: "sailing"}, []string{"advanced sailing", "Knot Tying"}},
		{"tag filter, one badge", store.BadgeQuery{Tag: "ropes"}, []string{"Knot Tying"}},
		{"status revoked", store.BadgeQuery{Status: store.StatusRevoked}, []string{"Python"}},
		{"expired by date though checked valid", store.BadgeQuery{Status: store.StatusExpired}, []string{"First Aid"}},
		{"valid excludes the expired", store.BadgeQuery{Status: store.StatusValid}, []string{"advanced sailing", "Knot Tying"}},
		{"could not verify", store.BadgeQuery{Status: store.StatusUnverified}, []string{"Zebra Care"}},
		{"search name", store.BadgeQuery{Search: "knot"}, []string{"Knot Tying"}},
		{"search description", store.BadgeQuery{Search: "upwind"}, []string{"advanced sailing"}},
		{"search issuer", store.BadgeQuery{Search: "red cross"}, []string{"First Aid"}},
		{"every word must match", store.BadgeQuery{Search: "sea knots"}, []string{"Knot Tying"}},
		{"percent is literal", store.BadgeQuery{Search: "100%"}, []string{"First Aid"}},
		{"percent alone matches only a percent", store.BadgeQuery{Search: "%"}, []string{"First Aid"}},
		{"underscore is literal", store.BadgeQuery{Search: "_"}, []string{"First Aid"}},
		{"backslash is literal", store.BadgeQuery{Search: `\`}, nil},
		{"quote is harmless", store.BadgeQuery{Search: `' OR 1=1 --`}, nil},
		{"filters combine", store.BadgeQuery{Issuer: "Sea Scouts", Tag: "ropes", Search: "knot"}, []string{"Knot Tying"}},
		{"nothing matches", store.BadgeQuery{Search: "astronomy"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := f.names(t, c.q); !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestListBadges_SummaryFields(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	p, err := f.db.ListBadges(context.Background(), store.BadgeQuery{UserID: f.user.ID, Now: listNow, Search: "first aid"})
	if err != nil || len(p.Badges) != 1 {
		t.Fatalf("%v %+v", err, p)
	}
	b := p.Badges[0]
	if b.PublicID != f.ids["First Aid"] || b.IssuerName != "Red Cross" || !b.IssuedAt.Equal(day(2023, 5, 5)) ||
		!b.ExpiresAt.Equal(day(2025, 5, 5)) || b.Status != store.StatusExpired || b.Criteria != "Do **First Aid**." ||
		b.Visibility != store.Private || b.Changed {
		t.Errorf("summary %+v", b)
	}
}

func TestListBadges_LongTextsAreCut(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	u := mustListUser(t, db, "ada")
	mustAddListBadge(t, db, u.ID, 1, listBadge{name: "Long", desc: strings.Repeat("é", 5000), issuer: "X", issued: day(2024, 1, 1)})
	p, err := db.ListBadges(context.Background(), store.BadgeQuery{UserID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got := []rune(p.Badges[0].Description); len(got) != store.SummaryTextLen {
		t.Errorf("description of %d characters, want %d", len(got), store.SummaryTextLen)
	}
}

func TestListBadges_Pagination(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	u := mustListUser(t, db, "ada")
	for i := range 30 {
		mustAddListBadge(t, db, u.ID, i, listBadge{name: fmt.Sprintf("Badge %02d", i), issuer: "X", issued: day(2020, 1, 1).AddDate(0, 0, i)})
	}
	ctx := context.Background()
	var seen []string
	for page := 1; page <= 3; page++ {
		p, err := db.ListBadges(ctx, store.BadgeQuery{UserID: u.ID, Sort: store.SortName, Page: page, PageSize: 12})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 30 || p.Pages != 3 || p.Page != page || p.PageSize != 12 {
			t.Errorf("page %d: total %d pages %d page %d size %d", page, p.Total, p.Pages, p.Page, p.PageSize)
		}
		for _, b := range p.Badges {
			seen = append(seen, b.Name)
		}
	}
	if len(seen) != 30 || !slices.IsSorted(seen) || len(slices.Compact(slices.Clone(seen))) != 30 {
		t.Errorf("pages together: %q", seen)
	}

	// Past the end: the last page.
	p, err := db.ListBadges(ctx, store.BadgeQuery{UserID: u.ID, Page: 99, PageSize: 12})
	if err != nil || p.Page != 3 || len(p.Badges) != 6 || p.Total != 30 {
		t.Errorf("page 99: %v page %d, %d badges, total %d", err, p.Page, len(p.Badges), p.Total)
	}
	// Page sizes are capped.
	p, err = db.ListBadges(ctx, store.BadgeQuery{UserID: u.ID, PageSize: 1000})
	if err != nil || p.PageSize != store.MaxPageSize || len(p.Badges) != 30 {
		t.Errorf("page size 1000: %v size %d, %d badges", err, p.PageSize, len(p.Badges))
	}
	// Nothing at all: one empty page.
	other := mustListUser(t, db, "bob")
	p, err = db.ListBadges(ctx, store.BadgeQuery{UserID: other.ID, Page: 5})
	if err != nil || p.Total != 0 || p.Pages != 1 || p.Page != 1 || len(p.Badges) != 0 {
		t.Errorf("empty backpack: %v %+v", err, p)
	}
}

func TestListBadges_ChangedSinceSeen(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	ctx := context.Background()
	id := f.ids["Knot Tying"]
	b, err := f.db.BadgeByPublicID(ctx, f.user.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.MarkBadgeSeen(ctx, f.user.ID, id); err != nil {
		t.Fatal(err)
	}
	changed := func() bool {
		p, err := f.db.ListBadges(ctx, store.BadgeQuery{UserID: f.user.ID, Search: "knot"})
		if err != nil || len(p.Badges) != 1 {
			t.Fatalf("%v %+v", err, p)
		}
		return p.Badges[0].Changed
	}
	if changed() {
		t.Fatal("changed right after being seen")
	}
	if err := f.db.RecordCheck(ctx, b.ID, []byte(`{"verdict":"invalid"}`), store.StatusRevoked, listNow, listNow.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !changed() {
		t.Error("not marked changed after the status went from valid to revoked")
	}
	if err := f.db.MarkBadgeSeen(ctx, f.user.ID, id); err != nil {
		t.Fatal(err)
	}
	if changed() {
		t.Error("still changed after being seen again")
	}
}

func TestBadgeFacets(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	got, err := f.db.BadgeFacets(context.Background(), f.user.ID, listNow)
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != 5 {
		t.Errorf("total %d", got.Total)
	}
	wantIssuers := []store.Facet{{"Open Learning", 1}, {"Red Cross", 1}, {"Sea Scouts", 2}, {"Zoo", 1}}
	if len(got.Issuers) != len(wantIssuers) {
		t.Fatalf("issuers %+v", got.Issuers)
	}
	for i, w := range wantIssuers {
		if !strings.EqualFold(got.Issuers[i].Value, w.Value) || got.Issuers[i].Count != w.Count {
			t.Errorf("issuer %d: %+v, want %+v", i, got.Issuers[i], w)
		}
	}
	wantTags := []store.Facet{{"code", 1}, {"Ropes", 1}, {"sailing", 2}}
	if len(got.Tags) != len(wantTags) {
		t.Fatalf("tags %+v", got.Tags)
	}
	for i, w := range wantTags {
		if !strings.EqualFold(got.Tags[i].Value, w.Value) || got.Tags[i].Count != w.Count {
			t.Errorf("tag %d: %+v, want %+v", i, got.Tags[i], w)
		}
	}
	wantStatuses := []store.Facet{{"valid", 2}, {"expired", 1}, {"revoked", 1}, {"unverified", 1}}
	if !slices.Equal(got.Statuses, wantStatuses) {
		t.Errorf("statuses %+v, want %+v", got.Statuses, wantStatuses)
	}

	empty, err := f.db.BadgeFacets(context.Background(), mustListUser(t, f.db, "carol").ID, listNow)
	if err != nil || empty.Total != 0 || len(empty.Issuers)+len(empty.Tags)+len(empty.Statuses) != 0 {
		t.Errorf("empty backpack facets: %v %+v", err, empty)
	}
}

// MustFillBackpack gives a user n badges from 40 issuers with 25 tags, each
// with a 24 KB original (a small baked PNG) so rows are as large as real ones.
func MustFillBackpack(tb testing.TB, db *store.DB, userID int64, n int) {
	tb.Helper()
	statuses := []store.BadgeStatus{store.StatusValid, store.StatusValid, store.StatusValid, store.StatusExpired, store.StatusRevoked, store.StatusUnverified}
	for i := range n {
		mustAddListBadge(tb, db, userID, i, listBadge{
			name:   fmt.Sprintf("Badge %04d in subject %d", i, i%37),
			desc:   strings.Repeat(fmt.Sprintf("Description of badge %d. ", i), 10),
			issuer: fmt.Sprintf("Issuer %02d", i%40),
			issued: day(2015, 1, 1).Add(time.Duration(i) * 37 * time.Hour),
			tags:   []string{fmt.Sprintf("tag%02d", i%25), fmt.Sprintf("tag%02d", (i*7)%25)},
			status: statuses[i%len(statuses)],
			pad:    24 << 10,
		})
	}
}

func BenchmarkListBadges_1000(b *testing.B) {
	db := MustOpen(b)
	u := mustListUser(b, db, "ada")
	MustFillBackpack(b, db, u.ID, 1000)
	ctx := context.Background()
	queries := map[string]store.BadgeQuery{
		"newest":       {UserID: u.ID},
		"name_page_20": {UserID: u.ID, Sort: store.SortName, Page: 20},
		"issuer_tag":   {UserID: u.ID, Issuer: "Issuer 07", Tag: "tag03"},
		"search":       {UserID: u.ID, Search: "subject 5"},
	}
	for name, q := range queries {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.ListBadges(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("facets", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.BadgeFacets(ctx, u.ID, time.Time{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
