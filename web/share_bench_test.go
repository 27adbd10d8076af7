package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

// BenchmarkShareImage measures a badge's share picture through the router:
// "cached" is every request after the first (a database read keyed by
// shareimg.Key), "revalidated" a client sending the ETag back.
func BenchmarkShareImage(b *testing.B) {
	e := MustStart(b)
	br := e.browser()
	br.devSignIn("Ada Lovelace", "ada@example.org")
	uid := pubUserID(b, e, "ada@example.org")
	if _, err := e.db.SaveProfile(context.Background(), uid, store.ProfileInput{Handle: "ada", DisplayName: "Ada Lovelace"}); err != nil {
		b.Fatal(err)
	}
	pb := mustPubBadge(b, e.db, uid, pubBadge{name: "Analytical Engines", issuer: "Engine Society", public: true, withImage: true})
	path := paths.BadgeShareImage("ada", pb.PublicID)
	first := br.get(path)
	if first.StatusCode != http.StatusOK {
		b.Fatalf("status %d", first.StatusCode)
	}
	etag := first.Header.Get("ETag")
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if p := br.get(path); p.StatusCode != http.StatusOK {
				b.Fatalf("status %d", p.StatusCode)
			}
		}
	})
	b.Run("revalidated", func(b *testing.B) {
		for b.Loop() {
			req, _ := http.NewRequest(http.MethodGet, br.url(path), nil)
			req.Header.Set("If-None-Match", etag)
			if p := br.do(req); p.StatusCode != http.StatusNotModified {
				b.Fatalf("status %d", p.StatusCode)
			}
		}
	})
}
