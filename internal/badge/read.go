package badge

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/satchel-backpack/satchel/internal/jsonv"
)

// maxURLLen bounds a hosted badge address.
const maxURLLen = 4096

// MaxInputSize is the largest input Read, Unbake and Bake accept. Badge
// images are normally well under 2 MiB; this only stops runaway memory use.
const MaxInputSize = 32 << 20

var errTooLarge = malformed("", "the file is too large to be a badge (over 32 MiB)", nil)

// Read detects what data holds (baked PNG, baked SVG, JSON, compact JWS or
// VC-JWT, or the URL of a hosted badge), extracts the badge, decodes a JWS
// payload without verifying it, detects the version, upgrades 0.5/1.0/1.1
// badges to 2.0 shapes and fills the model from what is embedded.
//
// Errors are ErrNoBadgeData (an image without a badge), ErrNotBadge, or a
// *MalformedError; all carry a message a learner can act on. Read never
// panics.
func Read(data []byte) (b *Badge, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, malformed("", "it contains data that could not be processed", fmt.Errorf("panic: %v", r))
		}
	}()
	return read(data)
}

func read(data []byte) (*Badge, error) {
	if len(data) > MaxInputSize {
		return nil, errTooLarge
	}
	orig := bytes.Clone(data)
	if bytes.HasPrefix(orig, pngSignature) {
		content, err := unbakePNG(orig)
		if err != nil {
			return nil, err
		}
		return fromContent(orig, content, FormatPNG)
	}
	t := trimText(orig)
	if len(t) == 0 {
		return nil, ErrNotBadge
	}
	switch {
	case t[0] == '<':
		content, err := unbakeSVG(t)
		if err != nil {
			return nil, err
		}
		return fromContent(orig, content, FormatSVG)
	case t[0] == '{':
		b, err := readJSON(t, FormatJSON)
		if err != nil {
			return nil, err
		}
		b.Original = orig
		return b, nil
	case isJWSText(t):
		b, err := readJWS(string(t))
		if err != nil {
			return nil, err
		}
		b.Original = orig
		return b, nil
	case isURLText(t):
		return &Badge{Format: FormatURL, Original: orig, URL: string(t)}, nil
	}
	return nil, ErrNotBadge
}

// fromContent reads the data baked into an image.
func fromContent(orig, content []byte, f Format) (*Badge, error) {
	var b *Badge
	var err error
	switch {
	case isJSONText(content):
		b, err = readJSON(content, f)
	case isJWSText(content):
		b, err = readJWS(string(content))
	case isURLText(content):
		b = &Badge{URL: string(content)}
	default:
		return nil, malformed(f, "the badge data inside the image is not badge JSON, a signed badge or a web address", nil)
	}
	if err != nil {
		var m *MalformedError
		if errors.As(err, &m) {
			m.Format = f
			m.Reason = "the badge data inside it is damaged: " + m.Reason
		}
		return nil, err
	}
	b.Format = f
	b.Original = orig
	return b, nil
}

// trimText removes a UTF-8 byte order mark and surrounding white space.
func trimText(b []byte) []byte {
	return bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(b), []byte("\xef\xbb\xbf")))
}

func isJSONText(b []byte) bool {
	b = trimText(b)
	return len(b) > 0 && b[0] == '{'
}

func isB64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// isJWSText reports whether b is a compact JWS: three base64url parts (the
// header and payload not empty) joined by dots.
func isJWSText(b []byte) bool {
	parts := bytes.Split(trimText(b), []byte("."))
	if len(parts) != 3 || len(parts[0]) == 0 || len(parts[1]) == 0 {
		return false
	}
	for _, p := range parts {
		p = bytes.TrimRight(p, "=")
		for _, c := range p {
			if !isB64URL(c) {
				return false
			}
		}
	}
	return true
}

// isURLText reports whether b is a single absolute http(s) URL.
func isURLText(b []byte) bool {
	s := string(trimText(b))
	if len(s) > maxURLLen || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// readJSON reads an assertion, credential or other badge node given as JSON.
func readJSON(data []byte, f Format) (*Badge, error) {
	data = trimText(data)
	m, err := jsonv.DecodeObject(data)
	if err != nil {
		return nil, malformed(FormatJSON, "it is not valid JSON", err)
	}
	v, ok := detectVersion(m)
	if !ok {
		return nil, ErrNotBadge
	}
	b := &Badge{Version: v, Format: f, Payload: data}
	if v == V3_0 {
		fillOB3(b, m, data)
	} else {
		fillOB2(b, m, v, data)
	}
	return b, nil
}

func b64URLDecode(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// readJWS decodes a compact JWS without verifying it. A VC-JWT's credential
// is the payload itself (VCDM 2.0) or its "vc" claim (VCDM 1.1).
func readJWS(s string) (*Badge, error) {
	s = strings.TrimSpace(s)
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, malformed(FormatJWS, "it does not have the three parts of a signed badge", nil)
	}
	hb, err := b64URLDecode(parts[0])
	if err != nil {
		return nil, malformed(FormatJWS, "its header is not valid base64url", err)
	}
	header, err := jsonv.DecodeObject(hb)
	if err != nil {
		return nil, malformed(FormatJWS, "its header is not a JSON object", err)
	}
	pb, err := b64URLDecode(parts[1])
	if err != nil {
		return nil, malformed(FormatJWS, "its content is not valid base64url", err)
	}
	claims, err := jsonv.DecodeObject(pb)
	if err != nil {
		return nil, malformed(FormatJWS, "its content is not a JSON object", err)
	}
	cred := pb
	if vc, ok := claims["vc"].(map[string]any); ok && claims["@context"] == nil && vc != nil {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(pb, &raw); err == nil {
			cred = raw["vc"]
		}
	}
	b, err := readJSON(cred, FormatJWS)
	if err != nil {
		var m *MalformedError
		if errors.As(err, &m) {
			m.Format = FormatJWS
		}
		return nil, err
	}
	b.JWS = s
	if b.OB3 != nil {
		b.OB3.JWTHeader = header
		b.OB3.JWTClaims = claims
	}
	return b, nil
}
