// Package static holds Satchel's own CSS, JavaScript and images, embedded in
// the binary and served under content-hashed URLs so browsers may cache them
// for a year: a changed file gets a new URL, so no one sees a stale copy.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// FS holds every static file, by its path under static/ (e.g. "css/app.css").
//
//go:embed css js img
var FS embed.FS

// Prefix is the URL path under which Handler serves files.
const Prefix = "/static/"

// samplesFS holds the sample badges (see samples/README.md). They are kept
// out of FS: a learner downloads them at stable URLs without a hash, so a
// link in a page or a README stays valid when they are regenerated.
//
//go:embed samples
var samplesFS embed.FS

// SamplePrefix is the URL path of the sample badges, e.g.
// /static/samples/web-accessibility-fundamentals.png.
const SamplePrefix = Prefix + "samples/"

// hashLen is the number of hex digits of the SHA-256 kept in a URL; 12 digits
// (48 bits) make an accidental collision between two versions of one file
// practically impossible.
const hashLen = 12

type asset struct {
	name        string // path in FS, e.g. "css/app.css"
	url         string // e.g. "/static/css/app.3f2a9c0d1e4b.css"
	hash        string
	contentType string
	body        []byte
	gzipped     []byte // body gzip-compressed, when that is smaller; else nil
}

// The tables are built once at start-up; FS never changes afterwards.
var (
	byName = map[string]*asset{} // "css/app.css" → asset
	byURL  = map[string]*asset{} // "/static/css/app.<hash>.css" → asset

	samples      []Sample              // sorted by name
	sampleByName = map[string]*asset{} // "web-accessibility-fundamentals.png" → asset
)

// sampleExts are the kinds of file a learner can import; anything else in
// samples/ (the README) is not served.
var sampleExts = map[string]bool{".png": true, ".svg": true, ".json": true, ".jws": true, ".jwt": true}

func init() {
	err := fs.WalkDir(FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := FS.ReadFile(name)
		if err != nil {
			return err
		}
		a := newAsset(name, body)
		byName[a.name] = a
		byURL[a.url] = a
		return nil
	})
	if err == nil {
		err = loadSamples()
	}
	if err != nil {
		// The embedded tree is fixed at build time; failing to read it is a
		// broken binary, not a runtime condition.
		panic(fmt.Sprintf("static: reading embedded files: %v", err))
	}
}

func loadSamples() error {
	entries, err := samplesFS.ReadDir("samples")
	if err != nil {
		return err
	}
	for _, d := range entries { // ReadDir sorts by name
		if d.IsDir() || !sampleExts[strings.ToLower(path.Ext(d.Name()))] {
			continue
		}
		body, err := samplesFS.ReadFile("samples/" + d.Name())
		if err != nil {
			return err
		}
		a := newAsset("samples/"+d.Name(), body)
		a.url = SamplePrefix + d.Name()
		sampleByName[d.Name()] = a
		samples = append(samples, Sample{Name: d.Name(), URL: a.url, ContentType: a.contentType, Size: len(body)})
	}
	return nil
}

// Sample describes one sample badge file.
type Sample struct {
	// Name is the file name, e.g. "web-accessibility-fundamentals.png".
	Name string
	// URL is its stable download path, e.g.
	// "/static/samples/web-accessibility-fundamentals.png".
	URL string
	// ContentType is the type it is served with.
	ContentType string
	// Size is its length in bytes.
	Size int
}

// Samples lists the sample badges, sorted by file name.
func Samples() []Sample {
	return append([]Sample(nil), samples...)
}

// SamplePath returns the stable download URL of the named sample badge.
// Like Path, it panics when there is no such sample.
func SamplePath(name string) string {
	a, ok := sampleByName[name]
	if !ok {
		panic(fmt.Sprintf("static: no sample badge %q", name))
	}
	return a.url
}

func newAsset(name string, body []byte) *asset {
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:])[:hashLen]
	ext := path.Ext(name)
	hashed := strings.TrimSuffix(name, ext) + "." + h + ext
	a := &asset{
		name:        name,
		url:         Prefix + hashed,
		hash:        h,
		contentType: contentType(ext),
		body:        body,
	}
	if compressible(a.contentType) {
		a.gzipped = gzipped(body)
	}
	return a
}

// compressible names the text types worth compressing; images like PNG
// already are.
func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || contentType == "image/svg+xml" || strings.HasPrefix(contentType, "application/json")
}

// gzipped compresses body once, at start-up, so no request pays for it.
// It returns nil when compression would not save anything.
func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	if buf.Len() >= len(body) {
		return nil
	}
	return buf.Bytes()
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (and
// does not refuse it with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		if q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
			return false
		}
		return true
	}
	return false
}

// contentType names the types we ship explicitly, so the answer never depends
// on the host's /etc/mime.types.
func contentType(ext string) string {
	switch strings.ToLower(ext) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	case ".txt", ".jws", ".jwt":
		return "text/plain; charset=utf-8"
	case ".json":
		return "application/json"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Path returns the content-hashed URL of the named static file, for example
// Path("css/app.css") == "/static/css/app.3f2a9c0d1e4b.css".
//
// It panics when name is not an embedded file: a template referring to a
// file that does not exist is a programming error that the first render in
// any test reveals.
func Path(name string) string {
	a, ok := byName[strings.TrimPrefix(name, "/")]
	if !ok {
		panic(fmt.Sprintf("static: no embedded file %q", name))
	}
	return a.url
}

// Handler serves the files at the URLs Path returns, with a one-year
// immutable cache lifetime, and the sample badges at the URLs SamplePath
// returns, as downloads revalidated on each use (their URLs carry no hash).
// It accepts the request path with or without the /static/ prefix, so it
// can be mounted directly or behind http.StripPrefix. Unknown names, and
// names without the current hash, are 404.
func Handler() http.Handler {
	return http.HandlerFunc(serve)
}

func serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, Prefix) {
		p = Prefix + strings.TrimPrefix(p, "/")
	}
	a, ok := byURL[p]
	sample := false
	if !ok {
		a, sample = sampleByName[strings.TrimPrefix(p, SamplePrefix)]
		ok = sample && strings.HasPrefix(p, SamplePrefix)
	}
	if !ok {
		w.Header().Set("Cache-Control", "no-store")
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	if sample {
		// A download, never rendered as a page from Satchel's origin.
		h.Set("Cache-Control", "public, no-cache")
		h.Set("Content-Disposition", `attachment; filename="`+path.Base(a.name)+`"`)
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	} else {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	body, etag := a.body, `"`+a.hash+`"`
	if a.gzipped != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = a.gzipped, `"`+a.hash+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	// ServeContent handles HEAD, Range and If-None-Match; a zero modtime
	// leaves Last-Modified out (the ETag is the validator).
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(body))
}
