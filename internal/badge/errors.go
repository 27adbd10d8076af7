package badge

import (
	"errors"
	"fmt"
)

// ErrNoBadgeData means the image is a valid PNG or SVG with no badge inside.
var ErrNoBadgeData = errors.New("this image has no badge data inside it. " +
	"Some phone photo apps, messaging apps and image editors strip it when they save or share a picture; " +
	"download the original badge image from the issuer's email or website and try again")

// ErrNotBadge means the input is not a badge at all (not a badge image,
// JSON, JWS or URL).
var ErrNotBadge = errors.New("this is not an Open Badge. " +
	"Upload a badge image (PNG or SVG), paste the badge's JSON or signed text, or give its web address")

// MalformedError reports badge data that was recognised but cannot be read.
// Error gives a sentence a learner can act on; Detail gives the technical
// cause for logs and reports.
type MalformedError struct {
	Format Format
	// Reason is a plain-language description of what is wrong.
	Reason string
	// Err is the underlying technical error, if any.
	Err error
}

func (e *MalformedError) Error() string {
	what := "badge"
	switch e.Format {
	case FormatPNG:
		what = "badge image (PNG)"
	case FormatSVG:
		what = "badge image (SVG)"
	case FormatJSON:
		what = "badge data (JSON)"
	case FormatJWS:
		what = "signed badge (JWS)"
	case FormatURL:
		what = "badge address"
	}
	return fmt.Sprintf("The %s could not be read: %s.", what, e.Reason)
}

// Detail returns the technical cause, for logs and the report's detail.
func (e *MalformedError) Detail() string {
	if e.Err == nil {
		return e.Reason
	}
	return e.Reason + ": " + e.Err.Error()
}

func (e *MalformedError) Unwrap() error { return e.Err }

func malformed(f Format, reason string, err error) *MalformedError {
	return &MalformedError{Format: f, Reason: reason, Err: err}
}
