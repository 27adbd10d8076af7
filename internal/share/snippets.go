package share

import (
	"context"
	"html/template"
	"strings"

	"golang.org/x/text/language"

	"github.com/satchel-backpack/satchel/internal/i18n"
)

// Share texts speak for the learner who shares (a card on their blog, a
// signature under their mail, a post in their name), so they are in the
// learner's language, Lang, not the visitor's: a BCP 47 tag of a language
// with a catalog; "" or any other means English.

// Language is the catalogued language lang names, else English.
func Language(lang string) i18n.Language {
	return i18n.Current(in(lang))
}

// Say says the message id in lang (see in), as i18n.T does.
func Say(lang, id string, vars ...i18n.Vars) string {
	return i18n.T(in(lang), id, vars...)
}

// in returns a context that speaks lang.
func in(lang string) context.Context {
	ctx := context.Background()
	if tag, err := language.Parse(lang); err == nil {
		if l, ok := i18n.Find(tag); ok {
			return i18n.WithLanguage(ctx, l)
		}
	}
	return ctx
}

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
	// Lang is the sharing learner's language (see in).
	Lang string
}

var cardTmpl = template.Must(template.New("card").Parse(
	`<div lang="{{.Code}}" dir="{{.Dir}}" style="box-sizing:border-box;max-width:380px;display:flex;align-items:center;gap:12px;padding:16px;` +
		`border:1px solid #8a9099;border-radius:8px;background:#ffffff;color:#1b1f24;` +
		`font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;text-align:start">` +
		`{{if .ImageURL}}<img src="{{.ImageURL}}" alt="{{.ImageAlt}}" width="72" height="72" ` +
		`style="display:block;flex:none;width:72px;height:72px;object-fit:contain;border:0">{{end}}` +
		`<div style="min-width:0">` +
		`<a href="{{.URL}}" style="color:#0b4fa8;font-size:16px;font-weight:600;line-height:1.3;text-decoration:underline;overflow-wrap:anywhere">{{.Name}}</a>` +
		`{{if .Issuer}}<p style="margin:4px 0 0;font-size:14px;line-height:1.4;color:#3d434b;overflow-wrap:anywhere">{{.By}}</p>{{end}}` +
		`{{if .SiteName}}<p style="margin:4px 0 0;font-size:12px;line-height:1.4;color:#4b5159">{{.On}}</p>{{end}}` +
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
	ctx := in(c.Lang)
	by, on := "snippet.issued_by", "snippet.badge_on"
	switch c.Kind {
	case KindCollection:
		by, on = "snippet.collected_by", "snippet.collection_on"
	case KindProfile:
		by, on = "snippet.badges_of", "snippet.profile_on"
	}
	l := i18n.Current(ctx)
	return render(cardTmpl, struct {
		Card
		By, On, Code, Dir string
	}{c, i18n.T(ctx, by, i18n.Vars{"Name": c.Issuer}), i18n.T(ctx, on, i18n.Vars{"Site": c.SiteName}), l.Code(), l.Dir})
}

var iframeTmpl = template.Must(template.New("iframe").Parse(
	`<iframe src="{{.URL}}" title="{{.Title}}" width="{{.Width}}" height="{{.Height}}" ` +
		`style="border:0;max-width:100%" loading="lazy" referrerpolicy="strict-origin-when-cross-origin" ` +
		`sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"></iframe>`))

// Frame is an <iframe> of a Satchel embed route.
type Frame struct {
	Kind          Kind
	Title         string // what it shows, named in the frame's title
	URL           string // the embed route, absolute
	Width, Height int
	Lang          string // the sharing learner's language (see in)
}

// EmbedFrame returns the <iframe> of f. It has a title naming what it
// shows (for screen readers) and a sandbox that blocks scripts while
// letting its links open.
func EmbedFrame(f Frame) (string, error) {
	if err := checkURL(f.URL); err != nil {
		return "", err
	}
	if f.Width <= 0 || f.Height <= 0 {
		return "", ErrBadSize
	}
	ctx := in(f.Lang)
	named, plain := "snippet.frame_badge", "snippet.frame_badge_plain"
	switch f.Kind {
	case KindCollection:
		named, plain = "snippet.frame_collection", "snippet.frame_collection_plain"
	case KindProfile:
		named, plain = "snippet.frame_profile", "snippet.frame_profile_plain"
	}
	t := i18n.T(ctx, plain)
	if f.Title != "" {
		t = i18n.T(ctx, named, i18n.Vars{"Title": f.Title})
	}
	return render(iframeTmpl, struct {
		URL, Title    string
		Width, Height int
	}{f.URL, t, f.Width, f.Height})
}

// IframeSnippet is EmbedFrame in English.
func IframeSnippet(kind Kind, title, embedURL string, width, height int) (string, error) {
	return EmbedFrame(Frame{Kind: kind, Title: title, URL: embedURL, Width: width, Height: height})
}

// Signature is the email-signature snippet: a row of small badge images
// each linking to its public page, and a link to the profile.
type Signature struct {
	// Badges are shown in order; at most MaxSignatureBadges are kept.
	// ImageURL should be a PNG: most mail clients do not show SVG.
	Badges     []SignatureBadge
	ProfileURL string
	// LinkText is the profile link's text; "View my verified badges", in
	// Lang, when empty.
	LinkText string
	// Lang is the sharing learner's language (see in).
	Lang string
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
	`<table role="presentation" lang="{{.Code}}" dir="{{.Dir}}" cellpadding="0" cellspacing="0" border="0" ` +
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
	ctx := in(s.Lang)
	if s.LinkText == "" {
		s.LinkText = i18n.T(ctx, "snippet.signature_link")
	}
	l := i18n.Current(ctx)
	return render(signatureTmpl, struct {
		Signature
		Size      int
		Code, Dir string
	}{s, SignatureImageSize, l.Code(), l.Dir})
}

func render(t *template.Template, data any) (string, error) {
	var sb strings.Builder
	if err := t.Execute(&sb, data); err != nil {
		return "", err
	}
	return sb.String(), nil
}
