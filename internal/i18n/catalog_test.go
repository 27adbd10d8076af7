package i18n_test

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// pluralForms are the CLDR plural forms each catalogued language uses for
// whole numbers and decimals; a counted message must give exactly these.
// A new language adds its line (see CLDR's plural rules for it).
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"es": {"one", "many", "other"},
	"fr": {"one", "many", "other"},
	"ar": {"zero", "one", "two", "few", "many", "other"},
}

type catalog struct {
	lang string
	msgs map[string]*goi18n.Message
}

func readCatalogs(t *testing.T) (en catalog, others []catalog) {
	t.Helper()
	files, err := filepath.Glob("locales/active.*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalogs: %v", err)
	}
	for _, f := range files {
		buf, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		mf, err := goi18n.ParseMessageFileBytes(buf, f, map[string]goi18n.UnmarshalFunc{"toml": toml.Unmarshal})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		c := catalog{lang: mf.Tag.String(), msgs: map[string]*goi18n.Message{}}
		for _, m := range mf.Messages {
			c.msgs[m.ID] = m
		}
		if c.lang == "en" {
			en = c
		} else {
			others = append(others, c)
		}
	}
	if en.msgs == nil {
		t.Fatal("no English catalog")
	}
	return en, others
}

// forms are a message's texts by plural form, only those it gives.
func forms(m *goi18n.Message) map[string]string {
	out := map[string]string{}
	for name, text := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
		if text != "" {
			out[name] = text
		}
	}
	return out
}

var (
	placeholder = regexp.MustCompile(`\{\{\s*\.([A-Za-z]+)\s*\}\}`)
	action      = regexp.MustCompile(`\{\{.*?\}\}`)
)

// placeholders are the names a message's texts use, in all its forms.
func placeholders(t *testing.T, lang, id string, m *goi18n.Message) []string {
	t.Helper()
	set := map[string]bool{}
	for form, text := range forms(m) {
		if _, err := template.New(id).Parse(text); err != nil {
			t.Errorf("%s %s (%s): not a valid message: %v", lang, id, form, err)
		}
		for _, a := range action.FindAllString(text, -1) {
			if !placeholder.MatchString(a) {
				t.Errorf("%s %s (%s): %s is not a plain placeholder such as {{.Name}}", lang, id, form, a)
			}
		}
		for _, p := range placeholder.FindAllStringSubmatch(text, -1) {
			set[p[1]] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func TestCatalogs_MatchEnglish(t *testing.T) {
	en, others := readCatalogs(t)
	for id, m := range en.msgs {
		checkForms(t, "en", id, m)
		placeholders(t, "en", id, m)
	}
	for _, c := range others {
		if _, ok := pluralForms[c.lang]; !ok {
			t.Errorf("%s: add the language's CLDR plural forms to pluralForms", c.lang)
			continue
		}
		for id := range en.msgs {
			if _, ok := c.msgs[id]; !ok {
				t.Errorf("%s lacks %q, which English has", c.lang, id)
			}
		}
		for id, m := range c.msgs {
			enm, ok := en.msgs[id]
			if !ok {
				t.Errorf("%s has %q, which English does not: nothing uses it", c.lang, id)
				continue
			}
			if want, got := placeholders(t, "en", id, enm), placeholders(t, c.lang, id, m); !slices.Equal(want, got) {
				t.Errorf("%s %q: placeholders %v, English has %v", c.lang, id, got, want)
			}
			if counted(enm) != counted(m) {
				t.Errorf("%s %q: counted in one language and not the other", c.lang, id)
			}
			checkForms(t, c.lang, id, m)
		}
	}
}

// counted reports whether a message has plural forms (more than "other").
func counted(m *goi18n.Message) bool { return len(forms(m)) > 1 || m.Other == "" }

func checkForms(t *testing.T, lang, id string, m *goi18n.Message) {
	t.Helper()
	got := slices.Sorted(maps.Keys(forms(m)))
	if !counted(m) {
		return
	}
	want := slices.Sorted(slices.Values(pluralForms[lang]))
	if !slices.Equal(got, want) {
		t.Errorf("%s %q: plural forms %v, the language has %v", lang, id, got, want)
	}
}

// usedKey is a message id as Go and templ source write it: a string
// literal of dotted lowercase words ("nav.backpack").
var usedKey = regexp.MustCompile(`"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)

func TestCatalogs_EveryEnglishMessageIsUsed(t *testing.T) {
	en, _ := readCatalogs(t)
	used := map[string]bool{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_templ.go") ||
			!(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".templ")) {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range usedKey.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range slices.Sorted(maps.Keys(en.msgs)) {
		if !used[id] {
			t.Errorf("%q is in the catalogs but no code says it: remove it from every catalog, or use it", id)
		}
	}
}
