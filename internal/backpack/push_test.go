package backpack_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/backpack"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/obapi"
	"github.com/satchel-backpack/satchel/internal/samples"
	"github.com/satchel-backpack/satchel/store"
)

// platform registers a learning platform that pushes badges.
func (e *env) platform(t *testing.T, name string) backpack.Sender {
	t.Helper()
	reg, err := obapi.ParseRegistration([]byte(`{"client_name": "` + name + `", "client_uri": "https://lms.example",
		"redirect_uris": ["https://lms.example/cb"]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := e.db.RegisterOAuthClient(context.Background(), reg, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return backpack.Sender{ClientID: c.ID, Name: c.Name}
}

func (e *env) push(t *testing.T, userID int64, from backpack.Sender, data []byte) backpack.ImportResult {
	t.Helper()
	res, err := e.bp.Push(context.Background(), userID, from, data)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPush_KeepsAGenuineBadgeMarkedAsThePlatformsAndAnnouncesItOnce(t *testing.T) {
	t.Parallel()
	e := mustStart(t, 0)
	ctx := context.Background()
	ada := e.learner(t, "ada", samples.Recipient)
	lms := e.platform(t, "Example LMS")
	s := sample(t, "data-analysis")

	got := e.push(t, ada, lms, s.Data)
	if got.Outcome != backpack.Added || got.Status != store.StatusValid || got.BadgeID == "" {
		t.Fatalf("push %+v, want added and valid", got)
	}
	b, err := e.db.BadgeByPublicID(ctx, ada, got.BadgeID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.db.BadgePush(ctx, b.ID)
	if err != nil || p == nil || p.ClientName != "Example LMS" {
		t.Fatalf("badge push %+v %v, want sent by Example LMS", p, err)
	}

	news, err := e.db.TakePushAnnouncements(ctx, ada, e.clock.Now())
	if err != nil || len(news) != 1 || news[0] != (store.PushAnnouncement{ClientName: "Example LMS", Count: 1}) {
		t.Fatalf("announcements %+v %v, want one badge from Example LMS", news, err)
	}
	if again, err := e.db.TakePushAnnouncements(ctx, ada, e.clock.Now()); err != nil || len(again) != 0 {
		t.Fatalf("announced twice: %+v %v", again, err)
	}

	// The same badge sent again is already there: nothing new to announce.
	if dup := e.push(t, ada, lms, s.Data); dup.Outcome != backpack.Duplicate || dup.BadgeID != got.BadgeID {
		t.Fatalf("second push %+v, want a duplicate of %s", dup, got.BadgeID)
	}
	if again, err := e.db.TakePushAnnouncements(ctx, ada, e.clock.Now()); err != nil || len(again) != 0 {
		t.Fatalf("a duplicate was announced: %+v %v", again, err)
	}
	// A badge the learner uploaded is nobody's push.
	up := e.importOne(t, ada, item(sample(t, "collaborative")))
	ub, err := e.db.BadgeByPublicID(ctx, ada, up.BadgeID)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := e.db.BadgePush(ctx, ub.ID); err != nil || p != nil {
		t.Errorf("an upload is marked as pushed: %+v %v", p, err)
	}
}

// What an upload keeps with a warning, a push refuses: nothing arrives
// unseen unless it is genuine and current.
func TestPush_RefusesWhatAnUploadWouldKeepMarked(t *testing.T) {
	t.Parallel()
	e := mustStart(t, 0)
	ada := e.learner(t, "ada", samples.Recipient)
	lms := e.platform(t, "Example LMS")

	got := e.push(t, ada, lms, sample(t, "expired").Data)
	if got.Outcome != backpack.Refused || got.BadgeID != "" || !strings.HasPrefix(got.Message, "This badge has expired, so Satchel did not add it.") {
		t.Fatalf("push of an expired badge %+v, want refused", got)
	}
	if n := e.count(t, ada); n != 0 {
		t.Errorf("%d badges stored from a refused push", n)
	}
	if news, err := e.db.TakePushAnnouncements(context.Background(), ada, e.clock.Now()); err != nil || len(news) != 0 {
		t.Errorf("a refused push was announced: %+v %v", news, err)
	}
}

func TestPush_RefusesForgedAndSomeoneElsesBadges(t *testing.T) {
	t.Parallel()
	e := mustStart(t, 0)
	ada := e.learner(t, "ada", samples.Recipient)
	bob := e.learner(t, "bob", "bob@example.org")
	lms := e.platform(t, "Example LMS")
	s := sample(t, "data-analysis")

	forged := bytes.ReplaceAll(s.Data, []byte("Introduction to Data Analysis with Python"), []byte("Advanced Data Analysis with Python"))
	if got := e.push(t, ada, lms, forged); got.Outcome != backpack.Refused || !strings.Contains(got.Message, "Ask the issuer for a fresh copy.") {
		t.Errorf("forged push %+v, want refused as not genuine", got)
	}
	if got := e.push(t, bob, lms, s.Data); got.Outcome != backpack.Refused || !got.AddEmail {
		t.Errorf("push of Ada's badge to Bob %+v, want refused for another address", got)
	}
	if got := e.push(t, ada, lms, []byte("hello")); got.Outcome != backpack.Refused || got.Message == "" {
		t.Errorf("push of a non-badge %+v, want refused with a reason", got)
	}
	if n := e.count(t, ada) + e.count(t, bob); n != 0 {
		t.Errorf("%d badges stored from refused pushes", n)
	}
}

func TestPush_CountsAgainstTheHourlyAllowance(t *testing.T) {
	t.Parallel()
	e := mustStart(t, 1)
	ada := e.learner(t, "ada", samples.Recipient)
	lms := e.platform(t, "Example LMS")
	e.push(t, ada, lms, sample(t, "data-analysis").Data)
	_, err := e.bp.Push(context.Background(), ada, lms, sample(t, "collaborative").Data)
	if !fail.Is(err, fail.RateLimited) {
		t.Fatalf("second push in the hour: %v, want rate limited", err)
	}
}

// The background pass also clears what connected platforms can no longer
// use: an expired code is then unknown, no longer merely expired.
func TestReverify_PrunesExpiredConnectionRequests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := mustStart(t, 0)
	ada := e.learner(t, "ada", samples.Recipient)
	now := e.clock.Now()
	reg, err := obapi.ParseRegistration([]byte(`{"client_name": "Old LMS", "client_uri": "https://old.example", "redirect_uris": ["https://old.example/cb"]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := e.db.RegisterOAuthClient(ctx, reg, now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.db.CreateOAuthRequest(ctx, store.OAuthRequestInput{ClientID: c.ClientID, RedirectURI: "https://old.example/cb",
		Scopes: obapi.Scopes{obapi.ScopeCredentialUpsert}, CodeChallenge: strings.Repeat("a", 43), CodeChallengeMethod: "S256"},
		store.DefaultOAuthLifetimes, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ApproveOAuthRequest(ctx, r.ID, ada, now); err != nil {
		t.Fatal(err)
	}
	code, err := e.db.NewOAuthCode(ctx, r.ID, store.DefaultOAuthLifetimes, now)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(store.DefaultOAuthLifetimes.Request + time.Minute)
	redeem := func() string {
		_, err := e.db.RedeemOAuthCode(ctx, code, e.clock.Now())
		var oe *obapi.OAuthError
		if !errors.As(err, &oe) {
			t.Fatalf("redeeming an old code: %v", err)
		}
		return oe.Description
	}
	if got := redeem(); got != "authorization code expired" {
		t.Fatalf("before the pass: %q", got)
	}
	rv, err := e.bp.NewReverifier(backpack.ReverifyOptions{Interval: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rv.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := redeem(); got != "unknown authorization code" {
		t.Errorf("after the pass: %q, want the request pruned", got)
	}
}
