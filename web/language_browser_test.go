package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/paths"
)

// TestBrowserLanguages checks in real Chromium, with every catalogued
// language offered as a test may, that the language menu works by
// keyboard alone with scripts off, and that pages in Arabic (right to
// left) and Spanish pass axe in both colour schemes.
func TestBrowserLanguages(t *testing.T) {
	t.Parallel()
	b := browsertest.Shared(t)
	t.Run("MenuByKeyboardWithoutScripts", func(t *testing.T) { t.Parallel(); browserLanguageMenuByKeyboard(t, b) })
	t.Run("AccessibleInArabicAndSpanish", func(t *testing.T) { t.Parallel(); browserLanguagesAccessible(t, b) })
	t.Run("ArabicScreenshots", func(t *testing.T) { t.Parallel(); browserArabicScreenshots(t, b) })
}

// browserArabicScreenshots keeps pictures of the backpack and the public
// profile in Arabic, at a phone's width and a desktop's, in the test's
// artifact directory (go test -artifacts): what a reviewer looks at to see
// the right-to-left layout. It checks what a picture cannot be trusted to
// show: the page is right to left and nothing overflows the width.
func browserArabicScreenshots(t *testing.T, b *browsertest.Browser) {
	f := newPublicFixture(t, allLanguages)
	tab := b.NewTab(t)
	signInAs(t, f.e, tab, "Ada Lovelace", "ada@example.org")
	arabic := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCookies, network.SetCookiesParams{Cookies: []*network.CookieParam{
			{Name: "satchel_lang", Value: "ar", URL: f.e.ts.URL + "/", HTTPOnly: true, SameSite: network.CookieSameSiteLax}}})
		return err
	})
	tab.Do(t, arabic, browsertest.EmulateColorScheme(browsertest.Light))
	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"phone", 390, 844, true}, {"desktop", 1280, 900, false}} {
		tab.Do(t, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
				Width: size.width, Height: size.height, DeviceScaleFactor: 1, Mobile: size.mobile})
			return err
		}))
		for _, pg := range []struct{ name, path, waitFor string }{
			{"backpack", paths.Backpack, `[data-testid="badge-tile"]`},
			{"profile", paths.PublicProfile("ada"), `[data-testid="public-avatar"], h1`},
		} {
			tab.Do(t, chromedp.Navigate(f.abs(pg.path)), chromedp.WaitVisible(pg.waitFor))
			if got := htmlLangDir(t, tab); got != "ar rtl" {
				t.Errorf("%s: <html> %q, want ar rtl", pg.name, got)
			}
			if over, _ := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`)); over {
				t.Errorf("%s at %s width: the page is wider than the screen", pg.name, size.name)
			}
			png, err := chromedp.Run(tab.Ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatalf("screenshot of %s: %v", pg.name, err)
			}
			if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "ar-"+pg.name+"-"+size.name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func disableScripts() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
}

func htmlLangDir(t *testing.T, tab *browsertest.Tab) string {
	t.Helper()
	s, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`document.documentElement.lang + " " + document.documentElement.dir`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func browserLanguageMenuByKeyboard(t *testing.T, b *browsertest.Browser) {
	e := MustStart(t, allLanguages)
	tab := b.NewTab(t)
	tab.Do(t, disableScripts(), chromedp.Navigate(e.ts.URL+paths.Verify), chromedp.WaitVisible(`[data-testid="language-menu"]`))

	// Tab to the menu, pick Français by typing its first letter, Tab to
	// the button and press Enter.
	tab.TabUntil(t, "the language menu", 15, browsertest.ByID("language-menu-select"))
	tab.Do(t, browsertest.Type("F"))
	tab.TabUntil(t, "the language menu's button", 1, browsertest.ByTestID("language-menu-submit"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`html[lang="fr"]`))
	if got := htmlLangDir(t, tab); got != "fr ltr" {
		t.Errorf("after choosing Français: %q", got)
	}
	if path, _ := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`location.pathname`)); path != paths.Verify {
		t.Errorf("after choosing, the page is %s, want %s again", path, paths.Verify)
	}

	// From Français, the next language down is العربية: the page turns
	// right to left, and the focus ring shows on the menu.
	f := tab.TabUntil(t, "the language menu", 15, browsertest.ByID("language-menu-select"))
	if f.Outline == "none" {
		t.Error("the language menu shows no focus outline")
	}
	tab.Do(t, chromedp.KeyEvent(kb.ArrowDown))
	tab.TabUntil(t, "the language menu's button", 1, browsertest.ByTestID("language-menu-submit"))
	tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`html[lang="ar"]`))
	if got := htmlLangDir(t, tab); got != "ar rtl" {
		t.Errorf("after choosing العربية: %q", got)
	}
	// Right to left, the brand sits at the right edge and the menu to its
	// left.
	pos, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`(() => {
		const brand = document.querySelector(".brand").getBoundingClientRect();
		const menu = document.querySelector("[data-testid=language-menu]").getBoundingClientRect();
		return (brand.left > innerWidth / 2 ? "brand-right" : "brand-left") + " " + (menu.left < brand.left ? "menu-left" : "menu-right");
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if pos != "brand-right menu-left" {
		t.Errorf("Arabic header layout: %s, want the brand on the right", pos)
	}
	// The notices' thick edge (border-inline-start) is on the right.
	edges, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`(() => {
		const s = getComputedStyle(document.querySelector("[data-testid=dev-banner]"));
		return s.borderLeftWidth + " " + s.borderRightWidth;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if edges != "1px 6px" {
		t.Errorf("Arabic notice borders (left right): %s, want the thick one on the right", edges)
	}
}

func browserLanguagesAccessible(t *testing.T, b *browsertest.Browser) {
	f := newPublicFixture(t, allLanguages)
	pages := everyPage(f)
	for _, lang := range []string{"ar", "es"} {
		// Every page, each in both colour schemes from one page load: a
		// visitor's pages in one tab, Ada's in another, side by side.
		for _, asAda := range []bool{false, true} {
			name := lang + "/visitor"
			if asAda {
				name = lang + "/signed-in"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				tab := b.NewTab(t)
				tab.Do(t, chromedp.Navigate(f.abs(paths.Home)),
					chromedp.WaitVisible(`#language-menu-select`),
					chromedp.SetValue(`#language-menu-select`, lang),
					chromedp.Click(`[data-testid="language-menu-submit"]`),
					chromedp.WaitVisible(`html[lang="`+lang+`"]`))
				if asAda {
					signInByForm(t, tab, f, lang)
				}
				for _, pg := range pages {
					if pg.asAda != asAda {
						continue
					}
					tab.Do(t, browsertest.EmulateColorScheme(browsertest.ColorSchemes[0]),
						chromedp.Navigate(f.abs(pg.path)), chromedp.WaitVisible(pg.waitFor))
					if got := htmlLangDir(t, tab); !strings.HasPrefix(got, lang+" ") {
						t.Errorf("%s: <html> %q, want %s", pg.name, got, lang)
					}
					auditEachScheme(t, tab, pg.name+" in "+lang, nil)
				}
			})
		}
	}
}

// signInByForm signs the tab in as Ada through the development sign-in
// form, and checks that app.js's button on the welcome message speaks the
// page's language and that its name for screen readers is in it too.
func signInByForm(t *testing.T, tab *browsertest.Tab, f *publicFixture, lang string) {
	t.Helper()
	tab.Do(t,
		chromedp.Navigate(f.abs(paths.DevSignIn)),
		chromedp.SendKeys(`#dev-name`, "Ada Lovelace"),
		chromedp.SendKeys(`#dev-email`, "ada@example.org"),
		chromedp.Click(`[data-testid="dev-submit"]`),
		chromedp.WaitVisible(`[data-testid="dashboard-name"]`),
		chromedp.WaitVisible(`.flash__dismiss`),
	)
	if got, want := text(t, tab, `.flash__dismiss`), i18n.T(in(t, lang), "shell.dismiss"); got != want {
		t.Errorf("Dismiss button %q, want %q", got, want)
	}
	label, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`document.querySelector(".flash__dismiss").getAttribute("aria-label")`))
	if err != nil || label != i18n.T(in(t, lang), "shell.dismiss_label") {
		t.Errorf("Dismiss button's name %q (%v)", label, err)
	}
}
