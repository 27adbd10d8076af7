package export_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/internal/export"
)

// TestIndexHTML_InBrowser opens the unzipped export's index.html in
// Chromium, served as plain files (as a person's unzipped folder would be),
// and checks that every picture loads by its relative path, that the skip
// link is the first stop for the keyboard, and that axe-core finds no WCAG
// 2.2 A/AA violation.
func TestIndexHTML_InBrowser(t *testing.T) {
	t.Parallel()
	data, _ := write(t, sample(t))
	a, err := export.ReadBytes(data, export.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string][]byte{"index.html": entry(t, data, "index.html")}
	for p, b := range a.Files {
		files[p] = b
	}
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// No network at all for the page: the CSP allows only same-origin
	// pictures and the inline stylesheet.
	fileServer := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
		fileServer.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	b := browsertest.MustLaunch(t)
	for _, scheme := range browsertest.ColorSchemes {
		tab := b.NewTab(t)
		tab.Do(t, browsertest.EmulateColorScheme(scheme), chromedp.Navigate(srv.URL+"/index.html"))

		loaded, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[int](
			`Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length`))
		if err != nil {
			t.Fatal(err)
		}
		if loaded != 4 {
			t.Errorf("%s: %d of 4 pictures loaded", scheme, loaded)
		}

		tab.Do(t, browsertest.PressTab())
		f, err := chromedp.Run(tab.Ctx, browsertest.ActiveElement())
		if err != nil {
			t.Fatal(err)
		}
		if f.Tag != "a" || f.Href != "#badges" || f.Outline == "none" {
			t.Errorf("%s: first Tab focuses %+v, want the visible skip link", scheme, f)
		}
		tab.AssertAccessible(t, "export index, "+scheme)
	}
}
