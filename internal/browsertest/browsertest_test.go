package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/satchel-backpack/satchel/internal/browsertest"
)

const goodPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Good page</title>
<style>
body { background: #ffffff; color: #111111; }
a:focus-visible { outline: 3px solid #1a56b0; }
@media (prefers-color-scheme: dark) { body { background: #111111; color: #eeeeee; } a { color: #8ab4f8; } }
</style></head>
<body>
<header><a href="#main" data-testid="first">Skip to content</a></header>
<main id="main"><h1>Hello</h1>
<form><label for="n">Name</label><input id="n" name="n"><button type="submit" data-testid="go">Go</button></form>
</main></body></html>`

const badPage = `<!doctype html>
<html><head><title>Bad page</title></head>
<body style="background:#ffffff">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text" name="q">
<p style="color:#dddddd">Hard to read</p>
</body></html>`

const throwsPage = `<!doctype html><html lang="en"><head><title>t</title></head><body>
<script>throw new Error("boom from the page")</script></body></html>`

// The CSP forbids inline scripts; the browser blocks this one and says so.
const cspPage = `<!doctype html><html lang="en"><head><title>c</title></head><body>
<script>document.title = "ran"</script></body></html>`

// A tip shown on hover and on focus, hidden by Escape: the pattern the
// backpack's badge tiles use, in miniature.
const hoverPage = `<!doctype html><html lang="en"><head><title>h</title>
<style>
.tip { display: none; }
.host:hover .tip, .host:focus-within .tip { display: block; }
.host.dismissed .tip { display: none; }
</style></head><body><main>
<p><a href="#a" id="before">Before</a></p>
<div class="host"><button type="button" id="btn" aria-describedby="tip">Badge</button><p class="tip" id="tip" role="tooltip">Criteria</p></div>
<p><a href="#b" id="after">After</a></p>
<script nonce="n1">
document.addEventListener("keydown", e => { if (e.key === "Escape") document.querySelector(".host").classList.add("dismissed"); });
</script>
</main></body></html>`

// A page axe-core finds one fault in: the language is not given.
const noLangPage = `<!doctype html><html><head><title>n</title></head><body><main><h1>Hi</h1><p>Text</p></main></body></html>`

func server(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	page := func(body string, csp string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if csp != "" {
				w.Header().Set("Content-Security-Policy", csp)
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(body))
		}
	}
	// The good page is served under a strict CSP, as Satchel's pages are, to
	// show that axe still runs.
	mux.Handle("/good", page(goodPage, "default-src 'none'; style-src 'unsafe-inline'"))
	mux.Handle("/bad", page(badPage, ""))
	mux.Handle("/hover", page(hoverPage, "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-n1'"))
	mux.Handle("/throws", page(throwsPage, ""))
	mux.Handle("/csp", page(cspPage, "script-src 'none'"))
	// Satchel's policy: the page's own scripts, and inline ones by nonce.
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.Handle("/self", page(noLangPage, "default-src 'self'; script-src 'self' 'nonce-n1'; object-src 'none'; base-uri 'none'"))
	mux.Handle("/none", page(noLangPage, "default-src 'none'"))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestBrowser(t *testing.T) {
	t.Parallel()
	srv := server(t)
	b := browsertest.MustLaunch(t)

	t.Run("AxeFindsKnownViolations", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t)
		tab.Do(t, chromedp.Navigate(srv.URL+"/bad"))
		vs, err := tab.RunAxe(t)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range vs {
			ids = append(ids, v.ID)
			if len(v.Nodes) == 0 || v.Help == "" {
				t.Errorf("violation %s has no nodes or help text", v.ID)
			}
		}
		for _, want := range []string{"html-has-lang", "image-alt", "label", "color-contrast"} {
			if !slices.Contains(ids, want) {
				t.Errorf("axe missed %q on the bad page; found %v", want, ids)
			}
		}
	})

	t.Run("AccessiblePagePassesInBothSchemes", func(t *testing.T) {
		t.Parallel()
		for _, scheme := range browsertest.ColorSchemes {
			tab := b.NewTab(t)
			tab.Do(t, browsertest.EmulateColorScheme(scheme), chromedp.Navigate(srv.URL+"/good"))
			tab.AssertAccessible(t, "good page, "+scheme)
		}
	})

	t.Run("EmulateColorSchemeReachesCSS", func(t *testing.T) {
		t.Parallel()
		bg := map[string]string{}
		for _, scheme := range browsertest.ColorSchemes {
			tab := b.NewTab(t)
			tab.Do(t, browsertest.EmulateColorScheme(scheme), chromedp.Navigate(srv.URL+"/good"))
			seen, err := chromedp.Run(tab.Ctx, browsertest.ColorScheme())
			if err != nil || seen != scheme {
				t.Fatalf("asked for %s, page sees %q (%v)", scheme, seen, err)
			}
			bg[scheme], err = chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
			if err != nil {
				t.Fatal(err)
			}
		}
		if bg["light"] != "rgb(255, 255, 255)" || bg["dark"] != "rgb(17, 17, 17)" {
			t.Errorf("body background light=%q dark=%q; the dark media query did not apply", bg["light"], bg["dark"])
		}
	})

	t.Run("TabMovesFocusInOrder", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t)
		tab.Do(t, chromedp.Navigate(srv.URL+"/good"))
		f := tab.TabUntil(t, "the skip link", 1, browsertest.ByTestID("first"))
		if f.Tag != "a" || f.Href != "#main" {
			t.Fatalf("first Tab focused %+v, want the skip link", f)
		}
		if f.Outline == "none" {
			t.Error("focused link shows no outline")
		}
		tab.Do(t, browsertest.PressTab(), browsertest.Type("Ada"), browsertest.PressTab())
		f, _ = chromedp.Run(tab.Ctx, browsertest.ActiveElement())
		if f.TestID != "go" {
			t.Fatalf("third Tab focused %+v, want the Go button", f)
		}
		name, err := chromedp.Run(tab.Ctx, chromedp.Value("#n"))
		if err != nil || name != "Ada" {
			t.Fatalf("typed into the name field: %q (%v)", name, err)
		}
	})

	t.Run("HoverFocusAndEscape", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t)
		tab.Do(t, chromedp.Navigate(srv.URL+"/hover"))
		visible := func() bool {
			v, err := chromedp.Run(tab.Ctx, browsertest.IsVisible("#tip"))
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if visible() {
			t.Fatal("tip visible before any hover or focus")
		}
		tab.Do(t, browsertest.Hover("#btn"))
		if !visible() {
			t.Error("hovering did not show the tip")
		}
		tab.Do(t, browsertest.MoveMouseAway())
		if visible() {
			t.Error("tip still visible after the pointer left")
		}
		// The keyboard steps start from a known focus, not from wherever
		// the pointer or a scroll left Chromium's focus navigation point.
		tab.Do(t, browsertest.FocusOn("#before"))
		if visible() {
			t.Fatal("tip visible with focus on the link before the button")
		}
		tab.TabUntil(t, "the button", 1, browsertest.ByID("btn"))
		if !visible() {
			t.Error("keyboard focus did not show the tip")
		}
		tab.Do(t, browsertest.PressShiftTab())
		if f, _ := chromedp.Run(tab.Ctx, browsertest.ActiveElement()); f.ID != "before" {
			t.Errorf("Shift+Tab went to %v, want the link before", f)
		}
		if visible() {
			t.Error("tip still visible after focus left the button")
		}
		tab.Do(t, browsertest.PressTab(), browsertest.PressEscape())
		if visible() {
			t.Error("Escape did not hide the tip")
		}

		// A tap on a touch screen shows it too (a fresh page: Escape's
		// dismissal above lasts for the page's life).
		tab = b.NewTab(t)
		tab.Do(t, browsertest.EmulateTouch(), chromedp.Navigate(srv.URL+"/hover"))
		if visible() {
			t.Fatal("tip visible before the tap")
		}
		tab.Do(t, browsertest.Tap("#btn"))
		if !visible() {
			t.Error("tapping the button did not show the tip")
		}
	})

	// A click moves the focus navigation starting point to the clicked
	// element, as Hover's scrollIntoView did in Chromium 148: FromTop and
	// FocusOn must put it back where a test expects it.
	t.Run("FromTopAndFocusOnSetWhereTabGoes", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t)
		tab.Do(t, chromedp.Navigate(srv.URL+"/hover"))
		next := func() string {
			tab.Do(t, browsertest.PressTab())
			f, err := chromedp.Run(tab.Ctx, browsertest.ActiveElement())
			if err != nil {
				t.Fatal(err)
			}
			return f.ID
		}
		tab.Do(t, chromedp.Click("#btn"), chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
		if got := next(); got != "after" {
			t.Fatalf("after a click on the button Tab went to %q; the probe expects the link after it", got)
		}
		tab.Do(t, chromedp.Click("#btn"), browsertest.FromTop())
		if got := next(); got != "before" {
			t.Errorf("after FromTop Tab went to %q, want the first link", got)
		}
		tab.Do(t, chromedp.Click("#after"), browsertest.FocusOn("#before"))
		if got := next(); got != "btn" {
			t.Errorf("after FocusOn(#before) Tab went to %q, want the button", got)
		}
		tab.Do(t, browsertest.MoveMouseAway())
		if err := chromedp.Do(tab.Ctx, browsertest.FocusOn("main")); err == nil {
			t.Error("FocusOn accepted an element that cannot take focus")
		}
	})

	t.Run("TabsDoNotShareCookies", func(t *testing.T) {
		t.Parallel()
		first := b.NewTab(t)
		first.Do(t, chromedp.Navigate(srv.URL+"/good"), chromedp.Evaluate[chromedp.Void](`document.cookie = "who=first"`))
		second := b.NewTab(t)
		second.Do(t, chromedp.Navigate(srv.URL+"/good"))
		if c, _ := chromedp.Run(second.Ctx, chromedp.Evaluate[string](`document.cookie`)); c != "" {
			t.Errorf("a new tab sees another tab's cookies: %q", c)
		}
		if c, _ := chromedp.Run(first.Ctx, chromedp.Evaluate[string](`document.cookie`)); c != "who=first" {
			t.Errorf("the first tab lost its cookie: %q", c)
		}
	})

	// axe-core is loaded from its own address where the page's policy lets
	// the page's own scripts run, and given through the protocol where
	// not (a policy without 'self'); the audit is
	// the same, the DOM is left as it was, and the refused load is not
	// reported as the page's error.
	t.Run("AxeRunsUnderEveryPolicy", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			path      string
			byAddress bool
		}{
			{"/self", true},
			{"/none", false},
		} {
			tab := b.NewTab(t)
			for i := range 2 { // the second time from the cache
				tab.Do(t, chromedp.Navigate(srv.URL+c.path))
				what := fmt.Sprintf("%s, load %d", c.path, i+1)
				vs, err := tab.RunAxe(t)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if len(vs) != 1 || vs[0].ID != "html-has-lang" {
					t.Errorf("%s: violations %v, want html-has-lang alone", what, vs)
				}
				scripts, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[int](`document.querySelectorAll("script").length`))
				if err != nil || scripts != 0 {
					t.Errorf("%s: %d script elements left in the page (%v)", what, scripts, err)
				}
				fetched, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](`performance.getEntriesByType("resource").some(e => e.name.endsWith(`+strconv.Quote(browsertest.AxePath)+`) && e.responseStatus === 200)`))
				if err != nil || fetched != c.byAddress {
					t.Errorf("%s: axe-core loaded from its address %v, want %v (%v)", what, fetched, c.byAddress, err)
				}
				if errs := tab.ConsoleErrors(); len(errs) != 0 {
					t.Errorf("%s: console errors %q", what, errs)
				}
			}
		}
	})

	t.Run("RecordsExceptionsAndCSPBlocks", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t)
		tab.Do(t, chromedp.Navigate(srv.URL+"/good"))
		if errs := tab.ConsoleErrors(); len(errs) != 0 {
			t.Fatalf("a clean page reported errors: %q", errs)
		}
		tab.Do(t, chromedp.Navigate(srv.URL+"/throws"))
		waitFor(t, tab, "boom from the page")
		tab.Do(t, chromedp.Navigate(srv.URL+"/csp"))
		waitFor(t, tab, "Content Security Policy")
		title, _ := chromedp.Run(tab.Ctx, chromedp.Title())
		if title == "ran" {
			t.Error("the CSP did not block the inline script")
		}
	})
}

// waitFor waits until the tab's console errors mention text. Console events
// arrive asynchronously; the wait is bounded by the tab's own deadline.
func waitFor(t *testing.T, tab *browsertest.Tab, text string) {
	t.Helper()
	for {
		for _, e := range tab.ConsoleErrors() {
			if strings.Contains(e, text) {
				return
			}
		}
		select {
		case <-tab.Ctx.Done():
			t.Fatalf("no console error mentioning %q; got %q", text, tab.ConsoleErrors())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func TestModuleRoot_IsSatchels(t *testing.T) {
	t.Parallel()
	root, err := browsertest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !strings.HasPrefix(string(mod), "module github.com/satchel-backpack/satchel\n") {
		t.Fatalf("module root %q does not hold Satchel's go.mod (%v)", root, err)
	}
}

// A tab of a test that passed goes to the next test made blank again: no
// page, no cookies, no console, nothing emulated that the test set.
func TestNewTab_ReusedTabsStartBlank(t *testing.T) {
	t.Parallel()
	var cookies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cookies = append(cookies, r.Header.Get("Cookie"))
		http.SetCookie(w, &http.Cookie{Name: "who", Value: "first-test", Path: "/"})
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(throwsPage))
	}))
	t.Cleanup(srv.Close)
	b := browsertest.MustLaunch(t)

	var first *browsertest.Tab
	t.Run("first", func(t *testing.T) {
		first = b.NewTab(t)
		first.Do(t, chromedp.Navigate(srv.URL), browsertest.EmulateColorScheme(browsertest.Dark), browsertest.EmulateTouch())
		if len(first.ConsoleErrors()) == 0 {
			t.Fatal("the page's error was not recorded")
		}
	})
	t.Run("second", func(t *testing.T) {
		tab := b.NewTab(t)
		if tab != first {
			t.Fatal("the first test's tab was not kept for the next")
		}
		if errs := tab.ConsoleErrors(); len(errs) != 0 {
			t.Errorf("the reused tab reports the first test's console: %q", errs)
		}
		if u, _ := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`location.href`)); u != "about:blank" {
			t.Errorf("the reused tab shows %s", u)
		}
		tab.Do(t, chromedp.Navigate(srv.URL))
		if got := cookies[len(cookies)-1]; got != "" {
			t.Errorf("the reused tab sent the first test's cookie %q", got)
		}
		if s, _ := chromedp.Run(tab.Ctx, browsertest.ColorScheme()); s != browsertest.Light {
			t.Errorf("the reused tab still emulates the %s scheme", s)
		}
		if n, _ := chromedp.Run(tab.Ctx, chromedp.Evaluate[int](`navigator.maxTouchPoints`)); n != 0 {
			t.Errorf("the reused tab is still a touch screen (%d points)", n)
		}
	})
}
