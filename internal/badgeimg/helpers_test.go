package badgeimg_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// mustPNG encodes img with the standard encoder.
func mustPNG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// rgbaPNG is a w×h picture with a diagonal gradient, so rows differ.
func rgbaPNG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	return mustPNG(tb, img)
}

// chunk appends one PNG chunk with its CRC.
func chunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}

// handPNG builds a PNG the way the standard encoder cannot: any colour type
// and bit depth, Adam7 interlacing, and scanline data that is exactly right
// (delta 0), short (delta < 0) or long (delta > 0). filter is the filter
// byte written on every scanline.
func handPNG(w, h int, bitDepth, colorType, interlace byte, delta int, filter byte) []byte {
	channels := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colorType]
	bpp := channels * int(bitDepth)
	var raw []byte
	addPass := func(pw, ph int) {
		if pw <= 0 || ph <= 0 {
			return
		}
		n := (pw*bpp + 7) / 8
		for y := 0; y < ph; y++ {
			raw = append(raw, filter)
			for x := 0; x < n; x++ {
				raw = append(raw, byte(x*7+y*3)&0x11) // small values: valid palette indexes
			}
		}
	}
	if interlace == 0 {
		addPass(w, h)
	} else {
		for _, a := range [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}} {
			addPass((w-a[0]+a[2]-1)/a[2], (h-a[1]+a[3]-1)/a[3])
		}
	}
	switch {
	case delta < 0:
		raw = raw[:len(raw)+delta]
	case delta > 0:
		raw = append(raw, make([]byte, delta)...)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	zw.Close()

	out := []byte("\x89PNG\r\n\x1a\n")
	hdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	hdr = binary.BigEndian.AppendUint32(hdr, uint32(h))
	hdr = append(hdr, bitDepth, colorType, 0, 0, interlace)
	out = chunk(out, "IHDR", hdr)
	if colorType == 3 {
		entries := 1 << min(bitDepth, 8)
		pal := make([]byte, 0, 3*entries)
		for i := 0; i < entries; i++ {
			pal = append(pal, byte(i), byte(255-i), byte(i/2))
		}
		out = chunk(out, "PLTE", pal)
	}
	// Split the pixel data over two IDAT chunks, as large encoders do.
	zb := z.Bytes()
	half := len(zb) / 2
	out = chunk(out, "IDAT", zb[:half])
	out = chunk(out, "IDAT", zb[half:])
	return chunk(out, "IEND", nil)
}

// withIHDRSize rewrites the width and height in a PNG's header (and its
// CRC), leaving the pixel data as it was.
func withIHDRSize(data []byte, w, h uint32) []byte {
	out := bytes.Clone(data)
	binary.BigEndian.PutUint32(out[16:], w)
	binary.BigEndian.PutUint32(out[20:], h)
	binary.BigEndian.PutUint32(out[29:], crc32.ChecksumIEEE(out[12:29]))
	return out
}

// findChunk returns the offset of the first chunk of type typ.
func findChunk(data []byte, typ string) int {
	return bytes.Index(data, []byte(typ)) - 4
}
