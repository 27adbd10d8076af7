package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/web"
)

// The store's refusals a learner reads (the profile form's field errors,
// the email addresses page, a confirmation link that cannot be used) are
// said in the learner's language.

func TestProfileLanguage_FieldErrorsInSpanishAndArabic(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	ada := e.browser()
	ada.devSignIn("Ada Lovelace", "ada@example.org")
	ada.chooseFromMenu(paths.ProfileEdit, "es")
	bad := ada.submit(paths.ProfileEdit, paths.ProfileEdit, url.Values{"handle": {"Admin"}, "display_name": {"ada@example.org"}, "bio": {strings.Repeat("x", store.BioMaxLen+1)}})
	if bad.StatusCode != http.StatusUnprocessableEntity || spoken(t, bad) != "es" {
		t.Fatalf("invalid profile: %d in %q", bad.StatusCode, spoken(t, bad))
	}
	for sel, want := range map[string]string{
		`#profile-handle-error`: "Ese identificador está reservado para el propio Satchel. Elige otro.",
		`#profile-name-error`:   "Tu nombre público no puede contener @",
		`#profile-bio-error`:    "Tu biografía puede tener como máximo 1000 caracteres; esta tiene 1001.",
	} {
		if got := bad.Doc.Find(sel).Text(); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", sel, got, want)
		}
	}

	// A handle another learner has, in Arabic, with Arabic digits where
	// a number is said.
	if ok := ada.submit(paths.ProfileEdit, paths.ProfileEdit, url.Values{"handle": {"ada"}, "display_name": {"Ada"}}); ok.StatusCode != http.StatusOK {
		t.Fatalf("save: %d", ok.StatusCode)
	}
	bea := e.browser()
	bea.devSignIn("Bea", "bea@example.org")
	bea.chooseFromMenu(paths.ProfileEdit, "ar")
	p := bea.submit(paths.ProfileEdit, paths.ProfileEdit, url.Values{"handle": {"ada"}, "display_name": {"Bea"}})
	if got := p.Doc.Find(`#profile-handle-error`).Text(); !strings.Contains(got, "اسم المستخدم هذا مأخوذ") {
		t.Errorf("taken handle in Arabic: %q", got)
	}
	p = bea.submit(paths.ProfileEdit, paths.ProfileEdit, url.Values{"handle": {"ab"}, "display_name": {"Bea"}})
	if got := p.Doc.Find(`#profile-handle-error`).Text(); !strings.Contains(got, "من \u20683\u2069 إلى \u206830\u2069 حرفًا") {
		t.Errorf("short handle in Arabic: %q", got)
	}
}

func TestEmailLanguage_RefusalsAndLinkProblemsInSpanish(t *testing.T) {
	t.Parallel()
	clk := &emailClock{t: time.Now()}
	e := MustStart(t, allLanguages, func(o *web.Options) { o.DevOutbox = true; o.Now = clk.now })
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	ada.chooseFromMenu(paths.Emails, "es")
	ada.addEmail("ada@school.example")

	// A second link at once: the rate limit, in Spanish.
	p := ada.submit(paths.Emails, paths.Emails, url.Values{"email": {"ada@school.example"}})
	if p.StatusCode != http.StatusTooManyRequests || !strings.Contains(p.Body, "Se envió un correo de confirmación hace menos de un minuto") {
		t.Errorf("resend too soon: %d\n%s", p.StatusCode, p.Body)
	}
	if strings.Contains(p.Body, "A confirmation email was sent") {
		t.Error("the rate limit is still in English")
	}

	// An expired link, in Spanish.
	link := ada.outboxLink("ada@school.example")
	clk.advance(store.EmailTokenTTL + time.Second)
	p = ada.get(link)
	if p.StatusCode != http.StatusGone || !strings.Contains(p.Doc.Find(`[role="alert"]`).Text(), "Este enlace de confirmación ha caducado") {
		t.Errorf("expired link: %d\n%s", p.StatusCode, p.Body)
	}

	// A link that is not one, in Arabic.
	ada.chooseFromMenu(paths.Emails, "ar")
	p = ada.get(paths.EmailConfirm + "?token=nothing")
	if !strings.Contains(p.Doc.Find(`[role="alert"]`).Text(), "رابط التأكيد هذا غير صالح") {
		t.Errorf("unknown link in Arabic: %d\n%s", p.StatusCode, p.Body)
	}
}
