package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/store"
)

func mustPicture(t *testing.T, db *store.DB, userID int64, provider string, png []byte) {
	t.Helper()
	if err := db.SetLoginPicture(context.Background(), userID, provider, png, 256); err != nil {
		t.Fatal(err)
	}
}

func imageExists(t *testing.T, db *store.DB, hash string) bool {
	t.Helper()
	_, err := db.ImageByHash(context.Background(), hash)
	if err != nil && fail.CodeOf(err) != fail.NotFound {
		t.Fatal(err)
	}
	return err == nil
}

func mustProfileOf(t *testing.T, db *store.DB, userID int64) *store.Profile {
	t.Helper()
	p, err := db.ProfileOf(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mustTwoPictures makes a learner with a github and a google login, each
// with a picture kept (in that order).
func mustTwoPictures(t *testing.T) (*store.DB, *store.User, []store.LoginPicture) {
	t.Helper()
	ctx := context.Background()
	db := MustOpen(t)
	u := mustUser(t, db, store.Identity{Provider: "github", Subject: "1"})
	if err := db.LinkLogin(ctx, u.ID, store.Identity{Provider: "google", Subject: "2"}); err != nil {
		t.Fatal(err)
	}
	mustPicture(t, db, u.ID, "github", []byte("\x89PNG github"))
	mustPicture(t, db, u.ID, "google", []byte("\x89PNG google"))
	pics, err := db.LoginPictures(ctx, u.ID)
	if err != nil || len(pics) != 2 || pics[0].Provider != "github" || pics[1].Provider != "google" {
		t.Fatalf("pictures %+v %v", pics, err)
	}
	return db, u, pics
}

func TestLoginPictures_ChosenForTheProfileAndKeptCurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	u := mustUser(t, db, store.Identity{Provider: "github", Subject: "1", Email: "ada@example.org"})
	if err := db.LinkLogin(ctx, u.ID, store.Identity{Provider: "gitlab", Subject: "9"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetLoginPicture(ctx, u.ID, "google", []byte("\x89PNG"), 256); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("picture for a login the user does not have: %v", err)
	}
	mustPicture(t, db, u.ID, "github", []byte("\x89PNG github one"))
	pics, err := db.LoginPictures(ctx, u.ID)
	if err != nil || len(pics) != 1 || pics[0].Provider != "github" {
		t.Fatalf("pictures %+v %v", pics, err)
	}
	first := pics[0].Hash
	if has, err := db.LoginHasPicture(ctx, u.ID, "github"); err != nil || !has {
		t.Fatalf("github has picture: %v %v", has, err)
	}
	if has, err := db.LoginHasPicture(ctx, u.ID, "gitlab"); err != nil || has {
		t.Fatalf("gitlab has picture: %v %v", has, err)
	}

	// A profile may show only a picture the learner's logins have.
	_, err = db.SaveProfile(ctx, u.ID, store.ProfileInput{Handle: "ada", DisplayName: "Ada", Avatar: store.AvatarProvider, AvatarFrom: "gitlab"})
	var pe store.ProfileErrors
	if !errors.As(err, &pe) || pe["avatar"] == "" {
		t.Fatalf("a login without a picture was accepted: %v", err)
	}
	p, err := db.SaveProfile(ctx, u.ID, store.ProfileInput{Handle: "ada", DisplayName: "Ada", Avatar: store.AvatarProvider, AvatarFrom: "github"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Avatar != store.AvatarProvider || p.AvatarHash != first {
		t.Fatalf("profile avatar %q %q, want the github picture %q", p.Avatar, p.AvatarHash, first)
	}
	v1, _ := db.PublicProfileVersion(ctx, "ada")

	// A new picture at the next sign-in replaces the one the profile shows,
	// and the old one is gone (the public page's version moves with it).
	mustPicture(t, db, u.ID, "github", []byte("\x89PNG github two"))
	p = mustProfileOf(t, db, u.ID)
	if p.AvatarHash == first || p.AvatarHash == "" || p.Avatar != store.AvatarProvider {
		t.Fatalf("after a new picture the profile shows %q (%s)", p.AvatarHash, p.Avatar)
	}
	if imageExists(t, db, first) {
		t.Error("the replaced picture is still stored")
	}
	if v2, _ := db.PublicProfileVersion(ctx, "ada"); v2 == v1 {
		t.Error("the public profile's version did not change with its picture")
	}

	// The same picture again changes nothing.
	second := p.AvatarHash
	mustPicture(t, db, u.ID, "github", []byte("\x89PNG github two"))
	if p = mustProfileOf(t, db, u.ID); p.AvatarHash != second || !imageExists(t, db, second) {
		t.Fatalf("the same picture again: profile shows %q", p.AvatarHash)
	}

	// Initials chosen: the login keeps its picture for later.
	if _, err := db.SaveProfile(ctx, u.ID, store.ProfileInput{Handle: "ada", DisplayName: "Ada", Avatar: store.AvatarNone}); err != nil {
		t.Fatal(err)
	}
	if p = mustProfileOf(t, db, u.ID); p.AvatarHash != "" || !imageExists(t, db, second) {
		t.Fatalf("initials: profile shows %q, login picture kept %v", p.AvatarHash, imageExists(t, db, second))
	}

	// The provider stops giving a picture: the profile falls back to initials.
	if _, err := db.SaveProfile(ctx, u.ID, store.ProfileInput{Handle: "ada", DisplayName: "Ada", Avatar: store.AvatarProvider, AvatarFrom: "github"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetLoginPicture(ctx, u.ID, "github", nil, 0); err != nil {
		t.Fatal(err)
	}
	if p = mustProfileOf(t, db, u.ID); p.Avatar != store.AvatarNone || p.AvatarHash != "" {
		t.Fatalf("picture removed at the provider: profile %q %q", p.Avatar, p.AvatarHash)
	}
	if imageExists(t, db, second) {
		t.Error("a picture nothing shows is still stored")
	}
}

func TestLoginPictures_SharedImagesOutliveTheAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, u, pics := mustTwoPictures(t)
	github, google := pics[0].Hash, pics[1].Hash
	if _, err := db.SaveProfile(ctx, u.ID, store.ProfileInput{Handle: "ada", DisplayName: "Ada", Avatar: store.AvatarProvider, AvatarFrom: "google"}); err != nil {
		t.Fatal(err)
	}
	// Someone else's badge shows the same bytes as the google picture
	// (images are shared by content): that image must outlive this account.
	other := mustListUser(t, db, "bob")
	shared, _, err := db.PutImage(ctx, []byte("\x89PNG google"), "image/png", 256, 256)
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.NewBadge(&badge.Badge{Version: badge.V3_0, Format: badge.FormatJSON, ID: "urn:uuid:knots", Name: "Knots",
		Issuer: badge.Issuer{ID: "did:key:scouts", Name: "Scouts"}, IssuedOn: listNow, Payload: []byte(`{}`), Original: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	b.UserID, b.Status, b.ImageID = other.ID, store.StatusValid, shared
	if _, err := db.UpsertBadge(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := db.UnlinkLogin(ctx, u.ID, "github"); err != nil {
		t.Fatal(err)
	}
	if imageExists(t, db, github) {
		t.Error("the unlinked provider's picture is still stored")
	}
	if p := mustProfileOf(t, db, u.ID); p.AvatarHash != google {
		t.Fatalf("unlinking github changed the profile's google picture to %q", p.AvatarHash)
	}
	if err := db.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if !imageExists(t, db, google) {
		t.Fatal("deleting an account removed an image another learner's badge shows")
	}
	if err := db.DeleteBadge(ctx, other.ID, b.PublicID); err != nil {
		t.Fatal(err)
	}
	if imageExists(t, db, google) {
		t.Error("an image nothing shows any more is still stored")
	}
}

func TestDeleteUser_RemovesPicturesNothingElseShows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, u, pics := mustTwoPictures(t)
	if _, err := db.SaveProfile(ctx, u.ID, store.ProfileInput{Handle: "ada", DisplayName: "Ada", Avatar: store.AvatarProvider, AvatarFrom: "google"}); err != nil {
		t.Fatal(err)
	}
	if err := db.UnlinkLogin(ctx, u.ID, "google"); err != nil {
		t.Fatal(err)
	}
	if p := mustProfileOf(t, db, u.ID); p.Avatar != store.AvatarNone || p.AvatarHash != "" {
		t.Fatalf("after unlinking google the profile shows %q %q", p.Avatar, p.AvatarHash)
	}
	if imageExists(t, db, pics[1].Hash) {
		t.Error("the unlinked provider's picture is still stored")
	}
	if err := db.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if imageExists(t, db, pics[0].Hash) {
		t.Error("the deleted account's picture is still stored")
	}
}
