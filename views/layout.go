package views

import (
	"context"
	"io"
	"strings"

	"github.com/a-h/templ"

	"github.com/satchel-backpack/satchel/internal/i18n"
)

// Which navigation entry a page belongs to, so the layout marks it with
// aria-current="page".
const (
	navNone     = ""
	navBackpack = "backpack"
	navAccount  = "account"
	navSignIn   = "signin"
)

func pageTitle(s Shell) string {
	if s.Title == "" {
		return "Satchel"
	}
	return s.Title + " · Satchel"
}

// flashRole gives errors the assertive alert role and everything else the
// polite status role, so a screen reader interrupts only for problems.
func flashRole(kind string) string {
	if kind == FlashError {
		return "alert"
	}
	return "status"
}

func flashClass(kind string) string {
	switch kind {
	case FlashSuccess, FlashError:
		return "flash flash--" + kind
	default:
		return "flash flash--info"
	}
}

// slotted says the message id with its one placeholder slot filled by a
// component (a name in bold, a link) instead of text. The sentence stays
// whole in the catalog, in the order its language needs, rather than
// being glued together from translated pieces.
func slotted(ctx context.Context, id, slot string, c templ.Component) templ.Component {
	// A marker no message contains and text/template leaves alone.
	const mark = "\x00slot\x00"
	before, after, found := strings.Cut(i18n.T(ctx, id, i18n.Vars{slot: mark}), mark)
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if _, err := io.WriteString(w, templ.EscapeString(before)); err != nil {
			return err
		}
		if err := c.Render(ctx, w); err != nil {
			return err
		}
		if !found {
			return nil
		}
		_, err := io.WriteString(w, templ.EscapeString(after))
		return err
	})
}
