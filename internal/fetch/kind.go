package fetch

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
)

func (k Kind) String() string {
	switch k {
	case JSON:
		return "JSON"
	case Image:
		return "image"
	case Any:
		return "any"
	case Photo:
		return "photo"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

func (k Kind) accept() string {
	switch k {
	case JSON:
		return "application/ld+json, application/json"
	case Image:
		return "image/png, image/svg+xml"
	case Photo:
		return "image/png, image/jpeg, image/gif"
	default:
		return "application/ld+json, application/json, image/png, image/svg+xml, */*;q=0.1"
	}
}

func (k Kind) limit() int64 {
	switch k {
	case JSON:
		return MaxJSON
	case Image, Photo:
		return MaxImage
	default:
		return MaxAny
	}
}

func (k Kind) want() string {
	switch k {
	case JSON:
		return "badge data (JSON)"
	case Image:
		return "a PNG or SVG image"
	case Photo:
		return "a PNG, JPEG or GIF picture"
	default:
		return "a badge"
	}
}

// check decides whether a 2xx body fits the kind and returns the media type
// to report.
func (k Kind) check(mt string, body []byte) (string, error) {
	switch k {
	case JSON:
		if jsonType(mt) || looksJSON(body) {
			return mt, nil
		}
		return mt, fmt.Errorf("content type %q and body are not JSON", mt)
	case Image:
		if t := sniffImage(body); t != "" {
			return t, nil
		}
		return mt, fmt.Errorf("body of type %q is neither PNG nor SVG", mt)
	case Photo:
		if t := sniffPhoto(body); t != "" {
			return t, nil
		}
		return mt, fmt.Errorf("body of type %q is not a PNG, JPEG or GIF picture", mt)
	default:
		return mt, nil
	}
}

// jsonType is lenient on purpose: issuers serve badge JSON as JSON-LD, as
// plain JSON, as text/plain (JWS), under vendor +json types, or with no type.
func jsonType(mt string) bool {
	switch mt {
	case "", "text/plain", "application/jose", "application/jwt", "application/octet-stream":
		return true
	}
	return strings.HasSuffix(mt, "json") || strings.HasSuffix(mt, "+jwt")
}

// looksJSON accepts a body that starts like JSON or a compact JWS, whatever
// the server called it (misconfigured servers send JSON as text/html).
func looksJSON(body []byte) bool {
	b := bytes.TrimLeft(body, "\ufeff \t\r\n")
	if len(b) == 0 {
		return false
	}
	if b[0] == '{' || b[0] == '[' {
		return true
	}
	// A compact JWS starts with a base64url protected header: `{"` is "eyJ".
	return bytes.HasPrefix(b, []byte("eyJ")) && bytes.Count(b, []byte(".")) == 2
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// sniffImage returns "image/png" or "image/svg+xml" from the bytes themselves,
// or "" when the body is neither.
func sniffImage(body []byte) string {
	if bytes.HasPrefix(body, pngMagic) {
		return "image/png"
	}
	if looksSVG(body) {
		return "image/svg+xml"
	}
	return ""
}

// sniffPhoto returns "image/png", "image/jpeg" or "image/gif" from the
// bytes themselves, or "" when the body is none of them.
func sniffPhoto(body []byte) string {
	switch t := http.DetectContentType(body); t {
	case "image/png", "image/jpeg", "image/gif":
		return t
	}
	return ""
}

// looksSVG skips a BOM, white space, an XML declaration, comments and a
// doctype, then expects an <svg element (with or without a prefix).
func looksSVG(body []byte) bool {
	b := body
	if len(b) > 4096 {
		b = b[:4096]
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	for {
		b = bytes.TrimLeft(b, " \t\r\n")
		switch {
		case bytes.HasPrefix(b, []byte("<?")):
			b = skipPast(b, "?>")
		case bytes.HasPrefix(b, []byte("<!--")):
			b = skipPast(b, "-->")
		case bytes.HasPrefix(b, []byte("<!")):
			// A doctype, possibly with an internal subset in [...].
			if i, j := bytes.IndexByte(b, '['), bytes.IndexByte(b, '>'); i >= 0 && (j < 0 || i < j) {
				b = skipPast(b, "]")
			}
			b = skipPast(b, ">")
		case bytes.HasPrefix(b, []byte("<")):
			name := b[1:]
			if i := bytes.IndexAny(name, " \t\r\n/>"); i >= 0 {
				name = name[:i]
			}
			if j := bytes.IndexByte(name, ':'); j >= 0 {
				name = name[j+1:]
			}
			return string(name) == "svg"
		default:
			return false
		}
		if b == nil {
			return false
		}
	}
}

func skipPast(b []byte, end string) []byte {
	i := bytes.Index(b, []byte(end))
	if i < 0 {
		return nil
	}
	return b[i+len(end):]
}
