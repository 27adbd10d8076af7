package verify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// decodeObject decodes one JSON object, numbers as json.Number.
func decodeObject(data []byte) (map[string]any, error) {
	data = bytes.TrimPrefix(bytes.TrimSpace(data), []byte("\xef\xbb\xbf"))
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

func str(m map[string]any, k string) string {
	if m == nil {
		return ""
	}
	s, _ := m[k].(string)
	return strings.TrimSpace(s)
}

// strs reads a string or an array of strings.
func strs(v any) []string {
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

// items reads a single value or an array as a list.
func items(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	}
	return []any{v}
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// idOf returns a string value, or the id of an object value.
func idOf(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case map[string]any:
		return str(t, "id")
	}
	return ""
}

func has(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func hasAny(list []string, want ...string) bool {
	for _, w := range want {
		if has(list, w) {
			return true
		}
	}
	return false
}

func boolOf(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case string:
		return strings.EqualFold(t, "true")
	}
	return false
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z0700",
}

// parseISODate reads an ISO 8601 date-time that carries a time zone, as Open
// Badges requires. ok is false for a missing value; err says why a present
// value is unusable.
func parseISODate(v any) (t time.Time, ok bool, err error) {
	switch d := v.(type) {
	case nil:
		return time.Time{}, false, nil
	case string:
		s := strings.TrimSpace(d)
		for _, l := range dateLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UTC(), true, nil
			}
		}
		return time.Time{}, true, fmt.Errorf("%q is not an ISO 8601 date and time with a time zone", s)
	case json.Number:
		// Legacy Unix seconds; badge.Read upgrades these, but accept them.
		n, err := strconv.ParseInt(d.String(), 10, 64)
		if err != nil {
			return time.Time{}, true, fmt.Errorf("%s is not a date", d)
		}
		return time.Unix(n, 0).UTC(), true, nil
	}
	return time.Time{}, true, fmt.Errorf("the date is a %T, not text", v)
}

func fmtTime(t time.Time) string { return t.UTC().Format("2 January 2006 15:04 MST") }

func toJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
