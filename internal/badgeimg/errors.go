package badgeimg

import (
	"errors"
	"fmt"
)

// Kind says why an image was refused.
type Kind int

const (
	// NotImage: the bytes are not a PNG or SVG image (perhaps another
	// image format, perhaps not an image at all).
	NotImage Kind = iota + 1
	// TooLarge: the file is bigger than MaxBytes.
	TooLarge
	// TooManyPixels: a PNG wider or taller than MaxSide pixels.
	TooManyPixels
	// Damaged: the file claims to be a PNG or SVG but cannot be read.
	Damaged
	// Unsafe: an SVG with a DOCTYPE that declares markup (an internal
	// subset), entities or other constructs refused for safety.
	Unsafe
	// BadDataURI: a data: URI that is malformed or not a PNG/SVG one.
	BadDataURI
	// Unavailable: the image could not be downloaded.
	Unavailable
)

var kindNames = map[Kind]string{
	NotImage:      "not an image",
	TooLarge:      "too large",
	TooManyPixels: "too many pixels",
	Damaged:       "damaged",
	Unsafe:        "unsafe",
	BadDataURI:    "bad data URI",
	Unavailable:   "unavailable",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is the only error type this package returns. Its Error text is a
// sentence a learner can act on; Detail holds the technical cause for logs.
type Error struct {
	Kind Kind
	// Message is the learner-facing sentence.
	Message string
	// Err is the technical cause, if any (for a failed download, the
	// *fetch.Error).
	Err error
}

func (e *Error) Error() string { return e.Message }

// Detail returns the technical cause, for logs.
func (e *Error) Detail() string {
	if e.Err == nil {
		return e.Kind.String()
	}
	return e.Kind.String() + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, badgeimg.ErrTooLarge) and the like compare kinds.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Kind == e.Kind
}

// Sentinels for errors.Is; the errors returned carry more specific messages.
var (
	ErrNotImage      = &Error{Kind: NotImage, Message: "The badge image is not a PNG or SVG file."}
	ErrTooLarge      = &Error{Kind: TooLarge, Message: "The badge image is too large."}
	ErrTooManyPixels = &Error{Kind: TooManyPixels, Message: "The badge image has too many pixels."}
	ErrDamaged       = &Error{Kind: Damaged, Message: "The badge image is damaged and cannot be shown."}
	ErrUnsafe        = &Error{Kind: Unsafe, Message: "The badge image contains something Satchel refuses for safety reasons."}
	ErrBadDataURI    = &Error{Kind: BadDataURI, Message: "The badge image is embedded in the badge in a form Satchel cannot read."}
	ErrUnavailable   = &Error{Kind: Unavailable, Message: "The badge image could not be downloaded."}
)

func newError(k Kind, err error, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...), Err: err}
}

// sizeText writes a byte count the way a learner reads it.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		s := fmt.Sprintf("%.1f", float64(n)/(1<<20))
		if len(s) > 2 && s[len(s)-2:] == ".0" {
			s = s[:len(s)-2]
		}
		return s + " MiB"
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", (n+1<<10-1)>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
