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
