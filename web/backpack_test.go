package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
)

// seed describes a badge put straight into a backpack through the store.
type seed struct {
	name, description, criteria, criteriaURL string
	issuer, issuerURL, issuerEmail           string
	issued, expires                          time.Time
	tags                                     []string
	status                                   store.BadgeStatus
	caption                                  string
	image                                    []byte // PNG or SVG; nil for none
	imageType                                string
	evidence                                 []badge.Evidence
	alignments                               []badge.Alignment
	endorsements                             []badge.Endorsement
	checks                                   []verify.Check
	matched                                  string
	originalName                             string
	original                                 []byte
}

// seedNs numbers seeded badges; tests seed in parallel.
var seedNs atomic.Int64

// mustUserID is the account the development sign-in gives email.
func mustUserID(t testing.TB, e *env, email string) int64 {
	t.Helper()
	u, err := e.db.UserByLogin(context.Background(), "dev", "dev:"+email)
	if err != nil {
		t.Fatalf("no account for %s: %v", email, err)
	}
	return u.ID
}

// mustSeed stores a badge in the user's backpack and returns it.
func mustSeed(t testing.TB, e *env, userID int64, sd seed) *store.Badge {
	t.Helper()
	ctx := context.Background()
	seedN := seedNs.Add(1)
	if sd.issued.IsZero() {
		sd.issued = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	}
	if sd.original == nil {
		sd.original = []byte(fmt.Sprintf(`{"seed":%d}`, seedN))
	}
	m := &badge.Badge{
		Version: badge.V3_0, Format: badge.FormatJSON, Type: "OpenBadgeCredential",
		ID: fmt.Sprintf("urn:uuid:seed-%d", seedN), Name: sd.name, Description: sd.description,
		Criteria:     badge.Criteria{URL: sd.criteriaURL, Narrative: sd.criteria},
		Issuer:       badge.Issuer{ID: "did:key:z6Mk" + strings.ReplaceAll(sd.issuer, " ", ""), Name: sd.issuer, URL: sd.issuerURL, Email: sd.issuerEmail},
		Image:        badge.Image{Caption: sd.caption},
		IssuedOn:     sd.issued,
		Expires:      sd.expires,
		Tags:         sd.tags,
		Evidence:     sd.evidence,
		Alignments:   sd.alignments,
		Endorsements: sd.endorsements,
		Payload:      sd.original,
		Original:     sd.original,
	}
	b, err := store.NewBadge(m)
	if err != nil {
		t.Fatal(err)
	}
	b.UserID = userID
	b.Status = sd.status
	if b.Status == "" {
		b.Status = store.StatusValid
	}
	b.OriginalName, b.OriginalType = sd.originalName, "application/json"
	if sd.matched != "" {
		b.MatchedType, b.MatchedValue = "email", sd.matched
	}
	if sd.image != nil {
		id, hash, err := e.db.PutImage(ctx, sd.image, sd.imageType, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		b.ImageID, b.ImageHash = id, hash
	}
	rep := &verify.Report{RanAt: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), Checks: sd.checks}
	if len(rep.Checks) == 0 {
		rep.Add("signature", verify.Passed, "The issuer's signature is genuine.", "eddsa-rdfc-2022 proof verified with did:key:z6Mk…")
	}
	rep.Finish()
	b.ReportJSON, _ = json.Marshal(rep)
	b.CheckedAt = rep.RanAt
	b.NextCheckAt = time.Now().Add(24 * time.Hour)
	if _, err := e.db.UpsertBadge(ctx, b); err != nil {
		t.Fatal(err)
	}
	return b
}

func pngBytes(t testing.TB, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		for y := range 8 {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func tileNames(p *page) []string {
	var out []string
	p.Doc.Find(`[data-testid="badge-tile"] [data-testid="tile-link"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Text()))
	})
	return out
}

func TestBackpack_VisitorIsSentToSignIn(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	p := b.get(paths.Backpack)
	if p.Request.URL.Path != paths.SignIn {
		t.Fatalf("a visitor at /backpack ended at %s", p.Request.URL)
	}
}

func TestBackpack_EmptyStateExplainsHowToGetBadgesIn(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	for _, path := range []string{paths.Backpack, paths.Home} {
		p := b.get(path)
		if p.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, p.StatusCode)
		}
		empty := p.Doc.Find(`[data-testid="empty-backpack"]`)
		if empty.Length() != 1 {
			t.Fatalf("%s: no empty state:\n%s", path, p.Body)
		}
		if href, _ := empty.Find(`[data-testid="empty-import"]`).Attr("href"); href != paths.Import {
			t.Errorf("%s: import link %q", path, href)
		}
		samples := empty.Find(`[data-testid="samples"] a`)
		if samples.Length() < 3 {
			t.Errorf("%s: %d sample links", path, samples.Length())
		}
		href, _ := samples.First().Attr("href")
		if !strings.HasPrefix(href, "/static/samples/") {
			t.Errorf("%s: sample link %q", path, href)
		}
		if r := b.get(href); r.StatusCode != http.StatusOK || len(r.Body) == 0 {
			t.Errorf("sample %s: %d", href, r.StatusCode)
		}
		// The account summary is still here.
		if em := p.Doc.Find(`[data-testid="account-summary"] [data-testid="emails"]`).Text(); !strings.Contains(em, "ada@example.org") {
			t.Errorf("%s: account summary emails %q", path, em)
		}
		if p.Doc.Find(`[data-testid="filters"]`).Length() != 0 {
			t.Errorf("%s: an empty backpack has nothing to filter", path)
		}
		if cur, _ := p.Doc.Find(`[data-testid="nav-backpack"]`).Attr("aria-current"); cur != "page" {
			t.Errorf("%s: the Backpack navigation entry is not marked current", path)
		}
	}
}

func TestBackpack_TilesShowEachBadge(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	uid := mustUserID(t, e, "ada@example.org")
	img := pngBytes(t, color.RGBA{200, 30, 30, 255})
	knot := mustSeed(t, e, uid, seed{
		name: "Knot Tying", description: "Ties **five** knots.", criteria: "# Steps\n\nTie a *bowline* and [read more](https://example.org).",
		issuer: "Sea Scouts", issued: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), caption: "A blue rope knot",
		image: img, imageType: "image/png", tags: []string{"sailing"},
	})
	mustSeed(t, e, uid, seed{name: "First Aid", issuer: "Red Cross", status: store.StatusRevoked, issued: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)})
	mustSeed(t, e, uid, seed{name: "Old Course", issuer: "College", expires: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), issued: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)})
	mustSeed(t, e, uid, seed{name: "Offline", issuer: "Far Away", status: store.StatusUnverified, issued: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)})

	p := b.get(paths.Backpack)
	if got := tileNames(p); !slices.Equal(got, []string{"Knot Tying", "First Aid", "Old Course", "Offline"}) {
		t.Fatalf("tiles %q", got)
	}
	tile := p.Doc.Find(`[data-testid="badge-tile"]`).First()
	if tile.Parent().Is("ul.tiles") == false {
		t.Errorf("tiles are not items of the grid list")
	}
	link := tile.Find(`[data-testid="tile-link"]`)
	if href, _ := link.Attr("href"); href != paths.Badge(knot.PublicID) {
		t.Errorf("tile link %q", href)
	}
	im := tile.Find(`[data-testid="tile-image"]`)
	if src, _ := im.Attr("src"); src != paths.Image(knot.ImageHash) {
		t.Errorf("image src %q", src)
	}
	if alt, _ := im.Attr("alt"); alt != "A blue rope knot" {
		t.Errorf("image alt %q, want the caption", alt)
	}
	if got := tile.Find(`[data-testid="tile-issuer"]`).Text(); !strings.Contains(got, "Sea Scouts") {
		t.Errorf("issuer %q", got)
	}
	if got := tile.Find("time").Text(); got != "1 March 2024" {
		t.Errorf("date %q", got)
	}
	if got := tile.Find(`[data-testid="badge-status"]`).Text(); got != "Valid" {
		t.Errorf("status %q", got)
	}
	// The details panel is in the page and tied to the link.
	describedBy, _ := link.Attr("aria-describedby")
	details := p.Doc.Find("#" + describedBy)
	if describedBy == "" || details.Length() != 1 {
		t.Fatalf("link aria-describedby=%q does not name an element", describedBy)
	}
	if got := details.Text(); !strings.Contains(got, "Ties five knots.") || !strings.Contains(got, "Steps Tie a bowline and read more") {
		t.Errorf("details %q: want the description and criteria as plain text", got)
	}
	if details.Find("a, h1, h2, h3, strong em").Length() != 0 && strings.Contains(details.Text(), "#") {
		t.Errorf("details carry Markdown syntax: %q", details.Text())
	}

	statusOf := func(name string) string {
		var s string
		p.Doc.Find(`[data-testid="badge-tile"]`).Each(func(_ int, t *goquery.Selection) {
			if strings.TrimSpace(t.Find(`[data-testid="tile-link"]`).Text()) == name {
				s = t.Find(`[data-testid="badge-status"]`).Text()
			}
		})
		return s
	}
	for name, want := range map[string]string{"First Aid": "Revoked", "Old Course": "Expired", "Offline": "Could not verify"} {
		if got := statusOf(name); got != want {
			t.Errorf("%s: status %q, want %q", name, got, want)
		}
	}
	// Without a caption the image's alt text is the badge's name.
	noCaption := mustSeed(t, e, uid, seed{name: "Pictured", issuer: "X", image: pngBytes(t, color.RGBA{0, 0, 200, 255}), imageType: "image/png", issued: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
	p = b.get(paths.Backpack)
	alt, _ := p.Doc.Find(`[data-badge="` + noCaption.PublicID + `"] img`).Attr("alt")
	if alt != "Pictured" {
		t.Errorf("alt without caption %q", alt)
	}
	if got := p.Doc.Find(`[data-testid="results-count"]`).Text(); got != "5 badges in your backpack." {
		t.Errorf("count %q", got)
	}
}

func TestBackpack_SortFilterAndSearch(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	uid := mustUserID(t, e, "ada@example.org")
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	mustSeed(t, e, uid, seed{name: "Knot Tying", description: "Five knots.", issuer: "Sea Scouts", issued: day(2024, 3, 1), tags: []string{"sailing", "ropes"}})
	mustSeed(t, e, uid, seed{name: "Advanced Sailing", description: "Sails upwind.", issuer: "Sea Scouts", issued: day(2025, 1, 1), tags: []string{"sailing"}})
	mustSeed(t, e, uid, seed{name: "First Aid", description: "Knows 100% of CPR.", issuer: "Red Cross", issued: day(2023, 1, 1), status: store.StatusRevoked})
	mustSeed(t, e, uid, seed{name: "Zebra Care", description: "Zebras.", issuer: "Zoo", issued: day(2022, 1, 1)})

	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"Advanced Sailing", "Knot Tying", "First Aid", "Zebra Care"}},
		{"sort=oldest", []string{"Zebra Care", "First Aid", "Knot Tying", "Advanced Sailing"}},
		{"sort=name", []string{"Advanced Sailing", "First Aid", "Knot Tying", "Zebra Care"}},
		{"sort=name-desc", []string{"Zebra Care", "Knot Tying", "First Aid", "Advanced Sailing"}},
		{"sort=issuer", []string{"First Aid", "Advanced Sailing", "Knot Tying", "Zebra Care"}},
		{"sort=issuer-desc", []string{"Zebra Care", "Advanced Sailing", "Knot Tying", "First Aid"}},
		{"sort=nonsense", []string{"Advanced Sailing", "Knot Tying", "First Aid", "Zebra Care"}},
		{"issuer=sea+scouts", []string{"Advanced Sailing", "Knot Tying"}},
		{"tag=ropes", []string{"Knot Tying"}},
		{"status=revoked", []string{"First Aid"}},
		{"status=bogus", []string{"Advanced Sailing", "Knot Tying", "First Aid", "Zebra Care"}},
		{"q=upwind", []string{"Advanced Sailing"}},
		{"q=RED", []string{"First Aid"}},
		{"q=100%25", []string{"First Aid"}},
		{"q=%25", []string{"First Aid"}},
		{"q=_", nil},
		{"q=sea+five", []string{"Knot Tying"}},
		{"tag=sailing&sort=name&q=sea", []string{"Advanced Sailing", "Knot Tying"}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			p := b.get(paths.Backpack + "?" + c.query)
			if p.StatusCode != http.StatusOK {
				t.Fatalf("status %d", p.StatusCode)
			}
			if got := tileNames(p); !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if len(c.want) == 0 && p.Doc.Find(`[data-testid="no-results"]`).Length() != 1 {
				t.Errorf("no 'nothing matches' message")
			}
		})
	}

	// The form keeps what was asked, and its options come with counts.
	p := b.get(paths.Backpack + "?issuer=Sea+Scouts&tag=sailing&status=valid&sort=name&q=sea")
	form := p.Doc.Find(`form[data-testid="filters"]`)
	if m, _ := form.Attr("method"); m != "get" {
		t.Errorf("the filter form's method is %q; it must be a GET so it works without JS and can be bookmarked", m)
	}
	if v, _ := form.Find(`#filter-q`).Attr("value"); v != "sea" {
		t.Errorf("search kept as %q", v)
	}
	for id, want := range map[string]string{"filter-issuer": "Sea Scouts", "filter-tag": "sailing", "filter-status": "valid", "filter-sort": "name"} {
		sel := form.Find("#" + id + " option[selected]")
		if v, _ := sel.Attr("value"); v != want {
			t.Errorf("%s: selected %q, want %q", id, v, want)
		}
		if form.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("%s has no label", id)
		}
	}
	if got := form.Find(`#filter-issuer option[value="Sea Scouts"]`).Text(); got != "Sea Scouts (2)" {
		t.Errorf("issuer option %q", got)
	}
	if got := form.Find(`#filter-status option[value="revoked"]`).Text(); got != "Revoked (1)" {
		t.Errorf("status option %q", got)
	}
	if href, _ := p.Doc.Find(`[data-testid="filter-clear"]`).Attr("href"); href != paths.Backpack+"?sort=name" {
		t.Errorf("clear filters link %q", href)
	}
}

func TestBackpack_Pagination(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	uid := mustUserID(t, e, "ada@example.org")
	for i := range 30 {
		mustSeed(t, e, uid, seed{name: fmt.Sprintf("Badge %02d", i), issuer: "Issuer", tags: []string{"all"}, issued: time.Date(2020, 1, 1+i, 0, 0, 0, 0, time.UTC)})
	}
	p := b.get(paths.Backpack + "?sort=name&tag=all")
	names := tileNames(p)
	if len(names) != 24 || names[0] != "Badge 00" || names[23] != "Badge 23" {
		t.Fatalf("page 1: %q", names)
	}
	nav := p.Doc.Find(`nav[data-testid="pagination"]`)
	if label, _ := nav.Attr("aria-label"); label == "" {
		t.Errorf("pagination is not a labelled navigation")
	}
	cur := nav.Find(`[aria-current="page"]`)
	if cur.Length() != 1 || !strings.Contains(cur.Text(), "1") {
		t.Errorf("current page marker %q", cur.Text())
	}
	next, _ := nav.Find(`[data-testid="page-next"]`).Attr("href")
	u, _ := url.Parse(next)
	if u.Path != paths.Backpack || u.Query().Get("page") != "2" || u.Query().Get("sort") != "name" || u.Query().Get("tag") != "all" {
		t.Errorf("next link %q does not keep the sort and filter", next)
	}
	if got := p.Doc.Find(`[data-testid="results-count"]`).Text(); !strings.Contains(got, "1 to 24 of 30") {
		t.Errorf("count %q", got)
	}

	p = b.get(next)
	names = tileNames(p)
	if len(names) != 6 || names[0] != "Badge 24" {
		t.Errorf("page 2: %q", names)
	}
	if c := p.Doc.Find(`nav[data-testid="pagination"] [aria-current="page"]`).Text(); !strings.Contains(c, "2") {
		t.Errorf("page 2 current marker %q", c)
	}
	if p.Doc.Find(`[data-testid="page-next"]`).Length() != 0 || p.Doc.Find(`[data-testid="page-prev"]`).Length() != 1 {
		t.Errorf("last page links wrong")
	}
	// A page past the end shows the last one; nonsense shows the first.
	if names := tileNames(b.get(paths.Backpack + "?sort=name&page=40")); len(names) != 6 {
		t.Errorf("page 40: %q", names)
	}
	if names := tileNames(b.get(paths.Backpack + "?sort=name&page=x")); len(names) != 24 || names[0] != "Badge 00" {
		t.Errorf("page x: %q", names)
	}
}

func TestBackpack_ChangedStatusIsPointedOutUntilSeen(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	uid := mustUserID(t, e, "ada@example.org")
	bd := mustSeed(t, e, uid, seed{name: "Knot Tying", issuer: "Sea Scouts"})
	ctx := context.Background()
	// The learner looks at the badge, then the issuer revokes it.
	b.get(paths.Badge(bd.PublicID))
	p := b.get(paths.Backpack)
	if p.Doc.Find(`[data-testid="badge-changed"]`).Length() != 0 {
		t.Fatal("changed mark before any change")
	}
	if err := e.db.RecordCheck(ctx, bd.ID, []byte(`{"checks":[{"id":"revocation","status":"failed","message":"Revoked."}],"verdict":"invalid"}`), store.StatusRevoked, time.Now(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	p = b.get(paths.Backpack)
	if p.Doc.Find(`[data-testid="badge-changed"]`).Length() != 1 || p.Doc.Find(`[data-testid="badge-status"]`).Text() != "Revoked" {
		t.Fatalf("the change is not pointed out:\n%s", p.Doc.Find(`[data-testid="tiles"]`).Text())
	}
	bp := b.get(paths.Badge(bd.PublicID))
	if note := bp.Doc.Find(`[data-testid="badge-changed-note"]`).Text(); !strings.Contains(note, "Valid") || !strings.Contains(note, "Revoked") {
		t.Errorf("badge page change note %q", note)
	}
	if b.get(paths.Backpack).Doc.Find(`[data-testid="badge-changed"]`).Length() != 0 {
		t.Error("still marked changed after the badge page was seen")
	}
}
