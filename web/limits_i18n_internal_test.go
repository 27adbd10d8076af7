package web

import (
	"context"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/satchel-backpack/satchel/internal/i18n"
)

func TestWaitWords_PluralInEachLanguage(t *testing.T) {
	cases := []struct {
		lang language.Tag
		d    time.Duration
		want string
	}{
		{language.English, 500 * time.Millisecond, "a second"},
		{language.English, time.Second, "a second"},
		{language.English, 30 * time.Second, "30 seconds"},
		{language.English, time.Minute, "a minute"},
		{language.English, 61 * time.Second, "2 minutes"},
		{language.English, 10 * time.Minute, "10 minutes"},
		{language.Spanish, time.Minute, "un minuto"},
		{language.Spanish, 5 * time.Minute, "5 minutos"},
		{language.French, time.Second, "une seconde"},
		{language.French, 5 * time.Minute, "5\u00a0minutes"},
		{language.Arabic, time.Minute, "دقيقة واحدة"},
		{language.Arabic, 2 * time.Minute, "دقيقتين"},
		{language.Arabic, 3 * time.Minute, "٣ دقائق"},
		{language.Arabic, 11 * time.Minute, "١١ دقيقة"},
		{language.Arabic, 2 * time.Second, "ثانيتين"},
	}
	for _, c := range cases {
		l, ok := i18n.Find(c.lang)
		if !ok {
			t.Fatalf("no catalog for %s", c.lang)
		}
		if got := waitWords(i18n.WithLanguage(context.Background(), l), c.d); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.lang, c.d, got, c.want)
		}
	}
}
