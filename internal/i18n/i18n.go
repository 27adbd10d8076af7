// Package i18n holds Satchel's words in every language it has a catalog
// for, and says them in the language of one request.
//
// Each language has one catalog, locales/active.LANG.toml, embedded in the
// binary. A message has an id ("nav.backpack"), named placeholders in
// text/template's spelling ("Signed in as {{.Name}}") and, when it counts
// something, one text per CLDR plural form of its language (English has
// one and other; Arabic zero, one, two, few, many and other). English is
// the source: a message missing from another catalog is said in English.
//
// A catalog being present does not make a language available: only the
// languages in Offered are shown to people, so a translation in progress
// is never seen half-done. The web layer picks a language per request and
// puts it in the context with WithLanguage; pages and handlers then call
//
//	i18n.T(ctx, "nav.backpack")                             // a message
//	i18n.T(ctx, "nav.signed_in_as", i18n.Vars{"Name": name}) // with placeholders
//	i18n.N(ctx, "badges.count", n)                          // a plural, {{.Count}} is n
//	i18n.Date(ctx, t)                                       // "3 October 2022"
//	i18n.Number(ctx, n)                                     // "1,234"
package i18n

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// offered are the languages people may choose or be given, English first.
// A language joins the list only once its catalog is complete and
// reviewed; until then its catalog is used by tests alone.
var offered = []language.Tag{language.English, language.Spanish, language.French, language.Arabic}

// Offered returns the languages Satchel offers, English first.
func Offered() []language.Tag { return slices.Clone(offered) }

//go:embed locales/active.*.toml
var locales embed.FS

// Language is one language with a catalog.
type Language struct {
	Tag  language.Tag
	Name string // its name in itself, from its catalog: "Español", "العربية"
	Dir  string // the direction of its script: "ltr" or "rtl"

	loc     *goi18n.Localizer
	printer *message.Printer
}

// Code is the language's BCP 47 tag as HTML's lang attribute takes it: "es".
func (l Language) Code() string { return l.Tag.String() }

// catalogs are the languages loaded from the embedded catalogs.
type catalogs struct {
	bundle *goi18n.Bundle
	langs  []Language // English first, then by tag
}

var all = mustLoad(locales, "locales")

// mustLoad reads every active.LANG.toml in dir of fsys; English must be
// among them. It panics on a broken catalog, which the tests find first.
func mustLoad(fsys fs.FS, dir string) *catalogs {
	c, err := load(fsys, dir)
	if err != nil {
		panic(err)
	}
	return c
}

func load(fsys fs.FS, dir string) (*catalogs, error) {
	bundle := goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(fsys, path.Join(dir, "active.*.toml"))
	if err != nil {
		return nil, err
	}
	var tags []language.Tag
	for _, f := range files {
		mf, err := bundle.LoadMessageFileFS(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("i18n: catalog %s: %w", f, err)
		}
		tags = append(tags, mf.Tag)
	}
	if !slices.Contains(tags, language.English) {
		return nil, fmt.Errorf("i18n: no English catalog in %s", dir)
	}
	sort.Slice(tags, func(i, j int) bool {
		if (tags[i] == language.English) != (tags[j] == language.English) {
			return tags[i] == language.English
		}
		return tags[i].String() < tags[j].String()
	})
	c := &catalogs{bundle: bundle}
	for _, tag := range tags {
		l := Language{
			Tag:     tag,
			Dir:     direction(tag),
			loc:     goi18n.NewLocalizer(bundle, tag.String()),
			printer: message.NewPrinter(tag),
		}
		l.Name = l.t(nameID, nil, nil)
		c.langs = append(c.langs, l)
	}
	return c, nil
}

// nameID is the message that names each language in itself.
const nameID = "language.name"

// rtlScripts are the scripts written right to left that a language of
// Satchel's could use.
var rtlScripts = []string{"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr"}

// direction is "rtl" for a language whose likely script runs right to
// left (Arabic, Hebrew, Persian, Urdu, …), else "ltr".
func direction(tag language.Tag) string {
	script, _ := tag.Script()
	if slices.Contains(rtlScripts, script.String()) {
		return "rtl"
	}
	return "ltr"
}

// Catalogued returns every language with a catalog, English first,
// whether offered or not.
func Catalogued() []Language { return slices.Clone(all.langs) }

// Find returns the catalogued language with exactly this tag.
func Find(tag language.Tag) (Language, bool) { return all.find(tag) }

func (c *catalogs) find(tag language.Tag) (Language, bool) {
	for _, l := range c.langs {
		if l.Tag == tag {
			return l, true
		}
	}
	return Language{}, false
}

// English is the source language, the one every other falls back to.
func English() Language { return all.langs[0] }

// Matcher picks, among a fixed list of offered languages, the one to use.
type Matcher struct {
	offered []language.Tag
	m       language.Matcher
}

// NewMatcher matches against offered, whose first language is the one
// given when nothing matches. Every offered language must have a catalog.
func NewMatcher(offered []language.Tag) (*Matcher, error) {
	if len(offered) == 0 {
		return nil, fmt.Errorf("i18n: no language offered")
	}
	for _, t := range offered {
		if _, ok := Find(t); !ok {
			return nil, fmt.Errorf("i18n: %s is offered but has no catalog", t)
		}
	}
	return &Matcher{offered: slices.Clone(offered), m: language.NewMatcher(offered)}, nil
}

// Offered is the matcher's list of languages, the first being the default.
func (m *Matcher) Offered() []Language {
	out := make([]Language, len(m.offered))
	for i, t := range m.offered {
		out[i], _ = Find(t)
	}
	return out
}

// Exact returns the offered language a stored choice or a form names
// ("es"), or false when it names none of them.
func (m *Matcher) Exact(code string) (Language, bool) {
	if code == "" {
		return Language{}, false
	}
	tag, err := language.Parse(code)
	if err != nil || !slices.Contains(m.offered, tag) {
		return Language{}, false
	}
	return Find(tag)
}

// Accept returns the offered language that best serves an Accept-Language
// header ("fr-CA,fr;q=0.9,en;q=0.5"), or the default one when none does
// or the header cannot be read.
func (m *Matcher) Accept(header string) Language {
	tags, _, err := language.ParseAcceptLanguage(header)
	i := 0
	if err == nil && len(tags) > 0 {
		var conf language.Confidence
		_, i, conf = m.m.Match(tags...)
		if conf == language.No {
			i = 0
		}
	}
	l, _ := Find(m.offered[i])
	return l
}

type langKey struct{}

// WithLanguage returns a context in which T, N, Date and Number speak l.
func WithLanguage(ctx context.Context, l Language) context.Context {
	return context.WithValue(ctx, langKey{}, l)
}

// Current is the context's language, English when none was set.
func Current(ctx context.Context) Language {
	if l, ok := ctx.Value(langKey{}).(Language); ok && l.loc != nil {
		return l
	}
	return English()
}

// Vars are the named placeholders of a message: {{.Name}} is Vars{"Name": …}.
type Vars map[string]any

// T says the message id in the context's language, with vars filled in.
// A message missing from that language's catalog is said in English; one
// missing from English too comes back as its id, which the catalog tests
// catch before it ships.
func T(ctx context.Context, id string, vars ...Vars) string {
	l := Current(ctx)
	return l.t(id, l.isolate(merge(vars)), nil)
}

// N says the message id for the count n in the plural form the context's
// language uses for n; {{.Count}} is n written the language's way.
func N(ctx context.Context, id string, n int, vars ...Vars) string {
	l := Current(ctx)
	data := l.isolate(merge(vars))
	if data == nil {
		data = Vars{}
	}
	// The count is written in the language's own digits: part of the
	// sentence, not a value to isolate from it.
	data["Count"] = l.number(n)
	return l.t(id, data, n)
}

func merge(vars []Vars) Vars {
	if len(vars) == 0 {
		return nil
	}
	if len(vars) == 1 {
		return vars[0]
	}
	out := Vars{}
	for _, v := range vars {
		for k, x := range v {
			out[k] = x
		}
	}
	return out
}

// Unicode's first-strong isolate and pop directional isolate: text
// between them takes its direction from its own first strong letter, and
// does not reorder the sentence around it.
const (
	fsi = "\u2068"
	pdi = "\u2069"
)

// isolate returns data with each value between FSI and PDI when the
// language is written right to left: in a right-to-left sentence a filled-in
// value (a name, a date, an email address, a web address) then keeps its
// letters and its punctuation in place ("Ada!", "ada@example.org.")
// instead of being reordered with the Arabic around it. Values in a
// left-to-right language are left as they are.
func (l Language) isolate(data Vars) Vars {
	if data == nil || l.Dir != "rtl" {
		return data
	}
	out := make(Vars, len(data))
	for k, v := range data {
		out[k] = fsi + fmt.Sprint(v) + pdi
	}
	return out
}

func (l Language) t(id string, data Vars, count any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id, PluralCount: count}
	if data != nil {
		cfg.TemplateData = map[string]any(data)
	}
	s, err := l.loc.Localize(cfg)
	if s == "" && err != nil {
		return id
	}
	return s
}
