package backpack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
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

// clock is a settable time source shared by the service and the verifier.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// env is a service over a real database, with a verifier that may reach
// the loopback hosts given.
type env struct {
	db    *store.DB
	bp    *backpack.Service
	clock *clock
}

func mustStart(t *testing.T, limit int, hosts ...string) *env {
	t.Helper()
	db := storetest.MustOpen(t, engine)
	// The day the samples were made: each is valid from before it.
	clk := newClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	f := fetch.New(fetch.Options{AllowHosts: hosts, Timeout: 5 * time.Second})
	v := verify.New(f, verify.Options{Now: clk.Now})
	bp, err := backpack.New(backpack.Deps{Store: db, Verifier: v, Fetcher: f, Now: clk.Now, ImportLimit: limit, Generator: "Satchel test"})
	if err != nil {
		t.Fatal(err)
	}
	return &env{db: db, bp: bp, clock: clk}
}

// learner signs in someone whose verified address is email.
func (e *env) learner(t *testing.T, subject, email string) int64 {
	t.Helper()
	u, _, err := e.db.SignIn(context.Background(), store.Identity{Provider: "dev", Subject: subject, Email: email, EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func (e *env) count(t *testing.T, userID int64) int {
	t.Helper()
	n, err := e.db.CountBadges(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) importOne(t *testing.T, userID int64, it backpack.Item) backpack.ImportResult {
	t.Helper()
	res, err := e.bp.Import(context.Background(), userID, []backpack.Item{it})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 {
		t.Fatalf("%d results for one item", len(res))
	}
	return res[0]
}

// sample is the generated sample badge whose file name contains name.
func sample(t *testing.T, name string) samples.Sample {
	t.Helper()
	all, err := samples.Generate()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if strings.Contains(s.File, name) {
			return s
		}
	}
	t.Fatalf("no sample %q", name)
	return samples.Sample{}
}

func item(s samples.Sample) backpack.Item {
	return backpack.Item{Source: s.File, Name: s.File, Data: s.Data}
}

func TestImport_AddsABadgeIssuedToTheLearner(t *testing.T) {
	t.Parallel()
	e := mustStart(t, 0)
	ada := e.learner(t, "ada", samples.Recipient)
	s := sample(t, "data-analysis")
	got := e.importOne(t, ada, item(s))
	if got.Outcome != backpack.Added || got.Status != store.StatusValid || got.BadgeName != s.Name || got.Message != "" || got.Source != s.File {
		t.Fatalf("result %+v, want added and valid", got)
	}
	b, err := e.db.BadgeByPublicID(context.Background(), ada, got.BadgeID)
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != store.StatusValid || !bytes.Equal(b.Original, s.Data) || b.OriginalName != s.File || b.OriginalType != "application/json" ||
		b.MatchedType != "email" || b.MatchedValue != samples.Recipient || b.ImageHash == "" {
		t.Errorf("stored %+v", b)
	}
	if !b.NextCheckAt.Equal(e.clock.Now().Add(backpack.DefaultRecheck)) {
		t.Errorf("next check %v, want a day after the import", b.NextCheckAt)
	}
	if rep, err := b.Report(); err != nil || rep.Verdict != verify.Valid {
		t.Errorf("stored report %+v %v", rep, err)
	}
}

func TestImport_SameBadgeAgainIsADuplicate(t *testing.T) {
	t.Parallel()
	e := mustStart(t, 0)
	ada := e.learner(t, "ada", samples.Recipient)
	s := sample(t, "collaborative")
	first := e.importOne(t, ada, item(s))
	again := e.importOne(t, ada, item(s))
	if first.Outcome != backpack.Added || again.Outcome != backpack.Duplicate || again.BadgeID != first.BadgeID ||
		again.Message != "This badge is already in your backpack." || again.Status != "" {
		t.Fatalf("first %+v, again %+v", first, again)
	}
	if n := e.count(t, ada); n != 1 {
		t.Errorf("%d badges stored, want 1", n)
	}
}

func TestImport_RefusesABadgeForSomeoneElse(t *testing.T) {
	t.Parallel()
	e := mustStart(t, 0)
	bob := e.learner(t, "bob", "bob@example.org")
	got := e.importOne(t, bob, item(sample(t, "data-analysis")))
	if got.Outcome != backpack.Refused || !got.AddEmail || got.BadgeID != "" ||
		!strings.HasSuffix(got.Message, " you have not verified. If it is yours, add and confirm that address, then import the badge again.") {
		t.Fatalf("result %+v, want refused for another address", got)
	}
	if strings.Contains(got.Message, samples.Recipient) {
		t.Error("the refusal names the address the badge was issued to")
	}
	if n := e.count(t, bob); n != 0 {
		t.Errorf("%d badges stored for someone else's badge", n)
	}
}

func TestImport_RefusesAForgedBadgeAndStoresNothing(t *testing.T) {
	t.Parallel()
	e := mustStart(t, 0)
	ada := e.learner(t, "ada", samples.Recipient)
	s := sample(t, "data-analysis")
	forged := bytes.ReplaceAll(s.Data, []byte("Introduction to Data Analysis with Python"), []byte("Advanced Data Analysis with Python"))
	if bytes.Equal(forged, s.Data) {
		t.Fatal("the sample no longer holds the name this test changes")
	}
	got := e.importOne(t, ada, backpack.Item{Source: "forged.json", Data: forged})
	if got.Outcome != backpack.Refused || got.BadgeID != "" || len(got.Details) == 0 ||
		!strings.HasSuffix(got.Message, "Satchel did not import it. Ask the issuer for a fresh copy.") {
		t.Fatalf("result %+v, want refused as not genuine", got)
	}
	if n := e.count(t, ada); n != 0 {
		t.Errorf("%d badges stored of a forged one", n)
	}
}

func TestImport_KeepsAnExpiredBadgeMarked(t *testing.T) {
	t.Parallel()
	e := mustStart(t, 0)
	ada := e.learner(t, "ada", samples.Recipient)
	got := e.importOne(t, ada, item(sample(t, "expired")))
	if got.Outcome != backpack.Added || got.Status != store.StatusExpired ||
		!strings.HasPrefix(got.Message, "It is kept in your backpack, marked as expired: ") {
		t.Fatalf("result %+v, want kept as expired", got)
	}
}

func TestImport_RefusesWhatIsNotABadge(t *testing.T) {
	t.Parallel()
	e := mustStart(t, 0)
	ada := e.learner(t, "ada", samples.Recipient)
	res, err := e.bp.Import(context.Background(), ada, []backpack.Item{
		{Source: "notes.txt", Data: []byte("shopping list")},
		{Source: "big.png", Refused: "Too big."},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Outcome != backpack.Refused || res[0].Message == "" || res[1].Outcome != backpack.Refused || res[1].Message != "Too big." {
		t.Fatalf("results %+v", res)
	}
}

func TestImport_HourlyLimit(t *testing.T) {
	t.Parallel()
	e := mustStart(t, 1)
	ada := e.learner(t, "ada", samples.Recipient)
	res, err := e.bp.Import(context.Background(), ada, []backpack.Item{item(sample(t, "data-analysis")), item(sample(t, "collaborative"))})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Outcome != backpack.Added || res[1].Outcome != backpack.Refused ||
		!strings.HasPrefix(res[1].Message, "You have imported 1 badges in the last hour, as many as Satchel takes at a time. Please try this one again in ") {
		t.Fatalf("results %+v", res)
	}
}

func TestImportArchive_BringsAnExportBackOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := mustStart(t, 0)
	ada := e.learner(t, "ada", samples.Recipient)
	for _, name := range []string{"data-analysis", "collaborative", "expired"} {
		if r := e.importOne(t, ada, item(sample(t, name))); r.Outcome != backpack.Added {
			t.Fatalf("%s: %+v", name, r)
		}
	}
	if _, err := e.db.CreateCollection(ctx, ada, store.CollectionInput{Name: "Work"}); err != nil {
		t.Fatal(err)
	}
	zip, err := e.bp.Export(ctx, ada)
	if err != nil {
		t.Fatal(err)
	}

	// The same learner on another Satchel: a new account, same address.
	other := e.learner(t, "ada-elsewhere", samples.Recipient)
	res, err := e.bp.ImportArchive(ctx, other, zip)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 3 || res.Existing != 0 || res.CollectionsAdded != 1 || len(res.Refused) != 0 {
		t.Fatalf("first import %+v", res)
	}
	res, err = e.bp.ImportArchive(ctx, other, zip)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 0 || res.Existing != 3 || res.CollectionsAdded != 0 || res.CollectionsExisting != 1 {
		t.Fatalf("second import %+v, want nothing new", res)
	}

	// Someone else cannot take these badges in with the archive.
	bob := e.learner(t, "bob", "bob@example.org")
	res, err = e.bp.ImportArchive(ctx, bob, zip)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 0 || len(res.Refused) != 3 || !strings.Contains(res.Refused[0].Reason, "you have not verified") {
		t.Fatalf("someone else's import %+v", res)
	}
	if n := e.count(t, bob); n != 0 {
		t.Errorf("%d badges stored for someone else", n)
	}
}

func TestImportArchive_RefusesADamagedArchive(t *testing.T) {
	t.Parallel()
	e := mustStart(t, 0)
	ada := e.learner(t, "ada", samples.Recipient)
	_, err := e.bp.ImportArchive(context.Background(), ada, []byte("PK\x03\x04 not really a zip"))
	if fail.CodeOf(err) != fail.Invalid || fail.Message(err) == "" {
		t.Fatalf("err %v, want invalid with a message", err)
	}
	if n := e.count(t, ada); n != 0 {
		t.Errorf("%d badges stored", n)
	}
}

// issuer hosts one Open Badges 2.0 assertion, its BadgeClass and profile on
// loopback, and can revoke it.
type issuer struct {
	ts      *httptest.Server
	mu      sync.Mutex
	revoked bool
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	is := &issuer{}
	is.ts = httptest.NewServer(is)
	t.Cleanup(is.ts.Close)
	return is
}

func (is *issuer) url(p string) string { return is.ts.URL + p }

func (is *issuer) revoke() {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.revoked = true
}

func (is *issuer) assertion() map[string]any {
	return map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": is.url("/assertion.json"),
		"recipient": map[string]any{"type": "email", "hashed": false, "identity": "ada@example.org"},
		"issuedOn":  "2026-01-10T10:00:00Z", "badge": is.url("/class.json"),
		"verification": map[string]any{"type": "hosted"},
	}
}

func (is *issuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	is.mu.Lock()
	revoked := is.revoked
	is.mu.Unlock()
	var doc map[string]any
	switch r.URL.Path {
	case "/assertion.json":
		if revoked {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		doc = is.assertion()
	case "/class.json":
		doc = map[string]any{
			"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": is.url("/class.json"),
			"name": "Soldering Basics", "description": "Solders a joint that holds.",
			"criteria": map[string]any{"narrative": "Solder ten joints."}, "issuer": is.url("/issuer.json"),
		}
	case "/issuer.json":
		doc = map[string]any{
			"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": is.url("/issuer.json"),
			"name": "Maker Space", "url": is.url("/"), "email": "badges@issuer.example",
		}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/ld+json")
	json.NewEncoder(w).Encode(doc)
}

// hosted starts an issuer and a service that may reach it, with ada's
// badge from it imported (valid).
func hosted(t *testing.T) (*env, *issuer, int64, string) {
	t.Helper()
	is := newIssuer(t)
	u, _ := url.Parse(is.ts.URL)
	e := mustStart(t, 0, u.Host)
	ada := e.learner(t, "ada", "ada@example.org")
	js, _ := json.Marshal(is.assertion())
	got := e.importOne(t, ada, backpack.Item{Source: "assertion.json", Data: js})
	if got.Outcome != backpack.Added || got.Status != store.StatusValid {
		t.Fatalf("import from the issuer: %+v", got)
	}
	return e, is, ada, got.BadgeID
}

func TestReverify_SweepMarksARevokedBadge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, is, ada, id := hosted(t)
	rv, err := e.bp.NewReverifier(backpack.ReverifyOptions{Interval: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := rv.RunOnce(ctx); err != nil || st != (backpack.ReverifyStats{}) {
		t.Fatalf("a pass before anything is due: %+v %v", st, err)
	}
	is.revoke()
	e.clock.Advance(25 * time.Hour)
	st, err := rv.RunOnce(ctx)
	if err != nil || st != (backpack.ReverifyStats{Checked: 1, Changed: 1}) {
		t.Fatalf("pass: %+v %v, want one badge checked and changed", st, err)
	}
	b, err := e.db.BadgeByPublicID(ctx, ada, id)
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != store.StatusRevoked || !b.NextCheckAt.Equal(e.clock.Now().Add(24*time.Hour)) {
		t.Errorf("badge %s, next check %v", b.Status, b.NextCheckAt)
	}
}

func TestCheckBadge_RecordsTheNewStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, is, ada, id := hosted(t)
	b, err := e.db.BadgeByPublicID(ctx, ada, id)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := e.bp.CheckBadge(ctx, b); err != nil || res != (backpack.CheckResult{Status: store.StatusValid}) {
		t.Fatalf("check of a valid badge: %+v %v", res, err)
	}
	is.revoke()
	b, _ = e.db.BadgeByPublicID(ctx, ada, id)
	res, err := e.bp.CheckBadge(ctx, b)
	if err != nil || res != (backpack.CheckResult{Status: store.StatusRevoked}) {
		t.Fatalf("check after revocation: %+v %v", res, err)
	}
	if b, _ = e.db.BadgeByPublicID(ctx, ada, id); b.Status != store.StatusRevoked {
		t.Errorf("stored status %s, want revoked", b.Status)
	}
}

func TestCheckBadge_KeepsTheVerdictWhenTheIssuerIsDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, is, ada, id := hosted(t)
	is.ts.Close()
	b, _ := e.db.BadgeByPublicID(ctx, ada, id)
	res, err := e.bp.CheckBadge(ctx, b)
	if err != nil || res != (backpack.CheckResult{Status: store.StatusUnverified, Transient: true}) {
		t.Fatalf("check with the issuer down: %+v %v", res, err)
	}
	if b, _ = e.db.BadgeByPublicID(ctx, ada, id); b.Status != store.StatusValid {
		t.Errorf("stored status %s, want it kept valid", b.Status)
	}
}

func TestCheckPublic_StoresNothingAndShowsExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, is, ada, id := hosted(t)
	b, _ := e.db.BadgeByPublicID(ctx, ada, id)
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	if rep, status := e.bp.CheckPublic(ctx, b, m); status != store.StatusValid || rep.Verdict != verify.Valid {
		t.Fatalf("live check: %s, verdict %s", status, rep.Verdict)
	}
	// The stored expiry date has passed: a valid check still shows expired.
	b.ExpiresAt = e.clock.Now().Add(-time.Hour)
	if _, status := e.bp.CheckPublic(ctx, b, m); status != store.StatusExpired {
		t.Errorf("past its expiry: %s, want expired", status)
	}
	is.revoke()
	if _, status := e.bp.CheckPublic(ctx, b, m); status != store.StatusRevoked {
		t.Errorf("after revocation: %s, want revoked", status)
	}
	if b, _ = e.db.BadgeByPublicID(ctx, ada, id); b.Status != store.StatusValid {
		t.Errorf("a live check changed the stored status to %s", b.Status)
	}
}

func TestStatusOf(t *testing.T) {
	t.Parallel()
	mk := func(checks ...verify.Check) *verify.Report {
		r := &verify.Report{Checks: checks}
		r.Finish()
		return r
	}
	pass := verify.Check{ID: "signature", Status: verify.Passed}
	for _, c := range []struct {
		r    *verify.Report
		want store.BadgeStatus
	}{
		{nil, store.StatusUnverified},
		{mk(pass), store.StatusValid},
		{mk(pass, verify.Check{ID: "revocation", Status: verify.Warning}), store.StatusWarning},
		{mk(pass, verify.Check{ID: "expiry", Status: verify.Failed}), store.StatusExpired},
		{mk(verify.Check{ID: "expiry", Status: verify.Failed}, verify.Check{ID: "revocation", Status: verify.Failed}), store.StatusRevoked},
		{mk(verify.Check{ID: "signature", Status: verify.Failed}), store.StatusInvalid},
		// A failure the verifier marks transient (a server in trouble), not
		// anything read from its words.
		{mk(verify.Check{ID: "fetch", Status: verify.Failed, Transient: true}), store.StatusUnverified},
		{mk(verify.Check{ID: "key", Status: verify.Failed, Transient: true}, verify.Check{ID: "expiry", Status: verify.Failed}), store.StatusUnverified},
		{mk(verify.Check{ID: "fetch", Status: verify.Failed, Transient: true}, verify.Check{ID: "signature", Status: verify.Failed}), store.StatusInvalid},
		{mk(verify.Check{ID: "fetch", Status: verify.Failed, Detail: "fetch https://issuer.example/a: unreachable"}), store.StatusInvalid},
		{mk(pass, verify.Check{ID: "key", Status: verify.Unconfirmed}), store.StatusUnconfirmed},
		{mk(pass, verify.Check{ID: "key", Status: verify.Unconfirmed}, verify.Check{ID: "context", Status: verify.Warning}), store.StatusUnconfirmed},
		{mk(verify.Check{ID: "key", Status: verify.Unconfirmed}, verify.Check{ID: "proof", Status: verify.Failed}), store.StatusInvalid},
		{mk(pass, verify.Check{ID: "recipient", Status: verify.Failed}), store.StatusValid},
		{mk(pass, verify.Check{ID: "recipient", Status: verify.Warning}), store.StatusValid},
	} {
		if got := backpack.StatusOf(c.r); got != c.want {
			t.Errorf("%+v: %s, want %s", c.r, got, c.want)
		}
	}
}

func TestWaitWords(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{time.Second, "a second"}, {42 * time.Second, "42 seconds"}, {time.Minute, "a minute"},
		{61 * time.Second, "2 minutes"}, {9*time.Minute + 50*time.Second, "10 minutes"},
	} {
		if got := backpack.WaitWords(c.d); got != c.want {
			t.Errorf("WaitWords(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}
