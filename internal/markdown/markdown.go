// Package markdown turns the Markdown a badge carries (criteria narratives,
// descriptions, evidence) into HTML that is safe to put in Satchel's pages,
// and into short plain-text summaries.
//
// Every badge is hostile. Rendering is in two layers: goldmark never emits
// raw HTML from the source (it is dropped), and the result then goes
// through a bluemonday allow-list that keeps only formatting, lists, tables
// and links to http, https and mailto addresses. Images in the Markdown
// become links to the image: Satchel's pages never load a picture from an
// issuer's server.
package markdown

import (
	"bytes"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// MaxInput is how much Markdown is rendered; a longer source is cut at this
// many bytes (at a character boundary). Real criteria are a few paragraphs;
// this only bounds the work a hostile badge can cause.
const MaxInput = 64 << 10

// LinkRel is the rel every link in rendered Markdown carries: search engines
// give the issuer's links no credit from a learner's page, and the page
// opened cannot reach back to Satchel's window.
const LinkRel = "nofollow noopener"

// DefaultTopHeading is the level the highest Markdown heading becomes, so
// that a narrative shown under a page's h2 section keeps the outline in
// order.
const DefaultTopHeading = 3

// Options adjust rendering.
type Options struct {
	// TopHeading is the HTML level (1–6) the source's highest heading
	// becomes; deeper headings follow it, capped at 6. Zero means
	// DefaultTopHeading.
	TopHeading int
}

var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(linkTransformer{}, 100))),
		// No html.WithUnsafe: raw HTML in the source is dropped.
	)
	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
		"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
		"table", "thead", "tbody", "tr", "th", "td")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).OnElements("a")
	p.AllowAttrs("rel").Matching(bluemonday.SpaceSeparatedTokens).OnElements("a")
	p.RequireParseableURLs(true)
	// A relative link would point into Satchel itself.
	p.AllowRelativeURLs(false)
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	return p
}

// linkTransformer gives every link rel="nofollow noopener" and turns every
// image into a link to it whose text is the image's alt text.
type linkTransformer struct{}

// A link to anywhere else (javascript:, data:, a path on Satchel's own
// site) becomes its text. The sanitiser would drop such an href anyway; doing
// it here too leaves no empty <a> behind.
func (linkTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var links []ast.Node
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Link, *ast.AutoLink, *ast.Image:
			links = append(links, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range links {
		parent := n.Parent()
		switch n := n.(type) {
		case *ast.Link:
			if !allowedURL(string(n.Destination)) {
				unwrap(n)
				continue
			}
			n.SetAttributeString("rel", []byte(LinkRel))
		case *ast.AutoLink:
			if !allowedURL(string(n.URL(source))) {
				parent.ReplaceChild(parent, n, ast.NewString(n.Label(source)))
				continue
			}
			n.SetAttributeString("rel", []byte(LinkRel))
		case *ast.Image:
			if n.ChildCount() == 0 {
				n.AppendChild(n, ast.NewString([]byte("image")))
			}
			if !allowedURL(string(n.Destination)) {
				unwrap(n)
				continue
			}
			link := ast.NewLink()
			link.Destination = n.Destination
			link.Title = n.Title
			link.SetAttributeString("rel", []byte(LinkRel))
			moveChildren(link, n)
			parent.ReplaceChild(parent, n, link)
		}
	}
}

// unwrap replaces n by its children.
func unwrap(n ast.Node) {
	parent := n.Parent()
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

func moveChildren(to, from ast.Node) {
	for c := from.FirstChild(); c != nil; {
		next := c.NextSibling()
		to.AppendChild(to, c)
		c = next
	}
}

// allowedURL reports whether a link may point at u: an absolute http or
// https URL with a host, or a mailto: address.
func allowedURL(u string) bool {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return false
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		return p.Host != ""
	case "mailto":
		return p.Opaque != ""
	}
	return false
}

// shiftHeadings moves heading levels so that the document's highest
// heading (whatever level the source used) becomes top, keeping the
// steps between them, capped at 6.
func shiftHeadings(doc ast.Node, top int) {
	highest := 7
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			highest = min(highest, h.Level)
		}
		return ast.WalkContinue, nil
	})
	if highest == 7 || highest == top {
		return
	}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = max(1, min(6, h.Level-highest+top))
		}
		return ast.WalkContinue, nil
	})
}

// ToHTML renders src as sanitised HTML. It never fails: what cannot be
// rendered safely is dropped.
func ToHTML(src string, opts ...Options) string {
	top := DefaultTopHeading
	if len(opts) > 0 && opts[0].TopHeading > 0 {
		top = min(6, opts[0].TopHeading)
	}
	source := []byte(clip(src, MaxInput))
	doc := md.Parser().Parse(text.NewReader(source))
	shiftHeadings(doc, top)
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		// The renderer only fails when the writer does; a bytes.Buffer
		// does not. Show nothing rather than half a document.
		return ""
	}
	return policy.Sanitize(buf.String())
}

// HTML renders src as a templ component of sanitised HTML, for pages.
func HTML(src string, opts ...Options) templ.Component {
	return templ.Raw(ToHTML(src, opts...))
}

// Sanitize cleans HTML from elsewhere with the same allow-list Markdown
// output goes through.
func Sanitize(html string) string {
	return policy.Sanitize(html)
}

// Summary is the first n characters (runes) of the text src says, with the
// Markdown syntax removed and whitespace collapsed, cut at a word boundary
// with "…" when it is longer. It is for places with room for a line or
// two, such as a badge tile's criteria summary.
func Summary(src string, n int) string {
	if n <= 0 {
		return ""
	}
	// The summary needs only the start of the source; parsing a bounded
	// prefix keeps the cost independent of the badge's size.
	source := []byte(clip(src, max(4*n, 1024)))
	doc := md.Parser().Parse(text.NewReader(source))
	var b strings.Builder
	space := func() {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
	}
	ast.Walk(doc, func(node ast.Node, entering bool) (ast.WalkStatus, error) {
		if b.Len() > 4*n {
			return ast.WalkStop, nil
		}
		switch node := node.(type) {
		case *ast.Text:
			if entering {
				b.Write(node.Value(source))
				if node.SoftLineBreak() || node.HardLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				b.Write(node.Value)
			}
		case *ast.AutoLink:
			if entering {
				b.Write(node.Label(source))
			}
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			if entering {
				space()
				lines := node.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					b.Write(seg.Value(source))
					b.WriteByte(' ')
				}
			}
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		default:
			if node.Type() == ast.TypeBlock {
				space()
			}
		}
		return ast.WalkContinue, nil
	})
	return truncate(strings.Join(strings.FieldsFunc(b.String(), unicode.IsSpace), " "), n)
}

// PlainSummary is Summary for text that is not Markdown (a description):
// whitespace collapsed and cut at n characters.
func PlainSummary(s string, n int) string {
	if n <= 0 {
		return ""
	}
	return truncate(strings.Join(strings.FieldsFunc(clip(s, max(4*n, 1024)), unicode.IsSpace), " "), n)
}

// truncate cuts s to at most n runes, at the last space when there is one
// in the second half, and marks the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)[:max(n-1, 0)]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRightFunc(cut, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) + "…"
}

// clip cuts s to at most n bytes without splitting a character, and drops
// NUL bytes (CommonMark replaces them anyway).
func clip(s string, n int) string {
	if len(s) > n {
		i := n
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i]
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}
