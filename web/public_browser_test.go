package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/satchel-backpack/satchel/internal/avatar"
	"github.com/satchel-backpack/satchel/internal/browsertest"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

// TestPublicBrowser opens a learner's published profile in real Chromium
// as a visitor (a fresh browser context: no cookies), reveals a badge's
// criteria by keyboard focus and by hover, opens the public badge page and
// runs "Verify now" with the keyboard only; then audits the profile,
// collection, badge and profile-form pages with axe-core (WCAG 2.2 A and
// AA) in the light and the dark colour scheme.
func TestPublicBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.Shared(t)
	f := newPublicFixture(t)
	base := f.e.ts.URL

	t.Run("VisitorByKeyboardAndHover", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Do(t, chromedp.Navigate(base+paths.PublicProfile("ada")), chromedp.WaitVisible(`[data-testid="public-name"]`))
		if got := text(t, tab, `[data-testid="public-name"]`); got != "Ada Lovelace" {
			t.Fatalf("profile of %q", got)
		}
		details := `#tile-` + f.pub.PublicID + `-details`
		other := `#tile-` + f.revoked.PublicID + `-details`
		visible := func(sel string) bool {
			t.Helper()
			v, err := chromedp.Run(tab.Ctx, browsertest.IsVisible(sel))
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		tab.Do(t, browsertest.MoveMouseAway(), browsertest.FromTop())
		if visible(details) {
			t.Error("criteria shown before focus or hover")
		}

		// Keyboard: Tab to the badge's link; its details show.
		focused := tab.TabUntil(t, "the Analytical Engines tile", 30, func(fc browsertest.Focused) bool {
			return fc.TestID == "tile-link" && fc.Text == "Analytical Engines"
		})
		if focused.Outline == "none" {
			t.Error("the focused tile link has no visible outline")
		}
		if !visible(details) {
			t.Error("focus does not reveal the criteria")
		}
		if got := text(t, tab, details+` [data-testid="tile-criteria"]`); !strings.Contains(got, "program") {
			t.Errorf("criteria text %q", got)
		}

		// Hover: the other tile's details show under the pointer.
		tab.Do(t, browsertest.Hover(`[data-badge="`+f.revoked.PublicID+`"]`))
		if !visible(other) {
			t.Error("hover does not reveal the criteria")
		}
		tab.Do(t, browsertest.MoveMouseAway())

		// Enter on the focused link opens the public badge page.
		tab.Do(t, chromedp.Focus(`[data-badge="`+f.pub.PublicID+`"] [data-testid="tile-link"]`),
			browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="badge-name"]`))
		if got := text(t, tab, `[data-testid="badge-recipient"]`); got != "Ada Lovelace" {
			t.Errorf("recipient %q", got)
		}
		tab.TabUntil(t, "the Verify now button", 60, browsertest.ByTestID("verify-now"))
		tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="verified-now"]`))
		if got := text(t, tab, `[data-testid="badge-verification"]`); !strings.Contains(got, "Matched when imported") || strings.Contains(got, "@") {
			t.Errorf("live report: %q", got)
		}
		if errs := tab.ConsoleErrors(); len(errs) != 0 {
			t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
		}
	})

	t.Run("Print", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Do(t, browsertest.EmulatePrint(), chromedp.Navigate(base+paths.PublicProfile("ada")), chromedp.WaitReady(`[data-testid="public-name"]`))
		got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[[]string](`(() => {
			const link = document.querySelector('[data-testid="tile-link"]');
			return [
				getComputedStyle(document.querySelector('.site-nav')).display,
				getComputedStyle(link, '::after').content,
				getComputedStyle(document.querySelector('.tile__details')).display,
				getComputedStyle(document.body).backgroundColor,
			];
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if got[0] != "none" {
			t.Errorf("navigation printed (display %s)", got[0])
		}
		if !strings.Contains(got[1], base+"/u/ada/badges/") {
			t.Errorf("a badge link prints without its address: %s", got[1])
		}
		if got[2] != "none" {
			t.Errorf("tile pop-up details printed (display %s)", got[2])
		}
		if got[3] != "rgb(255, 255, 255)" {
			t.Errorf("printed background %s", got[3])
		}
	})

	t.Run("Accessible", func(t *testing.T) {
		// Ada shows her sign-in provider's picture: on her public page and
		// as a choice on her profile form. (The development sign-in gives
		// none, so signing in with it forgets the picture: it is given again
		// after each.)
		ctx := context.Background()
		im := image.NewRGBA(image.Rect(0, 0, 64, 64))
		draw.Draw(im, im.Bounds(), image.NewUniform(color.RGBA{40, 90, 160, 255}), image.Point{}, draw.Src)
		var raw bytes.Buffer
		if err := png.Encode(&raw, im); err != nil {
			t.Fatal(err)
		}
		pic, err := avatar.Normalize(raw.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		givePicture := func(t *testing.T) {
			t.Helper()
			if err := f.e.db.SetLoginPicture(ctx, f.adaID, "dev", pic, avatar.Side); err != nil {
				t.Fatal(err)
			}
			if _, err := f.e.db.SaveProfile(ctx, f.adaID, store.ProfileInput{Handle: "ada", DisplayName: "Ada Lovelace",
				Avatar: store.AvatarProvider, AvatarFrom: "dev"}); err != nil {
				t.Fatal(err)
			}
		}
		// Each page is loaded once and audited in the light and the dark
		// colour scheme, switched in place.
		tab := b.NewTab(t)
		visit := func(path, waitFor string) {
			t.Helper()
			tab.Do(t, chromedp.Navigate(base+path), chromedp.WaitVisible(waitFor))
			auditEachScheme(t, tab, path, nil)
		}
		givePicture(t)
		visit(paths.PublicProfile("ada"), `[data-testid="public-avatar"]`)
		visit(paths.PublicCollection("ada", f.publicColl.Slug), `[data-testid="collection-name"]`)
		visit(paths.UnlistedCollection(f.unlisted.UnlistedToken), `[data-testid="collection-name"]`)
		visit(paths.PublicBadge("ada", f.pub.PublicID), `[data-testid="badge-name"]`)
		visit(paths.PublicBadge("ada", f.revoked.PublicID), `[data-testid="public-status-notice"]`)
		tab.Do(t, chromedp.Click(`[data-testid="verify-now"]`), chromedp.WaitVisible(`[data-testid="verified-now"]`))
		auditEachScheme(t, tab, "badge page after Verify now", nil)

		// The owner's form, as Ada, with and without errors.
		signInAs(t, f.e, tab, "Ada Lovelace", "ada@example.org")
		givePicture(t)
		visit(paths.ProfileEdit, `[data-testid="profile-avatar"] img`)
		tab.Do(t,
			chromedp.SetValue(`#profile-handle`, "admin"),
			chromedp.Click(`[data-testid="profile-save"]`),
			chromedp.WaitVisible(`#profile-handle-error`),
		)
		auditEachScheme(t, tab, "/account/profile with errors", nil)
		for _, msg := range tab.ConsoleErrors() {
			if strings.Contains(msg, "status of 422") {
				continue // the rejected form, as intended
			}
			t.Errorf("console error: %s", msg)
		}
	})
}
