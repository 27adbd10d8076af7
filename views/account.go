package views

import (
	"context"
	"time"

	"github.com/satchel-backpack/satchel/internal/i18n"
)

// linkedDate is how the account page shows when a sign-in was linked (and
// the emails page when an address was confirmed), in the page's language;
// the machine-readable form goes in <time datetime>.
func linkedDate(ctx context.Context, t time.Time) string {
	return i18n.Date(ctx, t.UTC())
}

// dateTimeUTC writes t in UTC with the message id, whose Date is the day
// written out and Time the hour (layout "15:04" or "15:04:05").
func dateTimeUTC(ctx context.Context, id string, t time.Time, layout string) string {
	t = t.UTC()
	return i18n.T(ctx, id, i18n.Vars{"Date": i18n.Date(ctx, t), "Time": i18n.Digits(ctx, t.Format(layout))})
}

func isoDate(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}
