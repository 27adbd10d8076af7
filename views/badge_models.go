package views

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/views/components"
)

// BadgeDetail is the owner's page of one badge: everything it says, its
// verification, and what can be done with it. Markdown fields are raw
// Markdown; the page renders and sanitises them.
type BadgeDetail struct {
	// SentBy is the connected app that pushed the badge into the backpack,
	// "" when the learner added it; SentAt is when.
	SentBy string
	SentAt time.Time
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
	// Content is the language of the name, description and criteria as
	// the issuer wrote them ("" when the badge does not say).
	Content ContentLangs

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
	On         string // what is endorsed, as a sentence: "Endorses this badge", "Endorses the issuer"
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

// expiryText says whether the expiry date has passed, in the context's
// language.
func expiryText(ctx context.Context, expires, now time.Time) string {
	if expires.IsZero() {
		return i18n.T(ctx, "badge.expiry.never")
	}
	if !now.IsZero() && expires.Before(now) {
		return i18n.T(ctx, "badge.expiry.expired_on", i18n.Vars{"Date": i18n.Date(ctx, expires.UTC())})
	}
	return i18n.Date(ctx, expires.UTC())
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

// statusSentenceIn explains a status in the context's language.
func statusSentenceIn(ctx context.Context, status string) string {
	switch status {
	case "valid":
		return i18n.T(ctx, "badge.status_sentence.valid")
	case "warning":
		return i18n.T(ctx, "badge.status_sentence.warning")
	case "invalid":
		return i18n.T(ctx, "badge.status_sentence.invalid")
	case "expired":
		return i18n.T(ctx, "badge.status_sentence.expired")
	case "revoked":
		return i18n.T(ctx, "badge.status_sentence.revoked")
	case "unverified":
		return i18n.T(ctx, "badge.status_sentence.unverified")
	case "unconfirmed":
		return i18n.T(ctx, "badge.status_sentence.unconfirmed")
	}
	return i18n.T(ctx, "badge.status_sentence.unchecked")
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
func evidenceMeta(ctx context.Context, e BadgeEvidence) string {
	g, a := strings.TrimSpace(e.Genre), strings.TrimSpace(e.Audience)
	switch {
	case g != "" && a != "":
		return i18n.T(ctx, "badge.evidence.genre_audience", i18n.Vars{"Genre": g, "Audience": a})
	case a != "":
		return i18n.T(ctx, "badge.evidence.audience", i18n.Vars{"Audience": a})
	}
	return g
}

// ContentLangs are the languages (BCP 47) a badge's name, description and
// criteria are in, as the issuer wrote them; "" when the badge does not
// say. Pages mark each with lang, so a screen reader reads it in its
// language's voice, and with dir="auto", so text in a right-to-left script
// lays out right to left on any page.
type ContentLangs struct {
	Name, Description, Criteria string
}
