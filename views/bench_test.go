package views_test

import (
	"context"
	"io"
	"testing"

	"github.com/a-h/templ"

	"github.com/satchel-backpack/satchel/views"
)

// The layout and the account page, the most involved foundation page: a
// baseline for the cost the frame adds to every response.
func BenchmarkRender(b *testing.B) {
	ctx := views.WithCSRF(views.WithNonce(context.Background(), "nonce"), "token")
	for name, page := range map[string]templ.Component{
		"home":    views.HomePage(visitor),
		"account": views.AccountPage(member, sampleAccount()),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := page.Render(ctx, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
