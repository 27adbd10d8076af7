package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/paths"
)

// The share texts speak for the profile's owner: in the language the owner
// chose, whatever the visitor reads the page in, and a change of that
// choice shows at once on every kept page.
func TestShare_TextsSpeakTheOwnersLanguage(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t, allLanguages)
	visitor := f.e.browser()
	profile := func() (page, signature, post string) {
		p := visitor.getIn(paths.PublicProfile("ada"), "en")
		lang, _ := p.Doc.Find("html").Attr("lang")
		post, _ = p.Doc.Find(`[data-testid="share-mastodon"] input[name="text"]`).Attr("value")
		return lang, p.Doc.Find(`#share-signature-html`).Text(), post
	}
	lang, sig, post := profile()
	if lang != "en" || !strings.Contains(sig, "View my verified badges") || post != "My verified badges on Satchel." {
		t.Fatalf("before Ada chose a language: page %s, signature %q, post %q", lang, sig, post)
	}

	if err := f.e.db.SetUserLanguage(t.Context(), f.adaID, "es"); err != nil {
		t.Fatal(err)
	}
	lang, sig, post = profile()
	if lang != "en" {
		t.Errorf("the visitor's page is in %s, want their English", lang)
	}
	if !strings.Contains(sig, "Ver mis insignias verificadas") || !strings.Contains(sig, `lang="es"`) {
		t.Errorf("the signature is not in Ada's Spanish: %q", sig)
	}
	if post != "Mis insignias verificadas en Satchel." {
		t.Errorf("the post text is %q, want Ada's Spanish", post)
	}
	b := visitor.getIn(paths.PublicBadge("ada", f.pub.PublicID), "fr")
	if card := b.Doc.Find(`#share-embed-card`).Text(); !strings.Contains(card, "Emitida por") {
		t.Errorf("the badge's card is not in Ada's Spanish: %q", card)
	}
	if l, _ := b.Doc.Find("html").Attr("lang"); l != "fr" {
		t.Errorf("the badge page is in %s, want the visitor's French", l)
	}
	e := visitor.get(paths.EmbedBadge("ada", f.pub.PublicID))
	if l, _ := e.Doc.Find("html").Attr("lang"); l != "es" || !strings.Contains(e.Body, "Open Badge en Satchel") {
		t.Errorf("the embed page is in %q:\n%s", l, e.Body)
	}
}

// A badge's own words keep their language: the badge and public pages mark
// the name, description and criteria with the language the issuer gave
// (and dir="auto"), and where the issuer gave several languages of a field,
// each reader gets the one in theirs.
func TestBadgeContent_MarkedWithItsLanguageAndPickedForTheReader(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t, allLanguages)
	b := mustPubBadge(t, f.e.db, f.adaID, pubBadge{name: "Primeros auxilios", description: "Presta primeros auxilios.",
		criteria: "Aprobar el examen.", issuer: "Escuela", public: true, matchedEmail: "ada@example.org", language: "es",
		translations: map[string][]badge.Text{badge.FieldName: {{Value: "First aid", Lang: "en"}, {Value: "Primeros auxilios", Lang: "es"}}}})
	for _, tc := range []struct {
		accept, path, name, nameLang string
	}{
		{"en", paths.PublicBadge("ada", b.PublicID), "First aid", "en"},
		{"es", paths.PublicBadge("ada", b.PublicID), "Primeros auxilios", "es"},
		{"fr", paths.PublicBadge("ada", b.PublicID), "Primeros auxilios", "es"},
		{"en", paths.Badge(b.PublicID), "First aid", "en"},
		{"ar", paths.Badge(b.PublicID), "Primeros auxilios", "es"},
	} {
		br := f.e.browser()
		if tc.path == paths.Badge(b.PublicID) {
			br = f.ada
		}
		p := br.getIn(tc.path, tc.accept)
		h1 := p.Doc.Find(`[data-testid="badge-name"]`)
		lang, _ := h1.Attr("lang")
		dir, _ := h1.Attr("dir")
		if got := strings.TrimSpace(h1.Text()); got != tc.name || lang != tc.nameLang || dir != "auto" {
			t.Errorf("%s in %s: name %q lang %q dir %q, want %q in %q, dir auto", tc.path, tc.accept, got, lang, dir, tc.name, tc.nameLang)
		}
		// Given in one language only: the description says which.
		if l, _ := p.Doc.Find(`[data-testid="badge-description"]`).Attr("lang"); l != "es" {
			t.Errorf("%s in %s: description lang %q, want es", tc.path, tc.accept, l)
		}
	}
	// A badge that does not say its language is not marked with one.
	p := f.e.browser().getIn(paths.PublicBadge("ada", f.pub.PublicID), "es")
	if _, ok := p.Doc.Find(`[data-testid="badge-name"]`).Attr("lang"); ok {
		t.Error("a badge without a language is marked with one")
	}
}

// The badge page says how long ago the badge was last checked, in the
// reader's language, while that is under a month; after that, the date
// alone.
func TestBadgePage_LastCheckedAgo(t *testing.T) {
	t.Parallel()
	clk := &emailClock{t: time.Date(2026, 1, 2, 6, 4, 0, 0, time.UTC)} // the fixture's reports ran at 03:04
	f := newPublicFixture(t, allLanguages, func(o *webOptions) { o.Now = clk.now })
	for accept, want := range map[string]string{"en": "(3 hours ago)", "es": "(hace 3 horas)", "ar": "(\u2068قبل ٣ ساعات\u2069)"} {
		got := f.ada.getIn(paths.Badge(f.pub.PublicID), accept).Doc.Find(`[data-testid="badge-checked-at"]`).Text()
		if !strings.Contains(got, want) {
			t.Errorf("%s: %q, want it to say %q", accept, got, want)
		}
	}
	clk.advance(40 * 24 * time.Hour)
	if got := f.ada.getIn(paths.Badge(f.pub.PublicID), "en").Doc.Find(`[data-testid="badge-checked-at"]`).Text(); strings.Contains(got, "(") || !strings.Contains(got, "2 January 2026") {
		t.Errorf("a month on: %q", got)
	}
}
