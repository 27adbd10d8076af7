package static

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestThemes_DarkChangesOnlyColours keeps true what the browser tests rely
// on to audit the dark theme with axe-core's colour rules alone
// (browsertest.AssertAccessibleInEachScheme): the dark theme is one
// prefers-color-scheme block that sets colour custom properties on :root
// and nothing else, and no other stylesheet, script or template asks for
// the colour scheme. A dark-only rule that hid, moved or renamed anything
// would make the two themes differ in more than colour, and fails here.
func TestThemes_DarkChangesOnlyColours(t *testing.T) {
	t.Parallel()
	css, err := os.ReadFile(filepath.Join("css", "app.css"))
	if err != nil {
		t.Fatal(err)
	}
	src := stripComments(string(css))
	const marker = "@media (prefers-color-scheme: dark)"
	if n := strings.Count(src, "prefers-color-scheme"); n != 1 {
		t.Fatalf("app.css asks for the colour scheme %d times; want the one dark block", n)
	}
	i := strings.Index(src, marker)
	if i < 0 {
		t.Fatalf("app.css has no %q block", marker)
	}
	block := regexp.MustCompile(`^` + regexp.QuoteMeta(marker) + `\s*\{\s*:root\s*\{([^{}]*)\}\s*\}`).FindStringSubmatch(src[i:])
	if block == nil {
		t.Fatal("the dark block must hold exactly one :root rule and nothing else")
	}
	colour := regexp.MustCompile(`^--[a-z0-9-]+:\s*#[0-9a-fA-F]{3,8}$`)
	decls := 0
	for _, d := range strings.Split(block[1], ";") {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		decls++
		if !colour.MatchString(d) {
			t.Errorf("the dark block sets %q: only colour custom properties (--name: #rrggbb) may differ between themes", d)
		}
	}
	if decls == 0 {
		t.Error("the dark block sets nothing")
	}

	// Nothing else may switch on the scheme: not the print stylesheet, a
	// script or a template. The <meta name="color-scheme"> of the page
	// frames and app.css's color-scheme property only let the browser
	// colour its own controls to match.
	allowed := regexp.MustCompile(`<meta name="color-scheme" content="light dark"/>|color-scheme: light dark;`)
	for _, root := range []string{".", filepath.Join("..", "views")} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch filepath.Ext(path) {
			case ".css", ".js", ".templ", ".svg", ".html":
			default:
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			text := string(b)
			if filepath.Ext(path) == ".css" {
				text = stripComments(text)
			}
			if path == filepath.Join("css", "app.css") {
				text = strings.Replace(text, marker, "", 1)
			}
			text = allowed.ReplaceAllString(text, "")
			if strings.Contains(text, "color-scheme") || strings.Contains(text, "light-dark(") {
				t.Errorf("%s switches on the colour scheme; the themes may differ only in app.css's dark block", path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
