package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/text/language"

	"github.com/satchel-backpack/satchel/internal/export"
	"github.com/satchel-backpack/satchel/internal/i18n"
)

const hostile = `<script>alert(1)</script>"'&`

func pngBytes(t testing.TB, c color.Color) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	for y := range 8 {
		for x := range 8 {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ptr(t time.Time) *time.Time { return &t }

// sample is an export of every kind of badge: a baked PNG, a baked SVG, two
// JSON badges sharing one picture, and a URL badge with no picture.
func sample(t testing.TB) export.Input {
	pic := pngBytes(t, color.NRGBA{0, 0x80, 0x40, 0xff})
	return export.Input{
		ExportedAt: time.Date(2026, 11, 28, 20, 15, 30, 123, time.FixedZone("CET", 3600)),
		Generator:  "Satchel (satchel.example)",
		Profile:    &export.Profile{Handle: "ada", DisplayName: "Ada " + hostile, Bio: "Maths *and* machines", Indexable: true},
		Badges: []export.Entry{
			{Badge: export.Badge{ID: "pngBadge0001", OriginalName: "Web Accessibility (1).PNG", Format: "png", Version: "2.0", Visibility: export.Public,
				Name: "Web Accessibility", IssuerName: "Open U", IssuedOn: ptr(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)), Status: "valid", Tags: []string{"a11y", "web"}},
				Original: pngBytes(t, color.NRGBA{0xd0, 0x10, 0x20, 0xff})},
			{Badge: export.Badge{ID: "svgBadge0002", OriginalName: "../../garden.svg", Format: "svg", Version: "3.0", Visibility: export.Private,
				Name: hostile, IssuerName: hostile, Expires: ptr(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)), Status: "warning"},
				Original: []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`)},
			{Badge: export.Badge{ID: "jsonBadge003", Format: "json", Version: "2.0", Visibility: export.Public, Name: "Data Analysis", IssuerName: "Py Org"},
				Original: []byte(`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://i.example/a/1"}`), Image: pic},
			{Badge: export.Badge{ID: "jsonBadge004", Format: "jws", Version: "3.0", Visibility: export.Private, Name: "Signed"},
				Original: []byte("eyJhbGciOiJFZERTQSJ9.e30.c2ln"), Image: pic},
			{Badge: export.Badge{ID: "urlBadge0005", Format: "url", Version: "2.0", Visibility: export.Private, Name: "Hosted"},
				Original: []byte("https://issuer.example/assertions/5")},
		},
		Collections: []export.Collection{
			{ID: "coll-b", Name: "Job applications", Slug: "jobs", Visibility: export.Unlisted, Badges: []string{"urlBadge0005", "pngBadge0001", "jsonBadge003"}},
			{ID: "coll-a", Name: "Empty " + hostile, Visibility: export.Private, Badges: []string{}},
		},
	}
}

func write(t testing.TB, in export.Input) ([]byte, *export.Manifest) {
	t.Helper()
	var buf bytes.Buffer
	m, err := export.Write(&buf, in)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes(), m
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	in := sample(t)
	data, written := write(t, in)
	a, err := export.ReadBytes(data, export.Limits{})
	if err != nil {
		t.Fatalf("Read: %v (%s)", err, err.(*export.Error).Detail())
	}
	if got, want := mustJSON(t, a.Manifest), mustJSON(t, written); got != want {
		t.Errorf("manifest read back differs:\n%s\nwant\n%s", got, want)
	}
	m := a.Manifest
	if m.Format != export.FormatName || m.Version != export.Version {
		t.Errorf("format %q version %d", m.Format, m.Version)
	}
	if !m.ExportedAt.Equal(time.Date(2026, 11, 28, 19, 15, 30, 0, time.UTC)) || m.ExportedAt.Location() != time.UTC {
		t.Errorf("exported_at = %v, want UTC to the second", m.ExportedAt)
	}
	if m.Profile == nil || m.Profile.DisplayName != in.Profile.DisplayName || !m.Profile.Indexable || m.Profile.Handle != "ada" {
		t.Errorf("profile = %+v", m.Profile)
	}
	if len(m.Badges) != len(in.Badges) {
		t.Fatalf("%d badges", len(m.Badges))
	}
	for i, b := range m.Badges {
		e := in.Badges[i]
		if b.ID != e.Badge.ID || b.Name != e.Badge.Name || b.Format != e.Badge.Format || b.Version != e.Badge.Version || b.Visibility != e.Badge.Visibility || b.OriginalName != e.Badge.OriginalName {
			t.Errorf("badge %d = %+v", i, b)
		}
		if !bytes.Equal(a.Original(b), e.Original) {
			t.Errorf("badge %s: original bytes differ", b.ID)
		}
		sum := sha256.Sum256(e.Original)
		if b.Original.SHA256 != hex.EncodeToString(sum[:]) || b.Original.Size != int64(len(e.Original)) {
			t.Errorf("badge %s: hash/size %s/%d", b.ID, b.Original.SHA256, b.Original.Size)
		}
		if !strings.HasPrefix(b.Original.Path, "badges/") {
			t.Errorf("badge %s stored at %q", b.ID, b.Original.Path)
		}
		if (b.Image != nil) != (len(e.Image) > 0) {
			t.Errorf("badge %s: image %v", b.ID, b.Image)
		}
		if b.Image != nil && !bytes.Equal(a.Files[b.Image.Path], e.Image) {
			t.Errorf("badge %s: image bytes differ", b.ID)
		}
	}
	// File names: readable, safe, in order, with the right extension.
	wantPaths := []string{"badges/001-web-accessibility-1.png", "badges/002-garden.svg", "badges/003-data-analysis.json", "badges/004-signed.jws", "badges/005-hosted.txt"}
	for i, p := range wantPaths {
		if m.Badges[i].Original.Path != p {
			t.Errorf("badge %d path %q, want %q", i, m.Badges[i].Original.Path, p)
		}
	}
	// Two badges share one picture, stored once.
	if m.Badges[2].Image.Path != m.Badges[3].Image.Path {
		t.Errorf("shared picture stored twice: %q %q", m.Badges[2].Image.Path, m.Badges[3].Image.Path)
	}
	if got := mustJSON(t, m.Collections); got != mustJSON(t, in.Collections) {
		t.Errorf("collections = %s", got)
	}
	if m.Badges[0].IssuedOn == nil || !m.Badges[0].IssuedOn.Equal(*in.Badges[0].Badge.IssuedOn) || m.Badges[0].Expires != nil {
		t.Errorf("dates = %v %v", m.Badges[0].IssuedOn, m.Badges[0].Expires)
	}
	if len(a.Files) != 6 {
		t.Errorf("%d files returned, want 5 originals + 1 shared picture", len(a.Files))
	}
}

func TestWrite_Deterministic(t *testing.T) {
	t.Parallel()
	a, _ := write(t, sample(t))
	b, _ := write(t, sample(t))
	if !bytes.Equal(a, b) {
		t.Error("two exports of the same input differ")
	}
}

func TestWrite_EmptyBackpack(t *testing.T) {
	t.Parallel()
	data, _ := write(t, export.Input{ExportedAt: time.Now()})
	a, err := export.ReadBytes(data, export.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Manifest.Badges) != 0 || a.Manifest.Collections == nil || a.Manifest.Profile != nil {
		t.Errorf("manifest = %+v", a.Manifest)
	}
	raw := entry(t, data, "manifest.json")
	if !bytes.Contains(raw, []byte(`"badges": []`)) || !bytes.Contains(raw, []byte(`"collections": []`)) {
		t.Errorf("empty lists should be [] not null:\n%s", raw)
	}
}

func TestWrite_RefusesWhatReadWouldRefuse(t *testing.T) {
	t.Parallel()
	for name, edit := range map[string]func(*export.Input){
		"unknown badge in a collection": func(in *export.Input) { in.Collections[0].Badges = append(in.Collections[0].Badges, "nope") },
		"duplicate badge id":            func(in *export.Input) { in.Badges[1].Badge.ID = in.Badges[0].Badge.ID },
		"bad id":                        func(in *export.Input) { in.Badges[0].Badge.ID = "../x" },
		"unknown format":                func(in *export.Input) { in.Badges[0].Badge.Format = "gif" },
		"unknown visibility":            func(in *export.Input) { in.Badges[0].Badge.Visibility = "friends" },
		"picture not an image":          func(in *export.Input) { in.Badges[2].Image = []byte("GIF89a") },
		"collection without name":       func(in *export.Input) { in.Collections[0].Name = " " },
	} {
		in := sample(t)
		edit(&in)
		if _, err := export.Write(io.Discard, in); err == nil {
			t.Errorf("%s: Write accepted it", name)
		}
	}
}

// entries lists a ZIP's entries in order, with their bytes.
type zentry struct {
	Name string
	Data []byte
	Mode fs.FileMode
}

func entries(t testing.TB, data []byte) []zentry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []zentry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, zentry{Name: f.Name, Data: b})
	}
	return out
}

func entry(t testing.TB, data []byte, name string) []byte {
	t.Helper()
	for _, e := range entries(t, data) {
		if e.Name == name {
			return e.Data
		}
	}
	t.Fatalf("no %s in the archive", name)
	return nil
}

// rezip builds a ZIP from entries, with correct checksums.
func rezip(t testing.TB, es []zentry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range es {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		if e.Mode != 0 {
			h.SetMode(e.Mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// edited returns the sample export with fn applied to its entries.
func edited(t testing.TB, fn func([]zentry) []zentry) []byte {
	t.Helper()
	data, _ := write(t, sample(t))
	return rezip(t, fn(entries(t, data)))
}

// editManifest returns the sample export with its manifest changed by fn.
func editManifest(t testing.TB, fn func(m map[string]any)) []byte {
	t.Helper()
	return edited(t, func(es []zentry) []zentry {
		for i, e := range es {
			if e.Name == "manifest.json" {
				var m map[string]any
				if err := json.Unmarshal(e.Data, &m); err != nil {
					t.Fatal(err)
				}
				fn(m)
				es[i].Data = []byte(mustJSON(t, m))
			}
		}
		return es
	})
}

func badgeAt(m map[string]any, i int) map[string]any {
	return m["badges"].([]any)[i].(map[string]any)
}

func assertRefused(t *testing.T, name string, data []byte, lim export.Limits, want *export.Error) {
	t.Helper()
	a, err := export.ReadBytes(data, lim)
	if err == nil {
		t.Errorf("%s: accepted (%d badges)", name, len(a.Manifest.Badges))
		return
	}
	var e *export.Error
	if !errors.As(err, &e) {
		t.Errorf("%s: error %T %v is not an *export.Error", name, err, err)
		return
	}
	if !errors.Is(err, want) {
		t.Errorf("%s: refused as %q (%s), want %q", name, e.Reason, e.Detail(), want.Reason)
	}
	if a != nil {
		t.Errorf("%s: an archive was returned with the error", name)
	}
	if e.Message == "" || strings.ContainsAny(e.Message, "\x00\n") {
		t.Errorf("%s: message %q", name, e.Message)
	}
}

func TestRead_RefusesCorruptOrTruncated(t *testing.T) {
	t.Parallel()
	data, _ := write(t, sample(t))
	assertRefused(t, "empty", nil, export.Limits{}, export.ErrCorrupt)
	assertRefused(t, "random bytes", bytes.Repeat([]byte("not a zip "), 100), export.Limits{}, export.ErrCorrupt)
	assertRefused(t, "a PNG", pngBytes(t, color.Black), export.Limits{}, export.ErrCorrupt)
	for _, n := range []int{len(data) / 2, len(data) - 1, 30} {
		assertRefused(t, "truncated", data[:n], export.Limits{}, export.ErrCorrupt)
	}

	// Flip bytes inside one badge's compressed data: it no longer inflates
	// or no longer matches its CRC-32.
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "badges/") && f.Name != "manifest.json" {
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		bad := bytes.Clone(data)
		for i := off + int64(f.CompressedSize64)/3; i < off+int64(f.CompressedSize64)/3+4; i++ {
			bad[i] ^= 0x5a
		}
		assertRefused(t, "corrupted "+f.Name, bad, export.Limits{}, export.ErrCorrupt)
	}
}

func TestRead_RefusesForeignZIPs(t *testing.T) {
	t.Parallel()
	assertRefused(t, "no manifest", rezip(t, []zentry{{Name: "photo.jpg", Data: []byte("x")}, {Name: "notes.txt", Data: []byte("hi")}}), export.Limits{}, export.ErrNotExport)
	assertRefused(t, "empty ZIP", rezip(t, nil), export.Limits{}, export.ErrNotExport)
	assertRefused(t, "manifest in a folder", edited(t, func(es []zentry) []zentry {
		for i := range es {
			if es[i].Name == "manifest.json" {
				es[i].Name = "export/manifest.json"
			}
		}
		return es
	}), export.Limits{}, export.ErrNotExport)
	assertRefused(t, "other format", rezip(t, []zentry{{Name: "manifest.json", Data: []byte(`{"format":"other-backpack","version":1,"badges":[]}`)}}), export.Limits{}, export.ErrNotExport)
	assertRefused(t, "manifest not JSON", rezip(t, []zentry{{Name: "manifest.json", Data: []byte("<xml/>")}}), export.Limits{}, export.ErrNotExport)
	assertRefused(t, "newer version", editManifest(t, func(m map[string]any) { m["version"] = 2 }), export.Limits{}, export.ErrUnsupportedVersion)
	assertRefused(t, "version 0", editManifest(t, func(m map[string]any) { m["version"] = 0 }), export.Limits{}, export.ErrBadManifest)
	assertRefused(t, "version as text", editManifest(t, func(m map[string]any) { m["version"] = "1" }), export.Limits{}, export.ErrBadManifest)
	assertRefused(t, "version 1.5", editManifest(t, func(m map[string]any) { m["version"] = 1.5 }), export.Limits{}, export.ErrBadManifest)
	assertRefused(t, "badges not a list", editManifest(t, func(m map[string]any) { m["badges"] = "many" }), export.Limits{}, export.ErrBadManifest)
}

func TestRead_RefusesBadManifests(t *testing.T) {
	t.Parallel()
	for name, fn := range map[string]func(map[string]any){
		"unknown badge in collection": func(m map[string]any) {
			c := m["collections"].([]any)[0].(map[string]any)
			c["badges"] = append(c["badges"].([]any), "ghost")
		},
		"badge twice in a collection": func(m map[string]any) {
			c := m["collections"].([]any)[0].(map[string]any)
			c["badges"] = []any{"pngBadge0001", "pngBadge0001"}
		},
		"duplicate badge id":   func(m map[string]any) { badgeAt(m, 1)["id"] = "pngBadge0001" },
		"id with markup":       func(m map[string]any) { badgeAt(m, 0)["id"] = `x"><script>` },
		"unknown format":       func(m map[string]any) { badgeAt(m, 0)["format"] = "exe" },
		"unknown visibility":   func(m map[string]any) { badgeAt(m, 0)["visibility"] = "everyone" },
		"path outside badges/": func(m map[string]any) { badgeAt(m, 0)["original"].(map[string]any)["path"] = "manifest.json" },
		"path escaping":        func(m map[string]any) { badgeAt(m, 0)["original"].(map[string]any)["path"] = "badges/../manifest.json" },
		"path in a subfolder":  func(m map[string]any) { badgeAt(m, 0)["original"].(map[string]any)["path"] = "badges/x/y.png" },
		"image outside images/": func(m map[string]any) {
			badgeAt(m, 2)["image"].(map[string]any)["path"] = "badges/003-data-analysis.json"
		},
		"malformed hash":         func(m map[string]any) { badgeAt(m, 0)["original"].(map[string]any)["sha256"] = "abc" },
		"collection visibility":  func(m map[string]any) { m["collections"].([]any)[0].(map[string]any)["visibility"] = "secret" },
		"profile without a name": func(m map[string]any) { m["profile"].(map[string]any)["display_name"] = "" },
		"same path, two contents": func(m map[string]any) {
			o := badgeAt(m, 1)["original"].(map[string]any)
			o["path"] = badgeAt(m, 0)["original"].(map[string]any)["path"]
		},
		"negative size":            func(m map[string]any) { badgeAt(m, 0)["original"].(map[string]any)["size"] = -1 },
		"duplicate collection ids": func(m map[string]any) { m["collections"].([]any)[1].(map[string]any)["id"] = "coll-b" },
	} {
		assertRefused(t, name, editManifest(t, fn), export.Limits{}, export.ErrBadManifest)
	}
}

func TestRead_RefusesMissingOrAlteredFiles(t *testing.T) {
	t.Parallel()
	assertRefused(t, "missing original", edited(t, func(es []zentry) []zentry {
		var out []zentry
		for _, e := range es {
			if e.Name != "badges/002-garden.svg" {
				out = append(out, e)
			}
		}
		return out
	}), export.Limits{}, export.ErrMissingFile)

	assertRefused(t, "altered original (valid ZIP, new CRC)", edited(t, func(es []zentry) []zentry {
		for i := range es {
			if es[i].Name == "badges/003-data-analysis.json" {
				es[i].Data = bytes.Replace(es[i].Data, []byte("a/1"), []byte("a/2"), 1)
			}
		}
		return es
	}), export.Limits{}, export.ErrHashMismatch)

	assertRefused(t, "picture swapped", edited(t, func(es []zentry) []zentry {
		for i := range es {
			if strings.HasPrefix(es[i].Name, "images/") {
				es[i].Data = pngBytes(t, color.White)
			}
		}
		return es
	}), export.Limits{}, export.ErrHashMismatch)

	assertRefused(t, "size lies", editManifest(t, func(m map[string]any) {
		badgeAt(m, 0)["original"].(map[string]any)["size"] = 1
	}), export.Limits{}, export.ErrHashMismatch)
}

func TestRead_RefusesZipSlip(t *testing.T) {
	t.Parallel()
	data, _ := write(t, sample(t))
	base := entries(t, data)
	for _, name := range []string{
		"../evil.sh", "badges/../../evil.sh", "/etc/passwd", `..\evil.bat`, `badges\..\..\evil`,
		"C:/Windows/evil.dll", "C:evil", "badges//x.png", "./manifest.json", "badges/./x", "evil\x00.png", "badges/\x1b[2Jx",
		"MANIFEST.json", // a second manifest differing in case only
	} {
		assertRefused(t, "entry "+name, rezip(t, append(append([]zentry{}, base...), zentry{Name: name, Data: []byte("x")})), export.Limits{}, export.ErrUnsafeName)
	}
	assertRefused(t, "duplicate entry", rezip(t, append(append([]zentry{}, base...), zentry{Name: "index.html", Data: []byte("x")})), export.Limits{}, export.ErrUnsafeName)
	assertRefused(t, "symbolic link", rezip(t, append(append([]zentry{}, base...), zentry{Name: "badges/link.png", Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink | 0o777})), export.Limits{}, export.ErrUnsafeName)
}

func TestRead_RefusesOversize(t *testing.T) {
	t.Parallel()
	data, _ := write(t, sample(t))
	assertRefused(t, "archive over the limit", data, export.Limits{MaxArchiveBytes: int64(len(data)) - 1}, export.ErrTooLarge)
	assertRefused(t, "file over the limit", data, export.Limits{MaxFileBytes: 50}, export.ErrTooLarge)
	assertRefused(t, "total over the limit", data, export.Limits{MaxTotalBytes: 1000}, export.ErrTooLarge)
	assertRefused(t, "too many entries", data, export.Limits{MaxEntries: 3}, export.ErrTooManyEntries)

	// A ZIP bomb: 64 MiB of zeros compress to about 64 KiB; refused from
	// its header, before anything is inflated.
	bomb := rezip(t, []zentry{{Name: "manifest.json", Data: []byte(`{}`)}, {Name: "badges/bomb.png", Data: make([]byte, 64<<20)}})
	if len(bomb) > 1<<20 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	assertRefused(t, "zip bomb", bomb, export.Limits{}, export.ErrTooLarge)

	// Within the limits a large file still reads: the limit is not off by one.
	if _, err := export.ReadBytes(data, export.Limits{MaxArchiveBytes: int64(len(data))}); err != nil {
		t.Errorf("archive exactly at the limit refused: %v", err)
	}
}

func TestIndexHTML_ReadableOfflineAndEscaped(t *testing.T) {
	t.Parallel()
	data, m := write(t, sample(t))
	page := entry(t, data, "index.html")
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, e := range entries(t, data) {
		names[e.Name] = true
	}
	var (
		lang      string
		h1, title string
		imgs      int
		headings  []string
		ids       = map[string]bool{}
		links     []string
	)
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			get := func(k string) string {
				for _, a := range n.Attr {
					if a.Key == k {
						return a.Val
					}
				}
				return ""
			}
			if id := get("id"); id != "" {
				if ids[id] {
					t.Errorf("duplicate id %q", id)
				}
				ids[id] = true
			}
			switch n.Data {
			case "html":
				lang = get("lang")
			case "script", "link", "iframe", "object":
				t.Errorf("index has <%s>", n.Data)
			case "h1":
				h1 = textOf(n)
			case "title":
				title = textOf(n)
			case "h2", "h3":
				headings = append(headings, n.Data+":"+textOf(n))
			case "img":
				imgs++
				src := get("src")
				if !names[src] {
					t.Errorf("img src %q is not a file in the archive", src)
				}
				if _, ok := attrOK(n, "alt"); !ok {
					t.Errorf("img %q without alt", src)
				}
			case "a":
				links = append(links, get("href"))
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") || strings.Contains(a.Val, "http://") || strings.Contains(a.Val, "https://") {
					t.Errorf("<%s %s=%q>: scripts or outside resources", n.Data, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	if lang != "en" {
		t.Errorf("lang = %q", lang)
	}
	if want := "Badges of Ada " + hostile; h1 != want || title != want {
		t.Errorf("h1 %q title %q, want %q", h1, title, want)
	}
	// Every badge is pictured except the URL badge, which has no picture.
	if imgs != 4 {
		t.Errorf("%d images, want 4", imgs)
	}
	// Every link is to a file in the archive or to an anchor on the page.
	for _, l := range links {
		if strings.HasPrefix(l, "#") {
			if !ids[l[1:]] {
				t.Errorf("link %q to a missing anchor", l)
			}
		} else if !names[l] {
			t.Errorf("link %q is neither an anchor nor a file in the archive", l)
		}
	}
	// Headings in order: collections (in their order), then badges.
	want := []string{"h2:Collections", "h3:Job applications", "h3:Empty " + hostile, "h2:Badges"}
	for _, b := range m.Badges {
		want = append(want, "h3:"+b.Name)
	}
	if strings.Join(headings, "|") != strings.Join(want, "|") {
		t.Errorf("headings =\n%q\nwant\n%q", headings, want)
	}
	// The collection lists its badges in the learner's order.
	if i, j, k := bytes.Index(page, []byte(`href="#badge-urlBadge0005"`)), bytes.Index(page, []byte(`href="#badge-pngBadge0001"`)), bytes.Index(page, []byte(`href="#badge-jsonBadge003"`)); !(i >= 0 && i < j && j < k) {
		t.Errorf("collection order lost: %d %d %d", i, j, k)
	}
	if !bytes.Contains(page, []byte(`<p class="bio">Maths *and* machines</p>`)) {
		t.Error("profile bio missing from the index")
	}
	if bytes.Contains(page, []byte("<script>")) {
		t.Error("hostile name not escaped")
	}
}

func attrOK(n *html.Node, k string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val, true
		}
	}
	return "", false
}

func textOf(n *html.Node) string {
	var sb strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return strings.TrimSpace(sb.String())
}

func FuzzRead(f *testing.F) {
	data, _ := write(f, sample(f))
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add(rezip(f, []zentry{{Name: "manifest.json", Data: []byte(`{"format":"satchel-export","version":1,"badges":[],"collections":[]}`)}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := export.ReadBytes(b, export.Limits{MaxTotalBytes: 8 << 20})
		if err != nil {
			var e *export.Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		// Whatever is accepted holds every file its manifest names, intact.
		for _, bd := range a.Manifest.Badges {
			got := a.Original(bd)
			sum := sha256.Sum256(got)
			if hex.EncodeToString(sum[:]) != bd.Original.SHA256 {
				t.Fatalf("accepted badge %s with a wrong hash", bd.ID)
			}
		}
	})
}

func BenchmarkWriteRead(b *testing.B) {
	in := sample(b)
	for range 200 {
		e := in.Badges[0]
		e.Badge.ID = "b" + hex.EncodeToString([]byte{byte(len(in.Badges) >> 8), byte(len(in.Badges))})
		e.Original = append(bytes.Clone(e.Original), byte(len(in.Badges)))
		in.Badges = append(in.Badges, e)
	}
	for b.Loop() {
		var buf bytes.Buffer
		if _, err := export.Write(&buf, in); err != nil {
			b.Fatal(err)
		}
		if _, err := export.ReadBytes(buf.Bytes(), export.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRead_RefusalSaidInTheReadersLanguage checks that a refusal carries
// its sentence for other languages, its English unchanged.
func TestRead_RefusalSaidInTheReadersLanguage(t *testing.T) {
	_, err := export.ReadBytes([]byte("not a zip"), export.Limits{})
	var ee *export.Error
	if !errors.As(err, &ee) {
		t.Fatalf("got %v", err)
	}
	l, ok := i18n.Find(language.French)
	if !ok {
		t.Fatal("no French catalog")
	}
	if got := ee.MessageIn(i18n.WithLanguage(context.Background(), l)); !strings.HasPrefix(got, "Ce fichier n'est pas une archive ZIP") {
		t.Errorf("in French: %q", got)
	}
	if got := ee.MessageIn(context.Background()); got != ee.Message {
		t.Errorf("in English: %q, want %q", got, ee.Message)
	}
}
