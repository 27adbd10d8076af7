package export

import (
	"context"
	"errors"
	"fmt"

	"github.com/satchel-backpack/satchel/internal/i18n"
)

// Reason says why an archive was refused.
type Reason int

const (
	// Corrupt: not a ZIP, truncated, or an entry fails to decompress or
	// its checksum.
	Corrupt Reason = iota + 1
	// NotExport: a ZIP, but not a Satchel export (no manifest.json, or a
	// manifest of another format).
	NotExport
	// UnsupportedVersion: a Satchel export of a newer version than this
	// Satchel reads.
	UnsupportedVersion
	// BadManifest: manifest.json is not valid JSON or breaks the format's
	// rules (unknown badge in a collection, bad path, duplicate id…).
	BadManifest
	// UnsafeName: an entry name that could write outside the target
	// folder (absolute, "..", backslashes…), a duplicate name, or a
	// non-regular file such as a symbolic link.
	UnsafeName
	// TooLarge: the archive, an entry or their total exceeds the limits.
	TooLarge
	// TooManyEntries: more entries than the limits allow.
	TooManyEntries
	// MissingFile: the manifest names a file the archive does not hold.
	MissingFile
	// HashMismatch: a file's size or SHA-256 differs from the manifest's.
	HashMismatch
)

var reasonNames = map[Reason]string{
	Corrupt:            "corrupt",
	NotExport:          "not an export",
	UnsupportedVersion: "unsupported version",
	BadManifest:        "bad manifest",
	UnsafeName:         "unsafe name",
	TooLarge:           "too large",
	TooManyEntries:     "too many entries",
	MissingFile:        "missing file",
	HashMismatch:       "hash mismatch",
}

func (r Reason) String() string {
	if s, ok := reasonNames[r]; ok {
		return s
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// Error is the only error Read returns. Message is a sentence the learner
// can act on; Err is the technical cause, for logs.
type Error struct {
	Reason  Reason
	Message string
	Err     error
	// Phrase says Message in the reader's language (its ID is empty on
	// the sentinels, which only name a reason).
	Phrase i18n.Phrase
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() error { return e.Err }

// MessageIn is Message in the context's language.
func (e *Error) MessageIn(ctx context.Context) string {
	if e.Phrase.ID == "" {
		return e.Message
	}
	return i18n.Say(ctx, e.Phrase)
}

// Detail returns the reason and technical cause, for logs.
func (e *Error) Detail() string {
	if e.Err == nil {
		return e.Reason.String()
	}
	return e.Reason.String() + ": " + e.Err.Error()
}

// Is makes errors.Is(err, export.ErrCorrupt) and the like compare reasons.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Reason == e.Reason
}

// Sentinels for errors.Is.
var (
	ErrCorrupt            = &Error{Reason: Corrupt, Message: "The file is damaged."}
	ErrNotExport          = &Error{Reason: NotExport, Message: "The file is not a Satchel export."}
	ErrUnsupportedVersion = &Error{Reason: UnsupportedVersion, Message: "The export is of a newer version."}
	ErrBadManifest        = &Error{Reason: BadManifest, Message: "The export's manifest is invalid."}
	ErrUnsafeName         = &Error{Reason: UnsafeName, Message: "The export holds an unsafe file name."}
	ErrTooLarge           = &Error{Reason: TooLarge, Message: "The export is too large."}
	ErrTooManyEntries     = &Error{Reason: TooManyEntries, Message: "The export holds too many files."}
	ErrMissingFile        = &Error{Reason: MissingFile, Message: "The export is missing a file."}
	ErrHashMismatch       = &Error{Reason: HashMismatch, Message: "A file in the export was changed."}
)

// fail is a refusal with reason r: p says it in the reader's language,
// format and args in English.
func fail(r Reason, cause error, p i18n.Phrase, format string, args ...any) *Error {
	return &Error{Reason: r, Message: fmt.Sprintf(format, args...), Err: cause, Phrase: p}
}
