package components

import (
	"context"
	"io"
	"strings"

	"github.com/a-h/templ"

	"github.com/satchel-backpack/satchel/internal/i18n"
)

// Slots says the message id with vars filled in as text and each
// placeholder named in comps filled by its component (a link, a <time>, a
// name in bold), so that a sentence holding markup stays one message and
// each language puts the markup where its grammar needs it. Text is
// escaped once, here; a NUL in a text value is dropped, so no value can
// pose as a slot.
func Slots(ctx context.Context, id string, vars i18n.Vars, comps map[string]templ.Component) templ.Component {
	all := i18n.Vars{}
	for k, v := range vars {
		if s, ok := v.(string); ok {
			v = strings.ReplaceAll(s, "\x00", "")
		}
		all[k] = v
	}
	for k := range comps {
		all[k] = "\x00" + k + "\x00"
	}
	text := i18n.T(ctx, id, all)
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		for i, p := range strings.Split(text, "\x00") {
			if c, ok := comps[p]; ok && i%2 == 1 {
				if err := c.Render(ctx, w); err != nil {
					return err
				}
				continue
			}
			if _, err := io.WriteString(w, templ.EscapeString(p)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Slotted is Slots with one component slot and no text placeholders.
func Slotted(ctx context.Context, id, slot string, c templ.Component) templ.Component {
	return Slots(ctx, id, nil, map[string]templ.Component{slot: c})
}
