package share_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/satchel-backpack/satchel/internal/share"
)

const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)> & 'quote'`

// parseFragment parses snippet as it would be inside a page's <body>.
func parseFragment(t *testing.T, snippet string) []*html.Node {
	t.Helper()
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(snippet), body)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return nodes
}

func walk(nodes []*html.Node, fn func(*html.Node)) {
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		fn(n)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	for _, n := range nodes {
		rec(n)
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func text(nodes []*html.Node) string {
	var sb strings.Builder
	walk(nodes, func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
	})
	return sb.String()
}

// assertInert fails when the snippet has anything that could run script or
// pull in outside styles: script/style/link elements, event handler
// attributes, class attributes (the host page's CSS would restyle them)
// or a non-http(s) link.
func assertInert(t *testing.T, nodes []*html.Node) {
	t.Helper()
	walk(nodes, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.Data {
		case "script", "style", "link", "object", "embed", "form":
			t.Errorf("snippet contains <%s>", n.Data)
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") || a.Key == "class" || a.Key == "id" {
				t.Errorf("<%s> has attribute %s=%q", n.Data, a.Key, a.Val)
			}
			if a.Key == "href" || a.Key == "src" {
				u, err := url.Parse(a.Val)
				if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
					t.Errorf("<%s %s=%q> is not an http(s) URL", n.Data, a.Key, a.Val)
				}
			}
		}
	})
}

func elements(nodes []*html.Node, tag string) []*html.Node {
	var out []*html.Node
	walk(nodes, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
	})
	return out
}

func TestEmbedCard_ShowsImageNameIssuerAndLink(t *testing.T) {
	t.Parallel()
	c := share.Card{
		Kind: share.KindBadge, Name: "Data & Ethics", Issuer: "Open U",
		ImageURL: "https://satchel.example/images/ab12?size=2&v=1", ImageAlt: "A blue shield",
		URL: "https://satchel.example/b/AbC?x=1&y=2", SiteName: "Satchel",
	}
	s, err := share.EmbedCard(c)
	if err != nil {
		t.Fatal(err)
	}
	nodes := parseFragment(t, s)
	assertInert(t, nodes)
	imgs := elements(nodes, "img")
	if len(imgs) != 1 {
		t.Fatalf("%d images", len(imgs))
	}
	if src, _ := attr(imgs[0], "src"); src != c.ImageURL {
		t.Errorf("src = %q", src)
	}
	if alt, _ := attr(imgs[0], "alt"); alt != c.ImageAlt {
		t.Errorf("alt = %q", alt)
	}
	links := elements(nodes, "a")
	if len(links) != 1 {
		t.Fatalf("%d links", len(links))
	}
	if href, _ := attr(links[0], "href"); href != c.URL {
		t.Errorf("href = %q", href)
	}
	if got := text(links); got != c.Name {
		t.Errorf("link text = %q", got)
	}
	if got := text(nodes); !strings.Contains(got, "Issued by Open U") || !strings.Contains(got, "Open Badge on Satchel") {
		t.Errorf("text = %q", got)
	}
	// Styled inline: the outer box carries its own style.
	if style, _ := attr(nodes[0], "style"); !strings.Contains(style, "border") {
		t.Errorf("outer style = %q", style)
	}
}

func TestEmbedCard_EscapesHostileNames(t *testing.T) {
	t.Parallel()
	c := share.Card{Kind: share.KindCollection, Name: hostile, Issuer: hostile, ImageURL: "https://s.example/i.png", ImageAlt: hostile, URL: "https://s.example/c/1", SiteName: hostile}
	s, err := share.EmbedCard(c)
	if err != nil {
		t.Fatal(err)
	}
	nodes := parseFragment(t, s)
	assertInert(t, nodes)
	if n := len(elements(nodes, "img")); n != 1 {
		t.Errorf("%d images: the hostile <img> got through", n)
	}
	// Every hostile value comes back as the literal text it was.
	if got := text(elements(nodes, "a")); got != hostile {
		t.Errorf("name = %q", got)
	}
	if alt, _ := attr(elements(nodes, "img")[0], "alt"); alt != hostile {
		t.Errorf("alt = %q", alt)
	}
	if got := text(nodes); !strings.Contains(got, "Collected by "+hostile) {
		t.Errorf("text = %q", got)
	}
}

func TestEmbedCard_WithoutImage(t *testing.T) {
	t.Parallel()
	s, err := share.EmbedCard(share.Card{Name: "N", URL: "https://s.example/b/1"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s, "<img") {
		t.Errorf("image without ImageURL: %s", s)
	}
}

func TestSnippets_RefuseScriptURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"javascript:alert(1)", "data:text/html,<script>", "//evil.example/x", "vbscript:x"} {
		if _, err := share.EmbedCard(share.Card{Name: "N", URL: u}); !errors.Is(err, share.ErrBadURL) {
			t.Errorf("card URL %q: %v", u, err)
		}
		if _, err := share.EmbedCard(share.Card{Name: "N", URL: "https://s.example/b", ImageURL: u}); !errors.Is(err, share.ErrBadURL) {
			t.Errorf("card image %q: %v", u, err)
		}
		if _, err := share.IframeSnippet(share.KindBadge, "N", u, 400, 200); !errors.Is(err, share.ErrBadURL) {
			t.Errorf("iframe %q: %v", u, err)
		}
		if _, err := share.EmailSignature(share.Signature{ProfileURL: u}); !errors.Is(err, share.ErrBadURL) {
			t.Errorf("signature profile %q: %v", u, err)
		}
		if _, err := share.EmailSignature(share.Signature{ProfileURL: "https://s.example/p/a", Badges: []share.SignatureBadge{{Name: "N", URL: "https://s.example/b", ImageURL: u}}}); !errors.Is(err, share.ErrBadURL) {
			t.Errorf("signature image %q: %v", u, err)
		}
	}
}

func TestIframeSnippet(t *testing.T) {
	t.Parallel()
	s, err := share.IframeSnippet(share.KindCollection, hostile, "https://s.example/embed/c/1?a=1&b=2", 480, 320)
	if err != nil {
		t.Fatal(err)
	}
	nodes := parseFragment(t, s)
	assertInert(t, nodes)
	frames := elements(nodes, "iframe")
	if len(frames) != 1 || len(nodes) != 1 {
		t.Fatalf("want exactly one iframe, got %d nodes: %s", len(nodes), s)
	}
	f := frames[0]
	for k, want := range map[string]string{
		"src": "https://s.example/embed/c/1?a=1&b=2", "title": "Badge collection: " + hostile,
		"width": "480", "height": "320", "loading": "lazy",
	} {
		if got, _ := attr(f, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	sandbox, ok := attr(f, "sandbox")
	if !ok || strings.Contains(sandbox, "allow-scripts") || strings.Contains(sandbox, "allow-same-origin") {
		t.Errorf("sandbox = %q (ok=%v)", sandbox, ok)
	}
	if _, err := share.IframeSnippet(share.KindBadge, "x", "https://s.example/e", 0, 10); !errors.Is(err, share.ErrBadSize) {
		t.Errorf("zero width: %v", err)
	}
}

func TestOEmbed_JSONShape(t *testing.T) {
	t.Parallel()
	r, err := share.OEmbed(share.KindBadge, "Data & Ethics", "Ada L.", "Satchel", "https://s.example/",
		"https://s.example/embed/b/AbC", 400, 220, share.Thumbnail{URL: "https://s.example/b/AbC/share.png", Width: 1200, Height: 630})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type": "rich", "version": "1.0", "title": "Data & Ethics", "author_name": "Ada L.",
		"provider_name": "Satchel", "provider_url": "https://s.example/", "cache_age": float64(share.OEmbedCacheAge),
		"thumbnail_url": "https://s.example/b/AbC/share.png", "thumbnail_width": float64(1200), "thumbnail_height": float64(630),
		"width": float64(400), "height": float64(220),
	}
	html := got["html"]
	delete(got, "html")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("oEmbed JSON =\n%v\nwant\n%v", got, want)
	}
	hs, _ := html.(string)
	nodes := parseFragment(t, hs)
	frames := elements(nodes, "iframe")
	if len(frames) != 1 {
		t.Fatalf("html = %q", hs)
	}
	if src, _ := attr(frames[0], "src"); src != "https://s.example/embed/b/AbC" {
		t.Errorf("iframe src = %q", src)
	}
	if w, _ := attr(frames[0], "width"); w != "400" {
		t.Errorf("iframe width = %q", w)
	}
}

func TestOEmbed_OmitsIncompleteThumbnailAndEmptyFields(t *testing.T) {
	t.Parallel()
	r, err := share.OEmbed(share.KindProfile, "", "", "", "", "https://s.example/embed/p/a", 300, 200, share.Thumbnail{URL: "https://s.example/t.png"})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(r)
	var got map[string]any
	_ = json.Unmarshal(raw, &got)
	for _, k := range []string{"thumbnail_url", "thumbnail_width", "thumbnail_height", "title", "author_name", "provider_url"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s present: %s", k, raw)
		}
	}
	for _, k := range []string{"type", "version", "html", "width", "height"} {
		if _, ok := got[k]; !ok {
			t.Errorf("required %s missing: %s", k, raw)
		}
	}
}

func TestOEmbed_RefusesBadInput(t *testing.T) {
	t.Parallel()
	if _, err := share.OEmbed(share.KindBadge, "t", "", "", "javascript:x", "https://s.example/e", 1, 1, share.Thumbnail{}); !errors.Is(err, share.ErrBadURL) {
		t.Errorf("provider URL: %v", err)
	}
	if _, err := share.OEmbed(share.KindBadge, "t", "", "", "", "https://s.example/e", 1, 1, share.Thumbnail{URL: "javascript:x", Width: 1, Height: 1}); !errors.Is(err, share.ErrBadURL) {
		t.Errorf("thumbnail URL: %v", err)
	}
	if _, err := share.OEmbed(share.KindBadge, "t", "", "", "", "https://s.example/e", -1, 1, share.Thumbnail{}); !errors.Is(err, share.ErrBadSize) {
		t.Errorf("size: %v", err)
	}
}

func TestFit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ w, h, mw, mh, ww, wh int }{
		{400, 200, 0, 0, 400, 200},
		{400, 200, 500, 500, 400, 200}, // never scales up
		{400, 200, 200, 0, 200, 100},
		{400, 200, 0, 50, 100, 50},
		{400, 200, 300, 100, 200, 100}, // both limits: the tighter wins
		{400, 200, 1, 1, 1, 1},
	} {
		w, h := share.Fit(tc.w, tc.h, tc.mw, tc.mh)
		if w != tc.ww || h != tc.wh {
			t.Errorf("Fit(%d,%d,%d,%d) = %d,%d want %d,%d", tc.w, tc.h, tc.mw, tc.mh, w, h, tc.ww, tc.wh)
		}
	}
}

func TestOEmbedURL(t *testing.T) {
	t.Parallel()
	got, err := share.OEmbedURL("https://s.example/oembed", "https://s.example/b/A?x=1&y=2")
	if err != nil {
		t.Fatal(err)
	}
	base, q := parse(t, got)
	if base != "https://s.example/oembed" || q.Get("url") != "https://s.example/b/A?x=1&y=2" || q.Get("format") != "json" {
		t.Errorf("got %s", got)
	}
}

func TestEmailSignature(t *testing.T) {
	t.Parallel()
	var badges []share.SignatureBadge
	for i := range 8 {
		badges = append(badges, share.SignatureBadge{
			Name:     hostile + string(rune('A'+i)),
			ImageURL: "https://s.example/images/h" + string(rune('a'+i)) + ".png",
			URL:      "https://s.example/b/" + string(rune('a'+i)),
		})
	}
	s, err := share.EmailSignature(share.Signature{Badges: badges, ProfileURL: "https://s.example/p/ada?x=1&y=2"})
	if err != nil {
		t.Fatal(err)
	}
	nodes := parseFragment(t, s)
	assertInert(t, nodes)
	if len(nodes) != 1 || nodes[0].Data != "table" {
		t.Fatalf("signature is not one table: %s", s)
	}
	if role, _ := attr(nodes[0], "role"); role != "presentation" {
		t.Errorf("table role = %q", role)
	}
	imgs := elements(nodes, "img")
	if len(imgs) != share.MaxSignatureBadges {
		t.Fatalf("%d images, want %d", len(imgs), share.MaxSignatureBadges)
	}
	for i, img := range imgs {
		if src, _ := attr(img, "src"); src != badges[i].ImageURL {
			t.Errorf("img %d src = %q", i, src)
		}
		if alt, _ := attr(img, "alt"); alt != badges[i].Name {
			t.Errorf("img %d alt = %q", i, alt)
		}
		// Width and height as attributes too: some mail clients ignore CSS.
		if w, _ := attr(img, "width"); w != "40" {
			t.Errorf("img %d width = %q", i, w)
		}
		if h, _ := attr(img, "height"); h != "40" {
			t.Errorf("img %d height = %q", i, h)
		}
		if st, _ := attr(img, "style"); !strings.Contains(st, "width:40px") {
			t.Errorf("img %d style = %q", i, st)
		}
		if href, _ := attr(img.Parent, "href"); img.Parent.Data != "a" || href != badges[i].URL {
			t.Errorf("img %d not linked to its badge: <%s href=%q>", i, img.Parent.Data, href)
		}
	}
	links := elements(nodes, "a")
	last := links[len(links)-1]
	if href, _ := attr(last, "href"); href != "https://s.example/p/ada?x=1&y=2" {
		t.Errorf("profile link = %q", href)
	}
	if got := text([]*html.Node{last}); got != "View my verified badges" {
		t.Errorf("profile link text = %q", got)
	}
}

func TestEmailSignature_NoBadges(t *testing.T) {
	t.Parallel()
	s, err := share.EmailSignature(share.Signature{ProfileURL: "https://s.example/p/a", LinkText: "My badges"})
	if err != nil {
		t.Fatal(err)
	}
	nodes := parseFragment(t, s)
	if len(elements(nodes, "img")) != 0 || len(elements(nodes, "tr")) != 1 {
		t.Errorf("signature = %s", s)
	}
	if got := text(nodes); got != "My badges" {
		t.Errorf("text = %q", got)
	}
}

// The card, the frame and the signature speak the sharing learner's
// language, and an Arabic card is laid out right to left.
func TestSnippets_InTheLearnersLanguage(t *testing.T) {
	t.Parallel()
	card, err := share.EmbedCard(share.Card{Kind: share.KindCollection, Name: "Trabajo", Issuer: "Ana", URL: "https://s.example/c/1",
		SiteName: "Satchel", Lang: "es"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`lang="es" dir="ltr"`, "Reunida por Ana", "Colección de insignias en Satchel"} {
		if !strings.Contains(card, want) {
			t.Errorf("Spanish card lacks %q:\n%s", want, card)
		}
	}
	card, err = share.EmbedCard(share.Card{Kind: share.KindBadge, Name: "N", Issuer: "Escuela", URL: "https://s.example/b/1", SiteName: "Satchel", Lang: "ar"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(card, `lang="ar" dir="rtl"`) || !strings.Contains(card, "text-align:start") || !strings.Contains(card, "صادرة عن") {
		t.Errorf("Arabic card:\n%s", card)
	}
	frame, err := share.EmbedFrame(share.Frame{Kind: share.KindProfile, URL: "https://s.example/e", Width: 400, Height: 200, Lang: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(frame, `title="Profil de badges"`) {
		t.Errorf("French frame: %s", frame)
	}
	sig, err := share.EmailSignature(share.Signature{ProfileURL: "https://s.example/p/a", Lang: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sig, "Voir mes badges vérifiés") || !strings.Contains(sig, `lang="fr"`) {
		t.Errorf("French signature: %s", sig)
	}
}
