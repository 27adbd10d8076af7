package browsertest

import (
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
