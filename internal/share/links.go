// Package share builds what a learner needs to show a badge where people
// already look: "Add to profile" and post links for LinkedIn, share links
// for X, Facebook and Mastodon, oEmbed responses, and HTML snippets (an
// embeddable card, an iframe, an email signature). It only builds strings;
// the web layer decides which badges are public.
package share

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/i18n"
)

// Badge is what the share links need to know of a public badge.
type Badge struct {
	Name       string
	IssuerName string
	// IssuedOn and Expires are read in UTC; a zero Expires means the badge
	// does not expire.
	IssuedOn time.Time
	Expires  time.Time
	// URL is the public badge page: LinkedIn's "credential URL".
	URL string
	// CredentialID is the assertion or credential id, LinkedIn's
	// "credential ID". Optional.
	CredentialID string
}

// ErrBadURL is returned when a URL to share is not an absolute http(s) URL.
var ErrBadURL = errors.New("share: the link to share must be an absolute http or https URL")

// Share endpoints. LinkedIn's parameter names are those of its "Add to
// Profile for Certifications" documentation; X's are its web intent's.
const (
	linkedInAdd   = "https://www.linkedin.com/profile/add"
	linkedInShare = "https://www.linkedin.com/sharing/share-offsite/"
	xIntent       = "https://x.com/intent/tweet"
	facebookShare = "https://www.facebook.com/sharer/sharer.php"
)

// LinkedInAddToProfile returns LinkedIn's "Add to profile" link that opens
// the certification form filled in: name, issuing organisation, issue year
// and month, expiry year and month (only when the badge expires),
// credential URL and credential id. Months count from 1 (January is 1).
func LinkedInAddToProfile(b Badge) (string, error) {
	if err := checkURL(b.URL); err != nil {
		return "", err
	}
	q := query{{"startTask", "CERTIFICATION_NAME"}, {"name", b.Name}}
	if b.IssuerName != "" {
		q = append(q, param{"organizationName", b.IssuerName})
	}
	if !b.IssuedOn.IsZero() {
		y, m := yearMonth(b.IssuedOn)
		q = append(q, param{"issueYear", y}, param{"issueMonth", m})
	}
	if !b.Expires.IsZero() {
		y, m := yearMonth(b.Expires)
		q = append(q, param{"expirationYear", y}, param{"expirationMonth", m})
	}
	q = append(q, param{"certUrl", b.URL})
	if b.CredentialID != "" {
		q = append(q, param{"certId", b.CredentialID})
	}
	return linkedInAdd + "?" + q.encode(), nil
}

// yearMonth gives the UTC year and the month numbered from 1. (Using a
// zero-based month, as JavaScript's getMonth does, is the off-by-one some
// wallets ship.)
func yearMonth(t time.Time) (string, string) {
	t = t.UTC()
	return strconv.Itoa(t.Year()), strconv.Itoa(int(t.Month()))
}

// LinkedInPost returns the link that opens a LinkedIn post sharing pageURL.
// LinkedIn takes only the URL; the title, text and picture come from the
// page's Open Graph tags.
func LinkedInPost(pageURL string) (string, error) {
	if err := checkURL(pageURL); err != nil {
		return "", err
	}
	return linkedInShare + "?" + query{{"url", pageURL}}.encode(), nil
}

// X returns X's post intent link with text (shortened to fit a post) and
// pageURL.
func X(pageURL, text string) (string, error) {
	if err := checkURL(pageURL); err != nil {
		return "", err
	}
	q := query{}
	if text != "" {
		q = append(q, param{"text", clip(text, maxXText)})
	}
	q = append(q, param{"url", pageURL})
	return xIntent + "?" + q.encode(), nil
}

// Facebook returns Facebook's share dialog link for pageURL.
func Facebook(pageURL string) (string, error) {
	if err := checkURL(pageURL); err != nil {
		return "", err
	}
	return facebookShare + "?" + query{{"u", pageURL}}.encode(), nil
}

// Mastodon returns the share link on the learner's own instance
// ("https://{instance}/share?text=…"), with pageURL after text (shortened
// to fit a post). The instance
// is checked with MastodonInstance.
func Mastodon(instance, pageURL, text string) (string, error) {
	host, err := MastodonInstance(instance)
	if err != nil {
		return "", err
	}
	if err := checkURL(pageURL); err != nil {
		return "", err
	}
	body := pageURL
	if text != "" {
		body = clip(text, maxMastodonText) + " " + pageURL
	}
	return "https://" + host + "/share?" + query{{"text", body}}.encode(), nil
}

// ShareText is the default text of a post about a badge, in the sharing
// learner's language (lang; see in).
func ShareText(b Badge, lang string) string {
	ctx := in(lang)
	if b.IssuerName == "" {
		return i18n.T(ctx, "snippet.post_badge", i18n.Vars{"Badge": b.Name})
	}
	return i18n.T(ctx, "snippet.post_badge_from", i18n.Vars{"Badge": b.Name, "Issuer": b.IssuerName})
}

// CollectionText is the default text of a post about a collection.
func CollectionText(name, lang string) string {
	return i18n.T(in(lang), "snippet.post_collection", i18n.Vars{"Name": name})
}

// ProfileText is the default text of a post about a profile on site.
func ProfileText(site, lang string) string {
	return i18n.T(in(lang), "snippet.post_profile", i18n.Vars{"Site": site})
}

// Post length budgets for the text before the link: X allows 280
// characters and Mastodon 500 by default, each counting a link as 23.
const (
	maxXText        = 250
	maxMastodonText = 470
)

// clip shortens s to at most n runes, ending with an ellipsis when cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}

// checkURL accepts only absolute http(s) URLs with a host and no user info.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return ErrBadURL
	}
	return nil
}

type param struct{ key, value string }

// query keeps parameters in the order written (url.Values sorts them) and
// encodes spaces as %20, which every share endpoint reads the same way.
type query []param

func (q query) encode() string {
	var sb strings.Builder
	for i, p := range q {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(escape(p.key))
		sb.WriteByte('=')
		sb.WriteString(escape(p.value))
	}
	return sb.String()
}

// escape is url.QueryEscape with %20 for a space; a literal '+' is already
// %2B, so the replacement cannot clash.
func escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
