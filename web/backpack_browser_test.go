package web_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/internal/paths"
)

// TestBackpackBrowser drives the backpack in real Chromium: a learner signs
// in with the development sign-in, imports a baked sample badge through the
// import page and finds its tile; pointing at the tile, or moving to it
// with Tab, shows its criteria, and Escape hides them; the badge page shows
// the verification report. axe-core audits every page on the way, empty
// and full, in the light and the dark colour scheme.
func TestBackpackBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.Shared(t)
	t.Run("TilesRevealDetails", func(t *testing.T) { t.Parallel(); browserTilesRevealDetails(t, b) })
	t.Run("PagesAreAccessible", func(t *testing.T) { t.Parallel(); browserBackpackAccessible(t, b) })
}

const backpackLearner = "learner@example.org"

func sampleFile(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "static", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// signIn signs the tab in as the sample learner.
func signIn(t *testing.T, e *env, tab *browsertest.Tab) {
	t.Helper()
	signInAs(t, e, tab, "Learner", backpackLearner)
}

// signInAs signs the tab in with the development sign-in, sent by an HTTP
// client whose session cookie the tab then takes: no page loads or key
// presses in the browser, which is where the browser tests spend their
// time. The next page the tab loads is signed in. The sign-in form itself
// is driven in Chromium by TestBrowser, by keyboard and by filling it in.
// It returns the client, signed in as the same person.
func signInAs(t *testing.T, e *env, tab *browsertest.Tab, name, email string) *browser {
	t.Helper()
	br := e.browser()
	br.devSignIn(name, email)
	var cookies []*network.CookieParam
	for _, c := range br.c.Jar.Cookies(mustURL(e.ts.URL)) {
		cookies = append(cookies, &network.CookieParam{Name: c.Name, Value: c.Value, URL: e.ts.URL + "/",
			HTTPOnly: true, SameSite: network.CookieSameSiteLax})
	}
	if len(cookies) == 0 {
		t.Fatal("the development sign-in set no cookie")
	}
	tab.Do(t, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCookies, network.SetCookiesParams{Cookies: cookies})
		return err
	}))
	return br
}

// auditEachScheme runs axe-core on the page in the tab in the light and
// then the dark colour scheme, switched in place: the stylesheet's themes
// differ only in colours, so one page load serves both audits, and the dark
// one runs the colour rules (browsertest.AssertAccessibleInEachScheme).
// media emulates the scheme (with anything else the tab emulates); nil
// means browsertest.EmulateColorScheme. The tab is left in the dark scheme.
func auditEachScheme(t *testing.T, tab *browsertest.Tab, what string, media func(scheme string) chromedp.Action[chromedp.Void]) {
	t.Helper()
	tab.AssertAccessibleInEachScheme(t, what, media)
}

// uploadSamples imports the named sample files with the import page that
// the tab shows, and waits until each is in.
func uploadSamples(t *testing.T, tab *browsertest.Tab, files ...string) {
	t.Helper()
	var uploads []string
	for _, f := range files {
		uploads = append(uploads, sampleFile(t, f))
	}
	tab.Do(t,
		chromedp.WaitVisible(`#import-files`),
		chromedp.SetUploadFiles(`#import-files`, uploads),
		chromedp.Click(`[data-testid="import-submit"]`),
	)
	waitFor(t, tab, fmt.Sprintf(`document.querySelectorAll('[data-testid="import-outcome"][data-result="imported"]').length >= %d`, len(files)), 90*time.Second)
}

// waitFor polls a JavaScript condition until it holds. Each poll is one
// cheap evaluation; polling often keeps a test from idling on its parallel
// slot after the page is ready.
func waitFor(t *testing.T, tab *browsertest.Tab, cond string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](`!!(`+cond+`)`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s (%v)", limit, cond, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func visible(t *testing.T, tab *browsertest.Tab, sel string) bool {
	t.Helper()
	v, err := chromedp.Run(tab.Ctx, browsertest.IsVisible(sel))
	if err != nil {
		t.Fatalf("visibility of %s: %v", sel, err)
	}
	return v
}

// becomes reports whether the element's visibility settles on want within
// a few seconds: the browser applies hover and focus styles on its next
// frame, which a loaded machine may delay.
func becomes(t *testing.T, tab *browsertest.Tab, sel string, want bool) bool {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if visible(t, tab, sel) == want {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// emulateMedia sets the colour scheme ("" for the default) and asks for
// reduced motion. Without it, scrolling is smooth (app.css), and a pointer
// placed on an element right after scrolling it into view is left behind
// as the page glides on, so hover checks would race the animation.
func emulateMedia(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		features := []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}
		if scheme != "" {
			features = append(features, &emulation.MediaFeature{Name: "prefers-color-scheme", Value: scheme})
		}
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: features})
		return err
	})
}

// framesShown taps sel (see browsertest.Tap) and returns in how many of the frames
// drawn in the second after the finger lifts the element matching watch
// was displayed, and how many frames that was. It counts in the page, frame
// by frame, because what follows a tap in Chromium (compatibility mouse
// events, then :hover left on the tapped element) can show an element for
// a frame or two, too briefly for a test polling from outside to see.
func framesShown(t *testing.T, tab *browsertest.Tab, sel, watch string) (shown, frames int) {
	t.Helper()
	script := `(() => {
		const el = document.querySelector(` + "`" + watch + "`" + `);
		window.__framesShown = null;
		document.addEventListener("pointerup", () => {
			const start = performance.now();
			let shown = 0, frames = 0;
			const frame = () => {
				frames++;
				if (getComputedStyle(el).display !== "none") shown++;
				if (performance.now() - start < 1000 || frames < 30) {
					requestAnimationFrame(frame);
				} else {
					window.__framesShown = [shown, frames];
				}
			};
			requestAnimationFrame(frame);
		}, {once: true, capture: true});
		return true;
	})()`
	if _, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](script)); err != nil {
		t.Fatalf("watching %s: %v", watch, err)
	}
	tab.Do(t, browsertest.Tap(sel))
	waitFor(t, tab, `window.__framesShown`, 20*time.Second)
	got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[[]int](`window.__framesShown`))
	if err != nil || len(got) != 2 {
		t.Fatalf("frames showing %s: %v (%v)", watch, got, err)
	}
	return got[0], got[1]
}

// accessibleDescription is what Chromium's accessibility tree gives a
// screen reader as the description of the first element matching sel.
func accessibleDescription(t *testing.T, tab *browsertest.Tab, sel string) string {
	t.Helper()
	var desc string
	err := chromedp.Do(tab.Ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		doc, err := cdp.Call(ctx, tg, dom.GetDocument, dom.GetDocumentParams{})
		if err != nil {
			return err
		}
		node, err := cdp.Call(ctx, tg, dom.QuerySelector, dom.QuerySelectorParams{NodeID: doc.Root.NodeID, Selector: sel})
		if err != nil {
			return err
		}
		tree, err := cdp.Call(ctx, tg, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{NodeID: node.NodeID})
		if err != nil {
			return err
		}
		for _, n := range tree.Nodes {
			// The tree also holds the node's relatives; the link is the one.
			if n.Role != nil && strings.Contains(string(n.Role.Value), "link") && n.Description != nil {
				desc = strings.Trim(string(n.Description.Value), `"`)
				return nil
			}
		}
		return nil
	}))
	if err != nil {
		t.Fatalf("accessibility tree of %s: %v", sel, err)
	}
	return desc
}

func browserTilesRevealDetails(t *testing.T, b *browsertest.Browser) {
	e := MustStart(t)
	tab := b.NewTab(t)
	tab.Do(t, emulateMedia(""))
	br := signInAs(t, e, tab, "Learner", backpackLearner)
	// The import page is TestImportBrowser's subject: here the badge comes
	// in through the same form, sent by the HTTP client.
	if o := oneOutcome(t, br.importForm(nil, upload{"web-accessibility-fundamentals.png", readSample(t, "web-accessibility-fundamentals.png")})); o.result != "imported" {
		t.Fatalf("importing the sample: %+v", o)
	}

	tile := `[data-testid="badge-tile"]`
	details := tile + ` [data-testid="tile-details"]`
	tab.Do(t, chromedp.Navigate(e.ts.URL+paths.Home), chromedp.WaitVisible(tile), browsertest.MoveMouseAway())
	if got := text(t, tab, tile+` [data-testid="tile-link"]`); got != "Web Accessibility Fundamentals" {
		t.Fatalf("tile names %q", got)
	}
	if got := text(t, tab, tile+` [data-testid="tile-issuer"]`); !strings.Contains(got, "Riverside Community College") {
		t.Errorf("tile issuer %q", got)
	}
	if got := text(t, tab, tile+` [data-testid="badge-status"]`); got != "Valid" {
		t.Errorf("tile status %q", got)
	}
	alt, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="tile-image"]').alt`))
	if err != nil || alt == "" {
		t.Errorf("tile image alt %q (%v)", alt, err)
	}
	loaded, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](`(() => { const i = document.querySelector('[data-testid="tile-image"]'); return i.complete && i.naturalWidth > 0 && new URL(i.src).origin === location.origin; })()`))
	if err != nil || !loaded {
		t.Errorf("the tile's image did not load from Satchel's own origin (%v)", err)
	}

	// Hidden until asked for, but a screen reader hears it with the link.
	if visible(t, tab, details) {
		t.Fatal("details show before hover or focus")
	}
	if desc := accessibleDescription(t, tab, tile+` [data-testid="tile-link"]`); !strings.Contains(desc, "Criteria:") {
		t.Errorf("the link's accessible description is %q; want the details with the criteria", desc)
	}
	for _, msg := range tab.ConsoleErrors() {
		t.Errorf("console error: %s", msg)
	}
	criteria := func() string { return text(t, tab, tile+` [data-testid="tile-criteria"]`) }

	// The same tab goes on to the backpack page for the pointer and touch
	// steps.
	tab.Do(t, chromedp.Navigate(e.ts.URL+paths.Backpack), chromedp.WaitVisible(tile), browsertest.MoveMouseAway())

	// Hover shows the criteria; Escape hides them with the pointer still there.
	tab.Do(t, browsertest.Hover(tile))
	if !becomes(t, tab, details, true) {
		t.Fatal("hovering the tile does not show its details")
	}
	if got := criteria(); !strings.HasPrefix(got, "Criteria:") || len(got) < 30 {
		t.Errorf("criteria shown on hover: %q", got)
	}
	// The pointer can move onto the details without them vanishing.
	tab.Do(t, browsertest.Hover(details))
	if !becomes(t, tab, details, true) {
		t.Error("details vanish when the pointer moves onto them")
	}
	tab.Do(t, browsertest.PressEscape())
	if !becomes(t, tab, details, false) {
		t.Error("Escape does not hide the details shown on hover")
	}
	tab.Do(t, browsertest.MoveMouseAway())
	if !becomes(t, tab, details, false) {
		t.Error("details still show after the pointer left")
	}
	tab.Do(t, browsertest.Hover(tile))
	if !becomes(t, tab, details, true) {
		t.Error("details do not show again when the pointer comes back after Escape")
	}
	tab.Do(t, browsertest.MoveMouseAway())

	// On a touch screen, a tap on the tile (not on its link) shows the
	// details, a second tap hides them, and so does a tap outside the tile;
	// a tap on the link opens the badge.
	tab.Do(t, browsertest.EmulateTouch())
	tab.Do(t, browsertest.Tap(tile+` .tile__media`))
	waitFor(t, tab, `document.querySelector('[data-testid="badge-tile"]').classList.contains("tile--open")`, 10*time.Second)
	if !becomes(t, tab, details, true) {
		t.Error("a tap on the tile does not show its details")
	}
	if path, _ := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`location.pathname`)); path != paths.Backpack {
		t.Errorf("a tap on the tile went to %s", path)
	}
	// Hidden in every frame: the :hover Chromium leaves on the tapped tile
	// must not bring them back.
	if shown, frames := framesShown(t, tab, tile+` .tile__media`, details); shown > 0 {
		t.Errorf("after a second tap the details still showed in %d of %d frames", shown, frames)
	}
	if !becomes(t, tab, details, false) {
		t.Error("a second tap does not hide the details")
	}
	tab.Do(t, browsertest.Tap(tile+` .tile__media`))
	if !becomes(t, tab, details, true) {
		t.Error("a third tap does not show the details again")
	}
	if shown, frames := framesShown(t, tab, `h1`, details); shown > 0 {
		t.Errorf("after a tap outside the tile its details still showed in %d of %d frames", shown, frames)
	}
	if !becomes(t, tab, details, false) {
		t.Error("a tap outside the tile does not hide its details")
	}
	tab.Do(t, browsertest.Tap(tile+` [data-testid="tile-link"]`))
	waitFor(t, tab, `location.pathname.startsWith("/badges/")`, 20*time.Second)

	for _, msg := range tab.ConsoleErrors() {
		t.Errorf("console error: %s", msg)
	}

	// Keyboard: Tab to the badge's link shows the criteria; Escape hides
	// them. A fresh tab: the one before is a touch screen now.
	tab = b.NewTab(t)
	tab.Do(t, emulateMedia(""))
	signIn(t, e, tab)
	tab.Do(t, chromedp.Navigate(e.ts.URL+paths.Backpack), chromedp.WaitVisible(tile), browsertest.MoveMouseAway(), browsertest.FromTop())
	f := tab.TabUntil(t, "the badge's link", 40, browsertest.ByTestID("tile-link"))
	if f.Outline == "none" {
		t.Error("the focused tile link shows no focus outline")
	}
	if !becomes(t, tab, details, true) {
		t.Fatal("keyboard focus on the badge's link does not show its details")
	}
	if got := criteria(); !strings.HasPrefix(got, "Criteria:") {
		t.Errorf("criteria shown on focus: %q", got)
	}
	tab.Do(t, browsertest.PressEscape())
	if !becomes(t, tab, details, false) {
		t.Error("Escape does not hide the details shown on focus")
	}
	if f, _ := chromedp.Run(tab.Ctx, browsertest.ActiveElement()); f.TestID != "tile-link" {
		t.Errorf("Escape moved focus to %s", f)
	}
	tab.Do(t, browsertest.PressShiftTab(), browsertest.PressTab())
	if !becomes(t, tab, details, true) {
		t.Error("details do not show again when focus comes back")
	}

	// Enter opens the badge page, which shows the report.
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="badge-name"]`))
	if got := text(t, tab, `[data-testid="badge-name"]`); got != "Web Accessibility Fundamentals" {
		t.Errorf("badge page names %q", got)
	}
	n, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="badge-verification"] [data-testid="report-check"]').length`))
	if err != nil || n < 3 {
		t.Errorf("the report lists %d checks (%v)", n, err)
	}
	// Each check's result is written out, not shown by colour alone, with
	// its sentence.
	checks, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-testid="badge-verification"] [data-testid="report-check"]')).map(li => li.dataset.check + "/" + li.dataset.status + "/" + li.querySelector(".report-check__status").textContent.trim() + "/" + li.querySelector(".report-check__message").textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	passedInWords := false
	for _, c := range checks {
		parts := strings.SplitN(c, "/", 4)
		if len(parts) != 4 || parts[2] == "" || parts[3] == "" {
			t.Errorf("check %q lacks its status in words or its sentence", c)
		}
		if parts[1] == "passed" && parts[2] == "Passed" && (parts[0] == "proof" || parts[0] == "signature") {
			passedInWords = true
		}
	}
	if !passedInWords {
		t.Errorf("no passed signature check written out as such among %q", checks)
	}
	if got := text(t, tab, `[data-testid="badge-checked-at"]`); !strings.HasPrefix(got, "Last checked") {
		t.Errorf("checked at %q", got)
	}
	if got := text(t, tab, `[data-testid="badge-criteria"]`); got == "" {
		t.Error("no criteria on the badge page")
	}

	// Check again, by keyboard.
	tab.TabUntil(t, "the Check again button", 80, browsertest.ByTestID("check-again"))
	tab.Do(t, browsertest.PressEnter())
	waitFor(t, tab, `document.querySelector('[data-flash]') && document.querySelector('[data-flash]').textContent.includes("Checked again")`, 60*time.Second)

	for _, msg := range tab.ConsoleErrors() {
		t.Errorf("console error: %s", msg)
	}
}

// browserBackpackAccessible audits every backpack page, empty and full,
// in the light and the dark colour scheme: one page load each, the scheme
// switched in place for the second audit.
func browserBackpackAccessible(t *testing.T, b *browsertest.Browser) {
	e := MustStart(t)
	tab := b.NewTab(t)
	tab.Do(t, emulateMedia(browsertest.Light))
	audit := func(what string) {
		t.Helper()
		auditEachScheme(t, tab, what, emulateMedia)
	}
	visit := func(path, waitFor string) {
		t.Helper()
		tab.Do(t, chromedp.Navigate(e.ts.URL+path), chromedp.WaitVisible(waitFor))
		audit(path)
	}
	signIn(t, e, tab)
	visit(paths.Home, `[data-testid="empty-backpack"]`)
	// The identities page, when it is there.
	tab.Do(t, chromedp.Navigate(e.ts.URL+paths.Emails))
	if ok, _ := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](`document.querySelector("main h1") !== null && !document.querySelector('[data-testid="error-title"]')`)); ok {
		audit("/account/emails")
	}
	visit(paths.Import, `#import-files`)
	uploadSamples(t, tab, "web-accessibility-fundamentals.png", "first-aid-at-work-expired.png")
	audit("/import with outcomes")
	visit(paths.Backpack, `[data-testid="badge-tile"]`)
	// With a tile's details showing, as a mouse user sees them.
	tab.Do(t, browsertest.Hover(`[data-testid="badge-tile"]`))
	audit("/backpack with details shown")
	tab.Do(t, browsertest.MoveMouseAway())
	visit(paths.Backpack+"?q=nothing-matches-this", `[data-testid="no-results"]`)
	visit(paths.Backpack+"?status=expired&sort=name", `[data-testid="badge-tile"]`)

	href, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="tile-link"]').getAttribute("href")`))
	if err != nil || !strings.HasPrefix(href, "/badges/") {
		t.Fatalf("tile link %q (%v)", href, err)
	}
	visit(href, `[data-testid="badge-verification"]`)
	// Every technical detail unfolded.
	if _, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](`document.querySelectorAll("details").forEach(d => d.open = true), true`)); err != nil {
		t.Fatal(err)
	}
	audit(href + " with details open")
	visit(href+"/delete", `[data-testid="badge-delete-form"]`)

	for _, msg := range tab.ConsoleErrors() {
		t.Errorf("console error: %s", msg)
	}
}
