package store_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/backpack"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/samples"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/store/storetest"
)

// mustPostgres skips a test that needs PostgreSQL when none is given
// (and fails under CI=true, as storetest.Engines does).
func mustPostgres(t *testing.T) {
	t.Helper()
	engines, err := storetest.Engines()
	if err != nil {
		t.Fatal(err)
	}
	if len(engines) < 2 {
		t.Skip("no PostgreSQL: set " + storetest.URLVar)
	}
}

// copySource is a SQLite database with every sample badge, an account
// brought in from an archive, collections in a chosen order, a public
// profile, an unlisted link, a second login with a picture, an address
// waiting for confirmation, the outbox, a share image and rate limits.
func copySource(t *testing.T) (*store.DB, []int64) {
	t.Helper()
	ctx := context.Background()
	db := storetest.MustOpen(t, "sqlite")
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	f := fetch.New(fetch.Options{Timeout: 5 * time.Second})
	bp, err := backpack.New(backpack.Deps{Store: db, Verifier: verify.New(f, verify.Options{Now: clock}), Fetcher: f, Now: clock, Generator: "Satchel test"})
	if err != nil {
		t.Fatal(err)
	}
	all, err := samples.Generate()
	if err != nil {
		t.Fatal(err)
	}
	ada, _, err := db.SignIn(ctx, store.Identity{Provider: "dev", Subject: "ada", Email: samples.Recipient, EmailVerified: true, Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	var items []backpack.Item
	for _, s := range all {
		items = append(items, backpack.Item{Source: s.File, Name: s.File, Data: s.Data})
	}
	res, err := bp.Import(ctx, ada.ID, items)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range res {
		if r.Outcome != backpack.Added {
			t.Fatalf("sample %s: %+v", r.Source, r)
		}
		ids = append(ids, r.BadgeID)
	}
	work, err := db.CreateCollection(ctx, ada.ID, store.CollectionInput{Name: "Work", Description: "Things I did"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddToCollection(ctx, ada.ID, work.PublicID, ids); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MoveInCollection(ctx, ada.ID, work.PublicID, ids[len(ids)-1], store.MoveTop); err != nil {
		t.Fatal(err)
	}
	if err := db.SetCollectionVisibility(ctx, ada.ID, work.PublicID, "unlisted"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MakeCollectionBadgesPublic(ctx, ada.ID, work.PublicID, ids[:2]); err != nil {
		t.Fatal(err)
	}
	if err := db.LinkLogin(ctx, ada.ID, store.Identity{Provider: "github", Subject: "4242", Email: "ada@example.net", Name: "Ada L."}); err != nil {
		t.Fatal(err)
	}
	img := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 2, color.NRGBA{200, 10, 10, 255})
	var pic bytes.Buffer
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	if err := db.SetLoginPicture(ctx, ada.ID, "github", pic.Bytes(), 4); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveProfile(ctx, ada.ID, store.ProfileInput{Handle: "ada", DisplayName: "Ada", Bio: "Counts *things*.", Avatar: "provider", AvatarFrom: "github", Indexable: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.RequestEmailConfirmation(ctx, ada.ID, "ada@school.example", now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddToOutbox(ctx, store.OutboxMessage{To: "ada@school.example", Subject: "Confirm", Text: "Follow the link"}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutShareImage(ctx, strings.Repeat("ab", 32), pic.Bytes()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Allow(ctx, "signin", "192.0.2.7", 10, time.Minute); err != nil {
		t.Fatal(err)
	}

	// The same learner's archive, brought into an account of its own.
	zip, err := bp.Export(ctx, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := db.SignIn(ctx, store.Identity{Provider: "dev", Subject: "ada-elsewhere", Email: samples.Recipient, EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	ar, err := bp.ImportArchive(ctx, other.ID, zip)
	if err != nil {
		t.Fatal(err)
	}
	if ar.Added != len(ids) || ar.CollectionsAdded != 1 {
		t.Fatalf("archive import %+v", ar)
	}
	return db, []int64{ada.ID, other.ID}
}

// account is everything the store says about one user, as the app reads it.
type account struct {
	User        *store.User
	Logins      []store.Login
	Pictures    []store.LoginPicture
	Emails      []store.UserEmail
	Export      *store.UserExport
	Collections []store.Collection
	Members     [][]store.BadgeSummary
	Unlisted    []*store.PublicCollection
	Public      *store.PublicProfile
	Checks      [][]store.BadgeCheck
}

func readAccount(t *testing.T, db *store.DB, userID int64) account {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	var a account
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", db.Engine(), err)
		}
	}
	a.User, err = db.User(ctx, userID)
	must(err)
	a.Logins, err = db.Logins(ctx, userID)
	must(err)
	a.Pictures, err = db.LoginPictures(ctx, userID)
	must(err)
	a.Emails, err = db.UserEmails(ctx, userID)
	must(err)
	a.Export, err = db.ExportData(ctx, userID)
	must(err)
	a.Collections, err = db.Collections(ctx, userID)
	must(err)
	for _, c := range a.Collections {
		m, err := db.CollectionBadges(ctx, c.ID)
		must(err)
		a.Members = append(a.Members, m)
		if c.Visibility == "unlisted" {
			u, err := db.UnlistedCollection(ctx, c.UnlistedToken, now)
			must(err)
			a.Unlisted = append(a.Unlisted, u)
		}
	}
	if a.Export.Profile != nil {
		a.Public, err = db.PublicProfileByHandle(ctx, a.Export.Profile.Handle, now)
		must(err)
	}
	for _, b := range a.Export.Badges {
		c, err := db.BadgeChecks(ctx, b.ID, 100)
		must(err)
		a.Checks = append(a.Checks, c)
	}
	return a
}

func TestCopyTo_MovesEverythingToPostgreSQLUnchanged(t *testing.T) {
	mustPostgres(t)
	t.Parallel()
	ctx := context.Background()
	src, users := copySource(t)
	dst := storetest.MustOpen(t, "postgres")

	rep, err := src.CopyTo(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, tb := range rep.Tables {
		if !tb.Same || tb.Source != tb.Target {
			t.Errorf("table %s: %+v", tb.Name, tb)
		}
		counts[tb.Name] = tb.Source
	}
	for _, name := range []string{"users", "logins", "badges", "images", "collections", "collection_badges", "profiles", "user_emails", "email_tokens", "outbox", "share_images", "rate_limits", "badge_text"} {
		if counts[name] == 0 {
			t.Errorf("the source has no rows in %s: the test copies too little", name)
		}
	}

	for _, id := range users {
		want, got := readAccount(t, src, id), readAccount(t, dst, id)
		if len(want.Export.Badges) == 0 || len(want.Collections) == 0 {
			t.Fatalf("user %d has nothing to compare", id)
		}
		if !reflect.DeepEqual(want, got) {
			v1, v2 := reflect.ValueOf(want), reflect.ValueOf(got)
			for i := range v1.NumField() {
				if !reflect.DeepEqual(v1.Field(i).Interface(), v2.Field(i).Interface()) {
					t.Errorf("user %d: %s differs after the copy:\nSQLite     %+v\nPostgreSQL %+v", id, v1.Type().Field(i).Name, v1.Field(i).Interface(), v2.Field(i).Interface())
				}
			}
		}
	}
	key := strings.Repeat("ab", 32)
	p1, _, _ := src.ShareImage(ctx, key)
	p2, ok, err := dst.ShareImage(ctx, key)
	if err != nil || !ok || !bytes.Equal(p1, p2) {
		t.Errorf("share image: found %v, err %v, same %v", ok, err, bytes.Equal(p1, p2))
	}

	// New rows continue after the copied ids.
	u, created, err := dst.SignIn(ctx, store.Identity{Provider: "dev", Subject: "newcomer", Email: "new@example.org", EmailVerified: true})
	if err != nil || !created {
		t.Fatalf("sign-in after the copy: %v, created %v", err, created)
	}
	if u.ID <= users[len(users)-1] {
		t.Errorf("new user id %d, not after the copied ones %v", u.ID, users)
	}
	if _, err := dst.CreateCollection(ctx, u.ID, store.CollectionInput{Name: "Fresh"}); err != nil {
		t.Errorf("a collection after the copy: %v", err)
	}
}

func TestCopyTo_RefusesANonEmptyTargetAndLeavesItAlone(t *testing.T) {
	mustPostgres(t)
	t.Parallel()
	ctx := context.Background()
	src, _ := copySource(t)
	dst := storetest.MustOpen(t, "postgres")
	u, _, err := dst.SignIn(ctx, store.Identity{Provider: "dev", Subject: "already-here", Email: "here@example.org", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.CopyTo(ctx, dst)
	if fail.CodeOf(err) != fail.Conflict || !strings.Contains(fail.Message(err), "not empty") || !strings.Contains(fail.Message(err), "users: 1") {
		t.Fatalf("err %v, want a conflict naming the rows there", err)
	}
	n, err := dst.CountUsers(ctx)
	if err != nil || n != 1 {
		t.Fatalf("%d users in the target after the refusal (err %v), want 1", n, err)
	}
	if got, err := dst.User(ctx, u.ID); err != nil || got.Name != u.Name {
		t.Errorf("the target's user: %+v, %v", got, err)
	}
}

func TestCopyTo_OnlyFromSQLiteToPostgreSQL(t *testing.T) {
	t.Parallel()
	a := storetest.MustOpen(t, "sqlite")
	b := storetest.MustOpen(t, "sqlite")
	if _, err := a.CopyTo(context.Background(), b); fail.CodeOf(err) != fail.Unsupported {
		t.Fatalf("err %v, want unsupported", err)
	}
}
