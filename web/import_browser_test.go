package web_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/internal/paths"
)

// TestImportBrowser imports sample badges in real Chromium: with the
// script, the files go one at a time and each outcome shows in the live
// region as it comes; the page passes axe-core in both colour schemes
// before and after.
func TestImportBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.Shared(t)
	samples, err := filepath.Abs(filepath.Join("..", "static", "samples"))
	if err != nil {
		t.Fatal(err)
	}
	for _, scheme := range browsertest.ColorSchemes {
		t.Run(scheme, func(t *testing.T) {
			t.Parallel()
			e := MustStart(t)
			tab := b.NewTab(t)
			tab.Do(t, browsertest.EmulateColorScheme(scheme))
			signInAs(t, e, tab, "Learner", sampleLearner)
			tab.Do(t,
				chromedp.Navigate(e.ts.URL+paths.Import),
				chromedp.WaitVisible(`#import-files`),
			)
			tab.AssertAccessible(t, "/import, "+scheme)
			if hint, _ := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`document.querySelector("#import-files-hint").textContent`)); !strings.Contains(hint, "drop files") {
				t.Errorf("with the script the hint should offer dropping files: %q", hint)
			}

			// The live region is there before anything is sent, so that
			// screen readers watch it.
			live, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`document.querySelector("[data-import-progress]").getAttribute("aria-live")`))
			if err != nil || live != "polite" {
				t.Fatalf("progress region aria-live %q (%v)", live, err)
			}

			files := []string{
				filepath.Join(samples, "web-accessibility-fundamentals.png"),
				filepath.Join(samples, "first-aid-at-work-expired.png"),
				filepath.Join(samples, "data-analysis-with-python.json"),
			}
			if scheme == browsertest.Light {
				tab.Do(t, chromedp.SetUploadFiles(`#import-files`, files))
			} else {
				// Dropped on the file field's area instead of chosen.
				n, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[int](`(async () => {
					const dt = new DataTransfer();
					for (const name of ["web-accessibility-fundamentals.png", "first-aid-at-work-expired.png", "data-analysis-with-python.json"]) {
						const body = await (await fetch("/static/samples/" + name)).blob();
						dt.items.add(new File([body], name));
					}
					const zone = document.querySelector("[data-import-drop]");
					zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
					const over = zone.classList.contains("import-drop--over");
					zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
					return over ? document.querySelector("#import-files").files.length : -1;
				})()`, chromedp.EvalAwaitPromise))
				if err != nil || n != 3 {
					t.Fatalf("dropped files: %d (-1: no drop highlight) %v", n, err)
				}
			}
			tab.Do(t,
				chromedp.SendKeys(`#import-pasted`, "not a badge at all"),
				chromedp.Click(`[data-testid="import-submit"]`),
			)
			// Each outcome arrives in the progress region, then the count says it is done.
			deadline := time.Now().Add(60 * time.Second)
			var count string
			for time.Now().Before(deadline) {
				count, _ = chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`(document.querySelector('[data-testid="import-count"]') || {}).textContent || ""`))
				if strings.HasPrefix(count, "Finished") {
					break
				}
				time.Sleep(25 * time.Millisecond)
			}
			if count != "Finished: 3 of 4 imported." {
				t.Fatalf("progress says %q", count)
			}
			results, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-import-progress] [data-testid="import-outcome"]')).map(li => li.dataset.result + "/" + (li.dataset.status || "") + "/" + li.querySelector(".import-outcome__source").textContent)`))
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				"imported/valid/web-accessibility-fundamentals.png",
				"imported/expired/first-aid-at-work-expired.png",
				"imported/valid/data-analysis-with-python.json",
				"refused//The pasted badge data",
			}
			if strings.Join(results, "\n") != strings.Join(want, "\n") {
				t.Errorf("outcomes:\n%s\nwant:\n%s", strings.Join(results, "\n"), strings.Join(want, "\n"))
			}
			// The page stayed where it was: the script sent the items, not the form.
			if url, _ := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`location.pathname`)); url != paths.Import {
				t.Errorf("page moved to %s", url)
			}
			// The refused text stays for correction; the files are cleared.
			pasted, _ := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`document.querySelector("#import-pasted").value`))
			if pasted != "not a badge at all" {
				t.Errorf("pasted text now %q", pasted)
			}
			tab.AssertAccessible(t, "/import with results, "+scheme)
			if n, _ := e.db.CountBadges(t.Context(), userIDByEmail(t, e, sampleLearner)); n != 3 {
				t.Errorf("%d badges stored, want 3", n)
			}
			if errs := tab.ConsoleErrors(); len(errs) != 0 {
				t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
			}
		})
	}
}
