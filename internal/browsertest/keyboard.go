package browsertest

import (
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
