// Package qr draws QR codes of public Satchel URLs for printed CVs, as PNG
// and as SVG. The encoding (versions, masks, error correction) is
// github.com/skip2/go-qrcode's; this package only turns its module matrix
// into crisp images.
package qr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// MaxURLLength caps what is encoded; a longer URL makes a code too dense to
// scan from paper.
const MaxURLLength = 1024

// Quiet zone around the symbol, in modules (the standard asks for 4).
const QuietZone = 4

// MaxPNGSize caps the side of a PNG in pixels (enough for a print at 300
// dpi nearly 7 inches wide); a size comes from a request and must not
// decide how much memory is allocated.
const MaxPNGSize = 2048

// Errors, with text a learner can act on.
var (
	ErrBadURL  = errors.New("qr: only an absolute http or https link can be turned into a QR code")
	ErrTooLong = fmt.Errorf("qr: the link is too long for a QR code (at most %d characters)", MaxURLLength)
	ErrBadSize = fmt.Errorf("qr: a QR code image is at most %d pixels wide", MaxPNGSize)
)

// Matrix returns the QR code of rawURL as rows of modules (true = dark),
// including the quiet zone. Error correction is medium (15%), enough for a
// creased printout.
func Matrix(rawURL string) ([][]bool, error) {
	if len(rawURL) > MaxURLLength {
		return nil, ErrTooLong
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(rawURL, " \t\r\n") {
		return nil, ErrBadURL
	}
	code, err := qrcode.New(rawURL, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr: encode: %w", err)
	}
	code.DisableBorder = false
	m := code.Bitmap()
	if len(m) == 0 || len(m) != len(m[0]) {
		return nil, fmt.Errorf("qr: encoder returned a %d-row matrix", len(m))
	}
	return m, nil
}

// PNG returns a size×size PNG of the QR code of rawURL. Each module is a
// whole number of pixels (no blurred edges); the pixels left over widen the
// white margin. A size smaller than the matrix gives one pixel per
// module; a size over MaxPNGSize is refused.
func PNG(rawURL string, size int) ([]byte, error) {
	if size > MaxPNGSize {
		return nil, ErrBadSize
	}
	m, err := Matrix(rawURL)
	if err != nil {
		return nil, err
	}
	n := len(m)
	size = max(size, n)
	scale := size / n
	offset := (size - scale*n) / 2

	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for y, row := range m {
		for x, dark := range row {
			if !dark {
				continue
			}
			for py := offset + y*scale; py < offset+(y+1)*scale; py++ {
				start := img.PixOffset(offset+x*scale, py)
				for i := range scale {
					img.Pix[start+i] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("qr: png: %w", err)
	}
	return buf.Bytes(), nil
}

// SVG returns the QR code of rawURL as a standalone SVG whose viewBox is
// one unit per module (quiet zone included), so it scales to any print
// size. It is one <path> of unit squares, merged along rows, with a <title>
// for screen readers. The URL itself never appears in the markup.
func SVG(rawURL string) ([]byte, error) {
	m, err := Matrix(rawURL)
	if err != nil {
		return nil, err
	}
	n := len(m)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges" role="img" aria-labelledby="qr-title">`, n, n, n*8, n*8)
	b.WriteString(`<title id="qr-title">QR code</title>`)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`, n, n)
	b.WriteString(`<path fill="#000" d="`)
	for y, row := range m {
		for x := 0; x < n; {
			if !row[x] {
				x++
				continue
			}
			run := 1
			for x+run < n && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes(), nil
}
