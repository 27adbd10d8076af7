package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/paths"
)

// The verifier's form errors and page titles, and the refusals made by
// the handlers (a rate limit, a file too large, an image that is not
// there), speak the visitor's language.

func TestVerifierLanguage_FormErrorsAndTitles(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	b := e.browser()
	b.chooseFromMenu(paths.Verify, "es")
	if got := strings.TrimSpace(b.get(paths.Verify).Doc.Find("title").Text()); !strings.Contains(got, "Verificar una insignia") {
		t.Errorf("verifier title in Spanish: %q", got)
	}
	p := b.verify(verifyForm{})
	if p.StatusCode != http.StatusUnprocessableEntity || spoken(t, p) != "es" {
		t.Fatalf("empty form: %d in %q", p.StatusCode, spoken(t, p))
	}
	if got := p.Doc.Find("title").Text(); !strings.Contains(got, "Error: Verificar una insignia") {
		t.Errorf("title %q", got)
	}
	if got := p.fieldError("verify-file"); !strings.Contains(got, "Elige un archivo de insignia") {
		t.Errorf("nothing given, in Spanish: %q", got)
	}
	p = b.verify(verifyForm{url: "not a web address", email: "nobody"})
	if got := p.fieldError("verify-url"); !strings.Contains(got, "Escribe la dirección web completa de la insignia") {
		t.Errorf("bad address, in Spanish: %q", got)
	}
	if got := p.fieldError("verify-email"); !strings.Contains(got, "Escribe una dirección de correo electrónico") {
		t.Errorf("bad email, in Spanish: %q", got)
	}
	p = b.verify(verifyForm{text: "hello"})
	if got := p.fieldError("verify-text"); !strings.Contains(got, "Este texto no es una insignia Open Badges") {
		t.Errorf("text that is no badge, in Spanish: %q", got)
	}
	// A file over the limit, with its size written the Spanish way.
	p = b.verify(verifyForm{fileName: "big.png", file: make([]byte, 5<<20+200<<10)})
	if got := p.fieldError("verify-file"); !strings.Contains(got, "Este archivo ocupa 5,2 MB; el verificador acepta archivos de hasta 5 MB.") {
		t.Errorf("file over the limit, in Spanish: %q", got)
	}
	// A report's title gives its verdict in the language.
	p = b.verify(verifyForm{fileName: "b.json", file: mustSample(t, "data-analysis-with-python.json")})
	if got := p.Doc.Find("title").Text(); !strings.Contains(got, "Informe de verificación: ") {
		t.Errorf("report title %q", got)
	}
}

func TestVerifierLanguage_TooLargeAndRateLimited(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	e := MustStart(t, allLanguages, func(o *webOptions) { o.Now = func() time.Time { return now } })
	b := e.browser()
	b.chooseFromMenu(paths.Verify, "fr")
	// Refused before the session is read, still in French.
	p := b.verify(verifyForm{fileName: "huge.png", file: make([]byte, 8<<20)})
	if p.StatusCode != http.StatusRequestEntityTooLarge || spoken(t, p) != "fr" {
		t.Fatalf("8 MB upload: %d in %q", p.StatusCode, spoken(t, p))
	}
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="error-title"]`).Text()); got != "Ce fichier est trop volumineux" {
		t.Errorf("too large title %q", got)
	}
	if got := p.Doc.Find(`[data-testid="error-message"]`).Text(); !strings.Contains(got, "jusqu'à 5\u00a0Mo") {
		t.Errorf("too large message %q", got)
	}
	for i := range 20 {
		if p := b.verify(verifyForm{}); p.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("check %d: status %d", i+1, p.StatusCode)
		}
	}
	p = b.verify(verifyForm{})
	if p.StatusCode != http.StatusTooManyRequests || spoken(t, p) != "fr" {
		t.Fatalf("21st check: %d in %q", p.StatusCode, spoken(t, p))
	}
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="error-title"]`).Text()); got != "Veuillez patienter un instant" {
		t.Errorf("429 title %q", got)
	}
	want := regexp.MustCompile(`^Vous avez vérifié des badges de nombreuses fois en peu de temps\. Pour que Satchel reste rapide pour tout le monde, veuillez patienter [0-9]+\x{a0}minutes et réessayer\.$`)
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="error-message"]`).Text()); !want.MatchString(got) {
		t.Errorf("429 message %q", got)
	}
}

func TestSignInRoutes_RateLimitedInTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages, func(o *webOptions) {
		o.SignInLimit = 1
		o.SignInWindow = 2 * time.Minute
	})
	b := e.browser()
	if p := b.getIn(paths.SignIn, "ar"); p.StatusCode != http.StatusOK {
		t.Fatalf("first sign-in request: %d", p.StatusCode)
	}
	p := b.getIn(paths.SignIn, "ar")
	if p.StatusCode != http.StatusTooManyRequests || spoken(t, p) != "ar" {
		t.Fatalf("second sign-in request: %d in %q", p.StatusCode, spoken(t, p))
	}
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="error-title"]`).Text()); got != "محاولات تسجيل دخول كثيرة جدًا" {
		t.Errorf("title %q", got)
	}
	// A few minutes, in one of Arabic's plural forms (the dual, or 3 to 10).
	if got := p.Doc.Find(`[data-testid="error-message"]`).Text(); !strings.Contains(got, "من شبكتك") || !strings.Contains(got, "دقيقتين") && !strings.Contains(got, "دقائق") {
		t.Errorf("message %q", got)
	}
}

func TestImage_NotFoundInTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	e := MustStart(t, allLanguages)
	b := e.browser()
	for _, path := range []string{paths.Image(strings.Repeat("0", 64)), paths.Image("not-a-hash")} {
		p := b.getIn(path, "fr")
		if p.StatusCode != http.StatusNotFound || spoken(t, p) != "fr" {
			t.Fatalf("%s: %d in %q", path, p.StatusCode, spoken(t, p))
		}
		if got := strings.TrimSpace(p.Doc.Find(`[data-testid="error-title"]`).Text()); got != "Page introuvable" {
			t.Errorf("%s: title %q", path, got)
		}
		if got := strings.TrimSpace(p.Doc.Find(`[data-testid="error-message"]`).Text()); got != "Cette image n'existe pas." {
			t.Errorf("%s: message %q", path, got)
		}
	}
	p := b.getIn(paths.Metrics, "es")
	if p.StatusCode != http.StatusNotFound || spoken(t, p) != "es" {
		t.Fatalf("metrics without a token: %d in %q", p.StatusCode, spoken(t, p))
	}
}
