package qr_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/satchel-backpack/satchel/internal/qr"
)

var urls = []string{
	"https://satchel.example/b/7fQk2mZp9XcA",
	"http://localhost:8080/p/ada-lovelace",
	"https://satchel.example/c/Zx81?utm_source=cv&lang=fr#top",
	"https://satchel.example/b/" + strings.Repeat("A1b2C3d4", 40), // a dense, high-version code
}

// decode reads a QR code out of img with an independent reader.
func decode(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatalf("bitmap: %v", err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		// Retry as a photo would be read, without the pure-barcode hint.
		res, err = zxqr.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
	}
	return res.GetText()
}

func TestPNG_DecodesBackToTheURL(t *testing.T) {
	t.Parallel()
	for _, u := range urls {
		for _, size := range []int{256, 512, 333} {
			data, err := qr.PNG(u, size)
			if err != nil {
				t.Fatalf("PNG(%q): %v", u, err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			m, _ := qr.Matrix(u)
			want := max(size, len(m))
			if b := img.Bounds(); b.Dx() != want || b.Dy() != want {
				t.Errorf("%q at %d: image is %v, want %d×%d", u, size, b, want, want)
			}
			if got := decode(t, img); got != u {
				t.Errorf("decoded %q, want %q", got, u)
			}
		}
	}
}

func TestPNG_ModulesAreWholePixels(t *testing.T) {
	t.Parallel()
	u := urls[0]
	m, err := qr.Matrix(u)
	if err != nil {
		t.Fatal(err)
	}
	const size = 400
	data, _ := qr.PNG(u, size)
	img, _ := png.Decode(bytes.NewReader(data))
	scale := size / len(m)
	off := (size - scale*len(m)) / 2
	// Every pixel is black exactly where its module is dark.
	for py := range size {
		for px := range size {
			x, y := (px-off)/scale, (py-off)/scale
			inside := px >= off && py >= off && x < len(m) && y < len(m)
			dark := inside && m[y][x]
			r, _, _, _ := img.At(px, py).RGBA()
			if (r == 0) != dark {
				t.Fatalf("pixel (%d,%d) dark=%v, module dark=%v", px, py, r == 0, dark)
			}
		}
	}
}

func TestMatrix_HasQuietZoneAndValidSize(t *testing.T) {
	t.Parallel()
	for _, u := range urls {
		m, err := qr.Matrix(u)
		if err != nil {
			t.Fatal(err)
		}
		n := len(m)
		// A version-v symbol is 17+4v modules wide, plus the quiet zone on both sides.
		core := n - 2*qr.QuietZone
		if (core-17)%4 != 0 || core < 21 || core > 177 {
			t.Errorf("%q: %d modules is not a QR symbol size", u, n)
		}
		for i := range n {
			for j := range qr.QuietZone {
				if m[j][i] || m[n-1-j][i] || m[i][j] || m[i][n-1-j] {
					t.Fatalf("%q: quiet zone has a dark module", u)
				}
			}
		}
		// Finder pattern corner: the top-left module of the symbol is dark.
		if !m[qr.QuietZone][qr.QuietZone] {
			t.Errorf("%q: no finder pattern at the top-left", u)
		}
	}
}

type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	ViewBox string   `xml:"viewBox,attr"`
	Title   string   `xml:"title"`
	Rect    struct {
		Width  string `xml:"width,attr"`
		Height string `xml:"height,attr"`
	} `xml:"rect"`
	Path struct {
		D string `xml:"d,attr"`
	} `xml:"path"`
}

var segment = regexp.MustCompile(`^M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

// svgMatrix parses the SVG and rebuilds the module matrix from its path.
func svgMatrix(t *testing.T, data []byte) [][]bool {
	t.Helper()
	var doc svgDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("SVG does not parse: %v", err)
	}
	var n int
	if _, err := fmt.Sscanf(doc.ViewBox, "0 0 %d %d", &n, new(int)); err != nil {
		t.Fatalf("viewBox %q: %v", doc.ViewBox, err)
	}
	if doc.Title == "" {
		t.Error("SVG has no title")
	}
	if doc.Rect.Width != strconv.Itoa(n) || doc.Rect.Height != strconv.Itoa(n) {
		t.Errorf("background %sx%s, want %d", doc.Rect.Width, doc.Rect.Height, n)
	}
	m := make([][]bool, n)
	for i := range m {
		m[i] = make([]bool, n)
	}
	d := doc.Path.D
	for d != "" {
		g := segment.FindStringSubmatch(d)
		if g == nil {
			t.Fatalf("unexpected path data at %q", d[:min(len(d), 30)])
		}
		x, _ := strconv.Atoi(g[1])
		y, _ := strconv.Atoi(g[2])
		w, _ := strconv.Atoi(g[3])
		back, _ := strconv.Atoi(g[4])
		if back != w || y >= n || x+w > n {
			t.Fatalf("bad segment %q in a %d-module code", g[0], n)
		}
		for i := x; i < x+w; i++ {
			if m[y][i] {
				t.Fatalf("module (%d,%d) drawn twice", i, y)
			}
			m[y][i] = true
		}
		d = d[len(g[0]):]
	}
	return m
}

func TestSVG_ParsesWithTheExpectedModules(t *testing.T) {
	t.Parallel()
	for _, u := range urls {
		data, err := qr.SVG(u)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("satchel.example")) {
			t.Errorf("the URL leaks into the SVG markup")
		}
		got := svgMatrix(t, data)
		want, _ := qr.Matrix(u)
		if len(got) != len(want) {
			t.Fatalf("%q: SVG has %d modules a side, want %d", u, len(got), len(want))
		}
		for y := range want {
			for x := range want {
				if got[y][x] != want[y][x] {
					t.Fatalf("%q: module (%d,%d) differs", u, x, y)
				}
			}
		}
		// And the drawing scans: rasterise the rebuilt modules and decode.
		if text := decode(t, raster(got, 6)); text != u {
			t.Errorf("SVG decodes to %q, want %q", text, u)
		}
	}
}

func raster(m [][]bool, scale int) image.Image {
	n := len(m)
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for py := range n * scale {
		for px := range n * scale {
			c := color.Gray{255}
			if m[py/scale][px/scale] {
				c = color.Gray{0}
			}
			img.SetGray(px, py, c)
		}
	}
	return img
}

func TestRefusesBadInput(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "javascript:alert(1)", "/b/relative", "mailto:a@b.example", "https://", "https://s.example/a b"} {
		if _, err := qr.PNG(u, 256); !errors.Is(err, qr.ErrBadURL) {
			t.Errorf("PNG(%q) err = %v", u, err)
		}
		if _, err := qr.SVG(u); !errors.Is(err, qr.ErrBadURL) {
			t.Errorf("SVG(%q) err = %v", u, err)
		}
	}
	if _, err := qr.PNG(urls[0], qr.MaxPNGSize+1); !errors.Is(err, qr.ErrBadSize) {
		t.Errorf("oversized PNG err = %v", err)
	}
	if _, err := qr.PNG(urls[0], qr.MaxPNGSize); err != nil {
		t.Errorf("PNG at the size limit: %v", err)
	}
	long := "https://s.example/" + strings.Repeat("a", qr.MaxURLLength)
	if _, err := qr.PNG(long, 256); !errors.Is(err, qr.ErrTooLong) {
		t.Errorf("long URL err = %v", err)
	}
}

func TestPNG_Deterministic(t *testing.T) {
	t.Parallel()
	a, _ := qr.PNG(urls[0], 300)
	b, _ := qr.PNG(urls[0], 300)
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the same URL differ")
	}
}

func BenchmarkPNG(b *testing.B) {
	for b.Loop() {
		if _, err := qr.PNG(urls[0], 512); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSVG(b *testing.B) {
	for b.Loop() {
		if _, err := qr.SVG(urls[0]); err != nil {
			b.Fatal(err)
		}
	}
}
