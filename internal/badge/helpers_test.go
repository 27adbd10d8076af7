package badge

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"

	"github.com/satchel-backpack/satchel/internal/badgetest"
)

// mustPNG encodes a real w×h PNG image with the standard library.
func mustPNG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// mustNoisyPNG encodes an image of random-looking pixels, so the file is
// about as large as its raw pixels (≈ w*h*4 bytes).
func mustNoisyPNG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	x := uint32(2463534242)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.NoCompression}
	if err := enc.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// insertChunk puts a raw chunk right after IHDR (the first chunk).
func insertChunk(img []byte, typ string, data []byte) []byte {
	ihdrEnd := len(pngSignature) + 12 + 13
	out := append([]byte{}, img[:ihdrEnd]...)
	out = appendChunk(out, typ, data)
	return append(out, img[ihdrEnd:]...)
}

func itxt(keyword string, compressed bool, text string) []byte {
	flag := byte(0)
	if compressed {
		flag = 1
	}
	b := append([]byte(keyword), 0, flag, 0)
	b = append(b, "en"...)
	b = append(b, 0)
	b = append(b, "translated"...)
	b = append(b, 0)
	return append(b, text...)
}

const plainSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4" fill="teal"/></svg>`

// jws builds an unsigned-looking compact JWS around a payload (the reader
// never verifies signatures).
func jws(tb testing.TB, header, payload any) string {
	tb.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(header) + "." + enc(payload) + ".c2lnbmF0dXJl"
}

// conformanceDir is SATCHEL_CONFORMANCE_DIR or ../shared/conformance next to
// the repository root. Under CI=true its absence fails the test.
func conformanceDir(tb testing.TB) string {
	tb.Helper()
	return badgetest.ConformanceDir(tb)
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

const assertion20 = `{
  "@context": "https://w3id.org/openbadges/v2",
  "type": "Assertion",
  "id": "https://issuer.example/assertions/1",
  "recipient": {"type": "email", "hashed": true, "salt": "deadsea",
    "identity": "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942"},
  "issuedOn": "2016-12-31T23:59:59Z",
  "expires": "2030-01-01T00:00:00+01:00",
  "narrative": "Built a *robot*.",
  "evidence": [{"id": "https://issuer.example/work", "name": "Robot", "narrative": "It walks"}, "https://issuer.example/more"],
  "badge": {
    "type": "BadgeClass",
    "id": "https://issuer.example/badges/robotics",
    "name": "Robotics",
    "description": "Robots are fun.",
    "image": {"id": "https://issuer.example/robot.png", "caption": "A robot"},
    "criteria": {"id": "https://issuer.example/criteria", "narrative": "Build a robot."},
    "alignment": [{"targetName": "Mechanics", "targetUrl": "https://skills.example/mech", "targetCode": "M1"}],
    "tags": ["robots", "stem"],
    "issuer": {
      "type": "Issuer", "id": "https://issuer.example/org", "name": "Robot Club",
      "url": "https://issuer.example", "email": "club@issuer.example",
      "endorsement": [{"type": "Endorsement", "id": "https://endorser.example/e/1",
        "issuer": {"id": "https://endorser.example", "name": "Endorser"},
        "claim": {"id": "https://issuer.example/org", "endorsementComment":   "Good club"},
        "issuedOn": "2017-10-01T00:00Z"}]
    },
    "endorsement": "https://endorser.example/e/2"
  },
  "verification": {"type": "hosted"}
}`

func stdB64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
