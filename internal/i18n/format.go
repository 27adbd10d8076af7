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
// "3 octobre 2022", "٣ أكتوبر ٢٠٢٢". The order and the words come from the
// catalog ("date.long" and the month names), the digits from CLDR through
// golang.org/x/text.
func Date(ctx context.Context, t time.Time) string {
	l := Current(ctx)
	return l.t("date.long", Vars{
		"Day":   l.number(t.Day()),
		"Month": l.t(monthIDs[t.Month()-1], nil, nil),
		"Year":  l.printer.Sprint(number.Decimal(t.Year(), number.NoSeparator())),
	}, nil)
}

// Number writes n with the context's language's digits and grouping as
// golang.org/x/text knows them: "1,234", "1.234", "1 234" (with a no-break
// space), "١٬٢٣٤". (CLDR would leave a Spanish four-digit number ungrouped;
// x/text does not yet.)
func Number(ctx context.Context, n int) string { return Current(ctx).number(n) }

func (l Language) number(n int) string {
	return l.printer.Sprint(number.Decimal(n))
}
