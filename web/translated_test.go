package web_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/satchel-backpack/satchel/internal/paths"
)

// pageVisit is one page of Satchel's, as a visitor or as Ada (the public
// fixture's learner) sees it, and an element that shows it is loaded.
type pageVisit struct {
	name, path string
	asAda      bool
	waitFor    string
}

// everyPage lists every page a person can reach, in the state the public
// fixture gives (Ada has badges, public, unlisted and private collections
// and a public profile).
func everyPage(f *publicFixture) []pageVisit {
	pub, coll, unlisted := f.pub.PublicID, f.publicColl.PublicID, f.unlisted.PublicID
	return []pageVisit{
		{"home", paths.Home, false, "main h1"},
		{"verify", paths.Verify, false, "main h1"},
		{"sign-in", paths.SignIn, false, "main h1"},
		{"dev sign-in", paths.DevSignIn, false, "main h1"},
		{"not found", "/no-such-page", false, "main h1"},
		{"public profile", paths.PublicProfile("ada"), false, "main h1"},
		{"public collection", paths.PublicCollection("ada", f.publicColl.Slug), false, "main h1"},
		{"unlisted collection", paths.UnlistedCollection(f.unlisted.UnlistedToken), false, "main h1"},
		{"public badge", paths.PublicBadge("ada", pub), false, "main h1"},
		{"public revoked badge", paths.PublicBadge("ada", f.revoked.PublicID), false, "main h1"},
		{"mastodon form", paths.MastodonShare + "?url=" + f.abs(paths.PublicProfile("ada")) + "&instance=localhost", false, "main h1"},
		{"dashboard", paths.Home, true, "main h1"},
		{"backpack", paths.Backpack, true, "main h1"},
		{"groups", paths.CollectionGroups, true, "main h1"},
		{"badge", paths.Badge(pub), true, "main h1"},
		{"badge delete", paths.BadgeDelete(pub), true, "main h1"},
		{"badge collections", paths.BadgeCollections(pub), true, "main h1"},
		{"import", paths.Import, true, "main h1"},
		{"export and import archive", paths.ImportArchive, true, "main h1"},
		{"collections", paths.Collections, true, "main h1"},
		{"add several badges", paths.CollectionsAdd, true, "main h1"},
		{"collection", paths.Collection(coll), true, "main h1"},
		{"collection edit", paths.CollectionEdit(coll), true, "main h1"},
		{"collection add", paths.CollectionAdd(coll), true, "main h1"},
		{"collection visibility", paths.CollectionVisibility(coll), true, "main h1"},
		{"collection delete", paths.CollectionDelete(coll), true, "main h1"},
		{"collection replace link", paths.CollectionReplaceLink(unlisted), true, "main h1"},
		{"account", paths.Account, true, "main h1"},
		{"emails", paths.Emails, true, "main h1"},
		{"profile edit", paths.ProfileEdit, true, "main h1"},
		{"account delete", paths.DeleteAccount, true, "main h1"},
		{"app consent", paths.OAuthConsent(f.consent), true, "main h1"},
	}
}

// contentText is what the fixture's people and issuers wrote (names,
// badges, collections): it reads the same in every language, as it must.
var contentText = map[string]bool{
	"Ada Lovelace": true, "Bob Babbage": true, "ada": true, "ada@example.org": true,
	"Analytical Engines": true, "Understands engines.": true, "Engine Society": true, "Withdrawn Badge": true,
	"Secret Badge": true, "Hidden Issuer": true, "Engineering": true, "About Engineering": true,
	"For my tutor": true, "About For my tutor": true, "Drafts": true, "About Drafts": true,
	"Notes on the engine": true, "Note G.": true, "Programming": true, "Skills": true,
	// Ada's bio and the badges' Markdown, as their text nodes fall.
	"I write **programs** for engines. <script>alert(1)</script> [site](javascript:alert(1))": true,
	"I write": true, "programs": true, "for engines. alert(1) site": true, "Understands": true, "engines": true,
	"Wrote a program.": true, "Wrote a": true, "program": true,
	"Example LMS": true, "lms.example": true,
	"https://issuer.example/": true, "office@issuer.example": true, "learner@example.org": true,
}

// sameInEveryLanguage are the words of Satchel's own that no language
// translates: names, the language menu's names of languages, and the
// names of file formats and units.
var sameInEveryLanguage = map[string]bool{
	"Satchel": true, "Open Badges": true, "Open Badge": true, "English": true, "Español": true, "Français": true, "العربية": true,
	"PNG": true, "SVG": true, "JSON": true, "JWS": true, "KB": true, "MB": true, "LinkedIn": true, "Mastodon": true,
	"Facebook": true, "eddsa-rdfc-2022": true,
}

// sameWords are the words that are spelt the same in English and in one
// other language, correctly: Spanish says "Error" too, French "Badges",
// "Collection", "Description", "Format", "Public", "Signature".
var sameWords = map[string]*regexp.Regexp{
	"es": regexp.MustCompile(`\bError\b`),
	"fr": regexp.MustCompile(`\b(?i:badges?|collections?|description|format|public|signature|sessions)\b`),
}

// machineText matches a text that is an address, an email address or a
// file name: data, the same in every language.
var machineText = regexp.MustCompile(`^(https?://\S+|/\S*|\S+@\S+\.\S+|[\w.-]+\.(png|svg|json|txt|zip))$`)

// stillEnglish reports whether s, a text of a page in lang that reads the
// same on the English page, has words of Satchel's own left once content,
// names and data are taken out.
func stillEnglish(s, lang string) bool {
	if machineText.MatchString(s) {
		return false
	}
	var known []string
	for k := range contentText {
		known = append(known, k)
	}
	for k := range sameInEveryLanguage {
		known = append(known, k)
	}
	sort.Slice(known, func(i, j int) bool { return len(known[i]) > len(known[j]) })
	for _, k := range known {
		s = strings.ReplaceAll(s, k, " ")
	}
	if re := sameWords[lang]; re != nil {
		s = re.ReplaceAllString(s, " ")
	}
	return hasWords.MatchString(s)
}

// TestTranslation_NoEnglishLeft renders every page in English
// and in Spanish, French and Arabic, and fails on any text, label or
// accessible name of the page's own (not badge content, not what people
// wrote) that reads the same in English as in the other language: a
// string the catalogs do not cover yet.
func TestTranslation_NoEnglishLeft(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t, allLanguages)
	for _, pg := range everyPage(f) {
		b := f.e.browser()
		if pg.asAda {
			b = f.ada
		}
		en := b.getIn(pg.path, "en")
		if en.StatusCode >= 500 || en.StatusCode == 404 && pg.name != "not found" {
			t.Fatalf("%s in English: %d", pg.name, en.StatusCode)
		}
		english := map[string]bool{}
		for _, s := range ownText(en.Doc) {
			english[s] = true
		}
		for _, lang := range []string{"es", "fr", "ar"} {
			p := b.getIn(pg.path, lang)
			if got, _ := p.Doc.Find("html").Attr("lang"); got != lang {
				t.Errorf("%s asked in %s is in %q", pg.name, lang, got)
				continue
			}
			for _, s := range ownText(p.Doc) {
				if english[s] && stillEnglish(s, lang) {
					t.Errorf("%s in %s still says %q in English", pg.name, lang, s)
				}
			}
		}
	}
}

// hasWords matches text with a word of three or more Latin letters: what
// could be English.
var hasWords = regexp.MustCompile(`[A-Za-z]{3,}`)

// ownText returns the page's text nodes and the labels people hear or see
// (aria-label, title, placeholder, a submit button's value), whitespace
// collapsed, leaving out scripts, styles and elements marked as being in a
// language of their own (lang) or not to be translated (translate="no").
func ownText(doc *goquery.Document) []string {
	var out []string
	add := func(s string) {
		if s = strings.Join(strings.Fields(s), " "); s != "" {
			out = append(out, s)
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "template", "head":
				return
			}
			for _, a := range n.Attr {
				switch {
				case a.Key == "lang" && n.Data != "html", a.Key == "translate" && a.Val == "no":
					return
				}
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "aria-label", "title", "placeholder":
					add(a.Val)
				case "value":
					if n.Data == "input" && (attr(n, "type") == "submit" || attr(n, "type") == "button") {
						add(a.Val)
					}
				}
			}
		}
		if n.Type == html.TextNode {
			add(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range doc.Nodes {
		walk(n)
	}
	if title := doc.Find("head title").Text(); title != "" {
		add(title)
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
