package static

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The colour pairs the stylesheet puts together, with the WCAG 2.2 minimum
// each needs: 4.5:1 for text (1.4.3), 3:1 for borders of controls and focus
// indicators (1.4.11). axe checks the pages as rendered; this test checks
// every pair in both themes, including states axe never sees (hover).
var contrastPairs = []struct {
	fg, bg string
	min    float64
}{
	{"text", "bg", 4.5},
	{"text", "surface", 4.5},
	{"text-muted", "bg", 4.5},
	{"text-muted", "surface", 4.5},
	{"accent", "bg", 4.5}, // links
	{"accent", "surface", 4.5},
	{"accent-hover", "bg", 4.5},
	{"accent-hover", "surface", 4.5},
	{"on-accent", "accent", 4.5}, // primary buttons, skip link
	{"on-accent", "accent-hover", 4.5},
	{"on-danger", "danger", 4.5},
	{"on-danger", "danger-hover", 4.5},
	{"success-fg", "success-bg", 4.5},
	{"error-fg", "error-bg", 4.5},
	{"error-fg", "bg", 4.5}, // field errors
	{"info-fg", "info-bg", 4.5},
	{"warning-fg", "warning-bg", 4.5},
	{"border", "bg", 3}, // input borders
	{"border", "surface", 3},
	{"error-edge", "bg", 3}, // invalid input border
	{"focus", "bg", 3},
	{"focus", "surface", 3},
	{"danger", "bg", 3}, // danger button edge
	{"danger", "surface", 3},
}

// Every colour outside the token blocks must come from a token, or the
// contrast test above would not see it.
func TestStylesheet_ColoursComeFromTokens(t *testing.T) {
	t.Parallel()
	css, err := FS.ReadFile("css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	src := string(css)
	// Blank out the token blocks (light :root, the dark override, and the
	// print block, which is black on white by design), keeping line numbers.
	blank := func(start, end int) {
		src = src[:start] + regexp.MustCompile(`[^\n]`).ReplaceAllString(src[start:end], " ") + src[end:]
	}
	for _, marker := range []string{":root {", "@media (prefers-color-scheme: dark)"} {
		i := strings.Index(src, marker)
		if i < 0 {
			t.Fatalf("%q not found", marker)
		}
		end := i + strings.Index(src[i:], "}")
		blank(i, end)
	}
	if i := strings.Index(src, "@media print"); i >= 0 {
		blank(i, len(src))
	}
	raw := regexp.MustCompile(`#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(|[\s:,(](?:white|black|red|blue|green|gray|grey)(?:[\s;,)]|$)`)
	for n, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "/*") || strings.HasPrefix(strings.TrimSpace(line), "*") {
			continue
		}
		if m := raw.FindString(line); m != "" {
			t.Errorf("app.css line %d uses the colour %q directly; add a token (and a contrast pair) instead", n+1, m)
		}
	}
}

func TestStylesheet_ColourPairsMeetAA(t *testing.T) {
	t.Parallel()
	css, err := FS.ReadFile("css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	light, dark := themes(t, string(css))
	for name, theme := range map[string]map[string]string{"light": light, "dark": dark} {
		for _, p := range contrastPairs {
			fg, bg := theme[p.fg], theme[p.bg]
			if fg == "" || bg == "" {
				t.Errorf("%s theme: --%s or --%s is not defined as a hex colour", name, p.fg, p.bg)
				continue
			}
			r := contrast(t, fg, bg)
			if testing.Verbose() {
				t.Logf("%s --%s on --%s: %.2f", name, p.fg, p.bg, r)
			}
			if r < p.min {
				t.Errorf("%s theme: --%s %s on --%s %s has contrast %.2f:1, need %.1f:1", name, p.fg, fg, p.bg, bg, r, p.min)
			}
		}
	}
}

// The contrast formula itself, on the two pairs whose answers are known.
func TestContrast_KnownValues(t *testing.T) {
	t.Parallel()
	if r := contrast(t, "#000000", "#ffffff"); math.Abs(r-21) > 0.01 {
		t.Errorf("black on white = %.2f, want 21", r)
	}
	if r := contrast(t, "#777777", "#ffffff"); math.Abs(r-4.48) > 0.01 {
		t.Errorf("#777 on white = %.2f, want 4.48", r)
	}
}

var customProp = regexp.MustCompile(`--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\s*;`)

// themes reads the light tokens (the first :root block) and the dark tokens
// (the light ones overridden by the prefers-color-scheme: dark block).
func themes(t *testing.T, css string) (light, dark map[string]string) {
	t.Helper()
	const darkMarker = "@media (prefers-color-scheme: dark)"
	i := strings.Index(css, darkMarker)
	if i < 0 {
		t.Fatal("app.css has no prefers-color-scheme: dark block")
	}
	rootStart := strings.Index(css, ":root {")
	if rootStart < 0 || rootStart > i {
		t.Fatal("app.css does not start its tokens with a :root block")
	}
	lightBlock := css[rootStart : rootStart+strings.Index(css[rootStart:], "}")]
	darkRest := css[i:]
	darkBlock := darkRest[:strings.Index(darkRest, "}")]

	light = map[string]string{}
	for _, m := range customProp.FindAllStringSubmatch(lightBlock, -1) {
		light[m[1]] = m[2]
	}
	dark = map[string]string{}
	for k, v := range light {
		dark[k] = v
	}
	overrides := 0
	for _, m := range customProp.FindAllStringSubmatch(darkBlock, -1) {
		dark[m[1]] = m[2]
		overrides++
	}
	if len(light) < 10 || overrides < 10 {
		t.Fatalf("found %d light tokens and %d dark overrides; the parser no longer matches app.css", len(light), overrides)
	}
	return light, dark
}

func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the WCAG relative luminance of a #rrggbb colour.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil {
		t.Fatalf("bad colour %q: %v", hex, err)
	}
	ch := func(shift uint) float64 {
		c := float64((v>>shift)&0xff) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(16) + 0.7152*ch(8) + 0.0722*ch(0)
}
