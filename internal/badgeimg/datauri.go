package badgeimg

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// maxDataURI caps the text of a data: URI: base64 of MaxBytes plus room for
// the header and line breaks some issuers put in.
const maxDataURI = MaxBytes/3*4 + 64<<10

// IsDataURI reports whether s is a data: URI (scheme compared without case).
func IsDataURI(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) >= 5 && strings.EqualFold(s[:5], "data:")
}

// FromDataURI decodes a data: URI holding a PNG or SVG image
// ("data:image/png;base64,…", "data:image/svg+xml;base64,…" or
// "data:image/svg+xml,<percent-encoded text>"). The media type must be one of
// those two; the bytes themselves are not checked here (run Check on them).
func FromDataURI(uri string) ([]byte, error) {
	uri = strings.TrimSpace(uri)
	if len(uri) > maxDataURI {
		return nil, newError(TooLarge, nil,
			"The badge image embedded in the badge is too large; Satchel accepts images up to %s.", sizeText(MaxBytes))
	}
	if !IsDataURI(uri) {
		return nil, newError(BadDataURI, errors.New("not a data: URI"), "The badge image is not embedded as a data: URI.")
	}
	header, payload, ok := strings.Cut(uri[5:], ",")
	if !ok {
		return nil, badDataURI(errors.New("no comma"))
	}
	params := strings.Split(header, ";")
	isBase64 := false
	if n := len(params); n > 1 && strings.EqualFold(strings.TrimSpace(params[n-1]), "base64") {
		isBase64 = true
		params = params[:n-1]
	}
	// Only the media type matters; parameters such as charset=utf-8, or the
	// common non-standard "utf8", are ignored.
	mt := strings.ToLower(strings.TrimSpace(params[0]))
	if mt == "" {
		mt = "text/plain"
	}
	if mt != PNG && mt != SVG {
		what := mt
		if strings.HasPrefix(mt, "image/") {
			what = strings.ToUpper(strings.TrimPrefix(mt, "image/"))
		}
		return nil, newError(NotImage, fmt.Errorf("data: URI of type %q", mt),
			"The badge image embedded in the badge is of type %s; Satchel accepts only PNG or SVG badge images.", what)
	}
	var data []byte
	if isBase64 {
		// Issuers wrap long base64 lines and sometimes percent-encode it.
		clean := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, payload)
		clean = percentDecode(clean)
		var err error
		data, err = base64.StdEncoding.DecodeString(clean)
		if err != nil {
			data, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(clean, "="))
		}
		if err != nil {
			return nil, badDataURI(fmt.Errorf("base64: %w", err))
		}
	} else {
		data = []byte(percentDecode(payload))
	}
	if len(data) == 0 {
		return nil, newError(NotImage, errors.New("empty data: URI"), "The badge image embedded in the badge is empty.")
	}
	if len(data) > MaxBytes {
		return nil, newError(TooLarge, nil,
			"The badge image embedded in the badge is too large (%s); Satchel accepts images up to %s.", sizeText(int64(len(data))), sizeText(MaxBytes))
	}
	return data, nil
}

func badDataURI(err error) *Error {
	return newError(BadDataURI, err, "The badge image embedded in the badge (a data: URI) is damaged and cannot be read.")
}

// percentDecode decodes %XX escapes and leaves a '%' that starts no valid
// escape as it is: hand-written SVG data URIs often hold a bare "100%".
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
