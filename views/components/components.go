// Package components holds the small pieces pages are built from: forms,
// fields and buttons. They take their data as parameters (the CSRF token
// included) so each can be rendered and tested on its own.
package components

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// CSRFFieldName is the form field that carries the CSRF token.
const CSRFFieldName = "_csrf"

// FieldProps describe a labelled form field.
type FieldProps struct {
	ID           string // id of the input; the label and messages refer to it
	Name         string
	Label        string
	Type         string // "text" when empty
	Value        string
	Hint         string
	Error        string
	Autocomplete string
	Required     bool
	Checked      bool             // Checkbox only
	Rows         int              // TextArea only; 0 means 5
	Options      []Option         // Select only
	Attrs        templ.Attributes // anything else for the control, e.g. accept, multiple, inputmode
}

// Option is one choice of a Select.
type Option struct {
	Value string
	Label string
}

// FieldError is one problem with a submitted form, for ErrorSummary: the id
// of the field it concerns and what to do about it.
type FieldError struct {
	ID      string
	Message string
}

func (p FieldProps) inputType() string {
	if p.Type == "" {
		return "text"
	}
	return p.Type
}

func (p FieldProps) hintID() string  { return p.ID + "-hint" }
func (p FieldProps) errorID() string { return p.ID + "-error" }

// describedBy lists the ids of the messages a screen reader reads after the
// label: the error first, since it is what needs doing.
func (p FieldProps) describedBy() string {
	var ids []string
	if p.Error != "" {
		ids = append(ids, p.errorID())
	}
	if p.Hint != "" {
		ids = append(ids, p.hintID())
	}
	return strings.Join(ids, " ")
}

func (p FieldProps) rows() string {
	if p.Rows <= 0 {
		return "5"
	}
	return strconv.Itoa(p.Rows)
}

// Button variants.
const (
	Primary   = ""
	Secondary = "secondary"
	Danger    = "danger"
)

func buttonClass(variant string) string {
	if variant == "" {
		return "button"
	}
	return "button button--" + variant
}

// controlAttrs are the attributes every kind of control gets from its props.
func (p FieldProps) controlAttrs() templ.Attributes {
	a := templ.Attributes{}
	if d := p.describedBy(); d != "" {
		a["aria-describedby"] = d
	}
	if p.Error != "" {
		a["aria-invalid"] = "true"
	}
	if p.Required {
		a["required"] = true
	}
	return a
}
