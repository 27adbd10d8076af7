package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// AxeScriptPath is where `npm ci` in web/testdata/browser (the task
// browser-deps) puts axe-core, relative to the module root.
const AxeScriptPath = "web/testdata/browser/node_modules/axe-core/axe.min.js"

// WCAG22AA are the axe-core rule tags for WCAG 2.0, 2.1 and 2.2 at levels A
// and AA: the bar Satchel's pages must meet.
var WCAG22AA = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"}

// ColourRules are the axe-core rules among WCAG22AA whose outcome can
// depend on colours: text contrast, and links told apart from the text
// around them. Every other rule reads the document's structure, names,
// roles and layout, which a change of colours leaves as they were.
var ColourRules = []string{"color-contrast", "link-in-text-block"}

// Violation is one axe-core rule a page broke, with the elements that broke it.
type Violation struct {
	ID          string   `json:"id"`
	Impact      string   `json:"impact"`
	Description string   `json:"description"`
	Help        string   `json:"help"`
	HelpURL     string   `json:"helpUrl"`
	Tags        []string `json:"tags"`
	Nodes       []struct {
		Target         []any  `json:"target"` // CSS selectors (nested arrays inside shadow DOM)
		HTML           string `json:"html"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    %v %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.FailureSummary, "\n", "\n      "))
	}
	return b.String()
}

var axeSource struct {
	once sync.Once
	src  string
	err  error
}

// AxeScript returns the axe-core source. It skips the test when the file is
// absent, unless CI=true (run `go tool task browser-deps` to install it).
func AxeScript(tb testing.TB) string {
	tb.Helper()
	axeSource.once.Do(func() {
		root, err := ModuleRoot()
		if err != nil {
			axeSource.err = err
			return
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(AxeScriptPath)))
		axeSource.src, axeSource.err = string(b), err
	})
	if axeSource.err != nil {
		skipOrFail(tb, "browsertest: axe-core not installed (run `go tool task browser-deps`): %v", axeSource.err)
	}
	return axeSource.src
}

// RunAxe audits the page in the tab against tags (WCAG22AA when none are
// given) and returns the violations. The script is injected through the
// DevTools protocol, which the page's Content-Security-Policy does not
// govern, so pages are audited under their real CSP. It audits the page's
// own document, not the pages framed in it: axe-core is not in those
// frames, and would wait half a second on each for an answer that never
// comes. A page that is framed is audited at its own address.
func (t *Tab) RunAxe(tb testing.TB, tags ...string) ([]Violation, error) {
	tb.Helper()
	if len(tags) == 0 {
		tags = WCAG22AA
	}
	return t.runAxe(tb, "tag", tags)
}

// RunAxeRules audits the page in the tab against the named axe-core rules
// only. An unknown rule is an error, not an empty audit.
func (t *Tab) RunAxeRules(tb testing.TB, rules ...string) ([]Violation, error) {
	tb.Helper()
	return t.runAxe(tb, "rule", rules)
}

// runAxe runs axe-core with runOnly {type: kind, values: values}.
func (t *Tab) runAxe(tb testing.TB, kind string, values []string) ([]Violation, error) {
	tb.Helper()
	src := AxeScript(tb)
	// A page audited before, in the same document, has axe-core already.
	// Otherwise it is loaded as a script from axePath, which the tab
	// answers itself (serveAxe): a script with an address is compiled once
	// and then taken from Chromium's caches, where source handed to
	// Runtime.evaluate is compiled afresh in every document. A document
	// that may not load it (an opaque origin, a policy that forbids the
	// page's own scripts) is given the source through the
	// DevTools protocol instead, which its Content-Security-Policy does not
	// govern, so pages are audited under their real CSP either way.
	if err := t.serveAxe(src); err != nil {
		return nil, fmt.Errorf("serving axe-core: %w", err)
	}
	loaded, err := chromedp.Run(t.Ctx, chromedp.Evaluate[bool](loadAxe, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("loading axe-core: %w", err)
	}
	if !loaded {
		// The trailing true keeps the script's own completion value, which
		// need not be serialisable, out of the answer.
		if _, err := chromedp.Run(t.Ctx, chromedp.Evaluate[bool](src+"\n;true")); err != nil {
			return nil, fmt.Errorf("injecting axe-core: %w", err)
		}
	}
	kindJSON, _ := json.Marshal(kind)
	list, _ := json.Marshal(values)
	run := `axe.run(document, {runOnly: {type: ` + string(kindJSON) + `, values: ` + string(list) + `}, resultTypes: ["violations"], iframes: false})
		.then(r => JSON.stringify(r.violations))`
	out, err := chromedp.Run(t.Ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	var vs []Violation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		return nil, fmt.Errorf("reading axe-core results: %w", err)
	}
	return vs, nil
}

// AssertAccessible fails the test with a readable report when axe-core finds
// any WCAG 2.2 A or AA violation on the page in the tab. what names the page
// and state in the message, e.g. "sign-in page, dark".
func (t *Tab) AssertAccessible(tb testing.TB, what string) {
	tb.Helper()
	vs, err := t.RunAxe(tb)
	t.report(tb, what, vs, err)
}

// AssertAccessibleInEachScheme audits the page in the tab in every colour
// scheme, switched in place by media(scheme) (EmulateColorScheme when nil):
// the whole of WCAG22AA in the first scheme, then ColourRules in each
// other. Satchel's themes differ only in the values of colour custom
// properties (static/themes_test.go keeps that true), so in the other
// schemes only the colour rules can come out differently; running the
// rest again would repeat the first audit. The tab is left in the last
// scheme.
func (t *Tab) AssertAccessibleInEachScheme(tb testing.TB, what string, media func(scheme string) chromedp.Action[chromedp.Void]) {
	tb.Helper()
	if media == nil {
		media = EmulateColorScheme
	}
	for i, scheme := range ColorSchemes {
		if err := chromedp.Do(t.Ctx, media(scheme)); err != nil {
			tb.Fatalf("%s: switching to the %s scheme: %v", what, scheme, err)
		}
		if i == 0 {
			t.AssertAccessible(tb, what+", "+scheme)
			continue
		}
		vs, err := t.RunAxeRules(tb, ColourRules...)
		t.report(tb, what+", "+scheme, vs, err)
	}
}

// report fails the test with a readable list of violations, if any.
func (t *Tab) report(tb testing.TB, what string, vs []Violation, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
	if len(vs) == 0 {
		return
	}
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	tb.Errorf("%s: %d accessibility violation(s):%s", what, len(vs), b.String())
}

// axePath is the address, on the audited page's own origin, that runAxe
// loads axe-core from. No server has it: the tab answers it (serveAxe).
const axePath = "/__browsertest__/axe-core.js"

// loadAxe loads axe-core into the page from axePath unless it is there
// already, and reports whether axe is defined. It does not try in a
// document that is not HTML or has an opaque origin (a sandbox). A policy
// that forbids the page's own scripts makes the load fail (the browser
// logs that; ConsoleErrors leaves it out); a load that never ends is given
// up after ten seconds. The script element is removed again once it has
// run, so the audited DOM is the page's own.
const loadAxe = `(async () => {
	if (typeof axe !== "undefined") return true;
	if (document.contentType !== "text/html" || self.origin === "null") return false;
	await new Promise(done => {
		const s = document.createElement("script");
		const end = () => { s.remove(); done(); };
		s.onload = end;
		s.onerror = end;
		setTimeout(end, 10000);
		s.src = ` + "`" + axePath + "`" + `;
		(document.head || document.documentElement).append(s);
	});
	return typeof axe !== "undefined";
})()`

// serveAxe makes the tab answer requests for axePath, on any origin, with
// src, cacheable, so that Chromium keeps the script and its compiled code
// for the later documents of the tab's browser context. Only that address
// is intercepted; every other request goes to the network as before.
func (t *Tab) serveAxe(src string) error {
	t.axeOnce.Do(func() {
		t.axeErr = chromedp.Do(t.Ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			paused := cdp.Events(t.target, tg, fetch.RequestPaused)
			go func() {
				for ev, err := range paused {
					if err != nil {
						return
					}
					cdp.Call(t.target, tg, fetch.FulfillRequest, fetch.FulfillRequestParams{
						RequestID:    ev.RequestID,
						ResponseCode: 200,
						ResponseHeaders: []*fetch.HeaderEntry{
							{Name: "Content-Type", Value: "text/javascript; charset=utf-8"},
							{Name: "Cache-Control", Value: "private, max-age=86400, immutable"},
						},
						Body: []byte(src),
					})
				}
			}()
			_, err := cdp.Call(ctx, tg, fetch.Enable, fetch.EnableParams{
				Patterns: []*fetch.RequestPattern{{URLPattern: "*" + axePath}},
			})
			return err
		}))
	})
	return t.axeErr
}
