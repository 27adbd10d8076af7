package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/internal/paths"
)

// TestShareBrowser drives the share panel and the export page in real
// Chromium: copying the link and the embed snippet with the keyboard alone
// (the copy is announced in the status line), and axe-core (WCAG 2.2 A and
// AA) on the pages with a share panel and on the export page, in both
// colour schemes.
func TestShareBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.Shared(t)
	t.Run("KeyboardCopy", func(t *testing.T) { t.Parallel(); browserShareByKeyboard(t, b) })
	t.Run("PagesAreAccessible", func(t *testing.T) { t.Parallel(); browserSharePagesAccessible(t, b) })
}

// recordClipboard makes the page's clipboard keep what is written to it in
// window.__copied, so the test can read what the copy button copied
// without the browser's permission to read the real clipboard.
const recordClipboard = `(() => {
	window.__copied = null;
	const write = (t) => { window.__copied = t; return Promise.resolve(); };
	if (navigator.clipboard) { navigator.clipboard.writeText = write; }
	else { Object.defineProperty(navigator, "clipboard", { value: { writeText: write } }); }
	return true;
})()`

func statusSays(t *testing.T, tab *browsertest.Tab, want string) {
	t.Helper()
	waitFor(t, tab, `document.querySelector('[data-testid="share-status"]').textContent === `+jsString(want), 10*time.Second)
	role, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="share-status"]').getAttribute("role")`))
	if err != nil || role != "status" {
		t.Errorf("the announcement is in role %q (%v)", role, err)
	}
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func copied(t *testing.T, tab *browsertest.Tab) string {
	t.Helper()
	s, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`String(window.__copied)`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func browserShareByKeyboard(t *testing.T, b *browsertest.Browser) {
	f := newPublicFixture(t)
	tab := b.NewTab(t)
	page := f.abs(paths.PublicBadge("ada", f.pub.PublicID))
	tab.Do(t, chromedp.Navigate(page), chromedp.WaitVisible(`[data-testid="share-panel"]`))
	waitFor(t, tab, `!document.querySelector('[data-testid="share-link-copy"]').hidden`, 10*time.Second)
	if _, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](recordClipboard)); err != nil {
		t.Fatal(err)
	}

	// The LinkedIn button, the Mastodon field and the copy button are all
	// reached with Tab, in the panel's order.
	tab.TabUntil(t, "Add to LinkedIn profile", 80, browsertest.ByTestID("share-linkedin-add"))
	tab.TabUntil(t, "the Mastodon server field", 10, browsertest.ByID("share-mastodon-instance"))
	got := tab.TabUntil(t, "the Copy link button", 10, browsertest.ByTestID("share-link-copy"))
	if got.Outline == "none" {
		t.Error("the focused copy button shows no focus outline")
	}
	tab.Do(t, browsertest.PressEnter())
	statusSays(t, tab, "Link copied")
	if c := copied(t, tab); c != page {
		t.Errorf("copied %q, want %q", c, page)
	}

	// The Embed section opens from the keyboard and its snippets copy.
	tab.TabUntil(t, "the Embed section", 10, browsertest.ByTestID("share-embed-toggle"))
	tab.Do(t, browsertest.PressEnter())
	waitFor(t, tab, `document.querySelector('[data-testid="share-embed"]').open`, 5*time.Second)
	tab.TabUntil(t, "Copy HTML card", 10, browsertest.ByTestID("share-embed-card-copy"))
	tab.Do(t, browsertest.PressEnter())
	statusSays(t, tab, "HTML card copied")
	if c := copied(t, tab); !strings.Contains(c, `href="`+page+`"`) || !strings.HasPrefix(c, "<div") {
		t.Errorf("copied card %q", c)
	}
	tab.TabUntil(t, "Copy frame", 10, browsertest.ByTestID("share-embed-iframe-copy"))
	tab.Do(t, browsertest.PressEnter())
	statusSays(t, tab, "Frame copied")
	if c := copied(t, tab); !strings.HasPrefix(c, "<iframe") || !strings.Contains(c, paths.EmbedBadge("ada", f.pub.PublicID)) {
		t.Errorf("copied frame %q", c)
	}

	// The preview frame loads the embed (which only the embed route allows).
	waitFor(t, tab, `(() => { const f = document.querySelector('[data-testid="share-embed-preview"]');
		try { return f.contentDocument && f.contentDocument.querySelector('a[href]') !== null } catch (e) { return false } })()`, 15*time.Second)
	if errs := tab.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// browserSharePagesAccessible audits the pages with a share panel and the
// pages they frame, as a visitor, then the export pages, signed in, each loaded once and audited
// in the light and the dark colour scheme, switched in place.
func browserSharePagesAccessible(t *testing.T, b *browsertest.Browser) {
	f := newPublicFixture(t)
	openDetails := `(() => { document.querySelectorAll('details').forEach(d => d.open = true); return true })()`
	tab := b.NewTab(t)
	for _, path := range []string{paths.PublicBadge("ada", f.pub.PublicID), paths.PublicProfile("ada"), paths.PublicCollection("ada", f.publicColl.Slug)} {
		tab.Do(t, chromedp.Navigate(f.abs(path)), chromedp.WaitVisible(`[data-testid="share-panel"]`))
		if _, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](openDetails)); err != nil {
			t.Fatal(err)
		}
		auditEachScheme(t, tab, path+" with the share panel open", nil)
	}
	// The pages that share panels and other sites frame, at their own
	// addresses: an audit does not reach into frames. Their cards carry
	// fixed colours of their own, the same in either scheme.
	for _, path := range []string{paths.EmbedBadge("ada", f.pub.PublicID), paths.EmbedCollection("ada", f.publicColl.Slug), paths.EmbedSignature("ada")} {
		tab.Do(t, browsertest.EmulateColorScheme(browsertest.Light), chromedp.Navigate(f.abs(path)), chromedp.WaitVisible(`main a[href]`))
		tab.AssertAccessible(t, path+", framed")
	}
	tab.Do(t, chromedp.Navigate(f.abs(paths.MastodonShare+"?url="+f.abs(paths.PublicProfile("ada"))+"&instance=localhost")), chromedp.WaitVisible(`#instance`))
	auditEachScheme(t, tab, "Mastodon form with an error", nil)

	// The export page, signed in, and its refusal of a bad file.
	signInAs(t, f.e, tab, "Ada Lovelace", "ada@example.org")
	tab.Do(t, chromedp.Navigate(f.abs(paths.ImportArchive)), chromedp.WaitVisible(`[data-testid="import-archive-form"]`))
	auditEachScheme(t, tab, "export page", nil)
	tab.Do(t, chromedp.Navigate(f.abs(paths.DeleteAccount)), chromedp.WaitVisible(`[data-testid="delete-export-link"]`))
	auditEachScheme(t, tab, "delete page with the export offer", nil)
}
