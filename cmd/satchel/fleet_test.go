package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/samples"
	"github.com/satchel-backpack/satchel/store"
)

// hostedIssuer serves one hosted Open Badges 2.0 assertion for
// samples.Recipient, its BadgeClass and its issuer on loopback, and can
// revoke it (the assertion is then gone: 410).
type hostedIssuer struct {
	ts      *httptest.Server
	revoked atomic.Bool
}

func newHostedIssuer(t *testing.T) *hostedIssuer {
	t.Helper()
	is := &hostedIssuer{}
	is.ts = httptest.NewServer(is)
	t.Cleanup(is.ts.Close)
	return is
}

func (is *hostedIssuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u := is.ts.URL
	ob := "https://w3id.org/openbadges/v2"
	var doc map[string]any
	switch r.URL.Path {
	case "/assertion.json":
		if is.revoked.Load() {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		doc = map[string]any{"@context": ob, "type": "Assertion", "id": u + "/assertion.json",
			"recipient": map[string]any{"type": "email", "hashed": false, "identity": samples.Recipient},
			"issuedOn":  "2026-01-10T10:00:00Z", "badge": u + "/class.json", "verification": map[string]any{"type": "hosted"}}
	case "/class.json":
		doc = map[string]any{"@context": ob, "type": "BadgeClass", "id": u + "/class.json", "name": "Soldering Basics",
			"description": "Solders a joint that holds.", "criteria": map[string]any{"narrative": "Solder ten joints."}, "issuer": u + "/issuer.json"}
	case "/issuer.json":
		doc = map[string]any{"@context": ob, "type": "Issuer", "id": u + "/issuer.json", "name": "Maker Space", "url": u + "/", "email": "badges@issuer.example"}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/ld+json")
	json.NewEncoder(w).Encode(doc)
}

// browser is one person's cookies, used against several processes: the
// processes share the session secret, so a session made by one is good on
// all (cookies ignore the port).
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar}}
}

// get fetches u and returns the status and body.
func (b *browser) get(u string) (int, string) {
	b.t.Helper()
	res, err := b.c.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// post sends a form (with the CSRF cookie's token as a header) and returns
// the status after redirects and the body.
func (b *browser) post(base, path string, form url.Values) (int, string) {
	b.t.Helper()
	return b.send(base, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

func (b *browser) send(base, path, contentType string, body io.Reader) (int, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+path, body)
	req.Header.Set("Content-Type", contentType)
	u, _ := url.Parse(base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "_csrf" {
			req.Header.Set("X-CSRF-Token", c.Value)
		}
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Error(err) // not Fatal: concurrent moves call this from goroutines
		return 0, ""
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

func TestFleet_TwoProcessesOnOnePostgreSQLDatabase(t *testing.T) {
	requireDevSignIn(t)
	ctx := context.Background()
	dbURL, _ := mustPostgresURL(t)
	is := newHostedIssuer(t)
	issuerHost := strings.TrimPrefix(is.ts.URL, "http://")
	const signInLimit = 12
	boot := func() *testMain {
		t.Helper()
		tm := newTestMain(map[string]string{
			"SATCHEL_ADDR":           "127.0.0.1:0",
			"SATCHEL_DATA_DIR":       t.TempDir(),
			"SATCHEL_DATABASE_URL":   dbURL,
			"SATCHEL_SESSION_SECRET": strings.Repeat("fleet-secret-", 4),
			"SATCHEL_DEV_LOGIN":      "on",
			"SATCHEL_SIGNIN_LIMIT":   fmt.Sprint(signInLimit),
		})
		tm.AllowHosts = []string{issuerHost}
		if err := tm.ParseFlags(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := tm.Run(ctx); err != nil {
			t.Fatalf("run: %v\n%s", err, tm.stderr.String())
		}
		t.Cleanup(func() { tm.Close() })
		return tm
	}
	// Everyone signs in on A; the point is that the session, made by A,
	// holds on B, which shares only the database and the session secret.
	b := boot()
	a := boot()
	A, B := a.URL, b.URL
	db, err := store.OpenPostgres(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Sign in on A; the session holds on B.
	ada := newBrowser(t)
	ada.get(A + "/auth/dev")
	if code, body := ada.post(A, "/auth/dev", url.Values{"name": {"Ada"}, "email": {samples.Recipient}}); code != http.StatusOK || !strings.Contains(body, `data-testid="nav-user">Ada<`) {
		t.Fatalf("sign-in on A: %d\n%s", code, body)
	}
	if _, body := ada.get(B + "/backpack"); !strings.Contains(body, `data-testid="nav-user">Ada<`) {
		t.Fatalf("B does not know the session made on A:\n%s", body)
	}

	// The public profile, seen by a visitor on B before anything is public,
	// so that B has it cached.
	if code, body := ada.post(A, "/account/profile", url.Values{"handle": {"ada-fleet"}, "display_name": {"Ada"}, "avatar": {"none"}}); code != http.StatusOK {
		t.Fatalf("profile on A: %d\n%s", code, body)
	}
	visitor := newBrowser(t)
	if code, body := visitor.get(B + "/u/ada-fleet"); code != http.StatusOK || strings.Contains(body, "Soldering Basics") {
		t.Fatalf("profile on B before any badge: %d", code)
	}

	// Import on A: every sample and the issuer's hosted badge.
	all, err := samples.Generate()
	if err != nil {
		t.Fatal(err)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	for _, s := range all {
		w, _ := mw.CreateFormFile("files", s.File)
		w.Write(s.Data)
	}
	mw.WriteField("url", is.ts.URL+"/assertion.json")
	mw.Close()
	if code, body := ada.send(A, "/import", mw.FormDataContentType(), &form); code != http.StatusOK {
		t.Fatalf("import on A: %d\n%s", code, body)
	}
	users := queryInts(t, dbURL, "SELECT id FROM users")
	if len(users) != 1 {
		t.Fatalf("%d users after one sign-in", len(users))
	}
	uid := users[0]
	page, err := db.ListBadges(ctx, store.BadgeQuery{UserID: uid, PageSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Badges) != len(all)+1 {
		t.Fatalf("%d badges stored after the import on A, want %d", len(page.Badges), len(all)+1)
	}
	var hosted string
	var ids []string
	for _, bd := range page.Badges {
		ids = append(ids, bd.PublicID)
		if bd.Name == "Soldering Basics" {
			hosted = bd.PublicID
		}
	}
	if _, body := ada.get(B + "/backpack"); !strings.Contains(body, "Soldering Basics") {
		t.Errorf("the badge imported on A is not in the backpack on B")
	}

	// Made public on A, it shows on B's cached public profile as soon as
	// PostgreSQL's notice of the change reaches B (milliseconds; the
	// bound only stops a broken listener from hanging the test).
	if code, _ := ada.post(A, "/badges/"+hosted+"/visibility", url.Values{"visibility": {"public"}}); code != http.StatusOK {
		t.Fatalf("visibility on A: %d", code)
	}
	shown := false
	for end := time.Now().Add(5 * time.Second); !shown && time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		_, body := visitor.get(B + "/u/ada-fleet")
		shown = strings.Contains(body, "Soldering Basics")
	}
	if !shown {
		t.Errorf("5 s after it was made public on A, the public profile on B still does not show the badge")
	}

	// Revoked at the issuer, found by B's check; A shows it.
	is.revoked.Store(true)
	if code, _ := ada.post(B, "/badges/"+hosted+"/check", nil); code != http.StatusOK {
		t.Fatalf("check on B: %d", code)
	}
	if _, body := ada.get(A + "/badges/" + hosted); !strings.Contains(body, "withdrawn (revoked)") {
		t.Errorf("A does not show the revocation B found")
	}

	// One collection reordered through A and B at once.
	code, body := ada.post(A, "/collections", url.Values{"name": {"Work"}})
	cols, err := db.Collections(ctx, uid)
	if err != nil || len(cols) != 1 {
		t.Fatalf("create a collection on A: %d %v %d\n%s", code, err, len(cols), body)
	}
	col := cols[0]
	if code, _ := ada.post(A, "/collections/"+col.PublicID+"/badges", url.Values{"badge": ids}); code != http.StatusOK {
		t.Fatalf("add to the collection: %d", code)
	}
	moves := []string{"top", "up", "down", "1", "3"}
	var wg sync.WaitGroup
	var failed atomic.Int32
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := A
			if i%2 == 1 {
				base = B
			}
			to := moves[i%len(moves)]
			if code, _ := ada.post(base, "/collections/"+col.PublicID+"/badges/"+ids[i%len(ids)]+"/move", url.Values{"to": {to}}); code != http.StatusOK {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of 24 concurrent moves failed", n)
	}
	members, err := db.CollectionBadges(ctx, col.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range members {
		seen[m.PublicID] = true
	}
	if len(members) != len(ids) || len(seen) != len(ids) {
		t.Fatalf("after concurrent moves the collection holds %d badges (%d distinct), want %d", len(members), len(seen), len(ids))
	}
	pos := queryInts(t, dbURL, "SELECT position FROM collection_badges WHERE collection_id = $1 ORDER BY position", col.ID)
	for i, p := range pos {
		if p != int64(i+1) {
			t.Fatalf("positions after concurrent moves %v, want 1…%d", pos, len(ids))
		}
	}

	// The sign-in limit, used up through A, holds on B.
	limited := newBrowser(t)
	for range signInLimit + 1 {
		limited.get(A + "/signin")
	}
	if code, _ := limited.get(A + "/signin"); code != http.StatusTooManyRequests {
		t.Fatalf("A after the limit: %d, want 429", code)
	}
	if code, _ := limited.get(B + "/signin"); code != http.StatusTooManyRequests {
		t.Errorf("B after the limit was reached through A: %d, want 429", code)
	}
}

// queryInts runs q on the database at dbURL and returns its one column.
func queryInts(t *testing.T, dbURL, q string, args ...any) []int64 {
	t.Helper()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
