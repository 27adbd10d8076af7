package web_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/paths"
)

// TestArchiveLanguage_RefusalInSpanishAndArabic checks that an archive
// refused whole (not a ZIP, not a Satchel export) is explained in the
// learner's language.
func TestArchiveLanguage_RefusalInSpanishAndArabic(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	b.chooseFromMenu(paths.ImportArchive, "es")

	var foreign bytes.Buffer
	zw := zip.NewWriter(&foreign)
	w, _ := zw.Create("holiday.txt")
	w.Write([]byte("not a backpack"))
	zw.Close()

	for name, tc := range map[string]struct {
		lang string
		data []byte
		want string
	}{
		"not a zip, es":   {"es", []byte("PK\x03\x04 hello"), "Este archivo no es un archivo ZIP, o está dañado o incompleto."},
		"foreign zip, es": {"es", foreign.Bytes(), "Este ZIP no es una exportación de Satchel: no tiene manifest.json."},
		"foreign zip, ar": {"ar", foreign.Bytes(), "ملف ZIP هذا ليس ملف تصدير من Satchel"},
	} {
		b.chooseFromMenu(paths.ImportArchive, tc.lang)
		p := b.importArchive(tc.data)
		msg := strings.Join(strings.Fields(p.Doc.Find(`[data-testid="import-archive-error"]`).Text()), " ")
		if p.StatusCode != http.StatusUnprocessableEntity || spoken(t, p) != tc.lang || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: %d %q", name, p.StatusCode, msg)
		}
		if strings.Contains(msg, "This ZIP") || strings.Contains(msg, "This file") {
			t.Errorf("%s: still in English: %q", name, msg)
		}
	}
}

// TestArchiveLanguage_BadgesLeftOutInSpanish checks that the reasons of the
// badges of an archive left out (someone else's badges, over the hourly
// allowance) are said in the learner's language.
func TestArchiveLanguage_BadgesLeftOutInSpanish(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner, allLanguages)
	var ups []upload
	for _, name := range exportSamples[:2] {
		ups = append(ups, upload{name, readSample(t, name)})
	}
	if n := len(outcomes(t, b.importForm(nil, ups...))); n != 2 {
		t.Fatalf("imported %d samples", n)
	}
	archive := []byte(b.get(paths.Export).Body)

	other := e.browser()
	other.devSignIn("Someone Else", "someone.else@example.org")
	other.chooseFromMenu(paths.ImportArchive, "es")
	p := other.importArchive(archive)
	refused := p.Doc.Find(`[data-testid="import-archive-refused"] li`)
	if refused.Length() != 2 || spoken(t, p) != "es" {
		t.Fatalf("refused %d badges in %q, want 2 in es", refused.Length(), spoken(t, p))
	}
	if got := refused.Text(); !strings.Contains(got, "Esta insignia se emitió a") || strings.Contains(got, "This badge") {
		t.Errorf("reasons not in Spanish: %q", got)
	}

	// Over the hourly allowance, in Spanish too.
	_, b2 := signedInLearner(t, sampleLearner, allLanguages, func(o *webOptions) { o.ImportLimit = 1 })
	b2.chooseFromMenu(paths.ImportArchive, "es")
	p = b2.importArchive(archive)
	if got := p.Doc.Find(`[data-testid="import-archive-refused"]`).Text(); !strings.Contains(got, "en la última hora") {
		t.Errorf("allowance in Spanish: %q", got)
	}
}
