package badge

import (
	"strings"

	"golang.org/x/text/language"

	"github.com/satchel-backpack/satchel/internal/jsonv"
)

// Text is one language's version of a piece of badge content, as the
// issuer wrote it.
type Text struct {
	Value string `json:"value"`
	Lang  string `json:"lang,omitempty"` // BCP 47 tag; "" when the badge does not say
	Dir   string `json:"dir,omitempty"`  // "ltr" or "rtl" when the badge says
}

// The content fields a badge may give in several languages (the keys of
// Badge.Translations).
const (
	FieldName        = "name"
	FieldDescription = "description"
	FieldCriteria    = "criteria"
)

// texts reads a content value: a plain string, a language value object
// ({"@value", "@language", "@direction"}, as the Verifiable Credentials
// Data Model 2.0 allows for names and descriptions), or an array of
// either. It returns nil for anything else.
func texts(v any) []Text {
	var out []Text
	for _, item := range jsonv.Items(v) {
		switch t := item.(type) {
		case string:
			if t != "" {
				out = append(out, Text{Value: t})
			}
		case map[string]any:
			if s, ok := t["@value"].(string); ok && s != "" {
				out = append(out, Text{Value: s, Lang: cleanTag(jsonv.String(t, "@language")), Dir: cleanDir(jsonv.String(t, "@direction"))})
			}
		}
	}
	return out
}

// cleanTag returns tag in canonical form when it is a well-formed BCP 47
// tag, else "": a hostile badge cannot put arbitrary text in a lang
// attribute.
func cleanTag(tag string) string {
	tag = strings.TrimSpace(tag)
	if tag == "" || len(tag) > 35 {
		return ""
	}
	t, err := language.Parse(tag)
	if err != nil {
		return ""
	}
	return t.String()
}

func cleanDir(d string) string {
	if d == "ltr" || d == "rtl" {
		return d
	}
	return ""
}

// pick chooses the version of a field to keep as its one value: the one
// in the badge's own language, else the one without a language, else the
// first. ok is false when there is none.
func pick(ts []Text, lang string) (t Text, ok bool) {
	if len(ts) == 0 {
		return Text{}, false
	}
	for _, t := range ts {
		if lang != "" && t.Lang == lang {
			return t, true
		}
	}
	for _, t := range ts {
		if t.Lang == "" {
			return t, true
		}
	}
	return ts[0], true
}

// setText reads a content field from v into *dst (the chosen version) and,
// when the issuer gave more than one language, into b.Translations. It
// leaves *dst alone when v holds no text.
func (b *Badge) setText(field string, v any, dst *string) {
	ts := texts(v)
	t, ok := pick(ts, b.Language)
	if !ok {
		return
	}
	*dst = t.Value
	if len(ts) > 1 {
		if b.Translations == nil {
			b.Translations = map[string][]Text{}
		}
		b.Translations[field] = ts
	} else {
		delete(b.Translations, field)
	}
}

// contextLanguage is the default language a JSON-LD @context sets
// ({"@language": "es"} in it), or "".
func contextLanguage(ctx any) string {
	for _, item := range jsonv.Items(ctx) {
		if m := jsonv.Object(item); m != nil {
			if l := cleanTag(jsonv.String(m, "@language")); l != "" {
				return l
			}
		}
	}
	return ""
}

// In returns the badge's field (FieldName, FieldDescription or
// FieldCriteria) in the language that best suits a reader of want (a BCP
// 47 tag), with the language it is in: one of the issuer's translations
// when it gave several, else the field as read (value), in the badge's
// own language. Lang is "" when the badge does not say.
func (b *Badge) In(field, value, want string) Text {
	ts := b.Translations[field]
	if len(ts) == 0 {
		return Text{Value: value, Lang: b.Language}
	}
	if w, err := language.Parse(want); err == nil {
		var tags []language.Tag
		var idx []int
		for i, t := range ts {
			if tag, err := language.Parse(t.Lang); err == nil && t.Lang != "" {
				tags = append(tags, tag)
				idx = append(idx, i)
			}
		}
		if len(tags) > 0 {
			if _, i, conf := language.NewMatcher(tags).Match(w); conf >= language.High {
				return withDefaultLang(ts[idx[i]], b.Language)
			}
		}
	}
	for _, t := range ts {
		if t.Value == value {
			return withDefaultLang(t, b.Language)
		}
	}
	return withDefaultLang(ts[0], b.Language)
}

func withDefaultLang(t Text, lang string) Text {
	if t.Lang == "" {
		t.Lang = lang
	}
	return t
}
