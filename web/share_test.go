package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/satchel-backpack/satchel/internal/paths"
)

func (f *publicFixture) abs(path string) string { return f.e.ts.URL + path }

// rawDB opens the test database read-only, to look at tables the store
// has no question for.
func rawDB(t *testing.T, e *env) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+e.dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func queryOf(t *testing.T, link string) (string, url.Values) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("bad link %q: %v", link, err)
	}
	return u.Scheme + "://" + u.Host + u.Path, u.Query()
}

func TestShare_PanelOnPublicBadgeHasEveryLink(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	path := paths.PublicBadge("ada", f.pub.PublicID)
	p := f.e.browser().get(path)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	panel := p.Doc.Find(`[data-testid="share-panel"]`)
	if panel.Length() != 1 {
		t.Fatal("no share panel on the public badge page")
	}
	page := f.abs(path)
	attr := func(id string) string {
		v, _ := panel.Find(`[data-testid="` + id + `"]`).Attr("href")
		return v
	}

	base, q := queryOf(t, attr("share-linkedin-add"))
	want := map[string]string{
		"startTask": "CERTIFICATION_NAME", "name": "Analytical Engines", "organizationName": "Engine Society",
		"issueYear": f.pub.IssuedAt.UTC().Format("2006"), "issueMonth": strings.TrimLeft(f.pub.IssuedAt.UTC().Format("01"), "0"),
		"certUrl": page, "certId": "urn:uuid:" + strings.TrimPrefix(mustModelID(t, f), "urn:uuid:"),
	}
	if base != "https://www.linkedin.com/profile/add" {
		t.Errorf("LinkedIn add base %q", base)
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("LinkedIn %s = %q, want %q", k, q.Get(k), v)
		}
	}
	if q.Has("expirationYear") {
		t.Error("a badge without expiry has LinkedIn expiry fields")
	}
	if _, q := queryOf(t, attr("share-linkedin-post")); q.Get("url") != page {
		t.Errorf("LinkedIn post url %q", q.Get("url"))
	}
	if base, q := queryOf(t, attr("share-x")); base != "https://x.com/intent/tweet" || q.Get("url") != page || !strings.Contains(q.Get("text"), "Analytical Engines") {
		t.Errorf("X link %s %v", base, q)
	}
	if _, q := queryOf(t, attr("share-facebook")); q.Get("u") != page {
		t.Errorf("Facebook u %q", q.Get("u"))
	}
	if v, _ := panel.Find(`input[data-testid="share-link"]`).Attr("value"); v != page {
		t.Errorf("copy field %q", v)
	}
	if _, ok := panel.Find(`input[data-testid="share-link"]`).Attr("readonly"); !ok {
		t.Error("the link field is not read-only")
	}
	if panel.Find(`label[for="share-link"]`).Length() != 1 || panel.Find(`label[for="share-mastodon-instance"]`).Length() != 1 {
		t.Error("share fields are not labelled")
	}
	if panel.Find(`[role="status"]`).Length() != 1 {
		t.Error("no status region to announce a copy")
	}
	if src, _ := panel.Find(`[data-testid="share-embed"] iframe`).Attr("src"); src != f.abs(paths.EmbedBadge("ada", f.pub.PublicID)) {
		t.Errorf("embed preview src %q", src)
	}
	iframe := panel.Find(`textarea[data-testid="share-embed-iframe"]`).Text()
	if !strings.Contains(iframe, `src="`+f.abs(paths.EmbedBadge("ada", f.pub.PublicID))+`"`) || !strings.Contains(iframe, "sandbox=") {
		t.Errorf("iframe snippet %q", iframe)
	}
	card := panel.Find(`textarea[data-testid="share-embed-card"]`).Text()
	img := f.e.browser().get(strings.TrimPrefix(f.abs(paths.Image(f.pub.ImageHash)), f.e.ts.URL))
	if !strings.Contains(card, `src="`+f.abs(paths.Image(f.pub.ImageHash))+`"`) || img.Header.Get("Cross-Origin-Resource-Policy") != "cross-origin" {
		t.Errorf("the card's picture cannot be shown on other sites: CORP %q", img.Header.Get("Cross-Origin-Resource-Policy"))
	}
	if !strings.Contains(card, `href="`+page+`"`) || !strings.Contains(card, "Analytical Engines") || strings.Contains(card, "<script") {
		t.Errorf("card snippet %q", card)
	}

	if got := metaContent(p, `meta[property="og:image"]`); got != page+"/share.png" {
		t.Errorf("og:image %q", got)
	}
	if got := metaContent(p, `meta[name="twitter:image"]`); got != page+"/share.png" {
		t.Errorf("twitter:image %q", got)
	}
	if got := metaContent(p, `meta[name="twitter:card"]`); got != "summary_large_image" {
		t.Errorf("twitter:card %q", got)
	}
	disc, _ := p.Doc.Find(`link[rel="alternate"][type="application/json+oembed"]`).Attr("href")
	if _, q := queryOf(t, disc); q.Get("url") != page || q.Get("format") != "json" || !strings.HasPrefix(disc, f.abs(paths.OEmbed+"?")) {
		t.Errorf("oEmbed discovery %q", disc)
	}
	assertNoEmail(t, "public badge page with share panel", p)
}

func mustModelID(t *testing.T, f *publicFixture) string {
	t.Helper()
	m, err := f.pub.Model()
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

func TestShare_ProfileAndCollectionPanels(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	b := f.e.browser()
	p := b.get(paths.PublicProfile("ada"))
	panel := p.Doc.Find(`[data-testid="share-panel"]`)
	if panel.Length() != 1 {
		t.Fatal("no share panel on the profile")
	}
	if panel.Find(`[data-testid="share-linkedin-add"]`).Length() != 0 {
		t.Error("a profile offers LinkedIn's Add to profile, which is for a single certification")
	}
	sig := panel.Find(`textarea[data-testid="share-signature-html"]`).Text()
	if !strings.Contains(sig, `href="`+f.abs(paths.PublicProfile("ada"))+`"`) || !strings.Contains(sig, `src="`+f.abs("/images/")) {
		t.Errorf("signature has no absolute profile link or images: %q", sig)
	}
	if strings.Contains(sig, `src="/`) || strings.Contains(sig, `href="/`) {
		t.Errorf("signature has relative URLs: %q", sig)
	}
	if got := metaContent(p, `meta[property="og:image"]`); got != f.abs(paths.ProfileShareImage("ada")) {
		t.Errorf("profile og:image %q", got)
	}
	sp := b.get(paths.EmbedSignature("ada"))
	if sp.StatusCode != http.StatusOK || !strings.Contains(sp.Body, f.abs(paths.PublicProfile("ada"))) {
		t.Errorf("signature preview %d", sp.StatusCode)
	}

	cp := b.get(paths.PublicCollection("ada", f.publicColl.Slug))
	if cp.Doc.Find(`[data-testid="share-panel"]`).Length() != 1 {
		t.Fatal("no share panel on a public collection")
	}
	if _, ok := cp.Doc.Find(`link[type="application/json+oembed"]`).Attr("href"); !ok {
		t.Error("no oEmbed discovery on a public collection")
	}
	up := b.get(paths.UnlistedCollection(f.unlisted.UnlistedToken))
	if up.Doc.Find(`[data-testid="share-panel"]`).Length() != 0 || up.Doc.Find(`link[type="application/json+oembed"]`).Length() != 0 {
		t.Error("an unlisted collection offers public sharing")
	}
}

func TestShare_PanelOnTheOwnersBadgePageWhenPublic(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	p := f.ada.get(paths.Badge(f.pub.PublicID))
	if href, _ := p.Doc.Find(`[data-testid="share-panel"] [data-testid="share-link"]`).Attr("value"); href != f.abs(paths.PublicBadge("ada", f.pub.PublicID)) {
		t.Errorf("owner's page of a public badge shares %q", href)
	}
	if f.ada.get(paths.Badge(f.priv.PublicID)).Doc.Find(`[data-testid="share-panel"]`).Length() != 0 {
		t.Error("a private badge's page offers sharing")
	}
}

func TestShare_MastodonRedirect(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	b := f.e.browser()
	b.follow = false
	pageURL := f.abs(paths.PublicBadge("ada", f.pub.PublicID))
	get := func(instance, link string) *page {
		return b.get(paths.MastodonShare + "?" + url.Values{"instance": {instance}, "url": {link}, "text": {"I earned it"}}.Encode())
	}
	p := get("@ada@Hachyderm.io", pageURL)
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d", p.StatusCode)
	}
	base, q := queryOf(t, p.Header.Get("Location"))
	if base != "https://hachyderm.io/share" || q.Get("text") != "I earned it "+pageURL {
		t.Errorf("redirect to %s %v", base, q)
	}
	for _, bad := range []string{"localhost", "127.0.0.1", "evil.example/path", "", "mastodon.social:8443"} {
		p := get(bad, pageURL)
		if p.StatusCode != http.StatusUnprocessableEntity || p.Doc.Find(`#instance`).Length() != 1 {
			t.Errorf("instance %q: status %d, want the form again with 422", bad, p.StatusCode)
		}
		if v, _ := p.Doc.Find(`#instance`).Attr("aria-invalid"); v != "true" && bad != "" {
			t.Errorf("instance %q: field not marked invalid", bad)
		}
	}
	for _, foreign := range []string{"https://evil.example/u/ada", "javascript:alert(1)", f.abs(paths.Account)} {
		if p := get("mastodon.social", foreign); p.StatusCode != http.StatusBadRequest {
			t.Errorf("sharing %q: status %d, want 400", foreign, p.StatusCode)
		}
	}
}

func TestOEmbed(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	b := f.e.browser()
	oembed := func(link string, extra url.Values) *page {
		v := url.Values{"url": {link}}
		for k, vs := range extra {
			v[k] = vs
		}
		return b.get(paths.OEmbed + "?" + v.Encode())
	}
	page := f.abs(paths.PublicBadge("ada", f.pub.PublicID))
	p := oembed(page, url.Values{"format": {"json"}, "maxwidth": {"300"}})
	if p.StatusCode != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d type %q", p.StatusCode, p.Header.Get("Content-Type"))
	}
	var r struct {
		Type, Version, Title, HTML string
		AuthorName                 string `json:"author_name"`
		AuthorURL                  string `json:"author_url"`
		ProviderName               string `json:"provider_name"`
		Width, Height              int
		ThumbnailURL               string `json:"thumbnail_url"`
		ThumbnailWidth             int    `json:"thumbnail_width"`
	}
	if err := json.Unmarshal([]byte(p.Body), &r); err != nil {
		t.Fatal(err)
	}
	if r.Type != "rich" || r.Version != "1.0" || r.Title != "Analytical Engines" || r.AuthorName != "Ada Lovelace" ||
		r.AuthorURL != f.abs(paths.PublicProfile("ada")) || r.ProviderName != "Satchel" || r.Width != 300 || r.Width <= 0 || r.Height <= 0 {
		t.Errorf("oEmbed %+v", r)
	}
	if !strings.Contains(r.HTML, `<iframe src="`+f.abs(paths.EmbedBadge("ada", f.pub.PublicID))+`"`) || !strings.Contains(r.HTML, `width="300"`) {
		t.Errorf("oEmbed html %q", r.HTML)
	}
	if r.ThumbnailURL != f.abs(paths.BadgeShareImage("ada", f.pub.PublicID)) || r.ThumbnailWidth > 300 {
		t.Errorf("thumbnail %q %d", r.ThumbnailURL, r.ThumbnailWidth)
	}
	assertNoEmail(t, "oEmbed", p)

	if p := oembed(f.abs(paths.PublicCollection("ada", f.publicColl.Slug)), nil); p.StatusCode != http.StatusOK || !strings.Contains(p.Body, paths.EmbedCollection("ada", f.publicColl.Slug)) {
		t.Errorf("collection oEmbed %d %s", p.StatusCode, p.Body)
	}
	for name, u := range map[string]string{
		"private badge":      f.abs(paths.PublicBadge("ada", f.priv.PublicID)),
		"another's badge":    f.abs(paths.PublicBadge("ada", f.bobPriv.PublicID)),
		"private collection": f.abs(paths.PublicCollection("ada", f.privColl.Slug)),
		"unknown":            f.abs(paths.PublicBadge("ada", "nosuchbadge0000000")),
		"profile":            f.abs(paths.PublicProfile("ada")),
		"foreign host":       "https://evil.example/u/ada/badges/" + f.pub.PublicID,
		"not a URL":          "::",
	} {
		if p := oembed(u, nil); p.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", name, p.StatusCode)
		}
	}
	if p := oembed(page, url.Values{"format": {"xml"}}); p.StatusCode != http.StatusNotImplemented {
		t.Errorf("format=xml: status %d, want 501", p.StatusCode)
	}
}

func TestEmbeds_OnlyPublicItems(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	b := f.e.browser()
	p := b.get(paths.EmbedBadge("ada", f.pub.PublicID))
	if p.StatusCode != http.StatusOK || p.Doc.Find(`a[href="`+f.abs(paths.PublicBadge("ada", f.pub.PublicID))+`"]`).Length() != 1 {
		t.Fatalf("embed %d:\n%s", p.StatusCode, p.Body)
	}
	if p.Doc.Find("script").Length() != 0 {
		t.Error("the embed runs a script")
	}
	if tgt, _ := p.Doc.Find("base").Attr("target"); tgt != "_blank" {
		t.Error("embed links would open inside the frame")
	}
	for _, path := range []string{
		paths.EmbedBadge("ada", f.priv.PublicID), paths.EmbedBadge("ada", f.bobPriv.PublicID),
		paths.EmbedCollection("ada", f.privColl.Slug), paths.EmbedCollection("ada", f.unlisted.Slug),
		paths.EmbedBadge("nobody", f.pub.PublicID),
	} {
		if p := b.get(path); p.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, p.StatusCode)
		}
	}
	if p := b.get(paths.EmbedCollection("ada", f.publicColl.Slug)); p.StatusCode != http.StatusOK {
		t.Errorf("public collection embed %d", p.StatusCode)
	}
}

// TestFramePolicy: the embed routes may be framed by any site; every other
// GET route, signed in or not, forbids framing.
func TestFramePolicy(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	params := map[string]string{
		":handle": "ada", ":badge": f.pub.PublicID, ":slug": f.publicColl.Slug, ":token": f.unlisted.UnlistedToken,
		":id": f.pub.PublicID, ":hash": "0000000000000000000000000000000000000000000000000000000000000000", ":provider": "dev",
		"*": "css/app.css",
	}
	routes := registeredRoutes(f.e)
	checked := 0
	for _, r := range routes {
		method, path, _ := strings.Cut(r, " ")
		if method != http.MethodGet {
			continue
		}
		for k, v := range params {
			path = strings.ReplaceAll(path, k, v)
		}
		if strings.Contains(path, ":") {
			t.Errorf("route %s: no test value for its parameters", r)
			continue
		}
		if strings.Contains(path, paths.Collection(f.pub.PublicID)) {
			path = strings.Replace(path, paths.Collection(f.pub.PublicID), paths.Collection(f.publicColl.PublicID), 1)
		}
		for _, who := range []*browser{f.e.browser(), f.ada} {
			who.follow = false
			p := who.get(path)
			who.follow = true
			csp := p.Header.Get("Content-Security-Policy")
			if strings.HasPrefix(path, "/embed/") {
				if p.StatusCode != http.StatusOK && p.StatusCode != http.StatusNotFound {
					t.Errorf("%s: status %d", path, p.StatusCode)
				}
				if !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "frame-ancestors 'none'") || p.Header.Get("X-Frame-Options") != "" {
					t.Errorf("%s is an embed but cannot be framed: CSP %q, X-Frame-Options %q", path, csp, p.Header.Get("X-Frame-Options"))
				}
				continue
			}
			if strings.Contains(csp, "frame-ancestors *") {
				t.Errorf("%s (%d) may be framed: CSP %q", path, p.StatusCode, csp)
			}
			switch {
			case strings.Contains(csp, "frame-ancestors 'none'"):
			case strings.Contains(csp, "sandbox") && p.Header.Get("X-Frame-Options") == "DENY":
				// Files (images, downloads) set their own sandboxing CSP;
				// X-Frame-Options still forbids framing them.
			default:
				t.Errorf("%s (%d) does not forbid framing: CSP %q, X-Frame-Options %q", path, p.StatusCode, csp, p.Header.Get("X-Frame-Options"))
			}
			checked++
		}
	}
	if checked < 40 {
		t.Errorf("only %d responses checked", checked)
	}
}

func TestShareImages_SizeCacheAndETag(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	b := f.e.browser()
	for _, path := range []string{paths.BadgeShareImage("ada", f.pub.PublicID), paths.ProfileShareImage("ada")} {
		p := b.get(path)
		if p.StatusCode != http.StatusOK || p.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("%s: %d %q", path, p.StatusCode, p.Header.Get("Content-Type"))
		}
		cfg, err := png.DecodeConfig(strings.NewReader(p.Body))
		if err != nil || cfg.Width != 1200 || cfg.Height != 630 {
			t.Errorf("%s: %dx%d %v", path, cfg.Width, cfg.Height, err)
		}
		if _, err := png.Decode(strings.NewReader(p.Body)); err != nil {
			t.Errorf("%s: not a valid PNG: %v", path, err)
		}
		etag := p.Header.Get("ETag")
		if len(etag) != 66 {
			t.Errorf("%s: ETag %q", path, etag)
		}
		req, _ := http.NewRequest(http.MethodGet, b.url(path), nil)
		req.Header.Set("If-None-Match", etag)
		if p := b.do(req); p.StatusCode != http.StatusNotModified {
			t.Errorf("%s: revalidation status %d, want 304", path, p.StatusCode)
		}
		if again := b.get(path); again.Body != p.Body {
			t.Errorf("%s: the cached image differs", path)
		}
	}
	var n int
	if err := rawDB(t, f.e).QueryRow("SELECT count(*) FROM share_images").Scan(&n); err != nil || n != 2 {
		t.Errorf("share_images rows = %d, %v; want 2 (one per image, shared by every process)", n, err)
	}
	for _, path := range []string{paths.BadgeShareImage("ada", f.priv.PublicID), paths.ProfileShareImage("nobody"),
		paths.BadgeQRPNG("ada", f.priv.PublicID), paths.ProfileQRSVG("nobody")} {
		if p := b.get(path); p.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, p.StatusCode)
		}
	}
}

func TestQRCodes_DecodeToThePublicURL(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	b := f.e.browser()
	for path, want := range map[string]string{
		paths.ProfileQRPNG("ada"):                             f.abs(paths.PublicProfile("ada")),
		paths.BadgeQRPNG("ada", f.pub.PublicID) + "?size=300": f.abs(paths.PublicBadge("ada", f.pub.PublicID)),
	} {
		p := b.get(path)
		if p.StatusCode != http.StatusOK || p.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("%s: %d", path, p.StatusCode)
		}
		img, _, err := image.Decode(bytes.NewReader([]byte(p.Body)))
		if err != nil {
			t.Fatal(err)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		// The image is a generated code, not a photo: read it as one (the
		// reader's detector, without that hint, misses some such codes).
		res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if res.GetText() != want {
			t.Errorf("%s decodes to %q, want %q", path, res.GetText(), want)
		}
	}
	p := b.get(paths.ProfileQRSVG("ada"))
	if p.StatusCode != http.StatusOK || p.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(p.Body, "<svg") {
		t.Errorf("SVG: %d %q", p.StatusCode, p.Header.Get("Content-Type"))
	}
	if p := b.get(paths.ProfileQRPNG("ada") + "?size=99999"); p.StatusCode != http.StatusBadRequest {
		t.Errorf("huge size: %d", p.StatusCode)
	}
	_ = context.Background
}
