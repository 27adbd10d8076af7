package views

import (
	"context"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/satchel-backpack/satchel/internal/i18n"
)

// linkedDate is how the account page shows when a sign-in was linked (and
// the emails page when an address was confirmed), in the page's language;
// the machine-readable form goes in <time datetime>.
func linkedDate(ctx context.Context, t time.Time) string {
	return i18n.Date(ctx, t.UTC())
}

// dateTimeUTC writes t in UTC with the message id, whose Date is the day
// written out and Time the hour (layout "15:04" or "15:04:05").
func dateTimeUTC(ctx context.Context, id string, t time.Time, layout string) string {
	t = t.UTC()
	return i18n.T(ctx, id, i18n.Vars{"Date": i18n.Date(ctx, t), "Time": i18n.Digits(ctx, t.Format(layout))})
}

func isoDate(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// slots is slotted with text placeholders (vars) too and any number of
// component slots, each said where its language puts it.
func slots(ctx context.Context, id string, vars i18n.Vars, parts map[string]templ.Component) templ.Component {
	all := i18n.Vars{}
	for k, v := range vars {
		all[k] = v
	}
	marks := make(map[string]string, len(parts))
	i := 0
	for name := range parts {
		m := "\x00slot" + string(rune('a'+i)) + "\x00"
		all[name], marks[m] = m, name
		i++
	}
	text := i18n.T(ctx, id, all)
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		rest := text
		for rest != "" {
			// the next mark in the text
			at, mark := -1, ""
			keys := make([]string, 0, len(marks))
			for m := range marks {
				keys = append(keys, m)
			}
			sort.Strings(keys)
			for _, m := range keys {
				if j := strings.Index(rest, m); j >= 0 && (at < 0 || j < at) {
					at, mark = j, m
				}
			}
			if at < 0 {
				_, err := io.WriteString(w, templ.EscapeString(rest))
				return err
			}
			if _, err := io.WriteString(w, templ.EscapeString(rest[:at])); err != nil {
				return err
			}
			if err := parts[marks[mark]].Render(ctx, w); err != nil {
				return err
			}
			rest = rest[at+len(mark):]
		}
		return nil
	})
}
