package browsertest

import (
	"context"
	"fmt"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Hover moves the mouse pointer to the centre of the first element matching
// the CSS selector, as a mouse user resting on it would: :hover styles and
// mouseover/mouseenter handlers apply.
func Hover(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.WaitVisible(selector)(ctx, t); err != nil {
			return err
		}
		script := `(() => {
			const el = document.querySelector(` + quote(selector) + `);
			// Instant, whatever the page's scroll-behavior: a smooth scroll
			// would move the element out from under the pointer.
			el.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
			const r = el.getBoundingClientRect();
			return [r.left + r.width / 2, r.top + r.height / 2];
		})()`
		xy, err := chromedp.Evaluate[[]float64](script)(ctx, t)
		if err != nil {
			return fmt.Errorf("hover %s: %w", selector, err)
		}
		_, err = chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, xy[0], xy[1])(ctx, t)
		return err
	})
}

// MoveMouseAway moves the pointer to the top-left corner, off any element
// a test hovered.
func MoveMouseAway() chromedp.Action[chromedp.Void] {
	return chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 0, 0)
}

// IsVisible reports whether the first element matching the selector is
// rendered and not hidden (display, visibility, zero size).
func IsVisible(selector string) chromedp.Action[bool] {
	return chromedp.Evaluate[bool](`(() => {
		const el = document.querySelector(` + quote(selector) + `);
		if (!el) return false;
		const s = getComputedStyle(el);
		if (s.display === "none" || s.visibility === "hidden") return false;
		const r = el.getBoundingClientRect();
		return r.width > 0 && r.height > 0;
	})()`)
}
