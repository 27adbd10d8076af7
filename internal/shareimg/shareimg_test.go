package shareimg

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

// solidPNG returns a w×h PNG of one colour.
func solidPNG(t testing.TB, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decode(t *testing.T, data []byte) image.Image {
	t.Helper()
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if cfg.Width != Width || cfg.Height != Height {
		t.Fatalf("image is %d×%d, want %d×%d", cfg.Width, cfg.Height, Width, Height)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	return img
}

func same(a, b color.Color) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

var red = color.NRGBA{0xd0, 0x10, 0x20, 0xff}

func TestRenderBadge_SizeAndValidPNG(t *testing.T) {
	t.Parallel()
	data, err := RenderBadge(Badge{Name: "Web Accessibility", IssuerName: "Open U", Image: solidPNG(t, 300, 300, red), SiteName: "Satchel"})
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, data)
	// The badge picture is drawn, scaled into its box.
	c := badgeImageBox.Min.Add(image.Pt(badgeImageBox.Dx()/2, badgeImageBox.Dy()/2))
	if !same(img.At(c.X, c.Y), red) {
		t.Errorf("centre of the image box is %v, want the badge's red", img.At(c.X, c.Y))
	}
	// Some text is drawn in the text box.
	if n := inkPixels(img, badgeTextBox); n < 500 {
		t.Errorf("only %d text pixels in the text box", n)
	}
}

func TestRenderBadge_KeepsAspectRatio(t *testing.T) {
	t.Parallel()
	data, err := RenderBadge(Badge{Name: "Wide", Image: solidPNG(t, 400, 100, red)})
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, data)
	box := badgeImageBox
	mid := box.Min.X + box.Dx()/2
	// A 4:1 picture fills the box's width and a quarter of its height, centred.
	if !same(img.At(mid, box.Min.Y+box.Dy()/2), red) {
		t.Error("centre not red")
	}
	if same(img.At(mid, box.Min.Y+box.Dy()/2-box.Dy()/8-4), red) || same(img.At(mid, box.Min.Y+10), red) {
		t.Error("picture stretched above its aspect ratio")
	}
	if !same(img.At(box.Min.X+2, box.Min.Y+box.Dy()/2), red) {
		t.Error("picture does not reach the box's left edge")
	}
}

// inkPixels counts the pixels in r that are not the background.
func inkPixels(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if !same(img.At(x, y), background) {
				n++
			}
		}
	}
	return n
}

// assertOnlyInside fails when any pixel outside the allowed rectangles
// differs from the background: nothing overflows its box.
func assertOnlyInside(t *testing.T, img image.Image, allowed ...image.Rectangle) {
	t.Helper()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
	next:
		for x := b.Min.X; x < b.Max.X; x++ {
			p := image.Pt(x, y)
			for _, r := range allowed {
				if p.In(r) {
					continue next
				}
			}
			if !same(img.At(x, y), background) {
				t.Fatalf("pixel %v outside every box is %v", p, img.At(x, y))
			}
		}
	}
}

func TestRenderBadge_LongTextStaysInItsBox(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Supercalifragilistic expialidocious competency framework alignment ", 30)
	for _, name := range []string{
		long,
		strings.Repeat("W", 5000),    // one enormous word
		strings.Repeat("WWW ", 200),  // many wide words
		"\u202eevil\u202c " + long,   // bidi overrides are dropped
		strings.Repeat("日本語の名前", 50), // glyphs the Go fonts lack still stay in bounds
	} {
		data, err := RenderBadge(Badge{Name: name, IssuerName: name, Image: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), SiteName: name})
		if err != nil {
			t.Fatal(err)
		}
		img := decode(t, data)
		assertOnlyInside(t, img, accentBar, badgeImageBox, badgeTextBox)
	}
}

func TestRenderProfile(t *testing.T) {
	t.Parallel()
	thumbs := [][]byte{solidPNG(t, 64, 64, red), nil, []byte("<svg/>"), solidPNG(t, 10, 10, red), solidPNG(t, 50, 50, red), solidPNG(t, 64, 64, red), solidPNG(t, 64, 64, red), solidPNG(t, 64, 64, red)}
	data, err := RenderProfile(Profile{DisplayName: strings.Repeat("Ada Augusta King-Noel, Countess of Lovelace ", 10), BadgeCount: 42, Thumbnails: thumbs, SiteName: "Satchel"})
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, data)
	var tiles []image.Rectangle
	for i := range MaxThumbnails {
		x := profileTextBox.Min.X + i*(thumbSide+thumbGap)
		r := image.Rect(x, profileThumbTop, x+thumbSide, profileThumbTop+thumbSide)
		tiles = append(tiles, r.Inset(-6))
		c := r.Min.Add(image.Pt(thumbSide/2, thumbSide/2))
		isRed := same(img.At(c.X, c.Y), red)
		if wantRed := i != 1 && i != 2; isRed != wantRed {
			t.Errorf("thumbnail %d: red=%v, want %v", i, isRed, wantRed)
		}
	}
	footer := image.Rect(profileTextBox.Min.X, profileFooterY-30, profileTextBox.Max.X, profileFooterY+10)
	// The seventh and eighth thumbnails are not drawn: nothing right of the sixth tile.
	assertOnlyInside(t, img, append(tiles, accentBar, profileTextBox, footer)...)
}

func TestCountText(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "No public badges yet", 1: "1 badge", 2: "2 badges", 1234: "1234 badges"} {
		if got := countText(n); got != want {
			t.Errorf("countText(%d) = %q", n, got)
		}
	}
}

func TestImagesOutsideTheLimitsArePlaceholders(t *testing.T) {
	t.Parallel()
	huge := solidPNG(t, MaxImageSide+1, 1, red) // few bytes, too many pixels
	damaged := solidPNG(t, 64, 64, red)
	damaged = damaged[:len(damaged)-30]
	for name, data := range map[string][]byte{
		"svg":       []byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10" fill="red"/></svg>`),
		"too wide":  huge,
		"damaged":   damaged,
		"jpeg-ish":  []byte("\xff\xd8\xff\xe0 not really"),
		"too large": append(append([]byte{}, pngSignature...), make([]byte, MaxImageBytes)...),
		"empty":     nil,
	} {
		data, err := RenderBadge(Badge{Name: name, Image: data})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img := decode(t, data)
		c := badgeImageBox.Min.Add(image.Pt(badgeImageBox.Dx()/2, badgeImageBox.Dy()/2))
		if got := img.At(c.X, c.Y); !same(got, color.RGBA{0xb4, 0xba, 0xc2, 0xff}) {
			t.Errorf("%s: centre is %v, want the placeholder's grey", name, got)
		}
	}
}

func TestRender_Deterministic(t *testing.T) {
	t.Parallel()
	b := Badge{Name: "Same in, same out", IssuerName: "Issuer", Image: solidPNG(t, 200, 120, red), SiteName: "Satchel"}
	a1, _ := RenderBadge(b)
	a2, _ := RenderBadge(b)
	if !bytes.Equal(a1, a2) {
		t.Error("badge image differs between two renderings")
	}
	p := Profile{DisplayName: "Ada", BadgeCount: 3, Thumbnails: [][]byte{b.Image}}
	p1, _ := RenderProfile(p)
	p2, _ := RenderProfile(p)
	if !bytes.Equal(p1, p2) {
		t.Error("profile image differs between two renderings")
	}
}

func TestThumbnail(t *testing.T) {
	t.Parallel()
	data, err := Thumbnail(solidPNG(t, 300, 300, red), 40)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 40 || b.Dy() != 40 {
		t.Errorf("thumbnail is %v", b)
	}
	if !same(img.At(20, 20), red) {
		t.Errorf("thumbnail centre %v", img.At(20, 20))
	}
	if _, err := Thumbnail(nil, 0); err == nil {
		t.Error("size 0 accepted")
	}
	if _, err := Thumbnail(nil, 10_000); err == nil {
		t.Error("size 10000 accepted")
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	face, err := newFace(bold, 60)
	if err != nil {
		t.Fatal(err)
	}
	const maxW = 580
	for _, tc := range []struct {
		text     string
		maxLines int
		want     []string // nil: only check the bounds
		cut      bool
	}{
		{"Short name", 3, []string{"Short name"}, false},
		{"  spaced \t\n  out  ", 3, []string{"spaced out"}, false},
		{"", 3, nil, false},
		{"Introduction to Accessible Web Design and Inclusive Interfaces", 3, nil, true},
		{strings.Repeat("word ", 400), 2, nil, true},
		{strings.Repeat("x", 3000), 3, nil, true},
		{strings.Repeat("a ", 1000), 3, nil, true}, // cut at maxRunes, still marked
	} {
		lines := wrap(face, tc.text, maxW, tc.maxLines)
		if tc.want != nil && strings.Join(lines, "|") != strings.Join(tc.want, "|") {
			t.Errorf("wrap(%q) = %q, want %q", tc.text, lines, tc.want)
		}
		if len(lines) > tc.maxLines {
			t.Errorf("wrap(%.20q): %d lines, max %d", tc.text, len(lines), tc.maxLines)
		}
		for _, l := range lines {
			if w := width(face, l); w > maxW {
				t.Errorf("line %q is %dpx wide, max %d", l, w, maxW)
			}
		}
		if tc.cut {
			if len(lines) == 0 || !strings.HasSuffix(lines[len(lines)-1], ellipsis) {
				t.Errorf("wrap(%.20q) cut without an ellipsis: %q", tc.text, lines)
			}
		} else {
			for _, l := range lines {
				if strings.Contains(l, ellipsis) {
					t.Errorf("uncut text got an ellipsis: %q", lines)
				}
			}
		}
	}
	// Text that fits in the lines it is given is never cut; text one word
	// too long is, and keeps every line full.
	fits := wrap(face, "Introduction to Accessible Web Design", maxW, 3)
	if strings.Join(fits, " ") != "Introduction to Accessible Web Design" {
		t.Errorf("fitting text changed: %q", fits)
	}
}

// A megabyte of text is cut to maxRunes before layout (cost: see
// BenchmarkWrapHostile).
func TestWrap_HostileSize(t *testing.T) {
	t.Parallel()
	face, _ := newFace(regular, 38)
	lines := wrap(face, strings.Repeat("ab ", 1<<20), 580, 2)
	if len(lines) != 2 || !strings.HasSuffix(lines[1], ellipsis) {
		t.Fatalf("lines = %q", lines)
	}
}

func BenchmarkWrapHostile(b *testing.B) {
	face, _ := newFace(regular, 38)
	text := strings.Repeat("ab ", 1<<20)
	for b.Loop() {
		wrap(face, text, 580, 2)
	}
}

func BenchmarkRenderBadge(b *testing.B) {
	img := solidPNG(b, 512, 512, red)
	for b.Loop() {
		if _, err := RenderBadge(Badge{Name: "Introduction to Accessible Web Design", IssuerName: "The Open University", Image: img, SiteName: "Satchel"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderBadgeMaxSideImage(b *testing.B) {
	img := solidPNG(b, MaxImageSide, MaxImageSide, red)
	for b.Loop() {
		if _, err := RenderBadge(Badge{Name: "Big picture", IssuerName: "Issuer", Image: img}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderProfile(b *testing.B) {
	img := solidPNG(b, 256, 256, red)
	thumbs := [][]byte{img, img, img, img, img, img}
	for b.Loop() {
		if _, err := RenderProfile(Profile{DisplayName: "Ada Lovelace", BadgeCount: 12, Thumbnails: thumbs, SiteName: "Satchel"}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestHalve(t *testing.T) {
	t.Parallel()
	src := image.NewNRGBA(image.Rect(0, 0, 4, 2))
	// Left 2×2 block: two white, two black → mid grey; right block: opaque
	// red and fully transparent → half-transparent red (premultiplied).
	src.Set(0, 0, color.White)
	src.Set(1, 1, color.White)
	src.Set(0, 1, color.Black)
	src.Set(1, 0, color.Black)
	src.Set(2, 0, color.NRGBA{255, 0, 0, 255})
	src.Set(3, 0, color.NRGBA{255, 0, 0, 255})
	out := halve(src)
	if b := out.Bounds(); b.Dx() != 2 || b.Dy() != 1 {
		t.Fatalf("halved to %v", b)
	}
	if got := out.RGBAAt(0, 0); got != (color.RGBA{128, 128, 128, 255}) {
		t.Errorf("grey block = %v", got)
	}
	if got := out.RGBAAt(1, 0); got != (color.RGBA{128, 0, 0, 128}) {
		t.Errorf("half red block = %v", got)
	}
}

func TestRenderBadge_LargeImageKeepsItsGeometry(t *testing.T) {
	t.Parallel()
	// 2000×2000, left half red and right half blue: halved twice before
	// scaling, it must still be red on the left and blue on the right.
	const side = 2000
	blue := color.NRGBA{0x10, 0x30, 0xc0, 0xff}
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			if x < side/2 {
				img.SetNRGBA(x, y, red)
			} else {
				img.SetNRGBA(x, y, blue)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	data, err := RenderBadge(Badge{Name: "Two halves", Image: buf.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	out := decode(t, data)
	box := badgeImageBox
	y := box.Min.Y + box.Dy()/2
	if got := out.At(box.Min.X+box.Dx()/4, y); !same(got, red) {
		t.Errorf("left quarter is %v, want red", got)
	}
	if got := out.At(box.Min.X+3*box.Dx()/4, y); !same(got, blue) {
		t.Errorf("right quarter is %v, want blue", got)
	}
}

// FuzzThumbnail feeds hostile bytes to the image path (signature check,
// header limits, decoder, scaling): never a panic, always a 24×24 PNG.
func FuzzThumbnail(f *testing.F) {
	f.Add(solidPNG(f, 16, 16, red))
	f.Add(solidPNG(f, 1, 300, red))
	f.Add([]byte("<svg/>"))
	f.Add(pngSignature)
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Thumbnail(data, 24)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(out))
		if err != nil || cfg.Width != 24 || cfg.Height != 24 {
			t.Fatalf("thumbnail %dx%d, %v", cfg.Width, cfg.Height, err)
		}
	})
}

func TestKey(t *testing.T) {
	t.Parallel()
	img := solidPNG(t, 8, 8, red)
	base := Badge{Name: "ab", IssuerName: "c", Image: img, SiteName: "Satchel"}
	if base.Key() != (Badge{Name: "ab", IssuerName: "c", Image: bytes.Clone(img), SiteName: "Satchel"}).Key() {
		t.Error("equal badges, different keys")
	}
	for name, other := range map[string]Badge{
		"name/issuer boundary": {Name: "a", IssuerName: "bc", Image: img, SiteName: "Satchel"},
		"image":                {Name: "ab", IssuerName: "c", Image: solidPNG(t, 8, 8, color.Black), SiteName: "Satchel"},
		"site":                 {Name: "ab", IssuerName: "c", Image: img},
	} {
		if other.Key() == base.Key() {
			t.Errorf("%s: same key", name)
		}
	}
	p := Profile{DisplayName: "Ada", BadgeCount: 3, Thumbnails: [][]byte{img}}
	if p.Key() == (Profile{DisplayName: "Ada", BadgeCount: 4, Thumbnails: [][]byte{img}}).Key() {
		t.Error("badge count not in the key")
	}
	if p.Key() == (Profile{DisplayName: "Ada", BadgeCount: 3, Thumbnails: [][]byte{img, img}}).Key() {
		t.Error("thumbnails not in the key")
	}
	// Thumbnails past the sixth are not drawn, so they do not change the key.
	seven := make([][]byte, 7)
	eight := make([][]byte, 8)
	for i := range eight {
		eight[i] = img
		if i < 7 {
			seven[i] = img
		}
	}
	if (Profile{Thumbnails: seven}).Key() != (Profile{Thumbnails: eight}).Key() {
		t.Error("undrawn thumbnails change the key")
	}
	if (Profile{DisplayName: "x"}).Key() == (Badge{Name: "x"}).Key() {
		t.Error("a profile and a badge share a key")
	}
}
