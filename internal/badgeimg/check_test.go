package badgeimg_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/badgeimg"
)

const svgNS = `xmlns="http://www.w3.org/2000/svg"`

func TestCheck_AcceptsPNG(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data []byte
		w, h int
	}{
		{"small colour picture", rgbaPNG(t, 64, 48), 64, 48},
		{"widest allowed", rgbaPNG(t, badgeimg.MaxSide, 1), badgeimg.MaxSide, 1},
		{"tallest allowed", rgbaPNG(t, 1, badgeimg.MaxSide), 1, badgeimg.MaxSide},
		{"16-bit grey", mustPNG(t, image.NewGray16(image.Rect(0, 0, 30, 20))), 30, 20},
		{"paletted", mustPNG(t, image.NewPaletted(image.Rect(0, 0, 9, 7), color.Palette{color.Black, color.White})), 9, 7},
		{"interlaced RGBA 8-bit", handPNG(13, 11, 8, 6, 1, 0, 0), 13, 11},
		{"interlaced 1-bit palette", handPNG(17, 3, 1, 3, 1, 0, 0), 17, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := badgeimg.Check(tt.data)
			if err != nil {
				t.Fatalf("Check: %v (%s)", err, detail(err))
			}
			want := badgeimg.Info{ContentType: "image/png", Width: tt.w, Height: tt.h}
			if info != want {
				t.Errorf("Info = %+v, want %+v", info, want)
			}
		})
	}
}

// The structural check must agree with the standard decoder on every colour
// type, bit depth and interlacing: exact scanline data is accepted, one byte
// short or long, or an unknown filter type, is refused.
func TestCheck_PNGStructureAgreesWithDecoder(t *testing.T) {
	t.Parallel()
	depths := map[byte][]byte{0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
	for ct, ds := range depths {
		for _, d := range ds {
			for _, il := range []byte{0, 1} {
				for _, size := range [][2]int{{1, 1}, {3, 2}, {9, 17}, {33, 5}} {
					for _, variant := range []struct {
						name   string
						delta  int
						filter byte
						ok     bool
					}{{"exact", 0, 0, true}, {"short", -1, 0, false}, {"long", 1, 0, false}, {"bad filter", 0, 5, false}} {
						name := fmt.Sprintf("ct%d/depth%d/interlace%d/%dx%d/%s", ct, d, il, size[0], size[1], variant.name)
						data := handPNG(size[0], size[1], d, ct, il, variant.delta, variant.filter)
						_, decErr := png.Decode(bytes.NewReader(data))
						if (decErr == nil) != variant.ok {
							t.Fatalf("%s: test PNG is wrong: png.Decode error %v", name, decErr)
						}
						_, err := badgeimg.Check(data)
						if (err == nil) != variant.ok {
							t.Errorf("%s: Check error = %v, want ok=%v", name, err, variant.ok)
						}
						if err != nil && !errors.Is(err, badgeimg.ErrDamaged) {
							t.Errorf("%s: error kind %v, want damaged", name, err)
						}
					}
				}
			}
		}
	}
}

func TestCheck_RefusesBadPNG(t *testing.T) {
	t.Parallel()
	good := rgbaPNG(t, 40, 30)

	cutShort := good[:len(good)/2]
	badCRC := bytes.Clone(good)
	badCRC[findChunk(badCRC, "IDAT")+10] ^= 0xff
	// Corrupt the compressed data but keep the chunk's CRC right, so only
	// inflating the pixel data can tell.
	badZlib := bytes.Clone(good)
	at := findChunk(badZlib, "IDAT")
	n := int(binary.BigEndian.Uint32(badZlib[at:]))
	for i := at + 8 + 2; i < at+8+n-4; i++ {
		badZlib[i] = 0xff
	}
	binary.BigEndian.PutUint32(badZlib[at+8+n:], crc32.ChecksumIEEE(badZlib[at+4:at+8+n]))
	noIEND := good[:findChunk(good, "IEND")]
	// An IDAT, then a text chunk, then another IDAT.
	split := handPNG(10, 10, 8, 2, 0, 0, 0)
	idat2 := findChunk(split, "IDAT") + 12 + int(binary.BigEndian.Uint32(split[findChunk(split, "IDAT"):]))
	splitIDAT := append(chunk(bytes.Clone(split[:idat2]), "tEXt", []byte("a\x00b")), split[idat2:]...)
	// A palette image whose PLTE chunk was removed.
	pal := handPNG(4, 4, 4, 3, 0, 0, 0)
	plte := findChunk(pal, "PLTE")
	noPLTE := append(bytes.Clone(pal[:plte]), pal[plte+12+3*16:]...)

	// Chunks the standard decoder refuses, inserted after the header.
	afterIHDR := func(data []byte, typ string, body []byte) []byte {
		return append(chunk(bytes.Clone(data[:33]), typ, body), data[33:]...)
	}
	trnsOnRGBA := afterIHDR(handPNG(5, 5, 8, 6, 0, 0, 0), "tRNS", []byte{0, 0, 0, 0, 0, 0})
	trnsBadLength := afterIHDR(handPNG(5, 5, 8, 0, 0, 0, 0), "tRNS", []byte{0, 0, 0})
	plteTwice := afterIHDR(pal, "PLTE", []byte{1, 2, 3})

	huge := append(bytes.Clone(good), make([]byte, badgeimg.MaxBytes)...)

	tests := []struct {
		name string
		data []byte
		kind *badgeimg.Error
		msg  string
	}{
		{"too wide", rgbaPNG(t, badgeimg.MaxSide+1, 1), badgeimg.ErrTooManyPixels, "4097×1 pixels"},
		{"too tall", rgbaPNG(t, 2, badgeimg.MaxSide+1), badgeimg.ErrTooManyPixels, "up to 4096×4096"},
		// A tiny file announcing 50000×50000: refused from the header alone,
		// before anything looks at (or would allocate for) the pixels.
		{"pixel bomb header", withIHDRSize(good, 50000, 50000), badgeimg.ErrTooManyPixels, "50000×50000"},
		{"zero width", withIHDRSize(good, 0, 30), badgeimg.ErrDamaged, "damaged PNG"},
		{"over 2 MiB", huge, badgeimg.ErrTooLarge, "up to 2 MiB"},
		{"cut short", cutShort, badgeimg.ErrDamaged, "damaged PNG"},
		{"bad chunk CRC", badCRC, badgeimg.ErrDamaged, "damaged PNG"},
		{"corrupt pixel data", badZlib, badgeimg.ErrDamaged, "damaged PNG"},
		{"no IEND", noIEND, badgeimg.ErrDamaged, "damaged PNG"},
		{"IDAT chunks apart", splitIDAT, badgeimg.ErrDamaged, "damaged PNG"},
		{"palette without PLTE", noPLTE, badgeimg.ErrDamaged, "damaged PNG"},
		{"tRNS on an alpha image", trnsOnRGBA, badgeimg.ErrDamaged, "damaged PNG"},
		{"tRNS of the wrong length", trnsBadLength, badgeimg.ErrDamaged, "damaged PNG"},
		{"two PLTE chunks", plteTwice, badgeimg.ErrDamaged, "damaged PNG"},
		{"signature only", []byte("\x89PNG\r\n\x1a\n"), badgeimg.ErrDamaged, "damaged PNG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertRefused(t, tt.data, tt.kind, tt.msg)
		})
	}
}

func TestCheck_RefusesOtherFormats(t *testing.T) {
	t.Parallel()
	var jpg, gf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, img, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "empty"},
		{"JPEG", jpg.Bytes(), "is a JPEG file; Satchel accepts only PNG or SVG"},
		{"GIF", gf.Bytes(), "is a GIF file"},
		{"HTML page", []byte("<!DOCTYPE html>\n<html><body>Not found</body></html>"), "web page"},
		{"HTML without doctype", []byte("<html><head><title>x</title></head></html>"), "web page"},
		{"badge JSON", []byte(`{"@context":"https://w3id.org/openbadges/v2"}`), "not a PNG or SVG file"},
		{"plain text", []byte("hello"), "not a PNG or SVG file"},
		{"other XML", []byte(`<?xml version="1.0"?><note>hi</note>`), "not a PNG or SVG file"},
		{"text starting with <", []byte("<<<<"), "not a PNG or SVG file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertRefused(t, tt.data, badgeimg.ErrNotImage, tt.msg)
		})
	}
}

func TestCheck_AcceptsSVG(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		svg  string
		w, h int
	}{
		{"width and height", `<svg ` + svgNS + ` width="120" height="80"><circle r="4"/></svg>`, 120, 80},
		{"units", `<svg ` + svgNS + ` width="96px" height="1in"/>`, 96, 96},
		{"viewBox only", `<svg ` + svgNS + ` viewBox="0 0 256 128"></svg>`, 256, 128},
		{"viewBox with commas", `<svg ` + svgNS + ` viewBox="-10,-10,50,25"/>`, 50, 25},
		{"width and viewBox keep the aspect ratio", `<svg ` + svgNS + ` width="200" viewBox="0 0 100 50"/>`, 200, 100},
		{"percentages fall back on viewBox", `<svg ` + svgNS + ` width="100%" height="100%" viewBox="0 0 64 64"/>`, 64, 64},
		{"no size stated", `<svg ` + svgNS + `><rect width="3" height="3"/></svg>`, 0, 0},
		{"absurd size is unknown", `<svg ` + svgNS + ` width="1e300" height="5"/>`, 0, 5},
		{"prefixed root", `<s:svg xmlns:s="http://www.w3.org/2000/svg" width="10" height="10"/>`, 10, 10},
		{"BOM, declaration, comment, predefined entities",
			"\ufeff<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a badge -->\n<svg " + svgNS + ` width="5" height="6"><title>Tom &amp; Jerry &lt;3</title></svg>` + "\n", 5, 6},
		{"lower-case utf-8 declaration, standalone", `<?xml version="1.0" encoding="utf-8" standalone="no"?><svg ` + svgNS + ` width="7" height="7"/>`, 7, 7},
		{"baked Open Badges 3.0 credential", `<svg ` + svgNS + ` xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" width="10" height="10"><openbadges:credential><![CDATA[{"a":1}]]></openbadges:credential></svg>`, 10, 10},
		// Editors such as Illustrator and older Inkscape write this line.
		{"DOCTYPE PUBLIC line", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg " + svgNS + ` width="12" height="9"/>`, 12, 9},
		{"DOCTYPE PUBLIC, single quotes, line breaks", "<!DOCTYPE svg\n  PUBLIC '-//W3C//DTD SVG 1.0//EN'\n  'http://www.w3.org/TR/2001/REC-SVG-20010904/DTD/svg10.dtd' >\n<!-- exported -->\n<svg " + svgNS + ` viewBox="0 0 30 20"/>`, 30, 20},
		{"DOCTYPE SYSTEM", `<!DOCTYPE svg SYSTEM "svg11.dtd"><svg ` + svgNS + ` width="4" height="4"/>`, 4, 4},
		{"bare DOCTYPE svg", `<!DOCTYPE svg><svg ` + svgNS + ` width="3" height="3"/>`, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := badgeimg.Check([]byte(tt.svg))
			if err != nil {
				t.Fatalf("Check: %v (%s)", err, detail(err))
			}
			want := badgeimg.Info{ContentType: "image/svg+xml", Width: tt.w, Height: tt.h}
			if info != want {
				t.Errorf("Info = %+v, want %+v", info, want)
			}
		})
	}
}

func TestCheck_RefusesBadSVG(t *testing.T) {
	t.Parallel()
	deep := `<svg ` + svgNS + `>` + strings.Repeat("<g>", 300) + strings.Repeat("</g>", 300) + `</svg>`
	big := `<svg ` + svgNS + `><desc>` + strings.Repeat("a", badgeimg.MaxBytes) + `</desc></svg>`
	tests := []struct {
		name string
		svg  string
		kind *badgeimg.Error
		msg  string
	}{
		{"DOCTYPE PUBLIC with an internal subset", `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [<!ENTITY ns "http://www.w3.org/2000/svg">]><svg ` + svgNS + `/>`, badgeimg.ErrUnsafe, "DOCTYPE"},
		{"empty internal subset", `<!DOCTYPE svg []><svg ` + svgNS + `/>`, badgeimg.ErrUnsafe, "DOCTYPE"},
		{"attribute default in a subset", `<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]><svg ` + svgNS + `/>`, badgeimg.ErrUnsafe, "DOCTYPE"},
		{"declared entity used after a PUBLIC line", `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "svg11.dtd" [<!ENTITY x "y">]><svg ` + svgNS + `><text>&x;</text></svg>`, badgeimg.ErrUnsafe, "refuses for safety"},
		{"entity use with a plain DOCTYPE", `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg ` + svgNS + `><text>&nbsp;</text></svg>`, badgeimg.ErrUnsafe, "XML entities"},
		{"two DOCTYPE lines", `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "a.dtd"><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "a.dtd"><svg ` + svgNS + `/>`, badgeimg.ErrUnsafe, "DOCTYPE"},
		{"DOCTYPE inside the root", `<svg ` + svgNS + `><!DOCTYPE svg></svg>`, badgeimg.ErrUnsafe, "DOCTYPE"},
		{"ENTITY directive outside a DOCTYPE", `<!ENTITY x "y"><svg ` + svgNS + `/>`, badgeimg.ErrUnsafe, "<!ENTITY>"},
		{"public id with a bracket", `<!DOCTYPE svg PUBLIC "-//W3C//DTD [SVG] 1.1//EN" "a.dtd"><svg ` + svgNS + `/>`, badgeimg.ErrUnsafe, "DOCTYPE"},
		{"trailing word after the system id", `<!DOCTYPE svg SYSTEM "a.dtd" extra><svg ` + svgNS + `/>`, badgeimg.ErrUnsafe, "DOCTYPE"},
		{"unquoted system id", `<!DOCTYPE svg SYSTEM a.dtd><svg ` + svgNS + `/>`, badgeimg.ErrUnsafe, "DOCTYPE"},
		{"entity expansion", `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg ` + svgNS + `>&b;</svg>`, badgeimg.ErrUnsafe, "refuses for safety"},
		{"external entity", `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg ` + svgNS + `>&x;</svg>`, badgeimg.ErrUnsafe, "refuses for safety"},
		{"undeclared entity", `<svg ` + svgNS + `><text>&nbsp;</text></svg>`, badgeimg.ErrUnsafe, "XML entities"},
		{"no SVG namespace", `<svg width="10" height="10"></svg>`, badgeimg.ErrDamaged, "lacks the SVG namespace"},
		{"wrong namespace", `<svg xmlns="http://example.org/" width="10"/>`, badgeimg.ErrDamaged, "lacks the SVG namespace"},
		{"not well-formed", `<svg ` + svgNS + `><g></svg>`, badgeimg.ErrDamaged, "not well-formed"},
		{"unclosed root", `<svg ` + svgNS + `><g/>`, badgeimg.ErrDamaged, "not well-formed"},
		{"two roots", `<svg ` + svgNS + `/><svg ` + svgNS + `/>`, badgeimg.ErrDamaged, "not well-formed"},
		{"text after root", `<svg ` + svgNS + `/>trailing`, badgeimg.ErrDamaged, "not well-formed"},
		{"Latin-1 encoding", `<?xml version="1.0" encoding="ISO-8859-1"?><svg ` + svgNS + `/>`, badgeimg.ErrDamaged, "UTF-8"},
		{"nested too deeply", deep, badgeimg.ErrDamaged, "nested too deeply"},
		{"over 2 MiB", big, badgeimg.ErrTooLarge, "Satchel accepts images up to 2 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertRefused(t, []byte(tt.svg), tt.kind, tt.msg)
		})
	}
}

func TestError_IsComparesKinds(t *testing.T) {
	t.Parallel()
	_, err := badgeimg.Check([]byte("hello"))
	if !errors.Is(err, badgeimg.ErrNotImage) {
		t.Fatalf("errors.Is(%v, ErrNotImage) = false", err)
	}
	if errors.Is(err, badgeimg.ErrDamaged) {
		t.Errorf("errors.Is(%v, ErrDamaged) = true", err)
	}
	var e *badgeimg.Error
	if !errors.As(err, &e) || e.Kind != badgeimg.NotImage || e.Kind.String() != "not an image" {
		t.Errorf("errors.As: %#v", e)
	}
}

func assertRefused(t *testing.T, data []byte, kind *badgeimg.Error, msg string) {
	t.Helper()
	info, err := badgeimg.Check(data)
	if err == nil {
		t.Fatalf("Check accepted it: %+v", info)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q (%s) is not of kind %v", err, detail(err), kind.Kind)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("message %q does not contain %q", err, msg)
	}
	t.Logf("%s", detail(err))
	if info != (badgeimg.Info{}) {
		t.Errorf("Info = %+v alongside an error", info)
	}
	if s := err.Error(); !strings.HasPrefix(s, "The badge image") || !strings.HasSuffix(s, ".") {
		t.Errorf("message %q is not a sentence about the badge image", s)
	}
}

func detail(err error) string {
	var e *badgeimg.Error
	if errors.As(err, &e) {
		return e.Detail()
	}
	return ""
}
