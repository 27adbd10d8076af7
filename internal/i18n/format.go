package i18n

import (
	"context"
	"time"

	"golang.org/x/text/number"
)

// monthIDs are the catalog's month names, January first. They are listed
// here in full so that the catalog test sees each one used.
var monthIDs = [12]string{
	"date.month.january", "date.month.february", "date.month.march",
	"date.month.april", "date.month.may", "date.month.june",
	"date.month.july", "date.month.august", "date.month.september",
	"date.month.october", "date.month.november", "date.month.december",
}

// Date writes the calendar day of t (in t's own location) the long way of
// the context's language: "3 October 2022", "3 de octubre de 2022",
// "3 octobre 2022" ("1er octobre" on the first), "٣ أكتوبر ٢٠٢٢". The
// order and the words come from the catalog ("date.long", "date.first_day"
// and the month names), the digits from CLDR through golang.org/x/text.
func Date(ctx context.Context, t time.Time) string {
	l := Current(ctx)
	day := l.number(t.Day())
	if t.Day() == 1 {
		day = l.t("date.first_day", Vars{"Day": day}, nil)
	}
	return l.t("date.long", Vars{
		"Day":   day,
		"Month": l.t(monthIDs[t.Month()-1], nil, nil),
		"Year":  l.printer.Sprint(number.Decimal(t.Year(), number.NoSeparator())),
	}, nil)
}

// DateTime writes the day and the time of day of t in UTC the long way of
// the context's language: "3 October 2022 at 14:05 UTC".
func DateTime(ctx context.Context, t time.Time) string {
	l := Current(ctx)
	t = t.UTC()
	two := func(n int) string { return l.printer.Sprint(number.Decimal(n, number.MinIntegerDigits(2))) }
	return l.t("date.time.long", Vars{
		"Date": Date(ctx, t),
		"Time": two(t.Hour()) + ":" + two(t.Minute()),
	}, nil)
}

// AgoLimit is how long before now Ago still counts; older moments are
// given their date.
const AgoLimit = 30 * 24 * time.Hour

// Ago says how long before now t was, in the context's language: "just
// now", "5 minutes ago", "3 hours ago", "2 days ago"; from AgoLimit on, the
// date itself (Date). A t after now is "just now".
func Ago(ctx context.Context, t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return T(ctx, "date.ago.just_now")
	case d < time.Hour:
		return N(ctx, "date.ago.minutes", int(d/time.Minute))
	case d < 24*time.Hour:
		return N(ctx, "date.ago.hours", int(d/time.Hour))
	case d < AgoLimit:
		return N(ctx, "date.ago.days", int(d/(24*time.Hour)))
	}
	return Date(ctx, t)
}

// Tenths writes x with one decimal, the context's language's way: "5.3",
// "5,3", "٥٫٣".
func Tenths(ctx context.Context, x float64) string {
	return Current(ctx).printer.Sprint(number.Decimal(x, number.MinFractionDigits(1), number.MaxFractionDigits(1)))
}

// Number writes n with the context's language's digits and grouping as
// golang.org/x/text knows them: "1,234", "1.234", "1 234" (with a no-break
// space), "١٬٢٣٤". (CLDR would leave a Spanish four-digit number ungrouped;
// x/text does not yet.)
func Number(ctx context.Context, n int) string { return Current(ctx).number(n) }

func (l Language) number(n int) string {
	return l.printer.Sprint(number.Decimal(n))
}
