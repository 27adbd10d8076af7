package badgeimg_test

import (
	"image"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/badgeimg"
)

// A PNG of noise that barely compresses, close to the 2 MiB cap: the
// worst case for inflating.
func BenchmarkCheckPNGNoise(b *testing.B) {
	img := image.NewNRGBA(image.Rect(0, 0, 720, 720))
	x := uint32(2463534242)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x)
	}
	data := mustPNG(b, img)
	if len(data) > badgeimg.MaxBytes {
		b.Fatalf("%d bytes, over the cap", len(data))
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := badgeimg.Check(data); err != nil {
			b.Fatal(err)
		}
	}
}

// The largest allowed PNG, compressing to almost nothing: the check streams
// 64 MiB of scanlines without holding them.
func BenchmarkCheckPNGMaxSide(b *testing.B) {
	data := handPNG(badgeimg.MaxSide, badgeimg.MaxSide, 8, 6, 0, 0, 0)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := badgeimg.Check(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckSVG(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256">`)
	for sb.Len() < 1<<20 {
		sb.WriteString(`<circle cx="10" cy="20" r="5" fill="#336699"/>`)
	}
	sb.WriteString(`</svg>`)
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := badgeimg.Check(data); err != nil {
			b.Fatal(err)
		}
	}
}
