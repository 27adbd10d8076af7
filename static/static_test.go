package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestPath_NamesTheContentHash(t *testing.T) {
	t.Parallel()
	body, err := FS.ReadFile("css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	want := "/static/css/app." + hex.EncodeToString(sum[:])[:12] + ".css"
	if got := Path("css/app.css"); got != want {
		t.Fatalf("Path(css/app.css) = %q, want %q", got, want)
	}
	if got := Path("/css/app.css"); got != want {
		t.Errorf("a leading slash should not matter: got %q", got)
	}
}

func TestPath_EveryEmbeddedFileHasAHashedURL(t *testing.T) {
	t.Parallel()
	shape := regexp.MustCompile(`^/static/[a-z0-9/_-]+\.[0-9a-f]{12}\.[a-z0-9]+$`)
	for _, name := range []string{"css/app.css", "css/print.css", "js/app.js", "img/satchel.svg"} {
		if p := Path(name); !shape.MatchString(p) {
			t.Errorf("Path(%q) = %q, not a hashed static URL", name, p)
		}
	}
}

func TestNewAsset_DifferentContentDifferentURL(t *testing.T) {
	t.Parallel()
	a := newAsset("css/x.css", []byte("a{color:red}"))
	b := newAsset("css/x.css", []byte("a{color:blue}"))
	if a.url == b.url {
		t.Fatalf("two contents share one URL %q; browsers would keep the stale copy", a.url)
	}
	if a2 := newAsset("css/x.css", []byte("a{color:red}")); a2.url != a.url {
		t.Fatalf("same content hashed twice gave %q and %q", a.url, a2.url)
	}
}

func TestPath_UnknownFilePanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Fatal("Path of a missing file returned instead of panicking")
		}
	}()
	Path("css/missing.css")
}

func TestHandler_ServesHashedFiles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, contentType string
	}{
		{"css/app.css", "text/css; charset=utf-8"},
		{"js/app.js", "text/javascript; charset=utf-8"},
		{"img/satchel.svg", "image/svg+xml"},
	}
	h := Handler()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, _ := FS.ReadFile(c.name)
			for _, target := range []string{Path(c.name), strings.TrimPrefix(Path(c.name), "/static")} {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
				res := rec.Result()
				if res.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: status %d", target, res.StatusCode)
				}
				if got := res.Header.Get("Content-Type"); got != c.contentType {
					t.Errorf("GET %s: Content-Type %q, want %q", target, got, c.contentType)
				}
				if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
					t.Errorf("GET %s: Cache-Control %q", target, got)
				}
				if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("GET %s: X-Content-Type-Options %q", target, got)
				}
				body, _ := io.ReadAll(res.Body)
				if string(body) != string(want) {
					t.Errorf("GET %s: body differs from the embedded file", target)
				}
			}
		})
	}
}

func TestHandler_UnknownOrStaleIs404(t *testing.T) {
	t.Parallel()
	h := Handler()
	for _, target := range []string{
		"/static/css/app.css",              // unhashed name
		"/static/css/app.000000000000.css", // stale hash
		"/static/css/nope.css",
		"/static/",
		"/static/../static.go",
		"/static/static.go",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, rec.Code)
		}
		if cc := rec.Header().Get("Cache-Control"); strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: a 404 must not be cached forever (Cache-Control %q)", target, cc)
		}
	}
}

func TestHandler_ConditionalGetAndHead(t *testing.T) {
	t.Parallel()
	h := Handler()
	p := Path("css/app.css")

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}

	req := httptest.NewRequest(http.MethodGet, p, nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the current ETag: status %d, want 304", rec.Code)
	}

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, p, nil))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, %d body bytes; want 200 and none", rec.Code, rec.Body.Len())
	}
}

func TestHandler_RejectsOtherMethods(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, Path("js/app.js"), nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: status %d, want 405", rec.Code)
	}
}

func TestHandler_GzipWhenAccepted(t *testing.T) {
	t.Parallel()
	h := Handler()
	p := Path("css/app.css")
	want, _ := FS.ReadFile("css/app.css")
	cases := []struct {
		acceptEncoding string
		gzip           bool
	}{
		{"", false},
		{"gzip", true},
		{"br, gzip, deflate", true},
		{"GZIP;q=0.8", true},
		{"gzip;q=0", false},
		{"br", false},
		{"*", true},
	}
	for _, c := range cases {
		req := httptest.NewRequest(http.MethodGet, p, nil)
		if c.acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", c.acceptEncoding)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
			t.Errorf("%q: Vary %q, want Accept-Encoding", c.acceptEncoding, got)
		}
		body, _ := io.ReadAll(res.Body)
		if gz := res.Header.Get("Content-Encoding") == "gzip"; gz != c.gzip {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", c.acceptEncoding, gz, c.gzip)
			continue
		}
		if c.gzip {
			if len(body) >= len(want) {
				t.Errorf("gzip body %d bytes, not smaller than %d", len(body), len(want))
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		}
		if !bytes.Equal(body, want) {
			t.Errorf("%q: decoded body differs from the file", c.acceptEncoding)
		}
	}
}

func TestHandler_GzipAndPlainHaveDifferentETags(t *testing.T) {
	t.Parallel()
	get := func(ae string) string {
		req := httptest.NewRequest(http.MethodGet, Path("js/app.js"), nil)
		req.Header.Set("Accept-Encoding", ae)
		rec := httptest.NewRecorder()
		Handler().ServeHTTP(rec, req)
		return rec.Header().Get("ETag")
	}
	if plain, gz := get("identity"), get("gzip"); plain == gz || plain == "" {
		t.Fatalf("ETags plain %q and gzip %q must differ, or a cache could serve one for the other", plain, gz)
	}
}

func TestSamples_ServedAsDownloadsAtStableURLs(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir("samples")
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, e := range entries {
		if e.Name() != "README.md" {
			onDisk = append(onDisk, e.Name())
		}
	}
	list := Samples()
	if len(list) != len(onDisk) || len(list) < 5 {
		t.Fatalf("Samples() lists %d files, samples/ holds %d badge files: %v", len(list), len(onDisk), onDisk)
	}
	h := Handler()
	for i, s := range list {
		if s.Name != onDisk[i] {
			t.Errorf("Samples()[%d] = %q, want %q (sorted by name)", i, s.Name, onDisk[i])
		}
		want, _ := os.ReadFile(filepath.Join("samples", s.Name))
		if s.URL != "/static/samples/"+s.Name || SamplePath(s.Name) != s.URL || s.Size != len(want) {
			t.Errorf("%s: URL %q, SamplePath %q, size %d (file has %d bytes)", s.Name, s.URL, SamplePath(s.Name), s.Size, len(want))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, s.URL, nil))
		res := rec.Result()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", s.URL, res.StatusCode)
		}
		body, _ := io.ReadAll(res.Body)
		if !bytes.Equal(body, want) {
			t.Errorf("GET %s: body differs from the committed file", s.URL)
		}
		if got := res.Header.Get("Content-Disposition"); got != `attachment; filename="`+s.Name+`"` {
			t.Errorf("GET %s: Content-Disposition %q", s.URL, got)
		}
		wantType := map[string]string{".png": "image/png", ".svg": "image/svg+xml", ".json": "application/json"}[filepath.Ext(s.Name)]
		if got := res.Header.Get("Content-Type"); got != wantType || s.ContentType != wantType {
			t.Errorf("GET %s: Content-Type %q (listed %q), want %q", s.URL, got, s.ContentType, wantType)
		}
		if got := res.Header.Get("Cache-Control"); strings.Contains(got, "immutable") || !strings.Contains(got, "no-cache") {
			t.Errorf("GET %s: Cache-Control %q; an unhashed URL must be revalidated", s.URL, got)
		}
		if got := res.Header.Get("Content-Security-Policy"); !strings.Contains(got, "sandbox") {
			t.Errorf("GET %s: Content-Security-Policy %q lacks sandbox", s.URL, got)
		}

		req := httptest.NewRequest(http.MethodGet, s.URL, nil)
		req.Header.Set("If-None-Match", res.Header.Get("ETag"))
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: status %d, want 304", s.URL, rec.Code)
		}
	}
}

func TestSamples_OnlyBadgeFilesAreServed(t *testing.T) {
	t.Parallel()
	h := Handler()
	for _, target := range []string{
		"/static/samples/README.md",
		"/static/samples/",
		"/static/samples/nope.png",
		"/static/samples/../static.go",
		"/static/img/web-accessibility-fundamentals.png", // a sample under another folder
		"/static/web-accessibility-fundamentals.png",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, rec.Code)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("SamplePath of a missing sample returned instead of panicking")
		}
	}()
	SamplePath("README.md")
}
