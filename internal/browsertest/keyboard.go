package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Focused describes the element that has keyboard focus.
type Focused struct {
	Tag    string `json:"tag"` // lower-case tag name, e.g. "a", "button", "input"
	ID     string `json:"id"`
	TestID string `json:"testid"` // its data-testid
	Text   string `json:"text"`   // trimmed text content (or value for inputs)
	Href   string `json:"href"`   // the href attribute, for links
	// Outline is the computed outline-style; "none" on a focused control
	// means focus is invisible.
	Outline string `json:"outline"`
}

// PressTab presses Tab once, moving focus as a keyboard user would.
func PressTab() chromedp.Action[chromedp.Void] {
	return chromedp.KeyEvent(kb.Tab)
}

// PressEnter presses Enter on whatever has focus.
func PressEnter() chromedp.Action[chromedp.Void] {
	return chromedp.KeyEvent(kb.Enter)
}

// Type types text into whatever has focus, key by key.
func Type(text string) chromedp.Action[chromedp.Void] {
	return chromedp.KeyEvent(text)
}

// ActiveElement describes document.activeElement.
func ActiveElement() chromedp.Action[Focused] {
	return chromedp.Evaluate[Focused](`(() => {
		const el = document.activeElement;
		if (!el || el === document.body) return {tag: "body"};
		const text = ("value" in el && el.tagName !== "BUTTON") ? el.value : el.textContent;
		return {
			tag: el.tagName.toLowerCase(),
			id: el.id || "",
			testid: el.dataset ? (el.dataset.testid || "") : "",
			text: (text || "").trim().replace(/\s+/g, " "),
			href: el.getAttribute("href") || "",
			outline: getComputedStyle(el).outlineStyle,
		};
	})()`)
}

// TabUntil presses Tab until match accepts the focused element, at most max
// times, and returns that element. It fails the test if focus never gets
// there: the element cannot be reached by keyboard (or not within max).
func (t *Tab) TabUntil(tb testing.TB, what string, max int, match func(Focused) bool) Focused {
	tb.Helper()
	var path []string
	for range max {
		t.Do(tb, PressTab())
		f, err := chromedp.Run(t.Ctx, ActiveElement())
		if err != nil {
			tb.Fatalf("browsertest: reading focus: %v", err)
		}
		if match(f) {
			return f
		}
		path = append(path, f.String())
	}
	tb.Fatalf("browsertest: %s not reached in %d Tab presses; focus went through:\n  %s", what, max, strings.Join(path, "\n  "))
	return Focused{}
}

// ByTestID matches the element with the given data-testid.
func ByTestID(id string) func(Focused) bool {
	return func(f Focused) bool { return f.TestID == id }
}

// ByID matches the element with the given id.
func ByID(id string) func(Focused) bool {
	return func(f Focused) bool { return f.ID == id }
}

func (f Focused) String() string {
	s := "<" + f.Tag
	if f.ID != "" {
		s += " id=" + f.ID
	}
	if f.TestID != "" {
		s += " data-testid=" + f.TestID
	}
	if f.Href != "" {
		s += " href=" + f.Href
	}
	return s + "> " + f.Text
}

// PressEscape presses Escape on whatever has focus.
func PressEscape() chromedp.Action[chromedp.Void] {
	return chromedp.KeyEvent(kb.Escape)
}

// PressShiftTab moves focus backwards.
func PressShiftTab() chromedp.Action[chromedp.Void] {
	return chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
}

// FocusOn gives keyboard focus to the first element matching the selector,
// without scrolling, and fails if it cannot take focus. Focus also moves the
// browser's sequential focus navigation starting point there, so the next
// Tab goes to the element after it whatever the mouse or a scroll did
// before: keyboard steps that start with FocusOn start from a known place.
func FocusOn(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.WaitReady(selector)(ctx, t); err != nil {
			return err
		}
		ok, err := chromedp.Evaluate[bool](`(() => {
			const el = document.querySelector(`+quote(selector)+`);
			el.focus({preventScroll: true});
			return document.activeElement === el;
		})()`)(ctx, t)
		if err != nil {
			return fmt.Errorf("focus %s: %w", selector, err)
		}
		if !ok {
			return fmt.Errorf("focus %s: the element cannot take focus", selector)
		}
		return nil
	})
}

// FromTop moves the sequential focus navigation starting point to the top
// of the document, as if the page had just loaded: the next Tab reaches the
// first focusable element (the skip link, on Satchel's pages). Chromium
// moves the starting point on clicks, on fragment navigation and, in some
// versions, when a script scrolls an element into view (as Hover does), so
// a test that counts Tab presses after any of those starts with FromTop or
// FocusOn. It focuses a throw-away element placed first in <body> and
// removes it; the starting point stays where it was.
func FromTop() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => {
		const el = document.createElement("span");
		el.tabIndex = -1;
		document.body.prepend(el);
		el.focus({preventScroll: true});
		el.remove();
	})()`)
}
