package web_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/internal/paths"
)

// TestVerifierBrowser checks the public verifier in real Chromium: used
// with the keyboard only, and axe-core (WCAG 2.2 A and AA) on the empty
// form, the form with errors, and valid and invalid reports with their
// technical detail open, in both colour schemes.
func TestVerifierBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.Shared(t)
	t.Run("VerifyByKeyboard", func(t *testing.T) { t.Parallel(); browserVerifyByKeyboard(t, b) })
	t.Run("VerifierIsAccessible", func(t *testing.T) { t.Parallel(); browserVerifierIsAccessible(t, b) })
	t.Run("DropAFile", func(t *testing.T) { t.Parallel(); browserVerifyDropAFile(t, b) })
}

// dropJS drops a file (fetched from this site, or size bytes of zeros when
// url is empty) onto the verifier's form, as dragging it there does.
const dropJS = `(async (url, name, size) => {
	const body = url ? await (await fetch(url)).blob() : new Blob([new Uint8Array(size)]);
	const dt = new DataTransfer();
	dt.items.add(new File([body], name));
	const form = document.querySelector('[data-testid="verify-form"]');
	form.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt}));
	const over = form.classList.contains('verify-form--over');
	form.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
	return over && document.querySelector('#verify-file').files.length === 1;
})`

// browserVerifyDropAFile drops a badge file onto the form (verifier.js):
// the file input takes it, a status message names it, and Verify checks
// it; a file that is too large is called out before it is sent.
func browserVerifyDropAFile(t *testing.T, b *browsertest.Browser) {
	e := MustStart(t)
	tab := b.NewTab(t)
	tab.Do(t, chromedp.Navigate(e.ts.URL+paths.Verify), chromedp.WaitVisible(`[data-testid="verify-form"]`))
	if got := text(t, tab, `#verify-file-hint`); !strings.Contains(got, "drop the file onto this form") {
		t.Errorf("the hint does not mention dropping: %q", got)
	}
	drop := func(url, name string, size int) {
		t.Helper()
		ok, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](fmt.Sprintf("%s(%q, %q, %d)", dropJS, url, name, size), chromedp.EvalAwaitPromise))
		if err != nil || !ok {
			t.Fatalf("dropping %s: highlighted and taken = %v, %v", name, ok, err)
		}
	}
	drop("", "huge.png", 6<<20)
	if got := text(t, tab, `[data-testid="verify-drop-status"]`); !strings.Contains(got, "huge.png is 6.0 MB, larger than the 5.0 MB") {
		t.Errorf("status after dropping a large file: %q", got)
	}
	drop("/static/samples/data-analysis-with-python.json", "data-analysis-with-python.json", 0)
	if got := text(t, tab, `[data-testid="verify-drop-status"]`); got != "Chosen: data-analysis-with-python.json. Press Verify to check it." {
		t.Errorf("status after dropping a badge: %q", got)
	}
	tab.AssertAccessible(t, "/verify with a dropped file")
	tab.Do(t, chromedp.Click(`[data-testid="verify-submit"]`), chromedp.WaitVisible(`[data-testid="report"]`))
	if got := text(t, tab, `[data-testid="report-name"]`); got != "Introduction to Data Analysis with Python" {
		t.Errorf("report for the dropped file names %q", got)
	}
	if errs := tab.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

func samplePath(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "static", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// browserVerifyByKeyboard reaches the verifier from the navigation, gives a
// badge file and an email address and runs the check with the keyboard;
// then opens a check's technical detail with the keyboard.
func browserVerifyByKeyboard(t *testing.T, b *browsertest.Browser) {
	e := MustStart(t)
	tab := b.NewTab(t)
	tab.Do(t, chromedp.Navigate(e.ts.URL+paths.Home))
	tab.TabUntil(t, "the Verify a badge link", 6, browsertest.ByTestID("nav-verify"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="verify-form"]`))

	// Choosing a file opens the system's file dialog, which a test cannot
	// drive; the file is set on the input the keyboard reaches.
	tab.TabUntil(t, "the badge file field", 20, browsertest.ByID("verify-file"))
	tab.Do(t, chromedp.SetUploadFiles(`#verify-file`, []string{samplePath(t, "web-accessibility-fundamentals.png")}))
	tab.TabUntil(t, "the recipient email field", 5, browsertest.ByID("verify-email"))
	tab.Do(t, browsertest.Type(sampleRecipient))
	tab.TabUntil(t, "the Verify button", 2, browsertest.ByTestID("verify-submit"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="report"]`))

	if got := text(t, tab, `[data-testid="report-verdict"]`); !strings.HasPrefix(got, "Valid") {
		t.Errorf("verdict %q", got)
	}
	if got := text(t, tab, `[data-testid="report-recipient-match"]`); got != "Matches "+sampleRecipient+"." {
		t.Errorf("recipient %q", got)
	}
	// The first check's technical detail opens from the keyboard.
	tab.Do(t, chromedp.Navigate(e.ts.URL+paths.Verify))
	tab.Do(t, chromedp.SetUploadFiles(`#verify-file`, []string{samplePath(t, "collaborative-problem-solving.svg")}),
		chromedp.Click(`[data-testid="verify-submit"]`), chromedp.WaitVisible(`[data-testid="report"]`))
	tab.TabUntil(t, "a check's Technical detail", 40, func(f browsertest.Focused) bool {
		return f.Tag == "summary"
	})
	tab.Do(t, browsertest.PressEnter())
	open, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](`document.activeElement.parentElement.open`))
	if err != nil || !open {
		t.Errorf("Enter on Technical detail did not open it (%v)", err)
	}
	if errs := tab.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// browserVerifierIsAccessible audits the verifier in each of its states,
// each audited in the light and the dark colour scheme, switched in place.
func browserVerifierIsAccessible(t *testing.T, b *browsertest.Browser) {
	e := MustStart(t)
	orig := mustSample(t, "data-analysis-with-python.json")
	tampered := strings.Replace(string(orig), "Introduction to Data Analysis", "Mastery of Data Analysis", 1)
	tab := b.NewTab(t)
	openAllDetails := chromedp.Evaluate[bool](`(() => { document.querySelectorAll('details').forEach(d => d.open = true); return true })()`)

	tab.Do(t, chromedp.Navigate(e.ts.URL+paths.Verify), chromedp.WaitVisible(`[data-testid="verify-form"]`))
	auditEachScheme(t, tab, "/verify", nil)

	// Sent empty: the form with its error summary and field message.
	tab.Do(t, chromedp.Click(`[data-testid="verify-submit"]`), chromedp.WaitVisible(`#verify-file-error`))
	auditEachScheme(t, tab, "/verify with an error", nil)

	// A valid badge with an email that matches, detail open.
	tab.Do(t,
		chromedp.SetUploadFiles(`#verify-file`, []string{samplePath(t, "web-accessibility-fundamentals.png")}),
		chromedp.SendKeys(`#verify-email`, sampleRecipient),
		chromedp.Click(`[data-testid="verify-submit"]`),
		chromedp.WaitVisible(`[data-testid="report"][data-verdict="valid"]`))
	if _, err := chromedp.Run(tab.Ctx, openAllDetails); err != nil {
		t.Fatal(err)
	}
	auditEachScheme(t, tab, "/verify with a valid report", nil)

	// A tampered badge pasted as text, with an email that does not match.
	tab.Do(t,
		chromedp.Navigate(e.ts.URL+paths.Verify),
		chromedp.WaitVisible(`#verify-text`),
		chromedp.SetValue(`#verify-text`, tampered),
		chromedp.SendKeys(`#verify-email`, "someone@example.org"),
		chromedp.Click(`[data-testid="verify-submit"]`),
		chromedp.WaitVisible(`[data-testid="report"][data-verdict="invalid"]`))
	if _, err := chromedp.Run(tab.Ctx, openAllDetails); err != nil {
		t.Fatal(err)
	}
	auditEachScheme(t, tab, "/verify with an invalid report", nil)

	// An expired badge (failed expiry, others passed) and one with a
	// check not run.
	tab.Do(t,
		chromedp.Navigate(e.ts.URL+paths.Verify),
		chromedp.SetUploadFiles(`#verify-file`, []string{samplePath(t, "first-aid-at-work-expired.png")}),
		chromedp.Click(`[data-testid="verify-submit"]`),
		chromedp.WaitVisible(`[data-testid="report"][data-verdict="invalid"]`))
	auditEachScheme(t, tab, "/verify with an expired badge", nil)

	// Loading a page that answers 422 is logged as a failed
	// resource; anything else is a fault.
	for _, msg := range tab.ConsoleErrors() {
		if strings.Contains(msg, "status of 422") {
			continue
		}
		t.Errorf("console error: %s", msg)
	}
}
