package verify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

func hasAny(list []string, want ...string) bool {
	for _, w := range want {
		if slices.Contains(list, w) {
			return true
		}
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
