package badge

import (
	"bytes"
	"errors"
	"strings"
)

// Unbake returns the badge data baked into a PNG or SVG image: the exact
// text of the JSON, JWS or URL. It returns ErrNoBadgeData for an image with
// no badge and ErrNotBadge for anything that is not a PNG or SVG.
func Unbake(img []byte) (data []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, malformed("", "the image could not be processed", errors.New("panic while unbaking"))
		}
	}()
	if len(img) > MaxInputSize {
		return nil, errTooLarge
	}
	if bytes.HasPrefix(img, pngSignature) {
		data, err = unbakePNG(img)
	} else if t := trimText(img); len(t) > 0 && t[0] == '<' {
		data, err = unbakeSVG(t)
	} else {
		return nil, ErrNotBadge
	}
	if err != nil {
		return nil, err
	}
	return bytes.Clone(data), nil
}

// Bake writes badge data (JSON, a compact JWS or the URL of a hosted
// assertion) into a PNG or SVG image and returns the new image. The version
// of the data chooses the PNG keyword ("openbadgecredential" for 3.0,
// "openbadges" otherwise) or the SVG namespace and element. Earlier badge
// data in the image is removed. Reading the result gives back the same bytes
// of data (surrounding white space trimmed; in SVG, carriage returns become
// line feeds).
func Bake(img, data []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, malformed("", "the image could not be processed", errors.New("panic while baking"))
		}
	}()
	if len(img) > MaxInputSize || len(data) > MaxInputSize {
		return nil, errTooLarge
	}
	data = trimText(data)
	var b *Badge
	var verify string
	switch {
	case isJSONText(data):
		b, err = readJSON(data, FormatJSON)
		if err == nil && b.Version != V3_0 && b.OB2 != nil && b.OB2.Assertion != nil &&
			(strings.HasPrefix(b.ID, "http://") || strings.HasPrefix(b.ID, "https://")) {
			verify = b.ID // hosted 2.0: verify names the assertion URL
		}
	case isJWSText(data):
		b, err = readJWS(string(data))
		verify = string(data)
	case isURLText(data):
		b = &Badge{Version: V2_0, URL: string(data)}
		verify = string(data)
	default:
		return nil, ErrNotBadge
	}
	if err != nil {
		return nil, err
	}
	keyword := keywordOB2
	if b.Version == V3_0 {
		keyword = keywordOB3
	}
	if bytes.HasPrefix(img, pngSignature) {
		return bakePNG(img, data, keyword)
	}
	if t := trimText(img); len(t) > 0 && t[0] == '<' {
		return bakeSVG(t, data, b.Version, verify)
	}
	return nil, errors.New("badge: a badge can only be baked into a PNG or SVG image")
}
