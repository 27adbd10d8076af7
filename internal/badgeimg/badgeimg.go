// Package badgeimg checks a badge image before Satchel stores and serves it:
// only PNG and SVG, recognised from the bytes themselves (never from a
// Content-Type header or a file name), with the size and the pixel count
// capped, PNG dimensions read from the header before any pixel data is
// touched, and SVG parsed as plain XML with no DTD and no entities.
package badgeimg

import (
	"bytes"
	"net/http"
	"strings"
)

// Limits.
const (
	// MaxBytes caps the size of an image file (the cap of fetch.Image).
	MaxBytes = 2 << 20
	// MaxSide caps the width and the height of a PNG, in pixels.
	MaxSide = 4096
)

// Content types Check reports.
const (
	PNG = "image/png"
	SVG = "image/svg+xml"
)

// Info describes an accepted image.
type Info struct {
	// ContentType is PNG ("image/png") or SVG ("image/svg+xml").
	ContentType string
	// Width and Height are in pixels. For an SVG they come from its width
	// and height attributes or its viewBox and are 0 when it states
	// neither (an SVG scales to any size).
	Width, Height int
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// Check decides whether data is a PNG or SVG image Satchel may store and
// serve, and describes it. Errors are *Error with a message a learner
// understands.
func Check(data []byte) (Info, error) {
	if len(data) == 0 {
		return Info{}, newError(NotImage, nil, "The badge image is empty.")
	}
	if len(data) > MaxBytes {
		return Info{}, newError(TooLarge, nil,
			"The badge image is too large (%s); Satchel accepts images up to %s.", sizeText(int64(len(data))), sizeText(MaxBytes))
	}
	if bytes.HasPrefix(data, pngSignature) {
		return checkPNG(data)
	}
	if looksXML(data) {
		return checkSVG(data)
	}
	return Info{}, notImage(data)
}

// looksXML is true when the text, after a byte order mark and white space,
// starts with '<'. Whether it really is an SVG is up to the parser.
func looksXML(data []byte) bool {
	b := bytes.TrimPrefix(data, []byte("\ufeff"))
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '<'
}

// notImage names what the file is when it is a well-known other format, so
// the learner knows what to ask the issuer for.
func notImage(data []byte) *Error {
	var what string
	switch ct := http.DetectContentType(data); {
	case ct == "image/jpeg":
		what = "a JPEG"
	case ct == "image/gif":
		what = "a GIF"
	case ct == "image/webp":
		what = "a WebP"
	case ct == "image/bmp":
		what = "a BMP"
	case ct == "image/x-icon":
		what = "an icon (ICO)"
	case ct == "application/pdf":
		what = "a PDF"
	case strings.HasPrefix(ct, "text/html"):
		return newError(NotImage, nil, "The badge image is a web page, not a PNG or SVG file; check that the address points at the image itself.")
	}
	if what != "" {
		return newError(NotImage, nil, "The badge image is %s file; Satchel accepts only PNG or SVG badge images.", what)
	}
	return newError(NotImage, nil, "The badge image is not a PNG or SVG file.")
}
