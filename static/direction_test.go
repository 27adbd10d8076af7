package static

import (
	"regexp"
	"strings"
	"testing"
)

// physical matches a declaration that names a side of the page: a
// right-to-left page (Arabic) would keep it on the same side instead of
// mirroring it. The logical properties (margin-inline-start,
// inset-inline-end, border-inline-start-color, text-align: start, …) follow
// the page's direction.
var physical = regexp.MustCompile(`(?m)(?:^|[;{\s])((?:margin|padding|border|inset|scroll-margin|scroll-padding)-(?:left|right)[a-z-]*|left|right|float|clear|text-align|border-(?:top|bottom)-(?:left|right)-radius)\s*:\s*([^;}]*)`)

func TestStylesheets_UseLogicalProperties(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"css/app.css", "css/print.css"} {
		body, err := FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		css := stripComments(string(body))
		for _, m := range physical.FindAllStringSubmatch(css, -1) {
			prop, value := m[1], strings.TrimSpace(m[2])
			switch {
			case prop == "text-align" && !strings.Contains(value, "left") && !strings.Contains(value, "right"):
				continue // center, start, end
			case (prop == "float" || prop == "clear") && value == "none":
				continue
			}
			t.Errorf("%s: %s: %s; use the logical property so right-to-left pages mirror", name, prop, value)
		}
	}
}

func TestPhysical_FindsSides(t *testing.T) {
	t.Parallel()
	for css, want := range map[string]int{
		"a{margin-left:1px}":             1,
		"a{ padding-right: 0 }":          1,
		"a{left:0;right:0}":              2,
		"a{text-align:left}":             1,
		"a{text-align:center}":           1, // matched, then allowed by the test
		"a{border-left-color:red}":       1,
		"a{margin-inline-start:1px}":     0,
		"a{inset-inline:0}":              0,
		"a{justify-content:flex-start}":  0,
		"a{border-top-left-radius:2px}":  1,
		"a{--space-left: 1px}":           0,
		"a{background:url(left.png)}":    0,
		"a{transform: translateX(1px)}":  0,
		"a{border-inline-start-width:1}": 0,
	} {
		if got := len(physical.FindAllString(css, -1)); got != want {
			t.Errorf("%s: %d matches, want %d", css, got, want)
		}
	}
}

var comment = regexp.MustCompile(`(?s)/\*.*?\*/`)

func stripComments(css string) string { return comment.ReplaceAllString(css, "") }
