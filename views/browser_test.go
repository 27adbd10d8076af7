package views_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/chromedp/chromedp"

	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/static"
	"github.com/satchel-backpack/satchel/views"
)

// pageServer serves every page (with flashes and form errors, states the
// real server reaches only sometimes) and the static files, under a CSP as
// strict as the real server's, so a style or script the policy blocks shows
// up as a console error.
func pageServer(t *testing.T) *httptest.Server {
	t.Helper()
	const nonce = "test-nonce-123"
	flashes := []views.Flash{
		{Kind: views.FlashSuccess, Message: "Your GitHub sign-in is linked."},
		{Kind: views.FlashError, Message: "That sign-in attempt expired. Please try again."},
		{Kind: views.FlashInfo, Message: "You have been signed out of every other session."},
	}
	shell := member
	shell.Flashes = flashes
	shell.DevLogin = true
	pages := allPages()
	pages["home-flashes"] = views.HomePage(views.Shell{Title: "Welcome", Flashes: flashes, DevLogin: true})
	pages["account-flashes"] = views.AccountPage(shell, sampleAccount())
	pages["account-last-login"] = views.AccountPage(member, views.Account{Name: "Ada", Logins: []views.Login{{Provider: "github", Label: "GitHub", Email: "ada@example.com", LinkedAt: linkedAt()}}})

	mux := http.NewServeMux()
	mux.Handle("/static/", static.Handler())
	for name, page := range pages {
		mux.HandleFunc("/"+name, func(w http.ResponseWriter, r *http.Request) {
			serve(t, w, page, nonce)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func serve(t *testing.T, w http.ResponseWriter, c templ.Component, nonce string) {
	ctx := views.WithCSRF(views.WithNonce(context.Background(), nonce), "tok")
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		t.Errorf("render: %v", err)
		http.Error(w, "render", 500)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'self'; img-src 'self'; form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

// TestBrowser runs the pages in headless Chromium: one browser and one page
// server for all the checks below.
func TestBrowser(t *testing.T) {
	t.Parallel()
	srv := pageServer(t)
	b := browsertest.MustLaunch(t)
	t.Run("AccessibleInBothColourSchemes", func(t *testing.T) { t.Parallel(); browserAccessibleInBothColourSchemes(t, srv, b) })
	t.Run("KeyboardSkipLinkAndVisibleFocus", func(t *testing.T) { t.Parallel(); browserKeyboardSkipLinkAndVisibleFocus(t, srv, b) })
	t.Run("ReflowAt320CSSPixels", func(t *testing.T) { t.Parallel(); browserReflowAt320CSSPixels(t, srv, b) })
	t.Run("ScriptEnhancements", func(t *testing.T) { t.Parallel(); browserScriptEnhancements(t, srv, b) })
	t.Run("PrintShowsContentOnly", func(t *testing.T) { t.Parallel(); browserPrintShowsContentOnly(t, srv, b) })
}

// browserAccessibleInBothColourSchemes runs axe-core over every page in
// light and dark, with the real stylesheet, and checks nothing the page
// loads is blocked or broken.
func browserAccessibleInBothColourSchemes(t *testing.T, srv *httptest.Server, b *browsertest.Browser) {
	names := []string{"home", "home-flashes", "signin", "dev-signin", "account", "account-flashes", "account-last-login", "delete", "error", "error-inner"}
	for _, scheme := range browsertest.ColorSchemes {
		t.Run(scheme, func(t *testing.T) {
			t.Parallel()
			tab := b.NewTab(t)
			tab.Do(t, browsertest.EmulateColorScheme(scheme))
			for _, name := range names {
				tab.Do(t, chromedp.Navigate(srv.URL+"/"+name))
				// The stylesheet applied: the body takes the theme's colours.
				bg, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]string{"light": "rgb(255, 255, 255)", "dark": "rgb(20, 23, 28)"}[scheme]
				if bg != want {
					t.Errorf("%s (%s): body background %s, want %s; the stylesheet did not load or theme", name, scheme, bg, want)
				}
				tab.AssertAccessible(t, name+" page, "+scheme)
			}
			if errs := tab.ConsoleErrors(); len(errs) != 0 {
				t.Errorf("console errors (a CSP block or missing file?):\n%s", strings.Join(errs, "\n"))
			}
		})
	}
}

// browserKeyboardSkipLinkAndVisibleFocus: the first Tab lands on the
// skip link, which is visible when focused and moves focus to main; every
// control then shows a focus outline.
func browserKeyboardSkipLinkAndVisibleFocus(t *testing.T, srv *httptest.Server, b *browsertest.Browser) {
	tab := b.NewTab(t)
	tab.Do(t, chromedp.Navigate(srv.URL+"/account"), browsertest.PressTab())

	f, err := chromedp.Run(tab.Ctx, browsertest.ActiveElement())
	if err != nil {
		t.Fatal(err)
	}
	if f.Href != "#main" {
		t.Fatalf("first Tab focused %+v, want the skip link", f)
	}
	top, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[float64](`document.activeElement.getBoundingClientRect().top`))
	if err != nil || top < 0 {
		t.Errorf("focused skip link is off screen (top %v, %v)", top, err)
	}
	tab.Do(t, browsertest.PressEnter())
	f, _ = chromedp.Run(tab.Ctx, browsertest.ActiveElement())
	if f.Tag != "main" {
		t.Fatalf("after the skip link, focus is on %+v, want main", f)
	}
	// From main, Tab reaches the page's controls, each with a visible outline.
	seen := 0
	for range 8 {
		tab.Do(t, browsertest.PressTab())
		f, _ = chromedp.Run(tab.Ctx, browsertest.ActiveElement())
		if f.Tag == "body" {
			break
		}
		if f.Outline == "none" || f.Outline == "" {
			t.Errorf("focused %s %q has no visible outline", f.Tag, f.Text)
		}
		seen++
	}
	if seen < 4 {
		t.Errorf("Tab reached only %d controls on the account page", seen)
	}
}

// browserReflowAt320CSSPixels: at 320 CSS pixels wide (WCAG 1.4.10, a
// 1280px screen zoomed to 400%) no page scrolls sideways.
func browserReflowAt320CSSPixels(t *testing.T, srv *httptest.Server, b *browsertest.Browser) {
	tab := b.NewTab(t)
	tab.Do(t, chromedp.EmulateViewport(320, 640))
	for _, name := range []string{"home-flashes", "signin", "dev-signin", "account-flashes", "delete", "error"} {
		tab.Do(t, chromedp.Navigate(srv.URL+"/"+name))
		over, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if over > 0 {
			t.Errorf("%s: content is %dpx wider than a 320px viewport", name, over)
		}
	}
}

// browserScriptEnhancements: app.js adds Dismiss buttons to flashes and moves
// focus to a form's error summary; the pages work without it (the other
// tests check the markup).
func browserScriptEnhancements(t *testing.T, srv *httptest.Server, b *browsertest.Browser) {
	tab := b.NewTab(t)

	tab.Do(t, chromedp.Navigate(srv.URL+"/dev-signin"), chromedp.WaitReady(`[data-error-summary]`))
	f, err := chromedp.Run(tab.Ctx, browsertest.ActiveElement())
	if err != nil {
		t.Fatal(err)
	}
	if f.TestID != "form-errors" {
		t.Errorf("with form errors, focus starts on %v, want the error summary", f)
	}
	// Following the summary's link puts focus in the field. (Clicked: a
	// synthetic Enter also types a newline into the field it lands on.)
	tab.TabUntil(t, "the error summary link", 2, func(f browsertest.Focused) bool { return f.Href == "#dev-email" })
	tab.Do(t, chromedp.Click(`[data-error-summary] a[href="#dev-email"]`))
	if f, _ := chromedp.Run(tab.Ctx, browsertest.ActiveElement()); f.ID != "dev-email" {
		t.Errorf("after the summary link, focus is on %v, want the email field", f)
	}

	tab.Do(t, chromedp.Navigate(srv.URL+"/home-flashes"), chromedp.WaitVisible(`.flash__dismiss`))
	count := func() int {
		n, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[int](`document.querySelectorAll("[data-flash]").length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 3 {
		t.Fatalf("%d flashes before dismissing, want 3", n)
	}
	tab.TabUntil(t, "a Dismiss button", 10, func(f browsertest.Focused) bool { return f.Text == "Dismiss" })
	tab.Do(t, browsertest.PressEnter())
	if n := count(); n != 2 {
		t.Errorf("%d flashes after dismissing one, want 2", n)
	}
	if f, _ := chromedp.Run(tab.Ctx, browsertest.ActiveElement()); f.Text != "Dismiss" {
		t.Errorf("after dismissing, focus is on %v, want the next message's Dismiss button", f)
	}
	if errs := tab.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// browserPrintShowsContentOnly: printed, a page keeps its content and drops
// navigation, buttons and forms, in black on white even in the dark scheme.
func browserPrintShowsContentOnly(t *testing.T, srv *httptest.Server, b *browsertest.Browser) {
	tab := b.NewTab(t)
	tab.Do(t, browsertest.EmulateColorScheme(browsertest.Dark), chromedp.Navigate(srv.URL+"/account-flashes"))
	visible := func(sel string) bool {
		v, err := chromedp.Run(tab.Ctx, browsertest.IsVisible(sel))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, sel := range []string{".site-nav", "main form", "[data-flash]"} {
		if !visible(sel) {
			t.Fatalf("%s hidden on screen", sel)
		}
	}
	tab.Do(t, browsertest.EmulatePrint())
	for _, sel := range []string{".site-nav", "main form", "[data-flash]", "[data-testid=delete-account]"} {
		if visible(sel) {
			t.Errorf("%s is printed", sel)
		}
	}
	if !visible("h1") || !visible(`[data-testid="logins"]`) {
		t.Error("the page's content is not printed")
	}
	colours, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[[]string](`[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]`))
	if err != nil {
		t.Fatal(err)
	}
	if colours[0] != "rgb(0, 0, 0)" || colours[1] != "rgb(255, 255, 255)" {
		t.Errorf("printed text %s on %s, want black on white", colours[0], colours[1])
	}
}
