package views

import "time"

// linkedDate is how the account page shows when a sign-in was linked; the
// machine-readable form goes in <time datetime>.
func linkedDate(t time.Time) string {
	return t.UTC().Format("2 January 2006")
}

func isoDate(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}
