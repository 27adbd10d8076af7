package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/web"
)

// TestImportLanguage_TooMuchAtOnceInSpanishAndArabic checks that the import
// form's body cap, which refuses before the language middleware runs,
// still answers in the learner's language.
func TestImportLanguage_TooMuchAtOnceInSpanishAndArabic(t *testing.T) {
	t.Parallel()
	_, b := signedInLearner(t, sampleLearner, allLanguages)
	for lang, want := range map[string][2]string{
		"es": {"Demasiado de una vez", "más de lo que Satchel acepta de una sola vez"},
		"ar": {"أكثر مما يُقبل دفعة واحدة", "وهو أكثر مما يقبله Satchel دفعة واحدة"},
	} {
		b.chooseFromMenu(paths.Import, lang)
		p := b.importForm(nil, upload{"huge.png", make([]byte, web.ImportMaxBodyBytes+1)})
		if p.StatusCode != http.StatusRequestEntityTooLarge || spoken(t, p) != lang {
			t.Fatalf("%s: %d in %q", lang, p.StatusCode, spoken(t, p))
		}
		if got := strings.TrimSpace(p.Doc.Find(`[data-testid="error-title"]`).Text()); got != want[0] {
			t.Errorf("%s: title %q, want %q", lang, got, want[0])
		}
		if got := p.Doc.Find(`[data-testid="error-message"]`).Text(); !strings.Contains(got, want[1]) {
			t.Errorf("%s: message %q", lang, got)
		}
	}
}
