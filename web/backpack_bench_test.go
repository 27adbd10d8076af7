package web_test

import (
	"fmt"
	"image/color"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

// mustFillBackpack gives the user n badges from 40 issuers, with 25 tags,
// Markdown criteria of a realistic length and 8 images shared among them.
// Each keeps an original of 24 KB (a small baked PNG is 15 to 30 KB), so
// the rows are as large as real ones.
func mustFillBackpack(tb testing.TB, e *env, userID int64, n int) {
	tb.Helper()
	var images [][]byte
	for i := range 8 {
		images = append(images, pngBytes(tb, color.RGBA{uint8(30 * i), 90, 160, 255}))
	}
	statuses := []store.BadgeStatus{store.StatusValid, store.StatusValid, store.StatusValid, store.StatusWarning, store.StatusRevoked, store.StatusUnverified}
	for i := range n {
		mustSeed(tb, e, userID, seed{
			name:        fmt.Sprintf("Badge %04d: skills in subject %d", i, i%37),
			description: strings.Repeat(fmt.Sprintf("This badge recognises work in subject %d. ", i%37), 6),
			criteria: fmt.Sprintf("## Requirements\n\nEarners of badge %d **must**:\n\n1. complete the course,\n2. pass the *final* assessment, and\n3. submit a [portfolio](https://issuer%d.example/portfolio).\n\n%s",
				i, i%40, strings.Repeat("Further detail about what was assessed. ", 8)),
			issuer:    fmt.Sprintf("Issuer %02d", i%40),
			issued:    time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 37 * time.Hour),
			tags:      []string{fmt.Sprintf("tag%02d", i%25), fmt.Sprintf("tag%02d", (i*7)%25)},
			status:    statuses[i%len(statuses)],
			image:     images[i%len(images)],
			caption:   fmt.Sprintf("Emblem of badge %d", i),
			imageType: "image/png",
			original:  append([]byte(fmt.Sprintf(`{"n":%d,"pad":"`, i)), make([]byte, 24<<10)...),
		})
	}
}

// BenchmarkBackpackPage_1000Badges is the backpack page of a learner with
// 1,000 badges, through the real router and database: session, user,
// facets, one page of 24 tiles (each with its Markdown summaries), render.
func BenchmarkBackpackPage_1000Badges(b *testing.B) {
	e := MustStart(b)
	br := e.browser()
	br.devSignIn("Ada", "ada@example.org")
	mustFillBackpack(b, e, mustUserID(b, e, "ada@example.org"), 1000)
	cookie := br.cookie("satchel_session")
	for _, c := range []struct{ name, query string }{
		{"newest", ""},
		{"name_page_20", "?sort=name&page=20"},
		{"issuer_tag_status", "?issuer=Issuer+07&tag=tag07&status=valid"},
		{"search", "?q=subject+5&sort=issuer-desc"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, paths.Backpack+c.query, nil)
				req.AddCookie(cookie)
				rec := httptest.NewRecorder()
				e.srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `data-testid="badge-tile"`) {
					b.Fatalf("status %d, no tiles", rec.Code)
				}
			}
		})
	}
}

// BenchmarkBadgePage is one badge's page, report and history included.
func BenchmarkBadgePage(b *testing.B) {
	e := MustStart(b)
	br := e.browser()
	br.devSignIn("Ada", "ada@example.org")
	bd := mustSeed(b, e, mustUserID(b, e, "ada@example.org"), richSeed())
	cookie := br.cookie("satchel_session")
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, paths.Badge(bd.PublicID), nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
