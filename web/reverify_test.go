package web_test

import (
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
	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/web"
)

// hostedIssuer is an Open Badges 2.0 issuer on loopback that hosts its
// assertions, BadgeClass and profile, and can be told to revoke, block or
// go away.
type hostedIssuer struct {
	ts *httptest.Server

	mu      sync.Mutex
	docs    map[string]map[string]any // path → JSON document
	gone    map[string]bool           // path → answer 410
	status  map[string]int            // path → answer this error status
	block   chan struct{}             // non-nil: hold assertion requests until closed or cancelled
	hits    int
	blocked chan struct{} // receives when a request is being held
}

func newHostedIssuer(t *testing.T) *hostedIssuer {
	t.Helper()
	is := &hostedIssuer{docs: map[string]map[string]any{}, gone: map[string]bool{}, status: map[string]int{}, blocked: make(chan struct{}, 16)}
	is.ts = httptest.NewServer(is)
	t.Cleanup(is.ts.Close)
	is.docs["/class.json"] = map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": is.url("/class.json"),
		"name": "Soldering Basics", "description": "Solders a joint that holds.",
		"image": is.url("/badge.png"), "criteria": map[string]any{"narrative": "Solder ten joints."},
		"issuer": is.url("/issuer.json"),
	}
	is.docs["/issuer.json"] = map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": is.url("/issuer.json"),
		"name": "Maker Space", "url": is.url("/"), "email": "badges@issuer.example",
	}
	return is
}

func (is *hostedIssuer) url(path string) string { return is.ts.URL + path }

// assertion publishes an assertion for email at /assertions/<name>.json and
// returns its JSON.
func (is *hostedIssuer) assertion(t *testing.T, name, email string, extra map[string]any) []byte {
	t.Helper()
	path := "/assertions/" + name + ".json"
	a := map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": is.url(path),
		"recipient":    map[string]any{"type": "email", "hashed": false, "identity": email},
		"issuedOn":     "2026-01-10T10:00:00Z",
		"badge":        is.url("/class.json"),
		"verification": map[string]any{"type": "hosted"},
	}
	for k, v := range extra {
		a[k] = v
	}
	is.mu.Lock()
	is.docs[path] = a
	is.mu.Unlock()
	js, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func (is *hostedIssuer) update(path string, fn func(doc map[string]any)) {
	is.mu.Lock()
	defer is.mu.Unlock()
	fn(is.docs[path])
}

func (is *hostedIssuer) setGone(path string) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.gone[path] = true
}

func (is *hostedIssuer) setStatus(path string, status int) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.status[path] = status
}

func (is *hostedIssuer) requests() int {
	is.mu.Lock()
	defer is.mu.Unlock()
	return is.hits
}

func (is *hostedIssuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	is.mu.Lock()
	is.hits++
	doc, ok := is.docs[r.URL.Path]
	gone := is.gone[r.URL.Path]
	status := is.status[r.URL.Path]
	block := is.block
	var body []byte
	if ok {
		body, _ = json.Marshal(doc)
	}
	is.mu.Unlock()
	if block != nil && strings.HasPrefix(r.URL.Path, "/assertions/") {
		is.blocked <- struct{}{}
		select {
		case <-block:
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case status != 0:
		http.Error(w, http.StatusText(status), status)
	case gone:
		http.Error(w, "gone", http.StatusGone)
	case r.URL.Path == "/badge.png":
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n"))
	case !ok:
		http.NotFound(w, r)
	default:
		w.Header().Set("Content-Type", "application/ld+json")
		w.Write(body)
	}
}

// rvClock is a settable time source shared by the server and the verifier.
type rvClock struct{ ns atomic.Int64 }

func newRVClock(t time.Time) *rvClock {
	c := &rvClock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *rvClock) Now() time.Time                  { return time.Unix(0, c.ns.Load()).UTC() }
func (c *rvClock) Advance(d time.Duration)         { c.ns.Add(int64(d)) }
func (c *rvClock) After(d time.Duration) time.Time { return c.Now().Add(d) }

// reverifyEnv is a running server whose verifier may reach the issuer.
type reverifyEnv struct {
	*env
	issuer   *hostedIssuer
	clock    *rvClock
	verifier *verify.Verifier
	userID   int64
}

const rvLearner = "ada@example.org"

func startReverify(t *testing.T) *reverifyEnv {
	t.Helper()
	is := newHostedIssuer(t)
	u, _ := url.Parse(is.ts.URL)
	clk := newRVClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	f := fetch.New(fetch.Options{AllowHosts: []string{u.Host}, Timeout: 5 * time.Second})
	v := verify.New(f, verify.Options{Now: clk.Now})
	e := MustStart(t, func(o *web.Options) {
		o.Fetcher, o.Verifier, o.Now = f, v, clk.Now
	})
	user, _, err := e.db.SignIn(context.Background(), store.Identity{Provider: "dev", Subject: "ada", Email: rvLearner, EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	return &reverifyEnv{env: e, issuer: is, clock: clk, verifier: v, userID: user.ID}
}

// importBadge stores the badge data the way an import does: read, verify
// with the rvLearner's identifiers, keep with its report, next check a day on.
func (re *reverifyEnv) importBadge(t *testing.T, data []byte) *store.Badge {
	t.Helper()
	ctx := context.Background()
	m, err := badge.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := re.db.VerifiedIdentifiers(ctx, re.userID)
	if err != nil {
		t.Fatal(err)
	}
	rep := re.verifier.Verify(ctx, m, ids)
	b, err := store.NewBadge(m)
	if err != nil {
		t.Fatal(err)
	}
	b.UserID, b.Original = re.userID, data
	b.MatchedType, b.MatchedValue = "email", rvLearner
	b.ReportJSON, _ = json.Marshal(rep)
	b.Status, b.CheckedAt = backpack.StatusOf(rep), re.clock.Now()
	b.NextCheckAt = re.clock.After(24 * time.Hour)
	if _, err := re.db.UpsertBadge(ctx, b); err != nil {
		t.Fatal(err)
	}
	if b.Status != store.StatusValid {
		t.Fatalf("imported badge is %s, not valid: %s", b.Status, b.ReportJSON)
	}
	return b
}

func (re *reverifyEnv) badge(t *testing.T, id int64) *store.Badge {
	t.Helper()
	b, err := re.db.BadgeByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (re *reverifyEnv) job(t *testing.T, modify ...func(*backpack.ReverifyOptions)) *backpack.Reverifier {
	t.Helper()
	opts := backpack.ReverifyOptions{Interval: 24 * time.Hour}
	for _, m := range modify {
		m(&opts)
	}
	rv, err := re.srv.Backpack().NewReverifier(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rv.Stop)
	return rv
}

func findCheck(t *testing.T, b *store.Badge, id string) verify.Check {
	t.Helper()
	rep, err := b.Report()
	if err != nil || rep == nil {
		t.Fatalf("report: %v", err)
	}
	for _, c := range rep.Checks {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no %q check in %s", id, b.ReportJSON)
	return verify.Check{}
}

func TestReverify_IssuerRevokesBadge(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		revoke func(is *hostedIssuer, path string)
		detail string
	}{
		{"410 Gone", func(is *hostedIssuer, path string) { is.setGone(path) }, "410"},
		{"revoked: true", func(is *hostedIssuer, path string) {
			is.update(path, func(a map[string]any) { a["revoked"], a["revocationReason"] = true, "Issued in error" })
		}, "marks this badge as revoked"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			re := startReverify(t)
			data := re.issuer.assertion(t, "1", rvLearner, nil)
			b := re.importBadge(t, data)
			rv := re.job(t)

			// Not due yet: nothing is fetched.
			before := re.issuer.requests()
			if st, err := rv.RunOnce(ctx); err != nil || st != (backpack.ReverifyStats{}) {
				t.Fatalf("before the interval: %+v %v", st, err)
			}
			if re.issuer.requests() != before {
				t.Fatal("the job fetched a badge that was not due")
			}

			tt.revoke(re.issuer, "/assertions/1.json")
			re.clock.Advance(25 * time.Hour)
			st, err := rv.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Checked != 1 || st.Changed != 1 {
				t.Errorf("stats %+v, want one badge checked and changed", st)
			}
			got := re.badge(t, b.ID)
			if got.Status != store.StatusRevoked {
				t.Fatalf("status %q after the issuer revoked it; report %s", got.Status, got.ReportJSON)
			}
			if got.SeenStatus != store.StatusValid {
				t.Errorf("seen status %q: the change from valid is not marked for the rvLearner", got.SeenStatus)
			}
			if c := findCheck(t, got, "revocation"); c.Status != verify.Failed || !strings.Contains(c.Message+c.Detail, tt.detail) {
				t.Errorf("revocation check %+v", c)
			}
			if !got.CheckedAt.Equal(re.clock.Now()) || !got.NextCheckAt.Equal(re.clock.After(24*time.Hour)) {
				t.Errorf("checked %v, next %v", got.CheckedAt, got.NextCheckAt)
			}
			checks, err := re.db.BadgeChecks(ctx, b.ID, 10)
			if err != nil || len(checks) != 2 || checks[0].Status != store.StatusRevoked || checks[0].Verdict != "invalid" || checks[1].Status != store.StatusValid {
				t.Errorf("history %+v %v: want the import's valid entry, then revoked", checks, err)
			}

			// The rvLearner looks at it; a later run that finds it still
			// revoked changes nothing they need to be told.
			if err := re.db.MarkBadgeSeen(ctx, re.userID, b.PublicID); err != nil {
				t.Fatal(err)
			}
			re.clock.Advance(25 * time.Hour)
			if st, err := rv.RunOnce(ctx); err != nil || st.Checked != 1 || st.Changed != 0 {
				t.Errorf("second run: %+v %v", st, err)
			}
			if got := re.badge(t, b.ID); got.Status != store.StatusRevoked || got.SeenStatus != store.StatusRevoked {
				t.Errorf("after being seen: status %q seen %q", got.Status, got.SeenStatus)
			}
		})
	}
}

func TestReverify_UnreachableIssuerKeepsTheVerdict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	re := startReverify(t)
	b := re.importBadge(t, re.issuer.assertion(t, "1", rvLearner, nil))
	stored := re.badge(t, b.ID)
	rv := re.job(t)

	re.issuer.ts.Close() // the issuer's server is down
	re.clock.Advance(25 * time.Hour)
	st, err := rv.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st != (backpack.ReverifyStats{Transient: 1}) {
		t.Errorf("stats %+v, want one transient failure", st)
	}
	got := re.badge(t, b.ID)
	if got.Status != store.StatusValid || string(got.ReportJSON) != string(stored.ReportJSON) || !got.CheckedAt.Equal(stored.CheckedAt) {
		t.Errorf("verdict not kept: status %q, checked %v (was %v)", got.Status, got.CheckedAt, stored.CheckedAt)
	}
	if got.SeenStatus != "" {
		t.Errorf("seen status %q: nothing changed", got.SeenStatus)
	}
	// Backed off: retried after an eighth of the interval, then after twice that.
	if want := re.clock.After(3 * time.Hour); !got.NextCheckAt.Equal(want) {
		t.Errorf("next check %v, want %v", got.NextCheckAt, want)
	}
	checks, _ := re.db.BadgeChecks(ctx, b.ID, 10)
	if len(checks) != 2 || checks[0].Status != store.StatusUnverified {
		t.Fatalf("history %+v: want a could-not-verify entry", checks)
	}
	var rep verify.Report
	if err := json.Unmarshal(checks[0].ReportJSON, &rep); err != nil || !strings.Contains(string(checks[0].ReportJSON), "unreachable") {
		t.Errorf("the history entry does not say the issuer was unreachable: %s", checks[0].ReportJSON)
	}

	re.clock.Advance(2 * time.Hour) // not yet
	if st, _ := rv.RunOnce(ctx); st.Transient != 0 {
		t.Errorf("retried before the back-off: %+v", st)
	}
	re.clock.Advance(time.Hour)
	if st, _ := rv.RunOnce(ctx); st.Transient != 1 {
		t.Errorf("not retried after the back-off: %+v", st)
	}
	if got := re.badge(t, b.ID); !got.NextCheckAt.Equal(re.clock.After(6*time.Hour)) || got.Status != store.StatusValid {
		t.Errorf("second failure: next check %v (want in 6h), status %q", got.NextCheckAt, got.Status)
	}
}

func TestReverify_ServerErrorIsTransientButNotFoundIsNot(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status    int
		transient bool
	}{
		{http.StatusServiceUnavailable, true},
		{http.StatusInternalServerError, true},
		{http.StatusTooManyRequests, true},
		{http.StatusNotFound, false}, // the issuer no longer confirms the badge
	} {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			ctx := context.Background()
			re := startReverify(t)
			b := re.importBadge(t, re.issuer.assertion(t, "1", rvLearner, nil))
			rv := re.job(t)
			re.issuer.setStatus("/assertions/1.json", tt.status)
			re.clock.Advance(25 * time.Hour)
			st, err := rv.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := re.badge(t, b.ID)
			checks, _ := re.db.BadgeChecks(ctx, b.ID, 10)
			if tt.transient {
				if st.Transient != 1 || got.Status != store.StatusValid || len(checks) != 2 || checks[0].Status != store.StatusUnverified {
					t.Errorf("stats %+v, status %q, history %+v: want the verdict kept and a could-not-verify entry", st, got.Status, checks)
				}
				return
			}
			if st.Checked != 1 || got.Status != store.StatusInvalid || got.SeenStatus != store.StatusValid {
				t.Errorf("stats %+v, status %q seen %q: want invalid, the change marked", st, got.Status, got.SeenStatus)
			}
		})
	}
}

func TestReverify_ExpiryChangesStatusWithoutAFetch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	re := startReverify(t)
	expires := re.clock.After(2 * time.Hour)
	b := re.importBadge(t, re.issuer.assertion(t, "1", rvLearner, map[string]any{"expires": expires.Format(time.RFC3339)}))
	rv := re.job(t)

	re.clock.Advance(time.Hour)
	if st, err := rv.RunOnce(ctx); err != nil || st != (backpack.ReverifyStats{}) {
		t.Fatalf("before expiry: %+v %v", st, err)
	}
	re.clock.Advance(2 * time.Hour) // expired, but not due for a check
	before := re.issuer.requests()
	st, err := rv.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st != (backpack.ReverifyStats{Expired: 1, Changed: 1}) {
		t.Errorf("stats %+v", st)
	}
	if n := re.issuer.requests() - before; n != 0 {
		t.Errorf("expiring the badge fetched %d documents from the issuer", n)
	}
	got := re.badge(t, b.ID)
	if got.Status != store.StatusExpired || got.SeenStatus != store.StatusValid {
		t.Errorf("status %q seen %q, want expired, seen valid", got.Status, got.SeenStatus)
	}
	if c := findCheck(t, got, "expiry"); c.Status != verify.Failed || !strings.Contains(c.Message, "expired on 1 March 2026") {
		t.Errorf("expiry check %+v", c)
	}
	if checks, _ := re.db.BadgeChecks(ctx, b.ID, 10); len(checks) != 2 || checks[0].Status != store.StatusExpired {
		t.Errorf("history %+v", checks)
	}

	// When its check falls due, the full verification agrees.
	re.clock.Advance(24 * time.Hour)
	if st, err := rv.RunOnce(ctx); err != nil || st.Checked != 1 || st.Changed != 0 {
		t.Errorf("due check of the expired badge: %+v %v", st, err)
	}
	if got := re.badge(t, b.ID); got.Status != store.StatusExpired {
		t.Errorf("after the full check: %q; report %s", got.Status, got.ReportJSON)
	}
}

func TestReverify_RemovedIdentifierKeepsClaimedBadge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	re := startReverify(t)
	// Issued to an address the rvLearner no longer has among their verified
	// identifiers, but matched to it at import.
	b := re.importBadge(t, re.issuer.assertion(t, "1", rvLearner, nil))
	if err := re.db.LinkLogin(ctx, re.userID, store.Identity{Provider: "other", Subject: "x", Email: "someone@example.org", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	if err := re.db.UnlinkLogin(ctx, re.userID, "dev"); err != nil {
		t.Fatal(err)
	}
	ids, _ := re.db.VerifiedIdentifiers(ctx, re.userID)
	if len(ids) != 1 || ids[0].Value != "someone@example.org" {
		t.Fatalf("verified identifiers %v", ids)
	}
	rv := re.job(t)
	re.clock.Advance(25 * time.Hour)
	if _, err := rv.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := re.badge(t, b.ID); got.Status != store.StatusValid {
		t.Errorf("status %q: the badge claimed with %s should stay valid; report %s", got.Status, rvLearner, got.ReportJSON)
	}
}

func TestReverify_StartChecksInTheBackgroundAndStopCancels(t *testing.T) {
	t.Parallel()
	re := startReverify(t)
	b := re.importBadge(t, re.issuer.assertion(t, "1", rvLearner, nil))
	re.issuer.setGone("/assertions/1.json")
	re.clock.Advance(25 * time.Hour)
	var (
		passMu sync.Mutex
		passes []backpack.ReverifyStats
	)
	rv := re.job(t, func(o *backpack.ReverifyOptions) {
		o.Poll = 20 * time.Millisecond
		o.OnPass = func(st backpack.ReverifyStats) { passMu.Lock(); passes = append(passes, st); passMu.Unlock() }
	})
	rv.Start()
	rv.Start() // a second Start is harmless
	deadline := time.Now().Add(10 * time.Second)
	for re.badge(t, b.ID).Status != store.StatusRevoked {
		if time.Now().After(deadline) {
			t.Fatal("the background job did not re-verify the due badge")
		}
		time.Sleep(10 * time.Millisecond)
	}
	rv.Stop()
	rv.Stop() // and so is a second Stop
	passMu.Lock()
	var told backpack.ReverifyStats
	for _, st := range passes {
		told.Checked, told.Changed = told.Checked+st.Checked, told.Changed+st.Changed
	}
	passMu.Unlock()
	if told.Checked != 1 || told.Changed != 1 {
		t.Errorf("OnPass heard %+v over %d passes, want the one badge checked and changed", told, len(passes))
	}

	// A verification in flight when Stop is called is abandoned, not
	// recorded as a failure of the issuer.
	b2 := re.importBadge(t, re.issuer.assertion(t, "2", rvLearner, nil))
	re.issuer.mu.Lock()
	re.issuer.block = make(chan struct{})
	re.issuer.mu.Unlock()
	re.clock.Advance(25 * time.Hour)
	rv2 := re.job(t, func(o *backpack.ReverifyOptions) { o.Poll = time.Hour })
	rv2.Start()
	select {
	case <-re.issuer.blocked:
	case <-time.After(10 * time.Second):
		t.Fatal("the job did not fetch the due badge")
	}
	stopped := make(chan struct{})
	go func() { rv2.Stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not return while a fetch was in flight")
	}
	if checks, _ := re.db.BadgeChecks(context.Background(), b2.ID, 10); len(checks) != 1 {
		t.Errorf("the abandoned check was recorded: %+v", checks)
	}
	if got := re.badge(t, b2.ID); got.Status != store.StatusValid {
		t.Errorf("status %q after an abandoned check", got.Status)
	}
}

func TestNewReverifier_NeedsAnInterval(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	if _, err := e.srv.Backpack().NewReverifier(backpack.ReverifyOptions{}); err == nil {
		t.Fatal("a zero interval was accepted")
	}
}

func TestReverify_UnreadableStoredBadgeKeepsItsVerdict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	re := startReverify(t)
	b := &store.Badge{
		UserID: re.userID, DedupeKey: "ob2 https://issuer.example/broken", Version: "2.0", Format: "json",
		Original: []byte("not a badge at all"), ModelJSON: []byte("{broken"), Name: "Broken",
		Status: store.StatusValid, ReportJSON: []byte(`{"checks":[],"verdict":"valid"}`), CheckedAt: re.clock.Now(),
	}
	if _, err := re.db.UpsertBadge(ctx, b); err != nil {
		t.Fatal(err)
	}
	st, err := re.job(t).RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Transient != 1 {
		t.Errorf("stats %+v: Satchel's own failure to read the badge should not count as a verdict", st)
	}
	if got := re.badge(t, b.ID); got.Status != store.StatusValid {
		t.Errorf("status %q, want valid kept", got.Status)
	}
	if !strings.Contains(re.logs.String(), "stored badge unreadable") {
		t.Error("the failure is not logged")
	}
}

func TestReverify_ShowsWhatTheIssuerSaysNow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	re := startReverify(t)
	b := re.importBadge(t, re.issuer.assertion(t, "1", rvLearner, nil))
	if got := re.badge(t, b.ID); got.IssuerName != "Maker Space" || got.Name != "Soldering Basics" {
		t.Fatalf("imported as %q by %q", got.Name, got.IssuerName)
	}
	re.issuer.update("/issuer.json", func(d map[string]any) { d["name"] = "Maker Space Collective" })
	re.issuer.update("/class.json", func(d map[string]any) {
		d["description"] = "Solders a joint that holds, safely."
		d["tags"] = []any{"electronics", "safety"}
	})
	re.clock.Advance(25 * time.Hour)
	st, err := re.job(t).RunOnce(ctx)
	if err != nil || st.Checked != 1 || st.Changed != 0 {
		t.Fatalf("stats %+v %v", st, err)
	}
	got := re.badge(t, b.ID)
	if got.IssuerName != "Maker Space Collective" || got.Description != "Solders a joint that holds, safely." || got.Status != store.StatusValid {
		t.Errorf("after the issuer's changes: issuer %q, description %q, status %q", got.IssuerName, got.Description, got.Status)
	}
	if strings.Join(got.Tags, ",") != "electronics,safety" {
		t.Errorf("tags %v", got.Tags)
	}
	m, err := got.Model()
	if err != nil || m.Issuer.Name != "Maker Space Collective" {
		t.Errorf("stored model's issuer %q %v", m.Issuer.Name, err)
	}
	if string(got.Original) != string(b.Original) || got.PublicID != b.PublicID {
		t.Error("the original bytes or public id changed")
	}

	// A revoked badge keeps what it said when it was last confirmed.
	re.issuer.update("/issuer.json", func(d map[string]any) { d["name"] = "Someone Else" })
	re.issuer.setGone("/assertions/1.json")
	re.clock.Advance(25 * time.Hour)
	if _, err := re.job(t).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := re.badge(t, b.ID); got.Status != store.StatusRevoked || got.IssuerName != "Maker Space Collective" || got.Name != "Soldering Basics" {
		t.Errorf("revoked: status %q, name %q, issuer %q", got.Status, got.Name, got.IssuerName)
	}
}
