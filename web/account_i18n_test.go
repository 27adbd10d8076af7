package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/web"
)

// TestEmails_ConfirmationMailInTheSendersLanguage checks that the
// confirmation email, its subject, its text and its HTML, is written in
// the language of the page that asked for it, and that the account and
// email pages and their messages speak that language too.
func TestEmails_ConfirmationMailInTheSendersLanguage(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages, func(o *web.Options) { o.DevOutbox = true })
	ada := e.browser()
	ada.devSignIn("Ada Lovelace", "ada@example.org")
	ada.chooseFromMenu(paths.Account, "es")

	acct := ada.get(paths.Account)
	if got := spoken(t, acct); got != "es" {
		t.Fatalf("account page in %q, want es", got)
	}
	if h := strings.TrimSpace(acct.Doc.Find("h1").Text()); h != "Cuenta" {
		t.Errorf("account heading %q, want Cuenta", h)
	}

	p := ada.addEmail("ada@school.example")
	if f := p.Doc.Find(`[data-flash="success"]`).Text(); !strings.Contains(f, "Hemos enviado un enlace a ada@school.example") {
		t.Errorf("flash %q, want it in Spanish", f)
	}
	msgs, err := e.db.Outbox(context.Background(), 10)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox %+v %v", msgs, err)
	}
	m := msgs[0]
	if m.Subject != "Confirma tu dirección de correo para Satchel" {
		t.Errorf("subject %q, want it in Spanish", m.Subject)
	}
	for _, want := range []string{"Hola:", "ada@school.example", "El enlace funciona una sola vez, durante 24 horas."} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text body lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.HTML, `<html lang="es" dir="ltr">`) || !strings.Contains(m.HTML, "Confirmar ada@school.example") {
		t.Errorf("HTML body not in Spanish:\n%s", m.HTML)
	}
	if strings.Contains(m.Text+m.HTML, "Someone, we hope you") {
		t.Error("the Spanish email still has English in it")
	}

	// In Arabic, the HTML email runs right to left.
	bea := e.browser()
	bea.devSignIn("Bea", "bea@example.org")
	bea.chooseFromMenu(paths.Emails, "ar")
	bea.addEmail("bea@home.example")
	msgs, err = e.db.Outbox(context.Background(), 10)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("outbox %+v %v", msgs, err)
	}
	for _, m := range msgs {
		if m.To == "bea@home.example" && (!strings.Contains(m.HTML, `<html lang="ar" dir="rtl">`) || m.Subject != "أكّد عنوان بريدك الإلكتروني في Satchel") {
			t.Errorf("Arabic email: subject %q, HTML:\n%s", m.Subject, m.HTML)
		}
	}
}

// TestPublicBadge_InTheVisitorsLanguage checks that a public badge page
// speaks each visitor's language, whatever its owner's, and leaves the
// badge's own words (its name, its issuer's name) as the issuer wrote them.
func TestPublicBadge_InTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t, allLanguages)
	for accept, want := range map[string]map[string]string{
		"fr": {
			`[data-testid="badge-name"]`:       "Analytical Engines",
			`[data-testid="badge-issuer"]`:     "Engine Society",
			`[data-testid="badge-checked-at"]`: "Dernière vérification\u00a0: 2 janvier 2026 à 03:04 UTC.",
			`[data-testid="recipient-note"]`:   "il correspondait à une donnée vérifiée de Ada Lovelace (adresse e-mail)",
			`[data-testid="back-to-profile"]`:  "Badges de Ada Lovelace",
		},
		"es": {
			`[data-testid="badge-checked-at"]`: "Última comprobación: 2 de enero de 2026 a las 03:04 UTC.",
			`[data-testid="recipient-note"]`:   "coincidió con un dato verificado de Ada Lovelace (dirección de correo electrónico)",
		},
		"ar": {
			`[data-testid="badge-name"]`: "Analytical Engines",
			// The name is isolated (FSI … PDI) inside the Arabic sentence.
			`[data-testid="back-to-profile"]`: "شارات \u2068Ada Lovelace\u2069",
		},
	} {
		p := f.e.browser().getIn(paths.PublicBadge("ada", f.pub.PublicID), accept)
		if got := spoken(t, p); got != accept {
			t.Errorf("Accept-Language %s: page in %q", accept, got)
		}
		for sel, w := range want {
			if got := strings.Join(strings.Fields(p.Doc.Find(sel).Text()), " "); !strings.Contains(got, strings.Join(strings.Fields(w), " ")) {
				t.Errorf("%s: %s = %q, want it to contain %q", accept, sel, got, w)
			}
		}
	}
}
