package jsonv

import (
	"encoding/json"
	"reflect"
	"testing"
)

// doc is a decoded JSON-LD node with the shapes the readers meet.
var doc = map[string]any{
	"name":     "Ada",
	"spaced":   "  Ada \n",
	"num":      json.Number("3"),
	"tags":     []any{"a", 1.0, "b", nil},
	"tag":      "solo",
	"strslice": []string{"x", "y"},
	"issuer":   map[string]any{"id": " https://example.org/i ", "@id": "ignored"},
	"ldNode":   map[string]any{"@id": "https://example.org/ld"},
	"emptyID":  map[string]any{"id": "", "@id": "https://example.org/at"},
	"numID":    map[string]any{"id": 7.0, "@id": "https://example.org/at"},
	"ref":      "https://example.org/r",
	"yes":      true,
	"yesText":  "TRUE",
	"yesSpace": " true ",
	"no":       "yes",
}

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		m             map[string]any
		k             string
		plain, trimmd string
	}{
		{doc, "name", "Ada", "Ada"},
		{doc, "spaced", "  Ada \n", "Ada"},
		{doc, "num", "", ""},
		{doc, "missing", "", ""},
		{nil, "name", "", ""},
	}
	for _, tt := range tests {
		if got := String(tt.m, tt.k); got != tt.plain {
			t.Errorf("String(%q) = %q, want %q", tt.k, got, tt.plain)
		}
		if got := TrimmedString(tt.m, tt.k); got != tt.trimmd {
			t.Errorf("TrimmedString(%q) = %q, want %q", tt.k, got, tt.trimmd)
		}
	}
}

func TestStringsItemsObject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		k     string
		strs  []string
		items []any
		obj   bool
	}{
		{"tag", []string{"solo"}, []any{"solo"}, false},
		{"tags", []string{"a", "b"}, []any{"a", 1.0, "b", nil}, false},
		{"strslice", []string{"x", "y"}, []any{[]string{"x", "y"}}, false},
		{"num", nil, []any{json.Number("3")}, false},
		{"issuer", nil, []any{doc["issuer"]}, true},
		{"missing", nil, nil, false},
	}
	for _, tt := range tests {
		v := doc[tt.k]
		if got := Strings(v); !reflect.DeepEqual(got, tt.strs) {
			t.Errorf("Strings(%s) = %#v, want %#v", tt.k, got, tt.strs)
		}
		if got := Items(v); !reflect.DeepEqual(got, tt.items) {
			t.Errorf("Items(%s) = %#v, want %#v", tt.k, got, tt.items)
		}
		if got := Object(v); (got != nil) != tt.obj {
			t.Errorf("Object(%s) = %#v, want an object: %v", tt.k, got, tt.obj)
		}
	}
}

func TestIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		k                string
		id, trimmed, ref string
		nodeID           string // NodeID of the value, when it is an object
	}{
		{"ref", "https://example.org/r", "https://example.org/r", "https://example.org/r", ""},
		{"spaced", "  Ada \n", "Ada", "  Ada \n", ""},
		{"issuer", " https://example.org/i ", "https://example.org/i", " https://example.org/i ", " https://example.org/i "},
		{"ldNode", "", "", "https://example.org/ld", "https://example.org/ld"},
		// An empty "id" string is the id: "@id" is not consulted.
		{"emptyID", "", "", "", ""},
		// A non-string "id" falls back to "@id".
		{"numID", "", "", "https://example.org/at", "https://example.org/at"},
		{"tags", "", "", "", ""},
		{"missing", "", "", "", ""},
	}
	for _, tt := range tests {
		v := doc[tt.k]
		if got := ID(v); got != tt.id {
			t.Errorf("ID(%s) = %q, want %q", tt.k, got, tt.id)
		}
		if got := TrimmedID(v); got != tt.trimmed {
			t.Errorf("TrimmedID(%s) = %q, want %q", tt.k, got, tt.trimmed)
		}
		if got := Ref(v); got != tt.ref {
			t.Errorf("Ref(%s) = %q, want %q", tt.k, got, tt.ref)
		}
		if m, ok := v.(map[string]any); ok {
			if got := NodeID(m); got != tt.nodeID {
				t.Errorf("NodeID(%s) = %q, want %q", tt.k, got, tt.nodeID)
			}
		}
	}
	if got := NodeID(nil); got != "" {
		t.Errorf("NodeID(nil) = %q", got)
	}
}

func TestFirstRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		keys []string
		want string
	}{
		{[]string{"missing", "ldNode", "ref"}, "https://example.org/ld"},
		{[]string{"emptyID", "ref"}, "https://example.org/r"},
		{[]string{"tags", "num"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := FirstRef(doc, tt.keys...); got != tt.want {
			t.Errorf("FirstRef(%v) = %q, want %q", tt.keys, got, tt.want)
		}
	}
}

func TestBool(t *testing.T) {
	t.Parallel()
	tests := []struct {
		k             string
		plain, trimmd bool
	}{
		{"yes", true, true},
		{"yesText", true, true},
		{"yesSpace", false, true},
		{"no", false, false},
		{"num", false, false},
		{"missing", false, false},
	}
	for _, tt := range tests {
		if got := Bool(doc[tt.k]); got != tt.plain {
			t.Errorf("Bool(%s) = %v, want %v", tt.k, got, tt.plain)
		}
		if got := TrimmedBool(doc[tt.k]); got != tt.trimmd {
			t.Errorf("TrimmedBool(%s) = %v, want %v", tt.k, got, tt.trimmd)
		}
	}
}

func TestDecodeObject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		strict, tx bool // whether DecodeObject and DecodeObjectText accept it
	}{
		{`{"a":1}`, true, true},
		{" \n{\"a\":1}\n ", true, true},
		{"\xef\xbb\xbf{\"a\":1}", false, true},
		{" \xef\xbb\xbf{\"a\":1}", false, true},
		{"\u00a0{\"a\":1}\u00a0", false, true},
		{`{"a":1} {"b":2}`, false, false},
		{`{"a":1}x`, false, false},
		{`null`, false, false},
		{`[{"a":1}]`, false, false},
		{`"text"`, false, false},
		{``, false, false},
	}
	for _, tt := range tests {
		m, err := DecodeObject([]byte(tt.in))
		if (err == nil) != tt.strict {
			t.Errorf("DecodeObject(%q) error = %v, want ok: %v", tt.in, err, tt.strict)
		}
		if err == nil && m["a"] != json.Number("1") {
			t.Errorf("DecodeObject(%q)[a] = %#v, want json.Number 1", tt.in, m["a"])
		}
		if _, err := DecodeObjectText([]byte(tt.in)); (err == nil) != tt.tx {
			t.Errorf("DecodeObjectText(%q) error = %v, want ok: %v", tt.in, err, tt.tx)
		}
	}
}

func TestMarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    any
		want string
	}{
		{map[string]any{"b": 1, "a": "x"}, `{"a":"x","b":1}`},
		{nil, `null`},
		{func() {}, ``},
	}
	for _, tt := range tests {
		if got := string(Marshal(tt.v)); got != tt.want {
			t.Errorf("Marshal(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
