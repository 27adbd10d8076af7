package badge

import (
	"bytes"
	"testing"
)

// BenchmarkUnbakePNG1MiB unbakes a 3.0 credential from a 1 MiB PNG, both as
// Bake writes it (badge chunk right after IHDR) and as many issuers do
// (badge chunk after the pixel data, so every chunk's CRC is checked first).
func BenchmarkUnbakePNG1MiB(b *testing.B) {
	img := mustNoisyPNG(b, 512, 512) // 1 MiB of pixels, stored uncompressed
	if len(img) < 1<<20 {
		b.Fatalf("test image is only %d bytes", len(img))
	}
	front, err := Bake(img, []byte(credential30))
	if err != nil {
		b.Fatal(err)
	}
	// Move the badge chunk to just before IEND.
	iend := bytes.LastIndex(img, []byte("IEND")) - 4
	back := append(append(append([]byte{}, img[:iend]...), appendChunk(nil, "iTXt", itxt("openbadgecredential", false, credential30))...), img[iend:]...)

	for _, bc := range []struct {
		name string
		img  []byte
	}{{"after-IHDR", front}, {"after-IDAT", back}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.img)))
			b.ReportAllocs()
			for b.Loop() {
				data, err := Unbake(bc.img)
				if err != nil || len(data) != len(credential30) {
					b.Fatalf("Unbake: %v (%d bytes)", err, len(data))
				}
			}
		})
	}
	b.Run("Read-after-IDAT", func(b *testing.B) {
		b.SetBytes(int64(len(back)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Read(back); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBakePNG1MiB bakes a credential into a 1 MiB PNG.
func BenchmarkBakePNG1MiB(b *testing.B) {
	img := mustNoisyPNG(b, 512, 512)
	b.SetBytes(int64(len(img)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Bake(img, []byte(credential30)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead measures reading pasted badge data of each kind.
func BenchmarkRead(b *testing.B) {
	svg, err := Bake([]byte(plainSVG), []byte(credential30))
	if err != nil {
		b.Fatal(err)
	}
	vcjwt := jws(b, map[string]any{"alg": "RS256"}, map[string]any{"vc": map[string]any{
		"@context": []any{"https://www.w3.org/2018/credentials/v1"}, "id": "urn:uuid:1",
		"type": []any{"VerifiableCredential", "OpenBadgeCredential"}, "issuer": "https://i.example"}})
	for _, bc := range []struct {
		name string
		in   []byte
	}{
		{"2.0-JSON", []byte(assertion20)},
		{"3.0-JSON", []byte(credential30)},
		{"3.0-SVG", svg},
		{"VC-JWT", []byte(vcjwt)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Read(bc.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUnbakeSVG2MiB unbakes a credential from the end of a 2 MiB SVG
// (the largest image the fetcher accepts).
func BenchmarkUnbakeSVG2MiB(b *testing.B) {
	var sb bytes.Buffer
	sb.WriteString(`<svg xmlns="http://www.w3.org/2000/svg">`)
	for sb.Len() < 2<<20-8192 {
		sb.WriteString(`<rect x="1" y="2" width="3" height="4" fill="#123456"/>`)
	}
	sb.WriteString(`</svg>`)
	front, err := Bake(sb.Bytes(), []byte(credential30))
	if err != nil {
		b.Fatal(err)
	}
	// The same badge element moved to the end, as some tools write it.
	end := bytes.LastIndex(front, []byte("</svg>"))
	start := bytes.Index(front, []byte("<openbadges:credential"))
	stop := bytes.Index(front, []byte("</openbadges:credential>")) + len("</openbadges:credential>")
	elem := bytes.Clone(front[start:stop])
	back := append(append(append(append([]byte{}, front[:start]...), front[stop:end]...), elem...), "</svg>"...)
	for _, bc := range []struct {
		name string
		img  []byte
	}{{"badge-first", front}, {"badge-last", back}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.img)))
			b.ReportAllocs()
			for b.Loop() {
				data, err := Unbake(bc.img)
				if err != nil || string(data) != credential30 {
					b.Fatalf("Unbake: %v", err)
				}
			}
		})
	}
}
