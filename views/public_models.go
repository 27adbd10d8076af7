package views

import (
	"io/fs"
	"strings"
	"time"
	"unicode"

	"github.com/satchel-backpack/satchel/static"
	"github.com/satchel-backpack/satchel/views/components"
)

// PublicMeta is what a public page tells search engines and link previews
// (Open Graph, Twitter cards). URLs are absolute. It never holds an email
// address.
type PublicMeta struct {
	Title       string // the page's own title; " · Satchel" is added
	Description string
	URL         string // canonical, absolute
	ImageURL    string // absolute, Satchel's own /images/<hash>; "" for the site's logo
	ImageAlt    string
	Type        string // og:type: "profile" or "website"
	Index       bool   // false: noindex (the default; the learner opts in)
	// OEmbedURL is the oEmbed discovery link (public badges and
	// collections); LargeImage says ImageURL is a 1200×630 share picture.
	OEmbedURL  string
	LargeImage bool
}

func (m PublicMeta) twitterCard() string {
	if m.LargeImage {
		return "summary_large_image"
	}
	return "summary"
}

func (m PublicMeta) robots() string {
	if m.Index {
		return "index, follow"
	}
	return "noindex, nofollow"
}

func (m PublicMeta) ogType() string {
	if m.Type == "" {
		return "website"
	}
	return m.Type
}

// PublicOwner is the learner a public page belongs to.
type PublicOwner struct {
	Handle      string
	DisplayName string
	AvatarSrc   string // Satchel's own URL of their picture, "" for initials
}

// Initials are shown in place of a picture.
func (o PublicOwner) Initials() string { return Initials(o.DisplayName) }

// Initials is the first letter of the first and last word of name.
func Initials(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return "?"
	}
	first := []rune(words[0])[0]
	out := string(unicode.ToUpper(first))
	if len(words) > 1 {
		out += string(unicode.ToUpper([]rune(words[len(words)-1])[0]))
	}
	return out
}

// PublicProfile is a learner's public page, /u/<handle>.
type PublicProfile struct {
	Meta        PublicMeta
	Owner       PublicOwner
	Bio         string // Markdown; the page renders it sanitised
	Collections []PublicCollectionCard
	Tiles       []components.Tile
	Share       *Share // the share panel
}

// PublicCollectionCard is a public collection as the profile lists it.
type PublicCollectionCard struct {
	Name        string
	Description string
	Href        string
	Badges      int
	ImageSrc    string
}

// PublicCollection is one shared collection, public or by its secret link.
type PublicCollection struct {
	Meta        PublicMeta
	Owner       *PublicOwner // nil when the learner has no public profile
	Name        string
	Description string // Markdown
	Unlisted    bool
	Tiles       []components.Tile
	Share       *Share // the share panel; nil for an unlisted link
}

// PublicIssuer is who issued a public badge; no email address.
type PublicIssuer struct {
	Name        string
	URL         string // http(s) only
	ID          string
	Description string // Markdown
}

// PublicBadge is the public page of one badge.
type PublicBadge struct {
	Meta              PublicMeta
	Owner             PublicOwner
	PublicID          string
	Name              string
	Description       string // Markdown
	ImageSrc          string
	ImageAlt          string
	CriteriaURL       string // http(s) only
	CriteriaNarrative string // Markdown
	Content           ContentLangs
	Issuer            PublicIssuer
	Issued            time.Time
	AwardedOn         time.Time
	Expires           time.Time
	Evidence          []BadgeEvidence
	Alignments        []BadgeAlignment
	Status            string // effective status (expired past its date)
	CheckedAt         time.Time
	// RecipientKind is what the badge was matched to when imported, in
	// words ("an email address"); never the value.
	RecipientKind string
	Report        *components.Report
	// Live is true when Report is the result of "Verify now" just run.
	Live  bool
	Now   time.Time
	Share *Share // the share panel
}

// printCSS is the print stylesheet of public pages.
func printCSS() string { return static.Path("css/print.css") }

// optionalScript is the hashed URL of a static script, or "" when the file
// is not (yet) part of the build.
func optionalScript(name string) string {
	if _, err := fs.Stat(static.FS, name); err != nil {
		return ""
	}
	return static.Path(name)
}
