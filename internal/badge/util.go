package badge

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/jsonv"
)

// imageOf reads an image given as a URL / data URI or as an Image object.
func imageOf(v any) Image {
	switch t := v.(type) {
	case string:
		return Image{URL: t}
	case map[string]any:
		u := jsonv.String(t, "id")
		if u == "" {
			u = jsonv.String(t, "url")
		}
		return Image{URL: u, Caption: jsonv.String(t, "caption")}
	}
	return Image{}
}

// dateLayouts are the ISO 8601 forms seen in real badges, tried in order.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05.999999999", // no zone: read as UTC
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDate reads a badge date: ISO 8601 (with or without a zone; without
// one it is taken as UTC), a bare YYYY-MM-DD (UTC midnight), or Unix
// seconds as a number or a string of digits. The result is in UTC.
func parseDate(v any) (time.Time, bool) {
	var s string
	switch t := v.(type) {
	case json.Number:
		s = t.String()
	case float64:
		return time.Unix(int64(t), 0).UTC(), true
	case string:
		s = strings.TrimSpace(t)
	default:
		return time.Time{}, false
	}
	if s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < -62135596800 || n > 253402300799 { // outside years 1..9999
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// isoDate normalises a legacy date value to an ISO 8601 UTC string; values
// that cannot be read are kept unchanged so the verifier can report them.
func isoDate(v any) any {
	if t, ok := parseDate(v); ok {
		return t.Format(time.RFC3339)
	}
	return v
}

// rawField returns the exact bytes of field k of the JSON object data.
func rawField(data []byte, k string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	return m[k]
}

// rawFn yields the exact JSON of a node on demand (nil when unknown), so the
// document is re-scanned only for nodes whose bytes are needed.
type rawFn func() []byte

func constRaw(data []byte) rawFn {
	if data == nil {
		return nil
	}
	return func() []byte { return data }
}

// sub yields the exact JSON of field k of the node r yields.
func sub(r rawFn, k string) rawFn {
	if r == nil {
		return nil
	}
	return func() []byte {
		if d := r(); d != nil {
			return rawField(d, k)
		}
		return nil
	}
}

func call(r rawFn) []byte {
	if r == nil {
		return nil
	}
	return r()
}

// rawItems returns the exact bytes of each element of a JSON array, or of
// data itself when it is not an array.
func rawItems(data json.RawMessage) []json.RawMessage {
	if len(data) == 0 {
		return nil
	}
	var list []json.RawMessage
	if json.Unmarshal(data, &list) == nil {
		return list
	}
	return []json.RawMessage{data}
}
