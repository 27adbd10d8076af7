package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/internal/paths"
)

// TestCollectionsBrowser drives the collection pages in real Chromium:
// one learner builds a collection with the keyboard alone, and axe-core
// audits every collection page in both colour schemes.
func TestCollectionsBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.Shared(t)
	t.Run("KeyboardOnly", func(t *testing.T) { t.Parallel(); browserCollectionByKeyboard(t, b) })
	t.Run("MoveWithoutJavaScript", func(t *testing.T) { t.Parallel(); browserCollectionMoveWithoutJS(t, b) })
	t.Run("DragAndDrop", func(t *testing.T) { t.Parallel(); browserCollectionDragAndDrop(t, b) })
	t.Run("PagesAreAccessible", func(t *testing.T) { t.Parallel(); browserCollectionsAccessible(t, b) })
}

func collBrowserOrder(t *testing.T, tab *browsertest.Tab) []string {
	t.Helper()
	ids, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('[data-testid="collection-item"]')).map(li => li.dataset.badge)`))
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func collActive(t *testing.T, tab *browsertest.Tab) browsertest.Focused {
	t.Helper()
	f, err := chromedp.Run(tab.Ctx, browsertest.ActiveElement())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// announced waits until the page's status message says want: after a
// form is sent, the page it left (with the previous announcement) may
// still be showing for a moment.
func announced(t *testing.T, tab *browsertest.Tab, want string) {
	t.Helper()
	q, _ := json.Marshal(want)
	waitFor(t, tab, `[...document.querySelectorAll('[data-flash][role="status"]')].some(el => el.textContent.includes(`+string(q)+`))`, 20*time.Second)
}

func browserCollectionByKeyboard(t *testing.T, b *browsertest.Browser) {
	e := MustStart(t)
	tab := b.NewTab(t)
	// Signing in by keyboard is TestBrowser's DevSignInByKeyboard.
	signInAs(t, e, tab, "Ada Lovelace", "ada@example.org")
	// Named in alphabetical order, the order the checklist shows them.
	ids := collSeed(t, e, collUserID(t, e, "ada@example.org"), "Algebra", "Biology", "Chemistry")

	// Create a collection.
	tab.Do(t, chromedp.Navigate(e.ts.URL+paths.Collections), chromedp.WaitVisible(`[data-testid="collections-empty"]`))
	tab.TabUntil(t, "the name field", 20, browsertest.ByID("collection-name"))
	tab.Do(t, browsertest.Type("Job application"))
	tab.TabUntil(t, "the description field", 1, browsertest.ByID("collection-description"))
	tab.Do(t, browsertest.Type("For the Acme data role"))
	tab.TabUntil(t, "the Create button", 1, browsertest.ByTestID("collection-create"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="collection-title"]`))
	if got := text(t, tab, `[data-testid="collection-title"]`); got != "Job application" {
		t.Fatalf("collection page title %q", got)
	}

	// Add every badge: tick each checkbox with Space, then the button.
	for i := range ids {
		tab.TabUntil(t, "a badge's checkbox", 40, browsertest.ByID("add-"+ids[i]))
		tab.Do(t, chromedp.KeyEvent(" "))
	}
	tab.TabUntil(t, "the Add button", 3, browsertest.ByTestID("checklist-submit"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="collection-badges"]`))
	if got := collBrowserOrder(t, tab); !slices.Equal(got, ids) {
		t.Fatalf("after adding: %v, want %v", got, ids)
	}

	// Move the first badge down: the page announces its new place and
	// focus comes back to its Move down button.
	tab.TabUntil(t, "Algebra's Move down button", 60, browsertest.ByID("down-"+ids[0]))
	tab.Do(t, browsertest.PressEnter())
	announced(t, tab, "‘Algebra’ is now 2nd of 3.")
	if got, want := collBrowserOrder(t, tab), []string{ids[1], ids[0], ids[2]}; !slices.Equal(got, want) {
		t.Errorf("after Move down: %v, want %v", got, want)
	}
	if f := collActive(t, tab); f.ID != "down-"+ids[0] {
		t.Errorf("focus after Move down is on %s, want #down-%s", f, ids[0])
	} else if f.Outline == "none" {
		t.Errorf("the focused button shows no focus outline")
	}

	// Move the last badge to the top, straight from where focus is.
	tab.TabUntil(t, "Chemistry's Move to top button", 20, browsertest.ByID("top-"+ids[2]))
	// The page still shows the last announcement until the next one loads.
	tab.Do(t, browsertest.PressEnter())
	announced(t, tab, "‘Chemistry’ is now 1st of 3.")
	if got, want := collBrowserOrder(t, tab), []string{ids[2], ids[1], ids[0]}; !slices.Equal(got, want) {
		t.Errorf("after Move to top: %v, want %v", got, want)
	}
	if f := collActive(t, tab); f.ID != "down-"+ids[2] {
		t.Errorf("focus after Move to top is on %s, want #down-%s (it cannot move up any more)", f, ids[2])
	}
	if got := text(t, tab, `[data-testid="collection-item"]:first-child [data-testid="collection-position"]`); got != "1st of 3" {
		t.Errorf("first position reads %q", got)
	}

	// Make it public: follow the link, pick Public with the arrow keys, save.
	tab.TabUntil(t, "the visibility link", 80, browsertest.ByTestID("collection-visibility-link"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="collection-visibility-form"]`))
	tab.TabUntil(t, "the checked radio button", 30, browsertest.ByID("visibility-private"))
	tab.Do(t, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
	if f := collActive(t, tab); f.ID != "visibility-public" {
		t.Fatalf("arrows led to %s, want the Public radio", f)
	}
	tab.TabUntil(t, "the Save button", 2, browsertest.ByTestID("visibility-save"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-flash]`))
	if got := text(t, tab, `[data-flash]`); !strings.Contains(got, "now public") {
		t.Errorf("after saving: %q", got)
	}
	checked, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](`document.getElementById("visibility-public").checked`))
	if err != nil || !checked {
		t.Errorf("Public is not checked after saving (%v)", err)
	}
	if errs := tab.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// browserCollectionsAccessible runs axe-core (WCAG 2.2 A and AA) on every
// collection page, in the light and the dark colour scheme: each page is
// loaded once and audited in both, the scheme switched in place.
func browserCollectionsAccessible(t *testing.T, b *browsertest.Browser) {
	e := MustStart(t)
	br := e.browser()
	br.devSignIn("Grace Hopper", "grace@example.org")
	uid := collUserID(t, e, "grace@example.org")
	ids := collSeed(t, e, uid, "Compilers", "Navy", "COBOL")
	empty := br.collCreate("Empty one", "")
	full := br.collCreate("Programming", "Languages and tools")
	br.submit(paths.Collection(full), paths.CollectionBadges(full), map[string][]string{"badge": ids[:2]})
	br.submit(paths.CollectionVisibility(full), paths.CollectionVisibility(full), map[string][]string{"visibility": {"unlisted"}})

	c := paths.Collection(full)
	type visit struct{ path, waitFor string }
	// Two tabs side by side, each with its share of the pages.
	groups := [][]visit{
		{{paths.Collections, `[data-testid="collections"]`}, {c, `[data-testid="collection-badges"]`},
			{paths.Collection(empty), `[data-testid="collection-badges-empty"]`}, {paths.CollectionEdit(full), `#collection-slug`},
			{paths.CollectionDelete(full), `[data-testid="delete-explain"]`}},
		{{paths.CollectionVisibility(full), `[data-testid="unlisted-link"]`}, {paths.CollectionReplaceLink(full), `[data-testid="replace-link-confirm"]`},
			{paths.CollectionAdd(full), `[data-testid="checklist"]`}, {paths.BadgeCollections(ids[0]), `[data-testid="badge-collections-form"]`}, {paths.CollectionGroups, `[data-testid="groups-issuers"]`},
			{paths.CollectionsAdd, `[data-testid="organise-form"]`}, {paths.Badge(ids[0]), `[data-testid="badge-collections-form"]`}},
	}
	for i, group := range groups {
		t.Run(fmt.Sprint("pages", i+1), func(t *testing.T) {
			t.Parallel()
			tab := b.NewTab(t)
			signInAs(t, e, tab, "Grace Hopper", "grace@example.org")
			for _, v := range group {
				tab.Do(t, chromedp.Navigate(e.ts.URL+v.path), chromedp.WaitVisible(v.waitFor))
				auditEachScheme(t, tab, v.path, nil)
				switch v.path {
				case c:
					// After a move: the announcement and the focused button.
					tab.Do(t, chromedp.Click(`[data-move-form] button`), chromedp.WaitVisible(`[data-flash][role="status"]`))
					auditEachScheme(t, tab, "after a move", nil)
				case paths.CollectionEdit(full):
					// The edit form sent back with errors.
					tab.Do(t, chromedp.SetValue(`#collection-slug`, "Not a slug!"), chromedp.Click(`[data-testid="collection-save"]`),
						chromedp.WaitVisible(`#collection-slug-error`))
					auditEachScheme(t, tab, "edit form with errors", nil)
				}
			}
			for _, msg := range tab.ConsoleErrors() {
				if !strings.Contains(msg, "422") { // the form sent back on purpose
					t.Errorf("console error: %s", msg)
				}
			}
		})
	}
}

// browserCollectionMoveWithoutJavaScript moves a badge with scripts off:
// the plain form does the move, and the fragment of the page it returns to
// puts focus on the moved badge's control.
func browserCollectionMoveWithoutJS(t *testing.T, b *browsertest.Browser) {
	e := MustStart(t)
	br := e.browser()
	br.devSignIn("Ada", "ada@example.org")
	ids := collSeed(t, e, collUserID(t, e, "ada@example.org"), "Algebra", "Biology", "Chemistry")
	id := br.collCreate("No scripts", "")
	br.submit(paths.Collection(id), paths.CollectionBadges(id), url.Values{"badge": ids})

	tab := b.NewTab(t)
	tab.Do(t, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	signInAs(t, e, tab, "Ada", "ada@example.org")
	tab.Do(t,
		chromedp.Navigate(e.ts.URL+paths.Collection(id)),
		chromedp.WaitVisible(`[data-testid="collection-badges"]`),
	)
	if on, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](`document.querySelector("[data-testid=collection-item][draggable]") !== null`)); err != nil || on {
		t.Fatalf("scripts ran (draggable items: %v, %v)", on, err)
	}
	tab.TabUntil(t, "Biology's Move up button", 60, browsertest.ByID("up-"+ids[1]))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-flash][role="status"]`))
	if got := text(t, tab, `[data-flash][role="status"]`); !strings.Contains(got, "‘Biology’ is now 1st of 3.") {
		t.Errorf("announcement %q", got)
	}
	if got, want := collBrowserOrder(t, tab), []string{ids[1], ids[0], ids[2]}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	if f := collActive(t, tab); f.ID != "down-"+ids[1] {
		t.Errorf("without scripts focus is on %s, want #down-%s", f, ids[1])
	}
}

// browserCollectionDragAndDrop drops the first badge on the third: reorder.js
// sends the same move form with the new position, and the server's answer
// announces it.
func browserCollectionDragAndDrop(t *testing.T, b *browsertest.Browser) {
	e := MustStart(t)
	br := e.browser()
	br.devSignIn("Ada", "ada@example.org")
	ids := collSeed(t, e, collUserID(t, e, "ada@example.org"), "Algebra", "Biology", "Chemistry")
	id := br.collCreate("Dragged", "")
	br.submit(paths.Collection(id), paths.CollectionBadges(id), url.Values{"badge": ids})

	tab := b.NewTab(t)
	signInAs(t, e, tab, "Ada", "ada@example.org")
	tab.Do(t,
		chromedp.Navigate(e.ts.URL+paths.Collection(id)),
		chromedp.WaitVisible(`[data-testid="collection-item"][draggable="true"]`),
	)
	// The drag events a mouse drag fires, with one DataTransfer throughout.
	_, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](`(() => {
		const items = document.querySelectorAll('[data-testid="collection-item"]');
		const dt = new DataTransfer();
		const fire = (el, type) => el.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt}));
		fire(items[0], "dragstart");
		fire(items[2], "dragover");
		fire(items[2], "drop");
		return true;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	tab.Do(t, chromedp.WaitVisible(`[data-flash][role="status"]`))
	if got := text(t, tab, `[data-flash][role="status"]`); !strings.Contains(got, "‘Algebra’ is now 3rd of 3.") {
		t.Errorf("announcement %q", got)
	}
	if got, want := collBrowserOrder(t, tab), []string{ids[1], ids[2], ids[0]}; !slices.Equal(got, want) {
		t.Errorf("order after the drop %v, want %v", got, want)
	}
	if errs := tab.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
