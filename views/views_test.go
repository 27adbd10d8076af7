package views_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/static"
	"github.com/satchel-backpack/satchel/views"
)

const (
	testNonce = "n0nce-abc"
	testToken = "csrf-token-xyz"
)

func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	ctx := views.WithCSRF(views.WithNonce(context.Background(), testNonce), testToken)
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

var (
	visitor = views.Shell{Title: "Welcome"}
	member  = views.Shell{Title: "Account", User: &views.ShellUser{Name: "Ada Lovelace"}}
)

func linkedAt() time.Time { return time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC) }

// allPages is every page with representative data, for the checks that hold
// on every page.
func allPages() map[string]templ.Component {
	return map[string]templ.Component{
		"home":        views.HomePage(visitor),
		"signin":      views.SignInPage(visitor, views.SignIn{Providers: []views.Provider{{ID: "github", Label: "GitHub"}}, Dev: true, Error: "That sign-in expired."}),
		"dev-signin":  views.DevSignInPage(visitor, views.DevForm{Name: "A", Email: "bad", Errors: map[string]string{"email": "Enter an email address like name@example.com."}}),
		"account":     views.AccountPage(member, sampleAccount()),
		"delete":      views.DeleteAccountPage(member),
		"error":       views.ErrorPage(visitor, views.ErrorView{Status: 404, Title: "Page not found", Message: "There is nothing at this address."}),
		"error-inner": views.ErrorPage(member, views.ErrorView{Status: 500, Title: "Something went wrong", Message: "Please try again."}),
	}
}

func sampleAccount() views.Account {
	return views.Account{
		Name: "Ada Lovelace",
		Logins: []views.Login{
			{Provider: "github", Label: "GitHub", Email: "ada@example.com", EmailVerified: true, LinkedAt: linkedAt(), CanUnlink: true},
			{Provider: "google", Label: "Google", Email: "ada@gmail.example", EmailVerified: false, LinkedAt: linkedAt(), CanUnlink: true},
		},
		LinkProviders: []views.Provider{{ID: "gitlab", Label: "GitLab"}},
	}
}

func TestPages_HaveLandmarksAndSkipLink(t *testing.T) {
	t.Parallel()
	for name, page := range allPages() {
		t.Run(name, func(t *testing.T) {
			doc := render(t, page)
			if lang, _ := doc.Find("html").Attr("lang"); lang != "en" {
				t.Errorf("html lang = %q, want en", lang)
			}
			for _, sel := range []string{"header", "nav[aria-label]", "main#main", "footer"} {
				if n := doc.Find(sel).Length(); n != 1 {
					t.Errorf("%s: found %d, want 1", sel, n)
				}
			}
			if doc.Find("header nav").Length() != 1 {
				t.Error("navigation is not inside the header")
			}
			// The skip link is the first thing in the body and points at main.
			first := doc.Find("body a, body button, body input").First()
			if href, _ := first.Attr("href"); href != "#main" || !first.HasClass("skip-link") {
				t.Errorf("first focusable element is %q (href %q), want the skip link to #main", goquery.NodeName(first), href)
			}
			if n := doc.Find("h1").Length(); n != 1 {
				t.Errorf("found %d h1, want 1", n)
			}
			if !strings.HasSuffix(doc.Find("title").Text(), "· Satchel") {
				t.Errorf("title %q does not name Satchel", doc.Find("title").Text())
			}
		})
	}
}

func TestPages_HeadingsDoNotSkipLevels(t *testing.T) {
	t.Parallel()
	for name, page := range allPages() {
		t.Run(name, func(t *testing.T) {
			prev := 0
			render(t, page).Find("h1, h2, h3, h4, h5, h6").Each(func(_ int, h *goquery.Selection) {
				level := int(goquery.NodeName(h)[1] - '0')
				if prev == 0 && level != 1 {
					t.Errorf("first heading is h%d %q, want h1", level, h.Text())
				}
				if prev != 0 && level > prev+1 {
					t.Errorf("h%d %q follows h%d", level, h.Text(), prev)
				}
				prev = level
			})
		})
	}
}

func TestPages_EveryPostFormCarriesTheCSRFToken(t *testing.T) {
	t.Parallel()
	total := 0
	for name, page := range allPages() {
		t.Run(name, func(t *testing.T) {
			render(t, page).Find("form").Each(func(_ int, f *goquery.Selection) {
				method, _ := f.Attr("method")
				action, _ := f.Attr("action")
				if !strings.EqualFold(method, "post") {
					t.Errorf("form to %q uses method %q; every form here changes state and must POST", action, method)
				}
				total++
				tok := f.Find(`input[type="hidden"][name="_csrf"]`)
				if v, _ := tok.Attr("value"); tok.Length() != 1 || v != testToken {
					t.Errorf("form to %q: CSRF field %d times with value %q, want once with %q", action, tok.Length(), v, testToken)
				}
			})
		})
	}
	if total < 8 {
		t.Fatalf("only %d forms found across the pages; the test is not looking where the forms are", total)
	}
}

func TestPages_EveryControlHasALabel(t *testing.T) {
	t.Parallel()
	for name, page := range allPages() {
		t.Run(name, func(t *testing.T) {
			doc := render(t, page)
			doc.Find(`input:not([type="hidden"]), select, textarea`).Each(func(_ int, in *goquery.Selection) {
				id, _ := in.Attr("id")
				if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
					t.Errorf("%s %q has no label tied to it by for=id", goquery.NodeName(in), id)
				}
			})
			doc.Find("button, a").Each(func(_ int, b *goquery.Selection) {
				name := strings.TrimSpace(b.Text())
				if name == "" {
					name, _ = b.Attr("aria-label")
				}
				if name == "" {
					t.Errorf("%s with no accessible text: %s", goquery.NodeName(b), b.AttrOr("href", b.AttrOr("data-testid", "?")))
				}
			})
		})
	}
}

func TestPages_IDsAreUnique(t *testing.T) {
	t.Parallel()
	for name, page := range allPages() {
		t.Run(name, func(t *testing.T) {
			seen := map[string]bool{}
			render(t, page).Find("[id]").Each(func(_ int, s *goquery.Selection) {
				id, _ := s.Attr("id")
				if seen[id] {
					t.Errorf("id %q used twice", id)
				}
				seen[id] = true
			})
		})
	}
}

func TestLayout_LinksHashedAssetsAndNoncesTheScript(t *testing.T) {
	t.Parallel()
	doc := render(t, views.HomePage(visitor))
	if href, _ := doc.Find(`link[rel="stylesheet"]`).Attr("href"); href != static.Path("css/app.css") {
		t.Errorf("stylesheet href %q, want %q", href, static.Path("css/app.css"))
	}
	script := doc.Find("script")
	if script.Length() != 1 {
		t.Fatalf("found %d scripts, want 1", script.Length())
	}
	if src, _ := script.Attr("src"); src != static.Path("js/app.js") {
		t.Errorf("script src %q", src)
	}
	if n, _ := script.Attr("nonce"); n != testNonce {
		t.Errorf("script nonce %q, want %q", n, testNonce)
	}
	if doc.Find("[style], [onclick], [onload], [onsubmit]").Length() != 0 {
		t.Error("inline style or event handler found; the CSP forbids them")
	}
}

func TestLayout_FlashRoles(t *testing.T) {
	t.Parallel()
	s := visitor
	s.Flashes = []views.Flash{
		{Kind: views.FlashSuccess, Message: "Saved."},
		{Kind: views.FlashError, Message: "Could not save."},
		{Kind: views.FlashInfo, Message: "Heads up."},
	}
	doc := render(t, views.HomePage(s))
	want := map[string]string{"Saved.": "status", "Could not save.": "alert", "Heads up.": "status"}
	got := map[string]string{}
	doc.Find("[data-flash]").Each(func(_ int, f *goquery.Selection) {
		got[strings.TrimSpace(f.Text())] = f.AttrOr("role", "")
	})
	for msg, role := range want {
		if got[msg] != role {
			t.Errorf("flash %q has role %q, want %q", msg, got[msg], role)
		}
	}
	if doc.Find("main [data-flash]").Length() != 3 {
		t.Error("flashes are not inside main")
	}
}

func TestLayout_NoFlashesNoContainer(t *testing.T) {
	t.Parallel()
	doc := render(t, views.HomePage(visitor))
	if doc.Find("[role=alert], [role=status], [data-testid=flashes]").Length() != 0 {
		t.Error("empty live regions rendered without any message")
	}
}

func TestLayout_NavigationForVisitorsAndMembers(t *testing.T) {
	t.Parallel()
	doc := render(t, views.HomePage(visitor))
	if href, _ := doc.Find(`[data-testid="nav-signin"]`).Attr("href"); href != paths.SignIn {
		t.Errorf("visitor nav sign-in link %q", href)
	}
	if doc.Find(`[data-testid="nav-signout"]`).Length() != 0 {
		t.Error("visitor sees a sign-out button")
	}

	doc = render(t, views.AccountPage(member, sampleAccount()))
	if got := doc.Find(`[data-testid="nav-user"]`).Text(); got != "Ada Lovelace" {
		t.Errorf("nav user %q", got)
	}
	if cur, _ := doc.Find(`nav [aria-current="page"]`).Attr("href"); cur != paths.Account {
		t.Errorf("current nav entry %q, want /account", cur)
	}
	form := doc.Find(`header form:has([data-testid="nav-signout"])`)
	if action, _ := form.Attr("action"); action != paths.SignOut {
		t.Errorf("header sign-out form posts to %q", action)
	}
}

func TestLayout_DevLoginBanner(t *testing.T) {
	t.Parallel()
	if render(t, views.HomePage(visitor)).Find(`[data-testid="dev-banner"]`).Length() != 0 {
		t.Error("development banner shown with DevLogin off")
	}
	s := visitor
	s.DevLogin = true
	if got := render(t, views.HomePage(s)).Find(`[data-testid="dev-banner"]`).Text(); !strings.Contains(got, "Not for production") {
		t.Errorf("development banner %q does not warn", got)
	}
}

func TestLayout_EscapesUserText(t *testing.T) {
	t.Parallel()
	s := member
	s.User = &views.ShellUser{Name: `<script>alert(1)</script>`}
	s.Flashes = []views.Flash{{Kind: views.FlashInfo, Message: `<img src=x onerror=alert(1)>`}}
	doc := render(t, views.HomePage(s))
	if doc.Find("script").Length() != 1 || doc.Find("img[onerror], b").Length() != 0 {
		t.Fatal("user-supplied text was rendered as HTML")
	}
	if got := doc.Find(`[data-testid="nav-user"]`).Text(); got != `<script>alert(1)</script>` {
		t.Errorf("name shown as %q", got)
	}
}

func TestHomePage_ExplainsAndOffersSignIn(t *testing.T) {
	t.Parallel()
	doc := render(t, views.HomePage(visitor))
	if !strings.Contains(doc.Find("main").Text(), "Open Badges") {
		t.Error("home page does not say what Satchel is")
	}
	if href, _ := doc.Find(`main [data-testid="home-signin"]`).Attr("href"); href != paths.SignIn {
		t.Errorf("home sign-in link %q", href)
	}
}

func TestSignInPage_AButtonPerProvider(t *testing.T) {
	t.Parallel()
	doc := render(t, views.SignInPage(visitor, views.SignIn{Providers: []views.Provider{
		{ID: "github", Label: "GitHub"}, {ID: "oidc", Label: "My School"},
	}}))
	links := doc.Find(`[data-testid="providers"] a`)
	if links.Length() != 2 {
		t.Fatalf("found %d provider buttons, want 2", links.Length())
	}
	for i, want := range []struct{ href, text string }{{paths.AuthStart("github"), "Sign in with GitHub"}, {paths.AuthStart("oidc"), "Sign in with My School"}} {
		l := links.Eq(i)
		if href, _ := l.Attr("href"); href != want.href || strings.TrimSpace(l.Text()) != want.text {
			t.Errorf("provider %d: %q → %q, want %q → %q", i, l.Text(), href, want.text, want.href)
		}
	}
	if doc.Find(`[data-testid="dev-signin"]`).Length() != 0 {
		t.Error("development sign-in offered when Dev is false")
	}
	if doc.Find(`[role="alert"]`).Length() != 0 {
		t.Error("error shown without an error")
	}
}

func TestSignInPage_DevelopmentSignInIsLabelled(t *testing.T) {
	t.Parallel()
	doc := render(t, views.SignInPage(visitor, views.SignIn{Dev: true, Error: "The sign-in was cancelled."}))
	dev := doc.Find(`[data-testid="dev-signin"]`)
	if !strings.Contains(dev.Find("h2").Text(), "not for production") {
		t.Errorf("development sign-in heading %q does not say it is not for production", dev.Find("h2").Text())
	}
	if href, _ := dev.Find(`a[data-testid="dev-signin-link"]`).Attr("href"); href != paths.DevSignIn {
		t.Errorf("development sign-in link %q", href)
	}
	if got := doc.Find(`[role="alert"]`).Text(); !strings.Contains(got, "The sign-in was cancelled.") {
		t.Errorf("error %q not shown as an alert", got)
	}
	if doc.Find(`[data-testid="no-providers"]`).Length() != 0 {
		t.Error("'no sign-in method' shown although the development sign-in is offered")
	}
}

func TestSignInPage_NothingConfigured(t *testing.T) {
	t.Parallel()
	doc := render(t, views.SignInPage(visitor, views.SignIn{}))
	if doc.Find(`[data-testid="no-providers"]`).Length() != 1 {
		t.Error("no explanation when no sign-in method exists")
	}
}

func TestDevSignInPage_KeepsInputAndShowsErrorsByTheirFields(t *testing.T) {
	t.Parallel()
	doc := render(t, views.DevSignInPage(visitor, views.DevForm{
		Name: "Ada", Email: "ada-at-example",
		Errors: map[string]string{"email": "Enter an email address like name@example.com."},
	}))
	form := doc.Find("form")
	if action, _ := form.Attr("action"); action != paths.DevSignIn {
		t.Errorf("form posts to %q", action)
	}
	name := form.Find(`input[name="name"]`)
	email := form.Find(`input[name="email"]`)
	if v, _ := name.Attr("value"); v != "Ada" {
		t.Errorf("name kept as %q", v)
	}
	if v, _ := email.Attr("value"); v != "ada-at-example" {
		t.Errorf("email kept as %q", v)
	}
	if _, bad := name.Attr("aria-invalid"); bad {
		t.Error("valid name field marked invalid")
	}
	if v, _ := email.Attr("aria-invalid"); v != "true" {
		t.Error("invalid email field not marked aria-invalid")
	}
	var described []string
	for _, id := range strings.Fields(email.AttrOr("aria-describedby", "")) {
		described = append(described, doc.Find("#"+id).Text())
	}
	if !strings.Contains(strings.Join(described, " "), "Enter an email address like name@example.com.") {
		t.Errorf("email error is not tied to the field; it describes it as %q", described)
	}
	summary := doc.Find(`[data-testid="form-errors"][role="alert"]`)
	if summary.Length() != 1 {
		t.Fatal("no error summary alert")
	}
	links := summary.Find("a")
	if links.Length() != 1 || links.AttrOr("href", "") != "#dev-email" || !strings.Contains(links.Text(), "Enter an email address") {
		t.Errorf("error summary should link its one error to #dev-email; links: %d, href %q", links.Length(), links.AttrOr("href", ""))
	}
	if email.AttrOr("type", "") != "email" || email.AttrOr("autocomplete", "") != "email" {
		t.Error("email field lacks type=email or autocomplete=email")
	}
}

func TestDevSignInPage_CleanFormHasNoErrors(t *testing.T) {
	t.Parallel()
	doc := render(t, views.DevSignInPage(visitor, views.DevForm{}))
	if doc.Find(`[aria-invalid], [role="alert"], .field__error`).Length() != 0 {
		t.Error("a fresh form shows errors")
	}
}

func TestAccountPage_LinkedSignInsAndActions(t *testing.T) {
	t.Parallel()
	a := sampleAccount()
	doc := render(t, views.AccountPage(member, a))

	for _, l := range a.Logins {
		li := doc.Find(`[data-testid="login-` + l.Provider + `"]`)
		if !strings.Contains(li.Text(), l.Email) || !strings.Contains(li.Find("h3").Text(), l.Label) {
			t.Errorf("login %s: %q", l.Provider, li.Text())
		}
		if dt, _ := li.Find("time").Attr("datetime"); dt != "2026-03-04T10:00:00Z" {
			t.Errorf("login %s linked at %q", l.Provider, dt)
		}
		form := li.Find("form")
		if action, _ := form.Attr("action"); action != paths.Unlink(l.Provider) {
			t.Errorf("login %s unlink form posts to %q", l.Provider, action)
		}
		if got := strings.Join(strings.Fields(form.Find("button").Text()), " "); got != "Unlink "+l.Label {
			t.Errorf("unlink button reads %q; it must name the provider", got)
		}
	}
	if !strings.Contains(doc.Find(`[data-testid="login-github"]`).Text(), "verified") ||
		!strings.Contains(doc.Find(`[data-testid="login-google"]`).Text(), "not verified") {
		t.Error("email verification state not shown")
	}
	if href, _ := doc.Find(`[data-testid="link-gitlab"]`).Attr("href"); href != paths.AuthStart("gitlab") {
		t.Errorf("link GitLab goes to %q", href)
	}
	for testid, action := range map[string]string{"signout": paths.SignOut, "signout-everywhere": paths.SignOutEverywhere} {
		form := doc.Find(`main form:has([data-testid="` + testid + `"])`)
		if got, _ := form.Attr("action"); got != action {
			t.Errorf("%s posts to %q, want %q", testid, got, action)
		}
	}
	if href, _ := doc.Find(`[data-testid="delete-account"]`).Attr("href"); href != paths.DeleteAccount {
		t.Errorf("delete link %q", href)
	}
}

func TestAccountPage_LastSignInCannotBeUnlinked(t *testing.T) {
	t.Parallel()
	doc := render(t, views.AccountPage(member, views.Account{
		Name:   "Ada",
		Logins: []views.Login{{Provider: "github", Label: "GitHub", Email: "ada@example.com", CanUnlink: false}},
	}))
	li := doc.Find(`[data-testid="login-github"]`)
	if li.Find("form").Length() != 0 {
		t.Error("an unlink button is offered for the only sign-in")
	}
	if !strings.Contains(li.Text(), "only sign-in") {
		t.Errorf("no explanation why it cannot be unlinked: %q", li.Text())
	}
	if doc.Find(`[data-testid="link-providers"]`).Length() != 0 {
		t.Error("link list rendered with nothing to link")
	}
}

func TestAccountPage_ProviderIDsAreEscapedInURLs(t *testing.T) {
	t.Parallel()
	doc := render(t, views.AccountPage(member, views.Account{
		Logins:        []views.Login{{Provider: "a/../b", Label: "X", CanUnlink: true}},
		LinkProviders: []views.Provider{{ID: "c d", Label: "Y"}},
	}))
	if action, _ := doc.Find(`[data-testid="logins"] form`).Attr("action"); action != "/account/logins/a%2F..%2Fb/unlink" {
		t.Errorf("unlink action %q", action)
	}
	if href, _ := doc.Find(`[data-testid="link-providers"] a`).Attr("href"); href != "/auth/c%20d" {
		t.Errorf("link href %q", href)
	}
}

func TestDeleteAccountPage_RequiresConfirmation(t *testing.T) {
	t.Parallel()
	doc := render(t, views.DeleteAccountPage(member))
	form := doc.Find(`form[data-testid="delete-form"]`)
	if action, _ := form.Attr("action"); action != paths.DeleteAccount {
		t.Errorf("delete form posts to %q", action)
	}
	box := form.Find(`input[type="checkbox"][name="confirm"]`)
	if _, req := box.Attr("required"); !req || box.AttrOr("value", "") != "delete" {
		t.Error("confirmation checkbox is missing, not required, or has the wrong value")
	}
	if !strings.Contains(doc.Find("main").Text(), "every badge in your backpack") {
		t.Error("page does not explain what is removed")
	}
	if href, _ := doc.Find(`[data-testid="delete-cancel"]`).Attr("href"); href != paths.Account {
		t.Errorf("cancel goes to %q", href)
	}
}

func TestErrorPage_ShowsTitleMessageAndStatus(t *testing.T) {
	t.Parallel()
	doc := render(t, views.ErrorPage(visitor, views.ErrorView{Status: 404, Title: "Page not found", Message: "Check the address."}))
	if doc.Find("h1").Text() != "Page not found" || doc.Find(`[data-testid="error-message"]`).Text() != "Check the address." {
		t.Error("title or message missing")
	}
	if !strings.Contains(doc.Find("main").Text(), "404") {
		t.Error("status code not shown")
	}
}

func TestContext_RoundTrips(t *testing.T) {
	t.Parallel()
	ctx := views.WithCSRF(views.WithNonce(context.Background(), "n"), "t")
	if views.Nonce(ctx) != "n" || views.CSRF(ctx) != "t" {
		t.Fatalf("got nonce %q, csrf %q", views.Nonce(ctx), views.CSRF(ctx))
	}
	if views.Nonce(context.Background()) != "" || views.CSRF(context.Background()) != "" {
		t.Fatal("empty context should give empty values")
	}
	if templ.GetNonce(ctx) != "n" {
		t.Fatal("nonce is not templ's own, so templ-written scripts would lack it")
	}
}
