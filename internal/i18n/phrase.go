package i18n

import (
	"context"
	"strings"
	"time"
)

// Phrase is a sentence kept by its message id and values rather than in
// one language, so that it can be said later in the language of whoever
// reads it (a stored verification report, an error made far from any
// request). Vars are data written as they are (a web address, a date, a
// key id); Terms fill placeholders with another message said in the same
// language (a short phrase chosen by the program, such as the kind of
// file that was read); Times are moments.
type Phrase struct {
	ID    string            `json:"id"`
	Vars  map[string]string `json:"vars,omitempty"`
	Terms map[string]string `json:"terms,omitempty"`
	// Times are moments written as "3 October 2022 14:05 UTC", the date
	// in the reader's language.
	Times map[string]time.Time `json:"times,omitempty"`
	// Days are calendar days, written as Date writes them.
	Days map[string]time.Time `json:"days,omitempty"`
	// Nums are numbers, written with the language's digits.
	Nums map[string]int `json:"nums,omitempty"`
	// Count, when not zero, makes the message a counted one: {{.Count}}
	// is Count, and the plural form is the one Count takes.
	Count int `json:"count,omitempty"`
}

// Say says the phrases in the context's language, one after the other,
// separated by a space.
func Say(ctx context.Context, ps ...Phrase) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		var vars Vars
		if len(p.Vars)+len(p.Terms)+len(p.Times)+len(p.Days)+len(p.Nums) > 0 {
			vars = Vars{}
			for k, v := range p.Vars {
				vars[k] = v
			}
			for k, id := range p.Terms {
				vars[k] = T(ctx, id)
			}
			for k, t := range p.Times {
				vars[k] = T(ctx, "check.date_time", Vars{"Date": Date(ctx, t.UTC()), "Time": Digits(ctx, t.UTC().Format("15:04"))})
			}
			for k, t := range p.Days {
				vars[k] = Date(ctx, t.UTC())
			}
			for k, n := range p.Nums {
				vars[k] = Number(ctx, n)
			}
		}
		switch {
		case p.Count != 0:
			parts = append(parts, N(ctx, p.ID, p.Count, vars))
		case vars == nil:
			parts = append(parts, T(ctx, p.ID))
		default:
			parts = append(parts, T(ctx, p.ID, vars))
		}
	}
	return strings.Join(parts, " ")
}

// English says the phrases in English, whatever the context.
func (p Phrase) English() string { return Say(context.Background(), p) }

// Digits writes the ASCII digits of s with the context's language's
// digits ("12:05" is "١٢:٠٥" in Arabic), leaving every other character.
func Digits(ctx context.Context, s string) string {
	l := Current(ctx)
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteString(l.number(int(r - '0')))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
