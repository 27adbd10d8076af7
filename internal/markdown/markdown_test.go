package markdown_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"github.com/satchel-backpack/satchel/internal/markdown"
)

func doc(t *testing.T, html string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestToHTML_Formatting(t *testing.T) {
	t.Parallel()
	out := markdown.ToHTML("# Criteria\n\nEarners **must** complete *three* tasks:\n\n1. Audit a page\n2. Fix it\n\n> quoted\n\n`code`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~")
	d := doc(t, out)
	for _, sel := range []string{"h3", "strong", "em", "ol > li", "blockquote", "code", "table td", "del"} {
		if d.Find(sel).Length() == 0 {
			t.Errorf("no %s in %s", sel, out)
		}
	}
	if d.Find("h1").Length() != 0 {
		t.Errorf("a Markdown level-1 heading should become h3 by default, got %s", out)
	}
}

func TestToHTML_HighestHeadingBecomesTop(t *testing.T) {
	t.Parallel()
	out := markdown.ToHTML("## Two\n\n#### Four")
	d := doc(t, out)
	if d.Find("h3").Text() != "Two" || d.Find("h5").Text() != "Four" {
		t.Errorf("## should become h3 and #### h5 when ## is the highest: %s", out)
	}
}

func TestToHTML_TopHeading(t *testing.T) {
	t.Parallel()
	out := markdown.ToHTML("# One\n\n## Two\n\n###### Six", markdown.Options{TopHeading: 2})
	d := doc(t, out)
	if d.Find("h2").Text() != "One" || d.Find("h3").Text() != "Two" || d.Find("h6").Text() != "Six" {
		t.Errorf("headings not shifted by one and capped at h6: %s", out)
	}
}

func TestToHTML_LinksGetRelAndKeepSafeSchemes(t *testing.T) {
	t.Parallel()
	out := markdown.ToHTML("[site](https://example.org/a?b=c) [mail](mailto:x@example.org) <https://auto.example.org> and www.example.com")
	d := doc(t, out)
	links := d.Find("a")
	if links.Length() != 4 {
		t.Fatalf("want 4 links, got %d: %s", links.Length(), out)
	}
	links.Each(func(i int, a *goquery.Selection) {
		rel, _ := a.Attr("rel")
		if !strings.Contains(rel, "nofollow") || !strings.Contains(rel, "noopener") {
			t.Errorf("link %d rel=%q, want nofollow noopener", i, rel)
		}
		href, _ := a.Attr("href")
		if !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "mailto:") {
			t.Errorf("link %d href=%q", i, href)
		}
	})
	if href, _ := links.First().Attr("href"); href != "https://example.org/a?b=c" {
		t.Errorf("first href %q", href)
	}
}

// TestToHTML_Hostile feeds what an attacker would put in a badge and checks
// that nothing that runs script, loads from elsewhere or escapes the
// allow-list survives.
func TestToHTML_Hostile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, src string
		keep      string // text that should still be shown, if any
	}{
		{"script block", "<script>alert(1)</script>\n\nafter", "after"},
		{"inline script", "hello <script>alert(1)</script> world", "hello"},
		{"img onerror", `<img src=x onerror="alert(1)">`, ""},
		{"raw div with handler", `<div onclick="alert(1)" style="position:fixed">click</div>`, ""},
		{"iframe", `<iframe src="https://evil.example"></iframe>`, ""},
		{"javascript link", "[click](javascript:alert(1))", "click"},
		{"javascript link, mixed case", "[click](JaVaScRiPt:alert(1))", "click"},
		{"javascript link, entity", "[click](javascript&#58;alert(1))", "click"},
		{"javascript link, tab", "[click](java\tscript:alert(1))", "click"},
		{"javascript autolink", "<javascript:alert(1)>", ""},
		{"vbscript link", "[click](vbscript:msgbox(1))", "click"},
		{"data link", "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "click"},
		{"relative link", "[home](/account/delete)", "home"},
		{"protocol-relative link", "[home](//evil.example/x)", "home"},
		{"image", "![a tracking pixel](https://tracker.example/p.gif)", "a tracking pixel"},
		{"javascript image", "![x](javascript:alert(1))", "x"},
		{"svg", `<svg onload="alert(1)"><circle r="5"/></svg>`, ""},
		{"style", "<style>body{display:none}</style>", ""},
		{"form", `<form action="https://evil.example"><input name="p"></form>`, ""},
		{"link title injection", `[x](https://example.org "a\" onmouseover=\"alert(1)")`, "x"},
		{"html comment", "<!-- <script>alert(1)</script> -->text", ""},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example">`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := markdown.ToHTML(c.src)
			lower := strings.ToLower(out)
			for _, bad := range []string{"<script", "<img", "<iframe", "<div", "<svg", "<style", "<form", "<input", "<meta", "<!--", "onerror=", "onclick=", "onload=", "onmouseover=", "style=", "src="} {
				if strings.Contains(lower, bad) {
					t.Errorf("output contains %q: %s", bad, out)
				}
			}
			d := doc(t, out)
			// Whatever text survives, no attribute may carry a script or
			// leave the allow-list of schemes.
			d.Find("*").Each(func(_ int, el *goquery.Selection) {
				for _, a := range el.Nodes[0].Attr {
					v := strings.ToLower(a.Val)
					if strings.Contains(v, "script:") || strings.Contains(v, "data:") {
						t.Errorf("attribute %s=%q survived: %s", a.Key, a.Val, out)
					}
				}
			})
			d.Find("a").Each(func(_ int, a *goquery.Selection) {
				href, _ := a.Attr("href")
				if !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "mailto:") {
					t.Errorf("link with href %q survived: %s", href, out)
				}
			})
			if c.keep != "" && !strings.Contains(d.Text(), c.keep) {
				t.Errorf("text %q lost: %s", c.keep, out)
			}
		})
	}
}

func TestToHTML_ImageBecomesLink(t *testing.T) {
	t.Parallel()
	out := markdown.ToHTML("![The certificate](https://issuer.example/cert.png)")
	d := doc(t, out)
	if d.Find("img").Length() != 0 {
		t.Fatalf("image kept: %s", out)
	}
	a := d.Find("a")
	if href, _ := a.Attr("href"); href != "https://issuer.example/cert.png" || a.Text() != "The certificate" {
		t.Errorf("image should become a link to it with its alt text, got %s", out)
	}
}

func TestToHTML_LongInputIsBounded(t *testing.T) {
	t.Parallel()
	src := strings.Repeat("word ", 100_000) // 500 KB
	out := markdown.ToHTML(src)
	if len(out) > markdown.MaxInput+1024 {
		t.Errorf("output %d bytes; the input should be cut at %d", len(out), markdown.MaxInput)
	}
	if !strings.HasPrefix(out, "<p>word word") {
		t.Errorf("output starts %q", out[:40])
	}
}

func TestToHTML_InvalidUTF8(t *testing.T) {
	t.Parallel()
	out := markdown.ToHTML("caf\xe9 \x00 ok")
	if !utf8.ValidString(out) || !strings.Contains(out, "ok") {
		t.Errorf("got %q", out)
	}
}

func TestHTML_RendersAsComponent(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	if err := markdown.HTML("**bold** <script>x</script>").Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<strong>bold</strong>") || strings.Contains(b.String(), "<script") {
		t.Errorf("got %s", b.String())
	}
}

func TestSanitize(t *testing.T) {
	t.Parallel()
	out := markdown.Sanitize(`<p onclick="x">hi <a href="javascript:x">a</a> <a href="https://e.example">b</a></p>`)
	if strings.Contains(out, "onclick") || strings.Contains(out, "javascript") || !strings.Contains(out, `href="https://e.example"`) || !strings.Contains(out, "nofollow") {
		t.Errorf("got %s", out)
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		src  string
		n    int
		want string
	}{
		{"plain", "Complete the course.", 100, "Complete the course."},
		{"markdown removed", "# Criteria\n\nEarners **must** audit [a page](https://example.org) and\nfix `errors`.", 100, "Criteria Earners must audit a page and fix errors."},
		{"lists", "- one\n- two\n- three", 100, "one two three"},
		{"raw html dropped", "before <b>bold</b> <script>alert(1)</script> after", 100, "before bold after"},
		{"cut at a word", "The learner demonstrated accessible design skills", 30, "The learner demonstrated…"},
		{"long word", strings.Repeat("a", 50), 10, strings.Repeat("a", 9) + "…"},
		{"empty", "", 10, ""},
		{"zero length", "text", 0, ""},
		{"images as alt text", "![A badge](https://x.example/i.png) earned", 100, "A badge earned"},
		{"code block", "Run:\n\n    go test\n\ndone", 100, "Run: go test done"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := markdown.Summary(c.src, c.n)
			// Raw HTML tags are dropped; the text between them is text.
			if c.name == "raw html dropped" {
				if strings.Contains(got, "<") || strings.Contains(got, "alert") && strings.Contains(got, "script") {
					t.Errorf("Summary kept markup: %q", got)
				}
				return
			}
			if got != c.want {
				t.Errorf("Summary(%q, %d) = %q, want %q", c.src, c.n, got, c.want)
			}
			if utf8.RuneCountInString(got) > c.n {
				t.Errorf("summary of %d runes is longer than %d", utf8.RuneCountInString(got), c.n)
			}
		})
	}
}

func TestSummary_HugeInputIsCheap(t *testing.T) {
	t.Parallel()
	src := strings.Repeat("*a* ", 1_000_000)
	got := markdown.Summary(src, 20)
	if utf8.RuneCountInString(got) > 20 || !strings.HasPrefix(got, "a a") {
		t.Errorf("got %q", got)
	}
}

func TestPlainSummary(t *testing.T) {
	t.Parallel()
	if got := markdown.PlainSummary("  A   description\n\nwith lines  ", 100); got != "A description with lines" {
		t.Errorf("got %q", got)
	}
	if got := markdown.PlainSummary("alpha beta gamma delta", 12); got != "alpha beta…" {
		t.Errorf("got %q", got)
	}
}

func FuzzToHTML(f *testing.F) {
	for _, s := range []string{"# h", "[a](javascript:x)", "<script>", "![i](https://x)", "| a |\n|---|\n| b |"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := strings.ToLower(markdown.ToHTML(src))
		for _, bad := range []string{"<script", "<img", "<iframe", "javascript:", " on"} {
			if strings.Contains(out, bad) && !strings.Contains(strings.ToLower(src), bad) {
				t.Errorf("%q introduced by rendering %q: %s", bad, src, out)
			}
		}
		if strings.Contains(out, "<script") || strings.Contains(out, "<img") || strings.Contains(out, "<iframe") {
			t.Errorf("dangerous element in output of %q: %s", src, out)
		}
		_ = markdown.Summary(src, 50)
	})
}
