package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeScriptPath is where `npm ci` in web/testdata/browser (the task
// browser-deps) puts axe-core, relative to the module root.
const AxeScriptPath = "web/testdata/browser/node_modules/axe-core/axe.min.js"

// WCAG22AA are the axe-core rule tags for WCAG 2.0, 2.1 and 2.2 at levels A
// and AA: the bar Satchel's pages must meet.
var WCAG22AA = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"}

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
// govern, so pages are audited under their real CSP.
func (t *Tab) RunAxe(tb testing.TB, tags ...string) ([]Violation, error) {
	tb.Helper()
	if len(tags) == 0 {
		tags = WCAG22AA
	}
	src := AxeScript(tb)
	// The trailing true keeps the script's own completion value, which need
	// not be serialisable, out of the answer. A page audited before, in the
	// same document, has axe-core already.
	loaded, err := chromedp.Run(t.Ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined"`))
	if err != nil {
		return nil, fmt.Errorf("looking for axe-core: %w", err)
	}
	if !loaded {
		if _, err := chromedp.Run(t.Ctx, chromedp.Evaluate[bool](src+"\n;true")); err != nil {
			return nil, fmt.Errorf("injecting axe-core: %w", err)
		}
	}
	tagList, _ := json.Marshal(tags)
	run := `axe.run(document, {runOnly: {type: "tag", values: ` + string(tagList) + `}, resultTypes: ["violations"]})
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
