package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"golang.org/x/text/language"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

// allLanguages offers every catalogued language, as Satchel will once the
// translations are complete; today only tests do.
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
// header.
func spoken(t *testing.T, p *page) string {
	t.Helper()
	return p.Header.Get("Content-Language")
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

func TestLanguage_OnlyOfferedLanguagesByDefault(t *testing.T) {
	t.Parallel()
	// The gate of issue 16: with the default options only English is
	// offered, whatever the browser asks for or the menu is sent.
	e := MustStart(t)
	b := e.browser()
	for _, accept := range []string{"fr", "es-MX", "ar-EG,ar;q=0.9"} {
		if got := spoken(t, b.getIn(paths.Verify, accept)); got != "en" {
			t.Errorf("Accept-Language %q: page in %q, want en", accept, got)
		}
	}
	b.chooseFromMenu(paths.Verify, "ar")
	if ck := b.cookie("satchel_lang"); ck != nil {
		t.Errorf("the menu set a language not offered: %q", ck.Value)
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
