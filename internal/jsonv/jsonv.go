// Package jsonv reads values out of decoded JSON and JSON-LD documents
// (the map[string]any, []any, string, bool and json.Number trees that
// encoding/json produces): a field as a string, a value that may be one
// item or an array, a node reference given as an id string or as an
// embedded object, and one JSON object decoded strictly.
//
// The readers never fail: a value of the wrong type reads as the zero
// value. Where callers need subtly different rules (white space trimmed
// or not, "@id" accepted or not), each rule has its own function so a
// caller's behaviour is visible at the call.
package jsonv

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// DecodeObject decodes data as exactly one JSON object, keeping numbers as
// json.Number. It fails on anything else (null, an array, a scalar) and on
// any data after the object other than white space.
func DecodeObject(data []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("not a JSON object")
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON object")
	}
	return m, nil
}

// DecodeObjectText is DecodeObject for text as received: it first trims
// surrounding (Unicode) white space and then one leading UTF-8 byte order
// mark.
func DecodeObjectText(data []byte) (map[string]any, error) {
	return DecodeObject(bytes.TrimPrefix(bytes.TrimSpace(data), []byte("\xef\xbb\xbf")))
}

// String returns m[k] when it is a string, else "". m may be nil.
func String(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// TrimmedString is String with surrounding white space removed.
func TrimmedString(m map[string]any, k string) string {
	return strings.TrimSpace(String(m, k))
}

// Strings returns the strings of v: v itself when it is a string, the
// string elements (others skipped) of an array, or a []string as it is.
func Strings(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return t
	}
	return nil
}

// Items returns the elements of an array, nil for nil, or v alone: JSON-LD
// lets a property hold one value or an array of them.
func Items(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	}
	return []any{v}
}

// Object returns v when it is a JSON object, else nil.
func Object(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// ID returns a node reference as Open Badges writes it: the string itself,
// or an object's "id" string. "@id" is not read.
func ID(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return String(t, "id")
	}
	return ""
}

// TrimmedID is ID with surrounding white space removed.
func TrimmedID(v any) string {
	return strings.TrimSpace(ID(v))
}

// NodeID returns a JSON-LD node's id: its "id" when that is a string (even
// an empty one), else its "@id" string.
func NodeID(m map[string]any) string {
	if s, ok := m["id"].(string); ok {
		return s
	}
	s, _ := m["@id"].(string)
	return s
}

// Ref returns a JSON-LD reference: the string itself, or the NodeID of an
// embedded object.
func Ref(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return NodeID(t)
	}
	return ""
}

// FirstRef returns the first non-empty Ref among m's fields keys, in order.
func FirstRef(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s := Ref(m[k]); s != "" {
			return s
		}
	}
	return ""
}

// Marshal encodes v as JSON, or returns nil when v cannot be encoded.
func Marshal(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// Bool reads true, or a string equal to "true" in any letter case (1.x
// badges often write booleans as strings). Anything else is false.
func Bool(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case string:
		return strings.EqualFold(t, "true")
	}
	return false
}

// TrimmedBool is Bool ignoring white space around a string (" true ").
func TrimmedBool(v any) bool {
	if s, ok := v.(string); ok {
		return Bool(strings.TrimSpace(s))
	}
	return Bool(v)
}
