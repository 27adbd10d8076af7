package badge

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"unicode/utf8"
)

// pngSignature starts every PNG file.
var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// PNG keywords of the chunk that carries badge data.
const (
	keywordOB2 = "openbadges"          // 2.0 and 1.x (iTXt; tEXt in old badges)
	keywordOB3 = "openbadgecredential" // 3.0
)

// maxChunkLen is the largest chunk length the PNG specification allows.
const maxChunkLen = 1<<31 - 1

// pngChunk is one chunk of a PNG file; start and end bound the whole chunk
// (length, type, data and CRC) within the file.
type pngChunk struct {
	typ        string
	data       []byte
	start, end int
}

// walkPNG calls fn for each chunk of img up to and including IEND, after
// checking its length and CRC. It never decodes pixel data. fn returns true
// to stop early.
func walkPNG(img []byte, fn func(c pngChunk) bool) error {
	if !bytes.HasPrefix(img, pngSignature) {
		return malformed(FormatPNG, "the file is not a PNG image", nil)
	}
	off := len(pngSignature)
	first := true
	for {
		if len(img)-off < 12 {
			return malformed(FormatPNG, "the image file is cut short or damaged",
				fmt.Errorf("truncated chunk header at offset %d", off))
		}
		n := binary.BigEndian.Uint32(img[off:])
		typ := img[off+4 : off+8]
		if n > maxChunkLen || int64(n) > int64(len(img)-off-12) {
			return malformed(FormatPNG, "the image file is cut short or damaged",
				fmt.Errorf("chunk at offset %d claims %d bytes", off, n))
		}
		for _, ch := range typ {
			if !(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z') {
				return malformed(FormatPNG, "the image file is damaged",
					fmt.Errorf("invalid chunk type %q at offset %d", typ, off))
			}
		}
		end := off + 12 + int(n)
		data := img[off+8 : off+8+int(n)]
		want := binary.BigEndian.Uint32(img[end-4:])
		if crc32.Update(crc32.ChecksumIEEE(typ), crc32.IEEETable, data) != want {
			return malformed(FormatPNG, "the image file is damaged (a checksum does not match)",
				fmt.Errorf("bad CRC in %s chunk at offset %d", typ, off))
		}
		c := pngChunk{typ: string(typ), data: data, start: off, end: end}
		if first && c.typ != "IHDR" {
			return malformed(FormatPNG, "the image file is damaged",
				errors.New("first chunk is not IHDR"))
		}
		first = false
		if fn(c) || c.typ == "IEND" {
			return nil
		}
		off = end
	}
}

// textChunk is a decoded tEXt or iTXt chunk.
type textChunk struct {
	keyword    string
	compressed bool
	text       []byte
}

// parseITXt decodes an iTXt chunk: keyword, NUL, compression flag and
// method, language tag, NUL, translated keyword, NUL, text.
func parseITXt(data []byte) (textChunk, bool) {
	k := bytes.IndexByte(data, 0)
	if k < 1 || len(data) < k+3 {
		return textChunk{}, false
	}
	t := textChunk{keyword: string(data[:k]), compressed: data[k+1] != 0}
	rest := data[k+3:]
	lang := bytes.IndexByte(rest, 0)
	if lang < 0 {
		return textChunk{}, false
	}
	rest = rest[lang+1:]
	tk := bytes.IndexByte(rest, 0)
	if tk < 0 {
		return textChunk{}, false
	}
	t.text = rest[tk+1:]
	return t, true
}

// parseTEXt decodes a tEXt chunk: keyword, NUL, Latin-1 text.
func parseTEXt(data []byte) (textChunk, bool) {
	k := bytes.IndexByte(data, 0)
	if k < 1 {
		return textChunk{}, false
	}
	text := data[k+1:]
	if !utf8.Valid(text) { // tEXt is Latin-1; badge JSON expects UTF-8
		u := make([]byte, 0, len(text)*2)
		for _, c := range text {
			u = utf8.AppendRune(u, rune(c))
		}
		text = u
	}
	return textChunk{keyword: string(data[:k]), text: text}, true
}

func isBadgeKeyword(k string) bool { return k == keywordOB2 || k == keywordOB3 }

// isBadgeChunk reports whether c carries badge data (iTXt, tEXt or zTXt
// with a badge keyword).
func isBadgeChunk(c pngChunk) bool {
	switch c.typ {
	case "iTXt", "tEXt", "zTXt":
		k := bytes.IndexByte(c.data, 0)
		return k > 0 && isBadgeKeyword(string(c.data[:k]))
	}
	return false
}

// unbakePNG returns the badge data of the first iTXt chunk with a badge
// keyword or, failing that, of the first tEXt chunk "openbadges".
func unbakePNG(img []byte) ([]byte, error) {
	var itxt, text *textChunk
	err := walkPNG(img, func(c pngChunk) bool {
		switch c.typ {
		case "iTXt":
			if t, ok := parseITXt(c.data); ok && isBadgeKeyword(t.keyword) {
				itxt = &t
				return true
			}
		case "tEXt":
			if text == nil {
				if t, ok := parseTEXt(c.data); ok && t.keyword == keywordOB2 {
					text = &t
				}
			}
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	t := itxt
	if t == nil {
		t = text
	}
	if t == nil {
		return nil, ErrNoBadgeData
	}
	if t.compressed {
		return nil, malformed(FormatPNG, "the badge data inside the image is compressed, which the Open Badges standard does not allow; ask the issuer for a new copy", nil)
	}
	data := bytes.TrimSpace(t.text)
	if len(data) == 0 {
		return nil, malformed(FormatPNG, "the badge data inside the image is empty", nil)
	}
	return data, nil
}

// bakePNG writes data into img as an uncompressed iTXt chunk with the given
// keyword, placed right after IHDR; earlier badge chunks are removed.
func bakePNG(img, data []byte, keyword string) ([]byte, error) {
	if !utf8.Valid(data) {
		return nil, malformed(FormatJSON, "the badge data is not valid UTF-8 text", nil)
	}
	var chunks []pngChunk
	if err := walkPNG(img, func(c pngChunk) bool { chunks = append(chunks, c); return false }); err != nil {
		return nil, err
	}
	if chunks[len(chunks)-1].typ != "IEND" {
		return nil, malformed(FormatPNG, "the image file is cut short or damaged", errors.New("no IEND chunk"))
	}
	payload := make([]byte, 0, len(keyword)+5+len(data))
	payload = append(payload, keyword...)
	payload = append(payload, 0, 0, 0, 0, 0) // NUL, no compression, method 0, empty language, empty translated keyword
	payload = append(payload, data...)
	if len(payload) > maxChunkLen {
		return nil, malformed(FormatJSON, "the badge data is too large", nil)
	}

	out := make([]byte, 0, len(img)+len(payload)+12)
	out = append(out, pngSignature...)
	for i, c := range chunks {
		if isBadgeChunk(c) {
			continue
		}
		out = append(out, img[c.start:c.end]...)
		if i == 0 { // after IHDR
			out = appendChunk(out, "iTXt", payload)
		}
	}
	return out, nil
}

func appendChunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	crc := crc32.Update(crc32.ChecksumIEEE([]byte(typ)), crc32.IEEETable, data)
	return binary.BigEndian.AppendUint32(out, crc)
}
