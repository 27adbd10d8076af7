package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/internal/paths"
)

// TestBrowser drives the real server (MustStart: real router, database
// file and embedded development sign-in) with real headless Chromium. The
// browser is shared; each check has its own server and private tabs.
func TestBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.Shared(t)
	t.Run("DevSignInByKeyboard", func(t *testing.T) { t.Parallel(); browserDevSignInByKeyboard(t, b) })
	t.Run("PagesAreAccessible", func(t *testing.T) { t.Parallel(); browserPagesAreAccessible(t, b) })
}

// browserDevSignInByKeyboard signs in with the development sign-in
// using only the keyboard, sees the backpack and the account, and signs out.
func browserDevSignInByKeyboard(t *testing.T, b *browsertest.Browser) {
	e := MustStart(t)
	tab := b.NewTab(t)

	tab.Do(t, chromedp.Navigate(e.ts.URL+paths.Home))
	tab.TabUntil(t, "the Sign in link", 5, browsertest.ByTestID("nav-signin"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="dev-signin-link"]`))

	tab.TabUntil(t, "the development sign-in link", 10, browsertest.ByTestID("dev-signin-link"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`#dev-name`))

	tab.TabUntil(t, "the name field", 10, browsertest.ByID("dev-name"))
	tab.Do(t, browsertest.Type("Ada Lovelace"))
	tab.TabUntil(t, "the email field", 1, browsertest.ByID("dev-email"))
	tab.Do(t, browsertest.Type("ada@example.org"))
	tab.TabUntil(t, "the Sign in button", 1, browsertest.ByTestID("dev-submit"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="dashboard-name"]`))

	if got := text(t, tab, `[data-testid="nav-user"]`); got != "Ada Lovelace" {
		t.Errorf("signed in as %q, want Ada Lovelace", got)
	}
	if got := text(t, tab, `[data-testid="emails"]`); !strings.Contains(got, "ada@example.org") {
		t.Errorf("dashboard lists emails %q", got)
	}
	if got := text(t, tab, `[data-flash][role="status"]`); !strings.Contains(got, "Welcome") {
		t.Errorf("no welcome status message; got %q", got)
	}

	tab.TabUntil(t, "the Account link", 10, browsertest.ByTestID("nav-account"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="account-name"]`))
	if got := text(t, tab, `[data-testid="account-name"]`); got != "Ada Lovelace" {
		t.Errorf("account page names %q", got)
	}
	if got := text(t, tab, `[data-testid="logins"]`); !strings.Contains(got, "ada@example.org") {
		t.Errorf("account page lists sign-ins %q; want the development sign-in's email", got)
	}

	// The Sign out button in the page (the header has one too, earlier).
	tab.TabUntil(t, "the Sign out button", 30, browsertest.ByTestID("signout"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="nav-signin"]`))
	if got := text(t, tab, `[data-flash]`); !strings.Contains(got, "signed out") {
		t.Errorf("after signing out the page says %q", got)
	}
	if errs := tab.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// browserPagesAreAccessible runs axe-core (WCAG 2.2 A and AA) on every
// page of the foundation, as a visitor and signed in, in the light and the
// dark colour scheme: each page is loaded once and audited in both, the
// scheme switched in place. It signs in through the form, in the browser.
func browserPagesAreAccessible(t *testing.T, b *browsertest.Browser) {
	e := MustStart(t)
	background := map[string]string{browsertest.Light: "rgb(255, 255, 255)", browsertest.Dark: "rgb(20, 23, 28)"}

	tab := b.NewTab(t)
	audit := func(what string) {
		t.Helper()
		for _, scheme := range browsertest.ColorSchemes {
			tab.Do(t, browsertest.EmulateColorScheme(scheme))
			bg, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
			if err != nil {
				t.Fatal(err)
			}
			if bg != background[scheme] {
				t.Errorf("%s: body background %s, want the %s theme's %s", what, bg, scheme, background[scheme])
			}
		}
		auditEachScheme(t, tab, what, nil)
	}
	visit := func(path, waitFor string) {
		t.Helper()
		tab.Do(t, chromedp.Navigate(e.ts.URL+path), chromedp.WaitVisible(waitFor))
		audit(path)
	}

	visit(paths.Home, `[data-testid="home-signin"]`)
	visit(paths.SignIn, `[data-testid="dev-signin-link"]`)
	visit(paths.DevSignIn, `#dev-name`)
	// The form sent empty comes back with an error by each field.
	tab.Do(t, chromedp.Click(`[data-testid="dev-submit"]`), chromedp.WaitVisible(`#dev-email-error`))
	audit("/auth/dev with errors")
	visit("/no-such-page", `[data-testid="error-title"]`)
	// A provider that refused: the sign-in page with an alert.
	visit(paths.AuthCallback("oidc")+"?error=access_denied", `[data-testid="signin-error"]`)

	tab.Do(t,
		chromedp.Navigate(e.ts.URL+paths.DevSignIn),
		chromedp.SendKeys(`#dev-name`, "Grace Hopper"),
		chromedp.SendKeys(`#dev-email`, "grace@example.org"),
		chromedp.Click(`[data-testid="dev-submit"]`),
		chromedp.WaitVisible(`[data-testid="dashboard-name"]`),
	)
	audit("dashboard with a welcome message")
	visit(paths.Home, `[data-testid="empty-backpack"]`)
	visit(paths.Account, `[data-testid="account-name"]`)
	visit(paths.DeleteAccount, `[data-testid="delete-form"]`)
	tab.Do(t, chromedp.Click(`[data-testid="nav-signout"]`), chromedp.WaitVisible(`[data-testid="nav-signin"]`))
	audit("home after signing out, with its message")

	// Loading a page that answers 404, 400 or 422 is logged as a
	// failed resource; anything else (a CSP block, a missing
	// stylesheet, a script error) is a fault.
	for _, msg := range tab.ConsoleErrors() {
		if strings.Contains(msg, "status of 404") && strings.Contains(msg, "/no-such-page") ||
			strings.Contains(msg, "status of 400") && strings.Contains(msg, paths.AuthCallback("oidc")) ||
			strings.Contains(msg, "status of 422") && strings.Contains(msg, paths.DevSignIn) {
			continue
		}
		t.Errorf("console error: %s", msg)
	}
}

func text(t *testing.T, tab *browsertest.Tab, sel string) string {
	t.Helper()
	s, err := chromedp.Run(tab.Ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}
