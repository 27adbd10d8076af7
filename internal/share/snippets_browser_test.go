package share_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/internal/share"
)

// TestSnippets_InBrowser pastes the embed card and the email signature into
// a plain page, as a blog or a webmail would show them, and checks in
// Chromium that their pictures load from absolute URLs, that the card
// keeps its own look even under a host page's hostile CSS, that the links
// are reachable by keyboard, and that axe-core finds no WCAG 2.2 A/AA
// violation.
func TestSnippets_InBrowser(t *testing.T) {
	t.Parallel()
	var pic bytes.Buffer
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = 0xc0
	}
	img.Set(1, 1, color.Black)
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}

	var page []byte
	mux := http.NewServeMux()
	mux.HandleFunc("/pic.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pic.Bytes())
	})
	mux.HandleFunc("/host", func(w http.ResponseWriter, r *http.Request) {
		// No scripts may run: the snippets must not need any.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	card, err := share.EmbedCard(share.Card{Kind: share.KindBadge, Name: "Web Accessibility " + hostile, Issuer: "Open U", ImageURL: srv.URL + "/pic.png",
		ImageAlt: "", URL: srv.URL + "/b/1", SiteName: "Satchel"})
	if err != nil {
		t.Fatal(err)
	}
	sig, err := share.EmailSignature(share.Signature{ProfileURL: srv.URL + "/p/ada", Badges: []share.SignatureBadge{
		{Name: "Web Accessibility", ImageURL: srv.URL + "/pic.png", URL: srv.URL + "/b/1"},
		{Name: "First Aid", ImageURL: srv.URL + "/pic.png", URL: srv.URL + "/b/2"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	// A host page whose own CSS would wreck a card that relied on classes
	// or inherited colours.
	page = []byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host page</title>
<style>body{background:#fff;color:#111;font-size:11px} a{color:#777} .card{display:none}</style></head>
<body><main><h1>My blog</h1><section aria-label="Badge card">` + card + `</section>
<section aria-label="Email signature">` + sig + `</section></main></body></html>`)

	b := browsertest.MustLaunch(t)
	tab := b.NewTab(t)
	tab.Do(t, chromedp.Navigate(srv.URL+"/host"))

	loaded, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[int](
		`Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length`))
	if err != nil {
		t.Fatal(err)
	}
	if loaded != 3 {
		t.Errorf("%d of 3 pictures loaded", loaded)
	}
	// The card's link keeps its own colour, not the host's grey.
	linkColour, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](
		`getComputedStyle(document.querySelector('section[aria-label="Badge card"] a')).color`))
	if err != nil {
		t.Fatal(err)
	}
	if linkColour != "rgb(11, 79, 168)" {
		t.Errorf("card link colour %q: the host page's CSS leaked in", linkColour)
	}
	// Keyboard: card link, then the two signature badges, then the profile link.
	wantHrefs := []string{srv.URL + "/b/1", srv.URL + "/b/1", srv.URL + "/b/2", srv.URL + "/p/ada"}
	for i, want := range wantHrefs {
		tab.Do(t, browsertest.PressTab())
		f, err := chromedp.Run(tab.Ctx, browsertest.ActiveElement())
		if err != nil {
			t.Fatal(err)
		}
		if f.Tag != "a" || f.Href != want {
			t.Errorf("Tab %d focuses %+v, want a link to %s", i+1, f, want)
		}
	}
	tab.AssertAccessible(t, "embed card and email signature")
}
