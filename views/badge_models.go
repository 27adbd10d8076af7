package views

import (
	"net/url"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/views/components"
)

// BadgeDetail is the owner's page of one badge: everything it says, its
// verification, and what can be done with it. Markdown fields are raw
// Markdown; the page renders and sanitises them.
type BadgeDetail struct {
	// Collections is the "Collections" section (the learner's collections,
	// ticked where the badge is in one); nil shows no section.
	Collections *BadgeCollections
	PublicID    string
	Name        string
	Description string // Markdown
	ImageSrc    string // Satchel's own URL of the image, "" when none is stored
	ImageAlt    string

	CriteriaURL       string // http(s) only; "" otherwise
	CriteriaNarrative string // Markdown

	Issuer BadgeIssuer

	Issued    time.Time
	AwardedOn time.Time
	Expires   time.Time

	// IssuedTo is the learner's identifier the badge was matched to, e.g.
	// "ada@example.org"; IssuedToKind is its kind in words ("email address").
	IssuedTo     string
	IssuedToKind string

	Evidence     []BadgeEvidence
	Alignments   []BadgeAlignment
	Tags         []string
	Endorsements []BadgeEndorsement

	Version      string // e.g. "3.0"
	Format       string // in words, e.g. "baked into a PNG image"
	OriginalName string // the downloaded file's name

	Status     string // the effective status, see components.StatusLabel
	Changed    bool
	PrevStatus string // what the learner last saw, when Changed
	Report     *components.Report
	CheckedAt  time.Time
	History    []BadgeHistoryEntry
	Visibility string // "private" or "public"
	Now        time.Time
	// Share is the share panel, when the badge is on a public profile;
	// Baked offers a JSON or URL badge baked into its picture.
	Share *Share
	Baked Baked
}

// BadgeIssuer is who issued the badge.
type BadgeIssuer struct {
	Name        string
	URL         string // http(s) only
	Email       string
	ImageSrc    string // a data: URI of a small PNG or SVG, or ""
	Description string // Markdown
	ID          string
}

// BadgeEvidence is one piece of evidence.
type BadgeEvidence struct {
	Name        string
	URL         string // http(s) only
	Description string // Markdown
	Narrative   string // Markdown
	Genre       string
	Audience    string
}

// BadgeAlignment is a skill, standard or competency the badge aligns to.
type BadgeAlignment struct {
	Name        string
	URL         string // http(s) only
	Description string
	Framework   string
	Code        string
	Type        string
}

// BadgeEndorsement is a third party's word about the badge or its issuer.
type BadgeEndorsement struct {
	IssuerName string
	IssuerURL  string // http(s) only
	Comment    string // Markdown
	IssuedOn   time.Time
	On         string // what is endorsed, in words: "this badge", "the achievement", "the issuer"
}

// BadgeHistoryEntry is one past verification.
type BadgeHistoryEntry struct {
	CheckedAt time.Time
	Status    string
}

// WebURL returns u when it is an absolute http or https URL, else "".
// Badge pages link only to such addresses.
func WebURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

func tagFilterURL(tag string) string {
	return BackpackQuery{Tag: tag}.URL(1)
}

func issuerFilterURL(name string) string {
	return BackpackQuery{Issuer: name}.URL(1)
}

func longDate(t time.Time) string {
	return t.UTC().Format("2 January 2006")
}

func longDateTime(t time.Time) string {
	return t.UTC().Format("2 January 2006 at 15:04 UTC")
}

// expiryWords says whether the expiry date has passed.
func expiryWords(expires, now time.Time) string {
	if expires.IsZero() {
		return "Does not expire"
	}
	if !now.IsZero() && expires.Before(now) {
		return "Expired on " + longDate(expires)
	}
	return longDate(expires)
}

// mailtoURL is a mailto: link to email, or "" when it does not look like
// one address.
func mailtoURL(email string) string {
	email = strings.TrimSpace(email)
	at := strings.IndexByte(email, '@')
	if at < 1 || at == len(email)-1 || strings.ContainsAny(email, " \t\r\n<>\"?&,;") {
		return ""
	}
	return "mailto:" + url.PathEscape(email)
}

func statusSentence(status string) string {
	switch status {
	case "valid":
		return "Satchel checked this badge and it holds: it is genuine, issued to you, and in force."
	case "warning":
		return "Satchel checked this badge and it holds, with some warnings below."
	case "invalid":
		return "Satchel checked this badge and it does not hold. The checks below say why."
	case "expired":
		return "This badge has passed its expiry date. It was issued to you, but no longer counts as current."
	case "revoked":
		return "The issuer has withdrawn (revoked) this badge."
	case "unverified":
		return "Satchel could not finish checking this badge, usually because the issuer's website did not answer. It will try again."
	case "unconfirmed":
		return "Signed, issuer not confirmed: the badge is unchanged since it was signed, but Satchel cannot confirm that the issuer it names signed it. Ask the issuer to publish their signing key (the checks below say where)."
	}
	return "This badge has not been checked yet."
}

// orText is s, or def when s is blank.
func orText(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// evidenceMeta says what kind of evidence it is and for whom, e.g.
// "Report, for employers".
func evidenceMeta(e BadgeEvidence) string {
	var parts []string
	if g := strings.TrimSpace(e.Genre); g != "" {
		parts = append(parts, g)
	}
	if a := strings.TrimSpace(e.Audience); a != "" {
		parts = append(parts, "for "+a)
	}
	return strings.Join(parts, ", ")
}
