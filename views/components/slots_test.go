package components_test

import (
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"golang.org/x/text/language"

	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/views/components"
)

// Slots keeps a sentence whole: text values are escaped, components are
// rendered where the language puts their placeholder, and a value cannot
// pose as a slot.
func TestSlots_TextEscapedComponentsInPlace(t *testing.T) {
	t.Parallel()
	render := func(ctx context.Context, c templ.Component) string {
		var b strings.Builder
		if err := c.Render(ctx, &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	link := templ.Raw(`<a href="/account">account page</a>`)
	got := render(context.Background(), components.Slots(context.Background(), "emails.from_provider",
		i18n.Vars{"Provider": "<b>Git\x00Link\x00Hub</b>"}, map[string]templ.Component{"Link": link}))
	want := `It comes from your &lt;b&gt;GitLinkHub&lt;/b&gt; sign-in, so it is removed by unlinking &lt;b&gt;GitLinkHub&lt;/b&gt; on the <a href="/account">account page</a>.`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	l, ok := i18n.Find(language.Arabic)
	if !ok {
		t.Fatal("no Arabic catalog")
	}
	ar := i18n.WithLanguage(context.Background(), l)
	got = render(ar, components.Slotted(ar, "emails.dev_outbox", "Label", templ.Raw("<strong>X</strong>")))
	if !strings.HasPrefix(strings.TrimPrefix(got, "\u2068"), "<strong>X</strong>") || !strings.Contains(got, "لا يُرسَل البريد") {
		t.Errorf("Arabic: %q", got)
	}
}
