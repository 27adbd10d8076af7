package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

func TestPercentile_NearestRank(t *testing.T) {
	t.Parallel()
	r := &loadResult{}
	for i := 1; i <= 200; i++ {
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{50, 100 * time.Millisecond}, {95, 190 * time.Millisecond}, {99, 198 * time.Millisecond}, {100, 200 * time.Millisecond}, {0, time.Millisecond}} {
		if got := r.Percentile(tt.p); got != tt.want {
			t.Errorf("p%v = %v, want %v", tt.p, got, tt.want)
		}
	}
	if (&loadResult{}).Percentile(99) != 0 {
		t.Error("percentile of no requests is not 0")
	}
}

// The load loop counts what the server answered: successes only when the
// status is 200 (a redirect to sign in is an error), every request carries
// the header, and it stops by itself.
func TestRunLoad_CountsWhatTheServerAnswered(t *testing.T) {
	t.Parallel()
	var hits, ok, withCookie atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		if r.Header.Get("Cookie") == "session=abc" {
			withCookie.Add(1)
		}
		switch {
		case n%7 == 0:
			http.Redirect(w, r, paths.SignIn, http.StatusSeeOther)
		case n%5 == 0:
			http.Error(w, "boom", http.StatusInternalServerError)
		default:
			ok.Add(1)
			io.WriteString(w, strings.Repeat("x", 2048))
		}
	}))
	defer ts.Close()
	res, err := runLoad(context.Background(), loadSpec{
		URL: ts.URL, Header: http.Header{"Cookie": {"session=abc"}}, Concurrency: 4, Duration: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Errors == 0 {
		t.Fatalf("requests %d errors %d: want both", res.Requests, res.Errors)
	}
	if int64(res.Requests) != ok.Load() || int64(res.Requests+res.Errors) != hits.Load() {
		t.Errorf("counted %d ok + %d errors; the server answered %d ok of %d", res.Requests, res.Errors, ok.Load(), hits.Load())
	}
	if withCookie.Load() != hits.Load() {
		t.Errorf("%d of %d requests carried the cookie", withCookie.Load(), hits.Load())
	}
	if res.Bytes != int64(res.Requests)*2048 || len(res.Latencies) != res.Requests {
		t.Errorf("bytes %d, latencies %d for %d requests", res.Bytes, len(res.Latencies), res.Requests)
	}
	if res.FirstError == "" {
		t.Error("no error described")
	}
	for i := 1; i < len(res.Latencies); i++ {
		if res.Latencies[i] < res.Latencies[i-1] {
			t.Fatal("latencies not sorted")
		}
	}
}

func TestSeed_FillsTheBackpackTheDevSignInOpens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "satchel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	id, err := seed(ctx, db, "Load@Example.org", 60)
	if err != nil {
		t.Fatal(err)
	}
	// The development sign-in finds the same account.
	u, _, err := db.SignIn(ctx, store.Identity{Provider: "dev", Subject: "dev:load@example.org", Email: "Load@Example.org", EmailVerified: true})
	if err != nil || u.ID != id {
		t.Fatalf("dev sign-in user %+v %v, want id %d", u, err, id)
	}
	page, err := db.ListBadges(ctx, store.BadgeQuery{UserID: id, PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 60 {
		t.Errorf("%d badges in the backpack, want 60", page.Total)
	}
	facets, err := db.BadgeFacets(ctx, id, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(facets.Issuers) < 10 || len(facets.Tags) < 10 || len(facets.Statuses) < 3 {
		t.Errorf("seeded backpack is not varied: %d issuers, %d tags, %d statuses", len(facets.Issuers), len(facets.Tags), len(facets.Statuses))
	}
	b, err := db.BadgeByPublicID(ctx, id, page.Badges[0].PublicID)
	if err != nil || b.ImageHash == "" || len(b.Tags) == 0 || b.Description == "" {
		t.Errorf("seeded badge lacks an image, tags or a description: %+v %v", b, err)
	}
}

func TestStaticServer_ServesTheFileAndStopsWhenTheParentGoes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>page</p>"), 0o600); err != nil {
		t.Fatal(err)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- runStaticServer(dir, inR, outW) }()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "listening 127.0.0.1:") {
		t.Fatalf("first line %q %v", line, err)
	}
	res, err := http.Get("http://" + strings.TrimSpace(strings.TrimPrefix(line, "listening ")) + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(body) != "<p>page</p>" {
		t.Errorf("served %q", body)
	}
	inW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the static server did not stop when its input closed")
	}
}

// The -nodes proxy sends requests to its backends in turn, keeps the Host
// the client used, and stops when its input closes.
func TestProxy_RoundRobinKeepsHost(t *testing.T) {
	t.Parallel()
	var hosts [2]atomic.Value
	var hits [2]atomic.Int64
	var backends []string
	for i := range 2 {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits[i].Add(1)
			hosts[i].Store(r.Host)
			io.WriteString(w, "backend")
		}))
		defer srv.Close()
		backends = append(backends, srv.URL)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- runProxyServer(strings.Join(backends, ","), inR, outW) }()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(strings.TrimSpace(line), "listening ")
	for range 10 {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/u/featured", nil)
		req.Host = "localhost:4242"
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(body) != "backend" {
			t.Fatalf("body %q", body)
		}
	}
	if hits[0].Load() != 5 || hits[1].Load() != 5 {
		t.Errorf("hits %d and %d, want 5 each", hits[0].Load(), hits[1].Load())
	}
	for i := range 2 {
		if h, _ := hosts[i].Load().(string); h != "localhost:4242" {
			t.Errorf("backend %d saw Host %q", i, h)
		}
	}
	inW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the proxy did not stop when its input closed")
	}
}
