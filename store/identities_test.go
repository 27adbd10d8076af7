package store_test

import (
	"context"
	"testing"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/store"
)

func mustUser(t *testing.T, db *store.DB, id store.Identity) *store.User {
	t.Helper()
	u, _, err := db.SignIn(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestVerifiedIdentifiers_OnlyVouchedLoginEmailsOnceEach(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	u := mustUser(t, db, store.Identity{Provider: "github", Subject: "1", Email: "Ada@Example.org", EmailVerified: true})
	// Same address in another case from another provider: listed once.
	if err := db.LinkLogin(ctx, u.ID, store.Identity{Provider: "google", Subject: "g1", Email: "ada@example.ORG", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	// A provider that did not vouch for its email does not count.
	if err := db.LinkLogin(ctx, u.ID, store.Identity{Provider: "gitlab", Subject: "l1", Email: "unverified@example.org"}); err != nil {
		t.Fatal(err)
	}
	// Someone else's verified email is not ours.
	mustUser(t, db, store.Identity{Provider: "github", Subject: "2", Email: "other@example.org", EmailVerified: true})

	ids, err := db.VerifiedIdentifiers(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []badge.Identifier{{Type: "email", Value: "Ada@Example.org"}}
	if len(ids) != len(want) || ids[0] != want[0] {
		t.Fatalf("VerifiedIdentifiers = %+v, want %+v", ids, want)
	}
}
