package web_test

import (
	"strings"
	"testing"

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
