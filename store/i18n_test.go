package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/store"
)

func in(t *testing.T, tag language.Tag) context.Context {
	t.Helper()
	l, ok := i18n.Find(tag)
	if !ok {
		t.Fatalf("no catalog for %s", tag)
	}
	return i18n.WithLanguage(context.Background(), l)
}

// TestStoreRefusals_SaidInTheAskersLanguage checks that the refusals a
// learner reads keep their English and say themselves in another language.
func TestStoreRefusals_SaidInTheAskersLanguage(t *testing.T) {
	t.Parallel()
	db := MustOpen(t)
	ctx := context.Background()
	ada := mustListUser(t, db, "ada")

	_, err := db.SaveProfile(ctx, ada.ID, store.ProfileInput{Handle: "admin", DisplayName: "Ada", Bio: strings.Repeat("x", store.BioMaxLen+1)})
	var pe store.ProfileErrors
	if !errors.As(err, &pe) || pe["handle"] != "That handle is reserved for Satchel itself. Please choose another." ||
		pe["bio"] != "Keep your bio to 1000 characters; this one has 1001." {
		t.Fatalf("English problems: %v", err)
	}
	var pp store.ProfileProblems
	if !errors.As(err, &pp) {
		t.Fatalf("no phrases: %v", err)
	}
	es := pp.In(in(t, language.Spanish))
	if es["handle"] != "Ese identificador está reservado para el propio Satchel. Elige otro." {
		t.Errorf("handle in Spanish: %q", es["handle"])
	}
	if got := pp.In(in(t, language.English)); got["bio"] != pe["bio"] {
		t.Errorf("English said %q, want %q", got["bio"], pe["bio"])
	}

	_, _, err = db.RequestEmailConfirmation(ctx, ada.ID, "  ", time.Now())
	if fail.Message(err) != "Enter an email address like name@example.org." {
		t.Errorf("English: %q", fail.Message(err))
	}
	if got := fail.MessageIn(in(t, language.Arabic), err); got != "أدخل عنوان بريد إلكتروني مثل name@example.org." {
		t.Errorf("Arabic: %q", got)
	}
	if _, err := db.BadgeByPublicID(ctx, ada.ID, "nothing"); fail.MessageIn(in(t, language.French), err) != "Ce badge n'est pas dans votre sac à dos." {
		t.Errorf("no badge, in French: %q (%v)", fail.MessageIn(in(t, language.French), err), err)
	}
}
