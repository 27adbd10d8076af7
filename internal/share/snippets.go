package share

import (
	"html/template"
	"strings"
)

// Snippets are built with html/template, so every name and URL is escaped
// for where it lands (text, attribute or URL); URLs are also checked to be
// absolute http(s) before use, so a javascript: link never gets that far.

// Card is an embeddable, self-contained badge or collection card.
type Card struct {
	Kind Kind
	Name string
	// Issuer is the issuer's name for a badge, the learner's display name
	// for a collection or profile.
	Issuer string
	// ImageURL is an absolute URL of the picture; optional.
	ImageURL string
	// ImageAlt describes the picture; "" when the name beside it says it all.
	ImageAlt string
	// URL is the public page the card links to.
	URL string
	// SiteName names the Satchel instance ("Satchel").
	SiteName string
}

var cardTmpl = template.Must(template.New("card").Parse(
	`<div style="box-sizing:border-box;max-width:380px;display:flex;align-items:center;gap:12px;padding:16px;` +
		`border:1px solid #8a9099;border-radius:8px;background:#ffffff;color:#1b1f24;` +
		`font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;text-align:left">` +
		`{{if .ImageURL}}<img src="{{.ImageURL}}" alt="{{.ImageAlt}}" width="72" height="72" ` +
		`style="display:block;flex:none;width:72px;height:72px;object-fit:contain;border:0">{{end}}` +
		`<div style="min-width:0">` +
		`<a href="{{.URL}}" style="color:#0b4fa8;font-size:16px;font-weight:600;line-height:1.3;text-decoration:underline;overflow-wrap:anywhere">{{.Name}}</a>` +
		`{{if .Issuer}}<p style="margin:4px 0 0;font-size:14px;line-height:1.4;color:#3d434b;overflow-wrap:anywhere">{{.By}} {{.Issuer}}</p>{{end}}` +
		`{{if .SiteName}}<p style="margin:4px 0 0;font-size:12px;line-height:1.4;color:#4b5159">{{.What}} on {{.SiteName}}</p>{{end}}` +
		`</div></div>`))

// EmbedCard returns the HTML of a card showing the image, name and issuer
// with a link to the public page: inline styles only, no script, no class
// names, so it looks the same pasted into any page.
func EmbedCard(c Card) (string, error) {
	if err := checkURL(c.URL); err != nil {
		return "", err
	}
	if c.ImageURL != "" {
		if err := checkURL(c.ImageURL); err != nil {
			return "", err
		}
	}
	by, what := "Issued by", "Open Badge"
	switch c.Kind {
	case KindCollection:
		by, what = "Collected by", "Badge collection"
	case KindProfile:
		by, what = "Badges of", "Badge profile"
	}
	return render(cardTmpl, struct {
		Card
		By, What string
	}{c, by, what})
}

var iframeTmpl = template.Must(template.New("iframe").Parse(
	`<iframe src="{{.URL}}" title="{{.Title}}" width="{{.Width}}" height="{{.Height}}" ` +
		`style="border:0;max-width:100%" loading="lazy" referrerpolicy="strict-origin-when-cross-origin" ` +
		`sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"></iframe>`))

// IframeSnippet returns an <iframe> of embedURL (a Satchel embed route).
// It has a title naming what it shows (for screen readers) and a sandbox
// that blocks scripts while letting its links open.
func IframeSnippet(kind Kind, title, embedURL string, width, height int) (string, error) {
	if err := checkURL(embedURL); err != nil {
		return "", err
	}
	if width <= 0 || height <= 0 {
		return "", ErrBadSize
	}
	t := kind.label()
	if title != "" {
		t += ": " + title
	}
	return render(iframeTmpl, struct {
		URL, Title    string
		Width, Height int
	}{embedURL, t, width, height})
}

// Signature is the email-signature snippet: a row of small badge images
// each linking to its public page, and a link to the profile.
type Signature struct {
	// Badges are shown in order; at most MaxSignatureBadges are kept.
	// ImageURL should be a PNG: most mail clients do not show SVG.
	Badges     []SignatureBadge
	ProfileURL string
	// LinkText is the profile link's text; "View my verified badges"
	// when empty.
	LinkText string
}

// SignatureBadge is one badge in a signature.
type SignatureBadge struct {
	Name     string
	ImageURL string
	URL      string
}

// Signature limits.
const (
	MaxSignatureBadges = 6
	SignatureImageSize = 40 // pixels
)

// Mail clients drop <style> and often flexbox: a presentation table with
// inline styles and width/height attributes is what renders everywhere.
var signatureTmpl = template.Must(template.New("signature").Parse(
	`<table role="presentation" cellpadding="0" cellspacing="0" border="0" ` +
		`style="border-collapse:collapse;font-family:Arial,Helvetica,sans-serif;font-size:13px;line-height:1.4;color:#1b1f24">` +
		`{{if .Badges}}<tr><td style="padding:0 0 4px 0">` +
		`{{range .Badges}}<a href="{{.URL}}" style="text-decoration:none">` +
		`<img src="{{.ImageURL}}" alt="{{.Name}}" title="{{.Name}}" width="{{$.Size}}" height="{{$.Size}}" ` +
		`style="display:inline-block;width:{{$.Size}}px;height:{{$.Size}}px;border:0;margin:0 4px 0 0;vertical-align:middle"></a>{{end}}` +
		`</td></tr>{{end}}` +
		`<tr><td style="padding:0"><a href="{{.ProfileURL}}" style="color:#0b4fa8;text-decoration:underline">{{.LinkText}}</a></td></tr>` +
		`</table>`))

// EmailSignature returns the signature's HTML. Every URL must be absolute
// http(s) (a mail has no base URL).
func EmailSignature(s Signature) (string, error) {
	if err := checkURL(s.ProfileURL); err != nil {
		return "", err
	}
	if len(s.Badges) > MaxSignatureBadges {
		s.Badges = s.Badges[:MaxSignatureBadges]
	}
	for _, b := range s.Badges {
		if err := checkURL(b.URL); err != nil {
			return "", err
		}
		if err := checkURL(b.ImageURL); err != nil {
			return "", err
		}
	}
	if s.LinkText == "" {
		s.LinkText = "View my verified badges"
	}
	return render(signatureTmpl, struct {
		Signature
		Size int
	}{s, SignatureImageSize})
}

func render(t *template.Template, data any) (string, error) {
	var sb strings.Builder
	if err := t.Execute(&sb, data); err != nil {
		return "", err
	}
	return sb.String(), nil
}
