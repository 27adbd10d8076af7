package browsertest

import (
	"context"
	"fmt"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Hover moves the mouse pointer to the centre of the first element matching
// the CSS selector, as a mouse user resting on it would: :hover styles and
// mouseover/mouseenter handlers apply. It scrolls only when the element is
// not wholly in view, since some Chromium versions move the sequential focus
// navigation starting point to an element scrolled into view; keyboard steps
// after a Hover start with FromTop or FocusOn all the same.
func Hover(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.WaitVisible(selector)(ctx, t); err != nil {
			return err
		}
		script := `(() => {
			const el = document.querySelector(` + quote(selector) + `);
			// Instant, whatever the page's scroll-behavior: a smooth scroll
			// would move the element out from under the pointer.
			let r = el.getBoundingClientRect();
			if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) {
				el.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
				r = el.getBoundingClientRect();
			}
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

// EmulateTouch makes the tab a touch screen (one touch point) for the rest
// of its life, so Tap's touches arrive as they do from a finger.
func EmulateTouch() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 1})
		return err
	})
}

// Tap touches the centre of the first element matching the CSS selector,
// as a finger on a touch screen does (pointer events of type "touch", then
// the compatibility mouse events and click Chromium derives from them).
func Tap(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		xy, err := chromedp.Evaluate[[]float64](`(() => {
			const r = document.querySelector(`+quote(selector)+`).getBoundingClientRect();
			return [r.left + r.width / 2, r.top + r.height / 2];
		})()`)(ctx, t)
		if err != nil {
			return fmt.Errorf("tap %s: %w", selector, err)
		}
		point := []*input.TouchPoint{{X: xy[0], Y: xy[1]}}
		if _, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: point}); err != nil {
			return err
		}
		_, err = cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}})
		return err
	})
}
