package web_test

import (
	"context"
	"image/color"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
)

// richSeed is a badge that says everything a badge can.
func richSeed() seed {
	return seed{
		name:         "Web Accessibility",
		description:  "Builds pages **everyone** can use.",
		criteria:     "## What you did\n\n1. Audited a site\n2. Fixed it\n\n<script>alert('criteria')</script>\n\n[sneaky](javascript:alert(1)) and [docs](https://www.w3.org/WAI/)\n\n<img src=x onerror=alert(1)>",
		criteriaURL:  "https://college.example/criteria/a11y",
		issuer:       "Riverside College",
		issuerURL:    "https://college.example",
		issuerEmail:  "badges@college.example",
		issued:       time.Date(2025, 4, 2, 0, 0, 0, 0, time.UTC),
		expires:      time.Date(2099, 4, 2, 0, 0, 0, 0, time.UTC),
		tags:         []string{"accessibility", "web"},
		matched:      "ada@example.org",
		originalName: "a11y-badge.json",
		evidence: []badge.Evidence{{
			URL: "https://portfolio.example/ada", Name: "Audit report", Narrative: "Found **12** problems. <iframe src=https://evil.example></iframe>",
			Genre: "Report", Audience: "Employers",
		}, {URL: "javascript:alert(1)", Name: "Bad link"}},
		alignments: []badge.Alignment{{TargetName: "WCAG 2.2", TargetURL: "https://www.w3.org/TR/WCAG22/", TargetFramework: "W3C", TargetCode: "AA"}},
		endorsements: []badge.Endorsement{{
			IssuerName: "Inclusive Design Network", IssuerID: "https://idn.example", Comment: "A rigorous course.",
			IssuedOn: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), On: "achievement",
		}},
		checks: []verify.Check{
			{ID: "signature", Status: verify.Passed, Message: "The issuer's signature is genuine.", Detail: "eddsa-rdfc-2022 proof verified with did:key:z6MkTechnical"},
			{ID: "expiry", Status: verify.Passed, Message: "The badge has not expired."},
			{ID: "revocation", Status: verify.Warning, Message: "The issuer publishes no revocation list."},
		},
	}
}

func TestBadgePage_ShowsWhatTheBadgeSays(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	uid := mustUserID(t, e, "ada@example.org")
	img := pngBytes(t, color.RGBA{R: 200, A: 255})
	sd := richSeed()
	sd.image, sd.imageType, sd.caption = img, "image/png", "A globe with a check mark"
	bd := mustSeed(t, e, uid, sd)

	p := b.get(paths.Badge(bd.PublicID))
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	d := p.Doc
	text := func(sel string) string { return strings.Join(strings.Fields(d.Find(sel).Text()), " ") }
	if got := text(`h1[data-testid="badge-name"]`); got != "Web Accessibility" {
		t.Errorf("name %q", got)
	}
	if src, _ := d.Find(`[data-testid="badge-image"]`).Attr("src"); src != paths.Image(bd.ImageHash) {
		t.Errorf("image src %q", src)
	}
	if alt, _ := d.Find(`[data-testid="badge-image"]`).Attr("alt"); alt != "A globe with a check mark" {
		t.Errorf("image alt %q", alt)
	}
	if got := d.Find(`[data-testid="badge-description"] strong`).Text(); got != "everyone" {
		t.Errorf("description Markdown not rendered: %q", got)
	}
	crit := d.Find(`[data-testid="badge-criteria"]`)
	if crit.Find("h3").Text() != "What you did" || crit.Find("ol li").Length() != 2 {
		t.Errorf("criteria Markdown not rendered: %s", mustHTML(crit))
	}
	if href, _ := d.Find(`[data-testid="badge-criteria-link"]`).Attr("href"); href != "https://college.example/criteria/a11y" {
		t.Errorf("criteria link %q", href)
	}
	if got := text(`[data-testid="issuer-name"]`); got != "Riverside College" {
		t.Errorf("issuer %q", got)
	}
	if href, _ := d.Find(`[data-testid="issuer-url"]`).Attr("href"); href != "https://college.example" {
		t.Errorf("issuer url %q", href)
	}
	if href, _ := d.Find(`[data-testid="issuer-email"]`).Attr("href"); href != "mailto:badges@college.example" {
		t.Errorf("issuer email %q", href)
	}
	if got := text(`[data-testid="badge-issued"]`); got != "2 April 2025" {
		t.Errorf("issued %q", got)
	}
	if got := text(`[data-testid="badge-expires"]`); got != "2 April 2099" {
		t.Errorf("expires %q", got)
	}
	if got := text(`[data-testid="badge-recipient"]`); !strings.Contains(got, "ada@example.org") || !strings.Contains(got, "email address") {
		t.Errorf("issued to %q", got)
	}
	if got := text(`[data-testid="badge-format"]`); !strings.Contains(got, "Open Badges 3.0") || !strings.Contains(got, "JSON") {
		t.Errorf("format %q", got)
	}
	ev := d.Find(`[data-testid="badge-evidence"]`)
	if href, _ := ev.Find(`a[href^="https://portfolio.example"]`).Attr("href"); href != "https://portfolio.example/ada" {
		t.Errorf("evidence link %q", href)
	}
	if !strings.Contains(ev.Text(), "Found 12 problems") || !strings.Contains(ev.Text(), "Report, for Employers") || !strings.Contains(ev.Text(), "Bad link") {
		t.Errorf("evidence %q", ev.Text())
	}
	al := d.Find(`[data-testid="badge-alignments"]`)
	if !strings.Contains(al.Text(), "WCAG 2.2") || !strings.Contains(al.Text(), "W3C") || !strings.Contains(al.Text(), "AA") {
		t.Errorf("alignments %q", al.Text())
	}
	if got := text(`[data-testid="badge-tags"]`); !strings.Contains(got, "accessibility") || !strings.Contains(got, "web") {
		t.Errorf("tags %q", got)
	}
	if href, _ := d.Find(`[data-testid="badge-tags"] a`).First().Attr("href"); href != paths.Backpack+"?tag=accessibility" {
		t.Errorf("tag link %q", href)
	}
	en := d.Find(`[data-testid="badge-endorsements"]`)
	if !strings.Contains(en.Text(), "Inclusive Design Network") || !strings.Contains(en.Text(), "A rigorous course.") || !strings.Contains(en.Text(), "the achievement") {
		t.Errorf("endorsements %q", en.Text())
	}

	// The report: each check's status in words, its sentence, detail folded.
	rep := d.Find(`[data-testid="badge-verification"]`)
	checks := rep.Find(`[data-testid="report-check"]`)
	if checks.Length() != 3 {
		t.Fatalf("%d checks shown", checks.Length())
	}
	sig := rep.Find(`[data-check="signature"]`)
	if !strings.Contains(sig.Text(), "The issuer's signature is genuine.") || strings.TrimSpace(sig.Find(".report-check__status").Text()) == "" {
		t.Errorf("signature check %q", sig.Text())
	}
	if sig.Find("details summary").Length() != 1 || !strings.Contains(sig.Find("details").Text(), "did:key:z6MkTechnical") {
		t.Errorf("technical detail not in a <details>")
	}
	if got := text(`[data-testid="badge-checked-at"]`); !strings.Contains(got, "2 January 2026") {
		t.Errorf("checked at %q", got)
	}
	if rep.Find(`form[data-testid="check-again-form"][method="post"] button`).Length() != 1 {
		t.Errorf("no Check again button")
	}
	if href, _ := d.Find(`[data-testid="badge-download"]`).Attr("href"); href != paths.BadgeDownload(bd.PublicID) {
		t.Errorf("download link %q", href)
	}
	if d.Find(`[data-testid="visibility-private"][checked]`).Length() != 1 {
		t.Errorf("private is not the checked visibility")
	}
}

// TestBadgePage_MarkdownIsSanitised checks the page as a whole: nothing a
// badge carries can put script, frames or images from elsewhere in it.
func TestBadgePage_MarkdownIsSanitised(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	uid := mustUserID(t, e, "ada@example.org")
	sd := richSeed()
	sd.description = `<script>alert("description")</script> plain <a href="javascript:alert(2)">x</a>`
	sd.issuerURL = "javascript:alert(3)"
	sd.criteriaURL = "javascript:alert(4)"
	bd := mustSeed(t, e, uid, sd)
	p := b.get(paths.Badge(bd.PublicID))
	main := p.Doc.Find("main")
	if n := main.Find("script, iframe, object, embed").Length(); n != 0 {
		h, _ := main.Html()
		t.Fatalf("%d script/frame elements in the page's content:\n%s", n, h)
	}
	main.Find("img").Each(func(_ int, im *goquery.Selection) {
		if src, _ := im.Attr("src"); !strings.HasPrefix(src, "/images/") && !strings.HasPrefix(src, "data:image/") {
			t.Errorf("image from elsewhere: %q", src)
		}
		for _, a := range im.Nodes[0].Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("event handler attribute %s on an image", a.Key)
			}
		}
	})
	main.Find("a").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(href)), "javascript:") {
			t.Errorf("javascript: link survived: %s", mustHTML(a))
		}
	})
	crit := p.Doc.Find(`[data-testid="badge-criteria"]`)
	docs := crit.Find(`a[href="https://www.w3.org/WAI/"]`)
	if rel, _ := docs.Attr("rel"); !strings.Contains(rel, "nofollow") || !strings.Contains(rel, "noopener") {
		t.Errorf("criteria link rel %q", rel)
	}
	if !strings.Contains(crit.Text(), "sneaky") {
		t.Errorf("the text of a refused link should remain: %q", crit.Text())
	}
	if p.Doc.Find(`[data-testid="badge-criteria-link"]`).Length() != 0 || p.Doc.Find(`[data-testid="issuer-url"]`).Length() != 0 {
		t.Errorf("javascript: criteria or issuer URL shown as a link")
	}
}

// badgeRoute is one of a badge's routes, as a request a browser would make.
type badgeRoute struct {
	method string
	path   func(id string) string
	form   url.Values
}

var badgeRoutes = []badgeRoute{
	{http.MethodGet, paths.Badge, nil},
	{http.MethodGet, paths.BadgeDownload, nil},
	{http.MethodGet, paths.BadgeDelete, nil},
	{http.MethodPost, paths.BadgeCheck, url.Values{}},
	{http.MethodPost, paths.BadgeDelete, url.Values{"confirm": {"delete"}}},
	{http.MethodPost, paths.BadgeVisibility, url.Values{"visibility": {"public"}}},
}

func TestBadgeRoutes_AnotherLearnerGetsNotFound(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	owner := e.browser()
	owner.devSignIn("Ada", "ada@example.org")
	bd := mustSeed(t, e, mustUserID(t, e, "ada@example.org"), richSeed())
	other := e.browser()
	other.devSignIn("Bob", "bob@example.org")
	mustSeed(t, e, mustUserID(t, e, "bob@example.org"), seed{name: "Bob's own", issuer: "X"})

	for _, r := range badgeRoutes {
		for _, id := range []string{bd.PublicID, "nosuchbadge0000000000", strings.ToUpper(bd.PublicID)} {
			path := r.path(id)
			var p *page
			if r.method == http.MethodGet {
				p = other.get(path)
			} else {
				form := url.Values{}
				for k, v := range r.form {
					form[k] = v
				}
				p = other.submit(paths.Backpack, path, form)
			}
			if p.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s as another learner: %d, want 404", r.method, path, p.StatusCode)
			}
			if strings.Contains(p.Body, "Web Accessibility") || strings.Contains(p.Body, "Riverside") {
				t.Errorf("%s %s leaks the badge", r.method, path)
			}
		}
	}
	// Nothing changed for the owner.
	got, err := e.db.BadgeByPublicID(context.Background(), bd.UserID, bd.PublicID)
	if err != nil {
		t.Fatalf("the badge is gone: %v", err)
	}
	if got.Visibility != store.Private {
		t.Errorf("another learner changed visibility to %s", got.Visibility)
	}
	if checks, _ := e.db.BadgeChecks(context.Background(), bd.ID, 10); len(checks) != 1 {
		t.Errorf("another learner's check was recorded: %d checks", len(checks))
	}
	// A visitor is sent to sign in (GET) or refused (POST).
	visitor := e.browser()
	if p := visitor.get(paths.Badge(bd.PublicID)); p.Request.URL.Path != paths.SignIn {
		t.Errorf("visitor at the badge page ended at %s", p.Request.URL.Path)
	}
	if p := visitor.get(paths.BadgeDownload(bd.PublicID)); p.Request.URL.Path != paths.SignIn || strings.Contains(p.Body, `"seed"`) {
		t.Errorf("visitor download ended at %s", p.Request.URL.Path)
	}
}

func TestBadgeDownload_IsTheOriginalAsAnAttachment(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	uid := mustUserID(t, e, "ada@example.org")
	orig := []byte(`{"@context":"x","name":"Café ✓"}` + "\n")
	bd := mustSeed(t, e, uid, seed{name: "Café", issuer: "X", original: orig, originalName: "café badge.json"})
	p := b.get(paths.BadgeDownload(bd.PublicID))
	if p.StatusCode != http.StatusOK || p.Body != string(orig) {
		t.Fatalf("download %d %q", p.StatusCode, p.Body)
	}
	cd := p.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=utf-8''caf%C3%A9%20badge.json") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if ct := p.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if p.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(p.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("download headers %v", p.Header)
	}
	// Without an original name, one is made from the badge's name.
	bd2 := mustSeed(t, e, uid, seed{name: "Knot Tying / Level 2", issuer: "X"})
	cd = b.get(paths.BadgeDownload(bd2.PublicID)).Header.Get("Content-Disposition")
	if cd != `attachment; filename=knot-tying-level-2.json` {
		t.Errorf("made-up name: %q", cd)
	}
}

func TestBadgeDelete_AsksFirst(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	uid := mustUserID(t, e, "ada@example.org")
	bd := mustSeed(t, e, uid, seed{name: "Knot Tying", issuer: "X"})
	keep := mustSeed(t, e, uid, seed{name: "Keeper", issuer: "X"})

	confirm := b.get(paths.BadgeDelete(bd.PublicID))
	if confirm.StatusCode != http.StatusOK || !strings.Contains(confirm.Doc.Find("h1").Text(), "Knot Tying") {
		t.Fatalf("confirmation page %d %q", confirm.StatusCode, confirm.Doc.Find("h1").Text())
	}
	if confirm.Doc.Find(`form[data-testid="badge-delete-form"][method="post"]`).Length() != 1 {
		t.Fatal("no delete form")
	}
	// Without the token the POST is refused.
	if p := b.post(paths.BadgeDelete(bd.PublicID), url.Values{"confirm": {"delete"}}); p.StatusCode != http.StatusForbidden {
		t.Errorf("delete without CSRF token: %d", p.StatusCode)
	}
	b.follow = false
	p := b.submit(paths.BadgeDelete(bd.PublicID), paths.BadgeDelete(bd.PublicID), url.Values{"confirm": {"delete"}})
	b.follow = true
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != paths.Backpack {
		t.Fatalf("delete answered %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	bp := b.get(paths.Backpack)
	if names := tileNames(bp); len(names) != 1 || names[0] != "Keeper" {
		t.Errorf("after delete: %q", names)
	}
	if !strings.Contains(bp.Doc.Find(`[data-testid="flashes"]`).Text(), "deleted") {
		t.Errorf("no flash after delete")
	}
	if p := b.get(paths.Badge(bd.PublicID)); p.StatusCode != http.StatusNotFound {
		t.Errorf("deleted badge page %d", p.StatusCode)
	}
	if _, err := e.db.BadgeByPublicID(context.Background(), uid, keep.PublicID); err != nil {
		t.Errorf("the other badge went too: %v", err)
	}
}

func TestBadgeVisibility(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	uid := mustUserID(t, e, "ada@example.org")
	bd := mustSeed(t, e, uid, seed{name: "Knot Tying", issuer: "X"})
	path := paths.Badge(bd.PublicID)
	vis := func() string {
		got, err := e.db.BadgeByPublicID(context.Background(), uid, bd.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Visibility
	}
	p := b.submit(path, paths.BadgeVisibility(bd.PublicID), url.Values{"visibility": {"public"}})
	if p.Request.URL.Path != path || vis() != store.Public {
		t.Fatalf("after making public: at %s, visibility %s", p.Request.URL.Path, vis())
	}
	if p.Doc.Find(`[data-testid="visibility-public"][checked]`).Length() != 1 || !strings.Contains(p.Doc.Find(`[data-testid="flashes"]`).Text(), "public") {
		t.Errorf("page does not show the badge as public")
	}
	p = b.submit(path, paths.BadgeVisibility(bd.PublicID), url.Values{"visibility": {"everyone"}})
	if vis() != store.Public || p.Doc.Find(`[data-flash="error"]`).Length() != 1 {
		t.Errorf("a bad value: visibility %s, error flash %d", vis(), p.Doc.Find(`[data-flash="error"]`).Length())
	}
	b.submit(path, paths.BadgeVisibility(bd.PublicID), url.Values{"visibility": {"private"}})
	if vis() != store.Private {
		t.Errorf("back to private: %s", vis())
	}
}

// TestBadgeCheckAgain imports nothing: it stores a real sample badge (a 3.0
// credential signed with did:key, verifiable offline) with an old report,
// then asks for a check through the page's button.
func TestBadgeCheckAgain(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Learner", "learner@example.org")
	uid := mustUserID(t, e, "learner@example.org")
	ctx := context.Background()

	data, err := os.ReadFile(filepath.Join("..", "static", "samples", "data-analysis-with-python.json"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := badge.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := store.NewBadge(m)
	if err != nil {
		t.Fatal(err)
	}
	sb.UserID, sb.Status, sb.OriginalName = uid, store.StatusUnverified, "data-analysis-with-python.json"
	sb.ReportJSON = []byte(`{"checks":[{"id":"issuer","status":"failed","message":"Could not reach the issuer.","detail":"fetch https://x: unreachable"}],"verdict":"invalid","ran_at":"2025-01-01T00:00:00Z"}`)
	sb.CheckedAt = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := e.db.UpsertBadge(ctx, sb); err != nil {
		t.Fatal(err)
	}
	path := paths.Badge(sb.PublicID)

	b.follow = false
	p := b.submit(path, paths.BadgeCheck(sb.PublicID), nil)
	b.follow = true
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != path {
		t.Fatalf("check again answered %d to %q\n%s", p.StatusCode, p.Header.Get("Location"), e.logs.String())
	}
	got, err := e.db.BadgeByPublicID(ctx, uid, sb.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.StatusValid || !got.CheckedAt.After(sb.CheckedAt) {
		t.Fatalf("after checking again: status %s checked %v\n%s", got.Status, got.CheckedAt, got.ReportJSON)
	}
	checks, _ := e.db.BadgeChecks(ctx, got.ID, 10)
	if len(checks) != 2 || checks[0].Status != store.StatusValid {
		t.Errorf("history %+v", checks)
	}
	page := b.get(path)
	if !strings.Contains(page.Doc.Find(`[data-testid="flashes"]`).Text(), "valid") {
		t.Errorf("flash %q", page.Doc.Find(`[data-testid="flashes"]`).Text())
	}
	if page.Doc.Find(`[data-testid="report-check"][data-check="recipient"][data-status="passed"]`).Length() != 1 {
		t.Errorf("the new report does not show the recipient matched:\n%s", page.Doc.Find(`[data-testid="badge-verification"]`).Text())
	}
	if page.Doc.Find(`[data-testid="badge-history"] li`).Length() != 2 {
		t.Errorf("earlier checks not listed")
	}

	// Another learner cannot trigger checks of it.
	other := e.browser()
	other.devSignIn("Bob", "bob@example.org")
	if p := other.submit(paths.Backpack, paths.BadgeCheck(sb.PublicID), nil); p.StatusCode != http.StatusNotFound {
		t.Errorf("another learner's check: %d", p.StatusCode)
	}
	if checks, _ := e.db.BadgeChecks(ctx, got.ID, 10); len(checks) != 2 {
		t.Errorf("another learner's check was recorded")
	}
}

func TestImages_ServedSafelyFromOurOrigin(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ctx := context.Background()
	pngData := pngBytes(t, color.RGBA{R: 200, A: 255})
	_, pngHash, err := e.db.PutImage(ctx, pngData, "image/png", 8, 8)
	if err != nil {
		t.Fatal(err)
	}
	svgData := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>`)
	_, svgHash, err := e.db.PutImage(ctx, svgData, "image/svg+xml", 10, 10)
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser() // a visitor: public pages show these too
	for _, c := range []struct {
		hash, typ string
		body      []byte
	}{{pngHash, "image/png", pngData}, {svgHash, "image/svg+xml", svgData}} {
		p := b.get(paths.Image(c.hash))
		if p.StatusCode != http.StatusOK || p.Body != string(c.body) {
			t.Fatalf("%s: %d, %d bytes", c.typ, p.StatusCode, len(p.Body))
		}
		h := p.Header
		if h.Get("Content-Type") != c.typ || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: type %q nosniff %q", c.typ, h.Get("Content-Type"), h.Get("X-Content-Type-Options"))
		}
		if !strings.Contains(h.Get("Cache-Control"), "max-age=31536000") || !strings.Contains(h.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: Cache-Control %q", c.typ, h.Get("Cache-Control"))
		}
		if csp := h.Get("Content-Security-Policy"); csp != "default-src 'none'; style-src 'unsafe-inline'; sandbox" {
			t.Errorf("%s: CSP %q", c.typ, csp)
		}
		if len(p.Cookies()) != 0 {
			t.Errorf("%s: an image response sets cookies %v", c.typ, p.Cookies())
		}
		// A browser that has it already gets 304.
		req, _ := http.NewRequest(http.MethodGet, b.url(paths.Image(c.hash)), nil)
		req.Header.Set("If-None-Match", h.Get("ETag"))
		if r := b.do(req); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s: If-None-Match answered %d", c.typ, r.StatusCode)
		}
	}
	for _, bad := range []string{strings.Repeat("0", 64), "abc", strings.ToUpper(pngHash), "../../etc/passwd"} {
		if p := b.get(paths.Image(bad)); p.StatusCode != http.StatusNotFound {
			t.Errorf("/images/%s: %d", bad, p.StatusCode)
		}
	}
}

func mustHTML(s *goquery.Selection) string {
	h, _ := goquery.OuterHtml(s)
	return h
}
