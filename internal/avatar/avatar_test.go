package avatar_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/satchel-backpack/satchel/internal/avatar"
	"github.com/satchel-backpack/satchel/internal/fetch"
)

var (
	red  = color.RGBA{220, 20, 20, 255}
	blue = color.RGBA{20, 20, 220, 255}
)

// halves is a w×h picture, red on the left and blue on the right, with a
// green strip along the left edge that a centred square crop cuts away.
func halves(w, h int) *image.RGBA {
	im := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := red
			if x >= w/2 {
				c = blue
			}
			if x < w/8 {
				c = color.RGBA{0, 200, 0, 255}
			}
			im.Set(x, y, c)
		}
	}
	return im
}

func encodeJPEG(t *testing.T, im image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, im, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withComment puts a JPEG comment segment right after the start marker,
// as cameras put EXIF data there.
func withComment(jpg []byte, text string) []byte {
	n := len(text) + 2
	seg := append([]byte{0xFF, 0xFE, byte(n >> 8), byte(n)}, text...)
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

func decodePNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	im, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the kept picture is not a PNG: %v", err)
	}
	if b := im.Bounds(); b.Dx() != avatar.Side || b.Dy() != avatar.Side {
		t.Fatalf("kept picture is %v, want %d×%d", b, avatar.Side, avatar.Side)
	}
	return im
}

func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, w uint8) int { return int(a>>8) - int(w) }
	abs := func(v int) int { return max(v, -v) }
	return abs(d(r, want.R)) < 40 && abs(d(g, want.G)) < 40 && abs(d(b, want.B)) < 40
}

func TestNormalize_JPEGBecomesASquarePNGWithoutMetadata(t *testing.T) {
	t.Parallel()
	jpg := withComment(encodeJPEG(t, halves(400, 300)), "GPS 51.5N 0.1W secret-location")
	out, err := avatar.Normalize(jpg)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("secret-location")) {
		t.Error("the picture's metadata survived")
	}
	im := decodePNG(t, out)
	// The middle 300×300 is kept: red on the left, blue on the right, and
	// the green strip at the far left (x < 50) is cropped away.
	if c := im.At(4, 128); !near(c, red) {
		t.Errorf("left edge is %v, want red (the centre square)", c)
	}
	if c := im.At(avatar.Side-5, 128); !near(c, blue) {
		t.Errorf("right edge is %v, want blue", c)
	}
}

func TestNormalize_PNGAndGIF(t *testing.T) {
	t.Parallel()
	var p, g bytes.Buffer
	if err := png.Encode(&p, halves(64, 64)); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&g, halves(300, 600), nil); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"png": p.Bytes(), "gif": g.Bytes()} {
		out, err := avatar.Normalize(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		decodePNG(t, out)
	}
}

func TestNormalize_Refuses(t *testing.T) {
	t.Parallel()
	var wide bytes.Buffer
	if err := png.Encode(&wide, image.NewGray(image.Rect(0, 0, avatar.MaxSide+1, 1))); err != nil {
		t.Fatal(err)
	}
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`)
	jpg := encodeJPEG(t, halves(40, 40))
	for name, data := range map[string][]byte{
		"too wide":  wide.Bytes(),
		"svg":       svg,
		"html":      []byte("<!doctype html><p>not a picture"),
		"empty":     nil,
		"truncated": jpg[:len(jpg)/2],
	} {
		if _, err := avatar.Normalize(data); !errors.Is(err, avatar.ErrNotPicture) {
			t.Errorf("%s: err %v, want ErrNotPicture", name, err)
		}
	}
}

func TestFetch_ThroughTheGuardedClient(t *testing.T) {
	t.Parallel()
	jpg := encodeJPEG(t, halves(100, 100))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/me.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(jpg)
		case "/page":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write([]byte("<!doctype html><p>sign in first"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()

	// The production client refuses a loopback address.
	if _, err := avatar.Fetch(ctx, fetch.New(fetch.Options{}), srv.URL+"/me.jpg"); err == nil {
		t.Fatal("a loopback picture was fetched without the test opting in")
	}
	c := fetch.New(fetch.Options{AllowHosts: []string{srv.Listener.Addr().String()}})
	out, err := avatar.Fetch(ctx, c, srv.URL+"/me.jpg")
	if err != nil {
		t.Fatal(err)
	}
	decodePNG(t, out)
	if _, err := avatar.Fetch(ctx, c, srv.URL+"/gone.jpg"); err == nil {
		t.Error("a 404 gave a picture")
	}
	if _, err := avatar.Fetch(ctx, c, srv.URL+"/page"); err == nil {
		t.Error("a web page labelled image/jpeg gave a picture")
	}
}
