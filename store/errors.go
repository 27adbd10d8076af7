package store

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that the web layer can map it to a status
// and a page without knowing store internals.
type Kind int

const (
	Internal Kind = iota // anything unexpected: the user sees a generic message
	NotFound
	Conflict
	Invalid
)

func (k Kind) String() string {
	switch k {
	case NotFound:
		return "not found"
	case Conflict:
		return "conflict"
	case Invalid:
		return "invalid"
	}
	return "internal"
}

// Error is a domain error. Msg is safe to show to the person who made the
// request; Err, if any, is for the log only.
type Error struct {
	Kind Kind
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Msg, e.Err)
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Message returns the user-facing message of the first *Error in err's
// chain, or "" when there is none (an internal error).
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return ""
}
