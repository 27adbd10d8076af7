package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/internal/paths"
)

// TestBrowserIdentities goes through adding and confirming an email
// address in real Chromium, by clicking what a learner would click, and
// runs axe-core (WCAG 2.2 A and AA) on each page on the way, in both
// colour schemes.
func TestBrowserIdentities(t *testing.T) {
	t.Parallel()
	b := browsertest.Shared(t)
	e, _ := startWithOutbox(t)
	tab := b.NewTab(t)
	// Each page on the way is audited in both schemes, switched in place.
	audit := func(what string) {
		t.Helper()
		auditEachScheme(t, tab, what, nil)
	}
	signInAs(t, e, tab, "Ada Lovelace", "ada@example.org")
	tab.Do(t,
		chromedp.Navigate(e.ts.URL+paths.Account),
		chromedp.Click(`[data-testid="emails-link"]`),
		chromedp.WaitVisible(`[data-testid="add-email-form"]`),
	)
	audit(paths.Emails)

	// A wrong address comes back with the error next to the field.
	tab.Do(t,
		chromedp.SendKeys(`#add-email`, "not an address"),
		chromedp.Click(`[data-testid="add-email-submit"]`),
		chromedp.WaitVisible(`#add-email-error`),
	)
	if got := text(t, tab, `#add-email-error`); !strings.Contains(got, "name@example.org") {
		t.Errorf("field error %q", got)
	}
	audit("/account/emails with an error")

	tab.Do(t,
		chromedp.SetValue(`#add-email`, "ada@school.example"),
		chromedp.Click(`[data-testid="add-email-submit"]`),
		chromedp.WaitVisible(`[data-testid="added-email"]`),
	)
	audit("/account/emails with a pending address")

	tab.Do(t,
		chromedp.Click(`[data-testid="dev-outbox-notice"] a`),
		chromedp.WaitVisible(`[data-testid="outbox-link"]`),
	)
	audit(paths.Outbox)
	tab.Do(t,
		chromedp.Click(`[data-testid="outbox-link"]`),
		chromedp.WaitVisible(`[data-testid="confirm-submit"]`),
	)
	audit("confirm page")
	tab.Do(t,
		chromedp.Click(`[data-testid="confirm-submit"]`),
		chromedp.WaitVisible(`[data-testid="added-email"][data-confirmed="true"]`),
	)
	audit("/account/emails with a confirmed address")

	tab.Do(t, chromedp.Navigate(e.ts.URL+paths.EmailConfirm+"?token=nope"), chromedp.WaitVisible(`[data-testid="confirm-problem"]`))
	audit("confirm page with an unknown link")

	for _, msg := range tab.ConsoleErrors() {
		if strings.Contains(msg, "status of 422") || strings.Contains(msg, "status of 404") && strings.Contains(msg, paths.EmailConfirm) {
			continue
		}
		t.Errorf("console error: %s", msg)
	}
}
