package i18n

import (
	"context"
	"testing"
	"testing/fstest"

	"golang.org/x/text/language"
)

// testCatalogs are small catalogs for the machinery: an English one, an
// Arabic one with all six plural forms and one missing message, so these
// tests do not depend on what the real catalogs hold today.
var testCatalogs = fstest.MapFS{
	"l/active.en.toml": {Data: []byte(`
[language]
name = "English"
[greet]
hello = "Hello, {{.Name}}!"
only_english = "Only in English"
[badges.count]
one = "{{.Count}} badge"
other = "{{.Count}} badges"
`)},
	"l/active.ar.toml": {Data: []byte(`
[language]
name = "العربية"
[greet]
hello = "مرحبًا، {{.Name}}!"
[badges.count]
zero = "لا شارات"
one = "شارة واحدة"
two = "شارتان"
few = "{{.Count}} شارات"
many = "{{.Count}} شارة"
other = "{{.Count}} شارةً"
`)},
}

func mustTestCatalogs(t *testing.T) *catalogs {
	t.Helper()
	c, err := load(testCatalogs, "l")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func in(t *testing.T, c *catalogs, tag language.Tag) context.Context {
	t.Helper()
	l, ok := c.find(tag)
	if !ok {
		t.Fatalf("no %s catalog", tag)
	}
	return WithLanguage(context.Background(), l)
}

func TestN_UsesEveryArabicPluralForm(t *testing.T) {
	c := mustTestCatalogs(t)
	ar := in(t, c, language.Arabic)
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "لا شارات"},
		{1, "شارة واحدة"},
		{2, "شارتان"},
		{3, "٣ شارات"},     // few: 3–10
		{11, "١١ شارة"},    // many: 11–99
		{100, "١٠٠ شارةً"}, // other
		{102, "١٠٢ شارةً"}, // other again (102 % 100 = 2)
		{105, "١٠٥ شارات"}, // few (105 % 100 = 5)
	} {
		if got := N(ar, "badges.count", tc.n); got != tc.want {
			t.Errorf("N(ar, %d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	en := in(t, c, language.English)
	for n, want := range map[int]string{0: "0 badges", 1: "1 badge", 2: "2 badges", 1234: "1,234 badges"} {
		if got := N(en, "badges.count", n); got != want {
			t.Errorf("N(en, %d) = %q, want %q", n, got, want)
		}
	}
}

func TestT_NamedPlaceholdersAndEnglishFallback(t *testing.T) {
	c := mustTestCatalogs(t)
	ar := in(t, c, language.Arabic)
	// In a right-to-left language each value is isolated (FSI … PDI), so
	// that a Latin name keeps "!" on the sentence's side.
	if got := T(ar, "greet.hello", Vars{"Name": "Ada"}); got != "مرحبًا، \u2068Ada\u2069!" {
		t.Errorf("T(ar, greet.hello) = %q", got)
	}
	// Missing from the Arabic catalog: said in English.
	if got := T(ar, "greet.only_english"); got != "Only in English" {
		t.Errorf("missing Arabic message = %q, want the English text", got)
	}
	// Missing everywhere: the id, which the catalog test would catch.
	if got := T(ar, "greet.nowhere"); got != "greet.nowhere" {
		t.Errorf("unknown message = %q, want its id", got)
	}
	// Messages are text: templ escapes them once, where they are shown.
	if got := T(in(t, c, language.English), "greet.hello", Vars{"Name": "<b>"}); got != "Hello, <b>!" {
		t.Errorf("T must not escape (templ does, once): %q", got)
	}
}

func TestLoad_LanguagesNamesAndDirections(t *testing.T) {
	c := mustTestCatalogs(t)
	if len(c.langs) != 2 || c.langs[0].Tag != language.English {
		t.Fatalf("languages = %v, want English first", c.langs)
	}
	ar, _ := c.find(language.Arabic)
	if ar.Name != "العربية" || ar.Dir != "rtl" || ar.Code() != "ar" {
		t.Errorf("Arabic = %q %q %q", ar.Name, ar.Dir, ar.Code())
	}
	if c.langs[0].Dir != "ltr" {
		t.Errorf("English dir = %q", c.langs[0].Dir)
	}
	for tag, want := range map[string]string{"he": "rtl", "fa": "rtl", "ur": "rtl", "fr": "ltr", "sr-Cyrl": "ltr", "zh": "ltr"} {
		if got := direction(language.MustParse(tag)); got != want {
			t.Errorf("direction(%s) = %q, want %q", tag, got, want)
		}
	}
}

func TestLoad_RefusesBrokenCatalogs(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no English":    {"l/active.fr.toml": {Data: []byte("[language]\nname = \"Français\"\n")}},
		"bad TOML":      {"l/active.en.toml": {Data: []byte("[language\nname = 1")}},
		"mixed message": {"l/active.en.toml": {Data: []byte("[x]\none = \"a\"\nlabel = \"b\"\n")}},
	} {
		if _, err := load(fsys, "l"); err == nil {
			t.Errorf("%s: loaded without an error", name)
		}
	}
}
