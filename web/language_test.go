package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/text/language"

	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

// allLanguages offers every catalogued language (as the default does),
// said explicitly by tests about languages.
func allLanguages(o *webOptions) {
	o.Languages = []language.Tag{language.English, language.Spanish, language.French, language.Arabic}
}

// getIn fetches path as a browser whose Accept-Language is accept.
func (b *browser) getIn(path, accept string) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.url(path), nil)
	if accept != "" {
		req.Header.Set("Accept-Language", accept)
	}
	return b.do(req)
}

// spoken is the language a page says it is in: the Content-Language
// header, which <html lang> must repeat, with the direction of its script
// in <html dir>.
func spoken(t *testing.T, p *page) string {
	t.Helper()
	header := p.Header.Get("Content-Language")
	html := p.Doc.Find("html")
	if lang, _ := html.Attr("lang"); lang != header {
		t.Errorf("%s: <html lang=%q> but Content-Language %q", p.Request.URL.Path, lang, header)
	}
	wantDir := "ltr"
	if header == "ar" {
		wantDir = "rtl"
	}
	if dir, _ := html.Attr("dir"); dir != wantDir {
		t.Errorf("%s in %s: <html dir=%q>, want %q", p.Request.URL.Path, header, dir, wantDir)
	}
	return header
}

// chooseFromMenu sends the language menu's form from the page at from.
func (b *browser) chooseFromMenu(from, code string) *page {
	b.t.Helper()
	return b.submit(from, paths.Language, url.Values{"language": {code}, "next": {from}})
}

func TestLanguage_AccountBeatsCookieBeatsAcceptLanguage(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	b := e.browser()

	// Nothing chosen: the browser's language, English when none is offered.
	for accept, want := range map[string]string{
		"":                        "en",
		"fr-CA,fr;q=0.9,en;q=0.5": "fr",
		"es-MX":                   "es",
		"ar":                      "ar",
		"de-DE,de;q=0.9":          "en", // not offered: English
		"de,es;q=0.5":             "es",
	} {
		if got := spoken(t, b.getIn(paths.Verify, accept)); got != want {
			t.Errorf("Accept-Language %q: page in %q, want %q", accept, got, want)
		}
	}

	// The menu's choice (a cookie) beats the browser's.
	p := b.chooseFromMenu(paths.Verify, "es")
	if p.Request.URL.Path != paths.Verify {
		t.Errorf("the menu went to %s, want back to %s", p.Request.URL.Path, paths.Verify)
	}
	if ck := b.cookie("satchel_lang"); ck == nil || ck.Value != "es" {
		t.Fatalf("language cookie %v, want es", ck)
	}
	if got := spoken(t, b.getIn(paths.Verify, "fr")); got != "es" {
		t.Errorf("cookie es, Accept-Language fr: page in %q, want es", got)
	}

	// Signing in keeps the cookie's language while the account has none.
	b.devSignIn("Ada Lovelace", "ada@example.org")
	if got := spoken(t, b.getIn(paths.Account, "fr")); got != "es" {
		t.Errorf("signed in, no account language: page in %q, want es", got)
	}

	// The account's choice beats the cookie.
	uid := mustUserID(t, e, "ada@example.org")
	if err := e.db.SetUserLanguage(context.Background(), uid, "ar"); err != nil {
		t.Fatal(err)
	}
	if got := spoken(t, b.getIn(paths.Account, "fr")); got != "ar" {
		t.Errorf("account ar, cookie es: page in %q, want ar", got)
	}

	// A stored choice Satchel no longer offers falls through to the cookie.
	if err := e.db.SetUserLanguage(context.Background(), uid, "de"); err != nil {
		t.Fatal(err)
	}
	if got := spoken(t, b.getIn(paths.Account, "fr")); got != "es" {
		t.Errorf("account de (not offered), cookie es: page in %q, want es", got)
	}

	// Signed in, the menu changes the account's choice too.
	b.chooseFromMenu(paths.Account, "fr")
	if u, _ := e.db.User(context.Background(), uid); u.Language != "fr" {
		t.Errorf("after the menu, the account's language is %q, want fr", u.Language)
	}
	if got := spoken(t, b.getIn(paths.Backpack, "es")); got != "fr" {
		t.Errorf("after the menu: page in %q, want fr", got)
	}
}

func TestLanguage_UnknownChoicesChangeNothing(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	b := e.browser()
	for _, code := range []string{"de", "", "xx-invalid-!", "und"} {
		p := b.chooseFromMenu(paths.Verify, code)
		if p.StatusCode != http.StatusOK || p.Request.URL.Path != paths.Verify {
			t.Errorf("language %q: ended at %s with %d", code, p.Request.URL.Path, p.StatusCode)
		}
		if ck := b.cookie("satchel_lang"); ck != nil {
			t.Errorf("language %q set the cookie to %q", code, ck.Value)
		}
	}
	// A cookie Satchel did not set (or for a language it no longer
	// offers) is ignored.
	u, _ := url.Parse(e.ts.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "satchel_lang", Value: "de", Path: "/"}})
	if got := spoken(t, b.getIn(paths.Verify, "fr")); got != "fr" {
		t.Errorf("cookie de, Accept-Language fr: page in %q, want fr", got)
	}
	// The menu never sends anyone off the site.
	p := b.submit(paths.Verify, paths.Language, url.Values{"language": {"es"}, "next": {"//evil.example/"}})
	if p.Request.URL.Host != u.Host || p.Request.URL.Path != paths.Home {
		t.Errorf("next=//evil.example/ ended at %s", p.Request.URL)
	}
}

func TestLanguage_MenuNeedsItsCSRFToken(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	b := e.browser()
	b.get(paths.Verify)
	p := b.post(paths.Language, url.Values{"language": {"es"}, "next": {paths.Verify}})
	if p.StatusCode != http.StatusForbidden {
		t.Errorf("the menu without a token: %d, want 403", p.StatusCode)
	}
	if ck := b.cookie("satchel_lang"); ck != nil {
		t.Errorf("the menu without a token set the cookie to %q", ck.Value)
	}
}

func TestLanguage_OfferedLanguagesByDefault(t *testing.T) {
	t.Parallel()
	// With the default options Satchel offers its four complete
	// translations: a browser's language is followed, a language without a
	// catalog falls back to English, and the menu refuses one too.
	e := MustStart(t)
	b := e.browser()
	for accept, want := range map[string]string{"fr": "fr", "es-MX": "es", "ar-EG,ar;q=0.9": "ar", "de-DE,de;q=0.9": "en", "": "en"} {
		if got := spoken(t, b.getIn(paths.Verify, accept)); got != want {
			t.Errorf("Accept-Language %q: page in %q, want %s", accept, got, want)
		}
	}
	b.chooseFromMenu(paths.Verify, "de")
	if ck := b.cookie("satchel_lang"); ck != nil {
		t.Errorf("the menu set a language Satchel does not offer: %q", ck.Value)
	}
}

func TestLanguage_AccountSetting(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	b := e.browser()
	b.devSignIn("Ada Lovelace", "ada@example.org")
	uid := mustUserID(t, e, "ada@example.org")

	p := b.submit(paths.Account, paths.AccountLanguage, url.Values{"language": {"ar"}})
	if p.Request.URL.Path != paths.Account || spoken(t, p) != "ar" {
		t.Fatalf("after saving ar: %s in %q", p.Request.URL.Path, spoken(t, p))
	}
	// The confirmation is said in the language just chosen.
	if got := strings.TrimSpace(p.Doc.Find(`[data-flash="success"]`).Text()); got != "تم حفظ اللغة." {
		t.Errorf("confirmation %q, want it in Arabic", got)
	}
	if u, _ := e.db.User(context.Background(), uid); u.Language != "ar" {
		t.Errorf("account language %q, want ar", u.Language)
	}

	// Automatic: the account forgets its choice and the browser decides.
	p = b.submit(paths.Account, paths.AccountLanguage, url.Values{"language": {""}})
	if u, _ := e.db.User(context.Background(), uid); u.Language != "" {
		t.Errorf("after automatic, account language %q", u.Language)
	}
	if ck := b.cookie("satchel_lang"); ck != nil {
		t.Errorf("after automatic the cookie still says %q", ck.Value)
	}
	if got := spoken(t, b.getIn(paths.Account, "fr")); got != "fr" {
		t.Errorf("automatic with Accept-Language fr: page in %q", got)
	}

	// A language not offered is refused and changes nothing.
	p = b.submit(paths.Account, paths.AccountLanguage, url.Values{"language": {"de"}})
	if p.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("language de: %d, want 422", p.StatusCode)
	}
	if u, _ := e.db.User(context.Background(), uid); u.Language != "" {
		t.Errorf("after de, account language %q", u.Language)
	}
}

func TestLanguage_PublicPagesSpeakTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	owner := e.browser()
	owner.devSignIn("Ada Lovelace", "ada@example.org")
	uid := mustUserID(t, e, "ada@example.org")
	ctx := context.Background()
	if _, err := e.db.SaveProfile(ctx, uid, store.ProfileInput{Handle: "ada", DisplayName: "Ada Lovelace"}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetUserLanguage(ctx, uid, "ar"); err != nil {
		t.Fatal(err)
	}
	// Each visitor in their own language, one after the other, so a page
	// kept for one is not served to the next.
	visitor := e.browser()
	for _, want := range []string{"fr", "es", "en", "fr"} {
		p := visitor.getIn(paths.PublicProfile("ada"), want)
		if p.StatusCode != http.StatusOK {
			t.Fatalf("public profile: %d", p.StatusCode)
		}
		if got := spoken(t, p); got != want {
			t.Errorf("visitor asking for %s: public profile in %q", want, got)
		}
	}
	// The owner sees it in their own language too.
	if got := spoken(t, owner.getIn(paths.PublicProfile("ada"), "fr")); got != "ar" {
		t.Errorf("owner (account ar): public profile in %q, want ar", got)
	}
}

func TestLanguageMenu_OnEveryPageWhenOffered(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	b := e.browser()
	uid := int64(0)
	check := func(path, accept, current string) {
		t.Helper()
		p := b.getIn(path, accept)
		menu := p.Doc.Find(`form[data-testid="language-menu"]`)
		if menu.Length() != 1 {
			t.Fatalf("%s: %d language menus", path, menu.Length())
		}
		if m, _ := menu.Attr("method"); m != "post" {
			t.Errorf("%s: menu method %q", path, m)
		}
		if a, _ := menu.Attr("action"); a != paths.Language {
			t.Errorf("%s: menu action %q", path, a)
		}
		if tok, _ := menu.Find(`input[name="_csrf"]`).Attr("value"); tok == "" || tok != b.cookie("_csrf").Value {
			t.Errorf("%s: menu CSRF token %q is not this browser's", path, tok)
		}
		if next, _ := menu.Find(`input[name="next"]`).Attr("value"); next != path {
			t.Errorf("%s: menu comes back to %q", path, next)
		}
		sel := menu.Find("select#language-menu-select")
		if menu.Find(`label[for="language-menu-select"]`).Length() != 1 || sel.Length() != 1 {
			t.Errorf("%s: the menu's select has no label", path)
		}
		want := map[string]string{"en": "English", "es": "Español", "fr": "Français", "ar": "العربية"}
		if n := sel.Find("option").Length(); n != len(want) {
			t.Errorf("%s: %d languages in the menu", path, n)
		}
		sel.Find("option").Each(func(_ int, o *goquery.Selection) {
			v, _ := o.Attr("value")
			lang, _ := o.Attr("lang")
			if lang != v || o.Text() != want[v] {
				t.Errorf("%s: option %q lang %q says %q, want its own name %q", path, v, lang, o.Text(), want[v])
			}
			if _, sel := o.Attr("selected"); sel != (v == current) {
				t.Errorf("%s: option %s selected=%v, page in %s", path, v, sel, current)
			}
		})
		if menu.Find(`button[type="submit"]`).Length() != 1 {
			t.Errorf("%s: the menu has no button (it must work without JavaScript)", path)
		}
	}
	check(paths.Home, "fr", "fr")
	check(paths.Verify, "ar", "ar")
	check("/no-such-page", "es", "es") // the error page too
	b.devSignIn("Ada Lovelace", "ada@example.org")
	uid = mustUserID(t, e, "ada@example.org")
	if _, err := e.db.SaveProfile(context.Background(), uid, store.ProfileInput{Handle: "ada", DisplayName: "Ada Lovelace"}); err != nil {
		t.Fatal(err)
	}
	check(paths.Backpack, "es", "es")
	check(paths.Account, "", "en")
	// A public page is kept for every visitor, yet its menu carries each
	// visitor's own token and works.
	check(paths.PublicProfile("ada"), "fr", "fr")
	other := e.browser()
	pub := other.getIn(paths.PublicProfile("ada"), "fr")
	tok, _ := pub.Doc.Find(`form[data-testid="language-menu"] input[name="_csrf"]`).Attr("value")
	if tok == "" || tok != other.cookie("_csrf").Value {
		t.Fatalf("a second visitor's menu token %q is not theirs", tok)
	}
	p := other.post(paths.Language, url.Values{"_csrf": {tok}, "language": {"ar"}, "next": {paths.PublicProfile("ada")}})
	if p.StatusCode != http.StatusOK || spoken(t, p) != "ar" {
		t.Errorf("choosing ar from a public page: %d, in %q", p.StatusCode, spoken(t, p))
	}

	// The account page offers the choice kept with the account.
	acct := b.getIn(paths.Account, "")
	opts := acct.Doc.Find(`[data-testid="account-language"] select[name="language"] option`)
	if opts.Length() != 5 {
		t.Errorf("account setting: %d options, want automatic and four languages", opts.Length())
	}
	if v, _ := opts.First().Attr("value"); v != "" {
		t.Errorf("account setting: first option %q, want automatic", v)
	}
}

func TestLanguageMenu_HiddenWhileOnlyEnglishIsOffered(t *testing.T) {
	t.Parallel()
	// A deployment may offer English alone (Options.Languages).
	e := MustStart(t, func(o *webOptions) { o.Languages = []language.Tag{language.English} })
	b := e.browser()
	for _, path := range []string{paths.Home, paths.Verify, "/no-such-page"} {
		p := b.getIn(path, "ar")
		if n := p.Doc.Find(`[data-testid="language-menu"]`).Length(); n != 0 {
			t.Errorf("%s: a language menu with one language", path)
		}
		if got := spoken(t, p); got != "en" {
			t.Errorf("%s: in %q", path, got)
		}
	}
	b.devSignIn("Ada Lovelace", "ada@example.org")
	if n := b.get(paths.Account).Doc.Find(`[data-testid="account-language"]`).Length(); n != 0 {
		t.Error("the account page offers a choice of one language")
	}
}

// in is a context speaking code, for the words a page in it must show.
func in(t *testing.T, code string) context.Context {
	t.Helper()
	l, ok := i18n.Find(language.MustParse(code))
	if !ok {
		t.Fatalf("no catalog for %s", code)
	}
	return i18n.WithLanguage(context.Background(), l)
}

// shellIDs are the messages of the frame around every page, the first
// slice of Satchel moved into the catalogs.
var shellIDs = []string{"shell.skip_link", "shell.footer", "shell.public_footer", "shell.dev_banner_label", "shell.dev_banner",
	"nav.backpack", "nav.account", "nav.verify", "nav.signed_in_as", "nav.sign_in", "nav.sign_out", "errors.home_link"}

// homeIDs are the visitors' front page's own messages.
var homeIDs = []string{"home.heading", "home.lead", "home.features", "home.import", "home.verify", "home.collect", "home.private", "home.sign_in"}

// signInIDs are the sign-in page's own messages.
var signInIDs = []string{"signin.title", "signin.intro", "signin.dev_heading", "signin.dev_text", "signin.dev_link"}

// noEnglishShell fails when the frame of a page in code (its header,
// footer and skip link) shows an English message of the shell that the
// language's catalog says otherwise.
func noEnglishShell(t *testing.T, p *page, code string) {
	t.Helper()
	noEnglish(t, p, code, ".skip-link, header, footer, [data-testid=dev-banner]", shellIDs)
}

// noEnglish fails when what sel finds in a page in code shows the English
// text of one of ids that the language's catalog says otherwise.
func noEnglish(t *testing.T, p *page, code, sel string, ids []string) {
	t.Helper()
	text := p.Doc.Find(sel).Text()
	en, tr := in(t, "en"), in(t, code)
	for _, id := range ids {
		vars := i18n.Vars{"Name": "", "VerifyLink": ""}
		english := i18n.T(en, id, vars)
		if english != i18n.T(tr, id, vars) && strings.Contains(text, english) {
			t.Errorf("%s in %s: the English %q (%s) is in %s", p.Request.URL.Path, code, english, id, sel)
		}
	}
}

func TestShell_SpeaksEachLanguage(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	owner := e.browser()
	owner.devSignIn("Ada Lovelace", "ada@example.org")
	uid := mustUserID(t, e, "ada@example.org")
	if _, err := e.db.SaveProfile(context.Background(), uid, store.ProfileInput{Handle: "ada", DisplayName: "Ada Lovelace"}); err != nil {
		t.Fatal(err)
	}
	// A few words written out, so a broken catalog or a page that ignores
	// it cannot agree with itself.
	skip := map[string]string{"en": "Skip to main content", "es": "Saltar al contenido principal",
		"fr": "Aller au contenu principal", "ar": "الانتقال إلى المحتوى الرئيسي"}

	for _, code := range []string{"en", "es", "fr", "ar"} {
		t.Run(code, func(t *testing.T) {
			ctx := in(t, code)
			visitor := e.browser()
			p := visitor.getIn(paths.Home, code)
			if got := spoken(t, p); got != code {
				t.Fatalf("home page in %q, want %s", got, code)
			}
			if got := strings.TrimSpace(p.Doc.Find(".skip-link").Text()); got != skip[code] {
				t.Errorf("skip link %q, want %q", got, skip[code])
			}
			if got := strings.TrimSpace(p.Doc.Find(`[data-testid="nav-signin"]`).Text()); got != i18n.T(ctx, "nav.sign_in") {
				t.Errorf("sign-in link %q", got)
			}
			if got, _ := p.Doc.Find("nav.site-nav").Attr("aria-label"); got != i18n.T(ctx, "nav.label") {
				t.Errorf("navigation label %q", got)
			}
			if got := strings.TrimSpace(p.Doc.Find("footer").Text()); got != i18n.T(ctx, "shell.footer") {
				t.Errorf("footer %q", got)
			}
			noEnglishShell(t, p, code)
			if got := strings.TrimSpace(p.Doc.Find("h1").Text()); got != i18n.T(ctx, "home.heading") {
				t.Errorf("home heading %q", got)
			}
			noEnglish(t, p, code, "main", homeIDs)

			// The sign-in page.
			p = visitor.getIn(paths.SignIn, code)
			if got := strings.TrimSpace(p.Doc.Find("h1").Text()); got != i18n.T(ctx, "signin.title") {
				t.Errorf("sign-in heading %q", got)
			}
			if got := strings.TrimSpace(p.Doc.Find(`[data-testid="provider-oidc"]`).Text()); got != i18n.T(ctx, "signin.with", i18n.Vars{"Provider": "Test IdP"}) {
				t.Errorf("provider button %q", got)
			}
			noEnglish(t, p, code, "main", signInIDs)

			// Signed in: the welcome, the navigation, the name inside its
			// sentence.
			b := e.browser()
			b.chooseFromMenu(paths.Verify, code)
			p = b.devSignIn("Grace Hopper", "grace-"+code+"@example.org")
			if got := strings.TrimSpace(p.Doc.Find("[data-flash]").Text()); got != i18n.T(ctx, "signin.welcome") {
				t.Errorf("welcome %q, want %q", got, i18n.T(ctx, "signin.welcome"))
			}
			p = b.get(paths.Account)
			if got := spoken(t, p); got != code {
				t.Errorf("account page in %q", got)
			}
			for id, sel := range map[string]string{"nav.backpack": "nav-backpack", "nav.account": "nav-account", "nav.verify": "nav-verify", "nav.sign_out": "nav-signout"} {
				if got := strings.TrimSpace(p.Doc.Find(`[data-testid="` + sel + `"]`).Text()); got != i18n.T(ctx, id) {
					t.Errorf("%s: %q, want %q", sel, got, i18n.T(ctx, id))
				}
			}
			who := p.Doc.Find(".who")
			if got, want := strings.TrimSpace(who.Text()), i18n.T(ctx, "nav.signed_in_as", i18n.Vars{"Name": "Grace Hopper"}); got != want {
				t.Errorf("signed in as: %q, want %q", got, want)
			}
			if got := who.Find(`bdi > strong[data-testid="nav-user"]`).Text(); got != "Grace Hopper" {
				t.Errorf("the name in bold, isolated: %q", got)
			}
			noEnglishShell(t, p, code)
			p = b.submit(paths.Account, paths.SignOut, nil)
			if got := strings.TrimSpace(p.Doc.Find("[data-flash]").Text()); got != i18n.T(ctx, "signin.signed_out") {
				t.Errorf("signed out: %q", got)
			}

			// The error page.
			p = visitor.getIn("/no-such-page", code)
			if p.StatusCode != http.StatusNotFound || spoken(t, p) != code {
				t.Errorf("404 page: %d in %q", p.StatusCode, spoken(t, p))
			}
			if got := strings.TrimSpace(p.Doc.Find(`[data-testid="error-title"]`).Text()); got != i18n.T(ctx, "errors.page_not_found") {
				t.Errorf("404 title %q", got)
			}
			if got := strings.TrimSpace(p.Doc.Find(".status-code").Text()); got != i18n.T(ctx, "errors.status", i18n.Vars{"Status": "404"}) {
				t.Errorf("404 status line %q", got)
			}
			noEnglishShell(t, p, code)

			// A public page: the footer's sentence keeps its link inside.
			p = visitor.getIn(paths.PublicProfile("ada"), code)
			if got := spoken(t, p); got != code {
				t.Errorf("public profile in %q", got)
			}
			foot := p.Doc.Find("footer p")
			if got, want := strings.TrimSpace(foot.Text()), i18n.T(ctx, "shell.public_footer", i18n.Vars{"VerifyLink": i18n.T(ctx, "nav.verify")}); got != want {
				t.Errorf("public footer %q, want %q", got, want)
			}
			if href, _ := foot.Find("a").Attr("href"); href != paths.Verify || foot.Find("a").Text() != i18n.T(ctx, "nav.verify") {
				t.Errorf("public footer link %q %q", href, foot.Find("a").Text())
			}
			noEnglishShell(t, p, code)

			// A form sent too late says so in the page's language.
			req, _ := http.NewRequest(http.MethodPost, visitor.url(paths.Language), strings.NewReader(url.Values{"language": {code}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept-Language", code)
			p = visitor.do(req)
			if p.StatusCode != http.StatusForbidden || strings.TrimSpace(p.Doc.Find(`[data-testid="error-title"]`).Text()) != i18n.T(ctx, "errors.form_expired") {
				t.Errorf("expired form: %d %q", p.StatusCode, p.Doc.Find(`[data-testid="error-title"]`).Text())
			}
		})
	}
}

func TestLanguageMenu_AfterAPostReturnsToTheFormsPage(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	b := e.browser()
	tok := b.get(paths.Verify).csrf(t)
	send := func(referer string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, b.url(paths.Verify), strings.NewReader(url.Values{"_csrf": {tok}, "url": {"not a web address"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if referer != "" {
			req.Header.Set("Referer", referer)
		}
		p := b.do(req)
		if p.StatusCode < 400 {
			t.Fatalf("a bad verify form answered %d", p.StatusCode)
		}
		next, _ := p.Doc.Find(`[data-testid="language-menu"] input[name="next"]`).Attr("value")
		return next
	}
	if got := send(b.url(paths.Verify + "?from=menu")); got != paths.Verify+"?from=menu" {
		t.Errorf("menu on a form shown again comes back to %q, want the form's page", got)
	}
	if got := send("https://elsewhere.example/verify"); got != "" {
		t.Errorf("a Referer from another site gave %q", got)
	}
	if got := send(""); got != "" {
		t.Errorf("no Referer gave %q", got)
	}
}

func TestLanguage_ErrorsBeforeTheChoiceSpeakTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	b := e.browser()
	// A body over the limit is refused before the session is read.
	req, _ := http.NewRequest(http.MethodPost, b.url(paths.Language), strings.NewReader(strings.Repeat("a=b&", 1<<19)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "fr")
	p := b.do(req)
	if p.StatusCode != http.StatusRequestEntityTooLarge || spoken(t, p) != "fr" {
		t.Fatalf("too large: %d in %q", p.StatusCode, spoken(t, p))
	}
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="error-title"]`).Text()); got != "Trop volumineux" {
		t.Errorf("too large page title %q, want it in French", got)
	}
}
