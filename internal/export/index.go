package export

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"
)

// index.html is for people: it opens from the unzipped folder with no
// network (no external CSS, fonts or scripts; pictures by relative path),
// uses headings, landmarks and lists a screen reader can navigate, and
// colours that pass WCAG AA. html/template escapes every value.
var indexTmpl = template.Must(template.New("index").Funcs(template.FuncMap{
	"date":       func(t *time.Time) string { return t.UTC().Format("2 January 2006") },
	"iso":        func(t *time.Time) string { return t.UTC().Format("2006-01-02") },
	"size":       sizeText,
	"formatName": formatName,
	"visName":    visName,
	"statusName": statusName,
	"picture":    picture,
	"badgeName":  func(m map[string]*Badge, id string) string { return m[id].Name },
}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
<style>
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1f24;background:#fff}
header,main,footer{max-width:60rem;margin:0 auto;padding:1rem 1.25rem}
h1{font-size:1.9rem;line-height:1.2;margin:.5rem 0}
h2{font-size:1.45rem;margin:2rem 0 .75rem;border-bottom:2px solid #d0d4da;padding-bottom:.25rem}
h3{font-size:1.15rem;margin:0 0 .5rem;overflow-wrap:anywhere}
a{color:#0b4fa8}
a:focus-visible{outline:3px solid #0b4fa8;outline-offset:2px;border-radius:2px}
.skip{position:absolute;left:-999rem}
.skip:focus{position:static;display:inline-block;margin:.5rem 1.25rem;padding:.25rem .5rem;background:#fff}
.muted{color:#4b5159}
.bio{white-space:pre-line;max-width:40rem}
ul.badges{list-style:none;margin:0;padding:0;display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr))}
ul.badges>li{border:1px solid #8a9099;border-radius:.5rem;padding:1rem}
ul.badges img{display:block;width:7.5rem;height:7.5rem;object-fit:contain;margin:0 0 .75rem}
dl{display:grid;grid-template-columns:minmax(0,6.5rem) 1fr;gap:.15rem .75rem;margin:.5rem 0}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
.collection{margin:0 0 1.5rem}
code{font-size:.85em;overflow-wrap:anywhere}
@media print{.skip{display:none}ul.badges>li{break-inside:avoid}}
</style>
</head>
<body>
<a class="skip" href="#badges">Skip to the badges</a>
<header>
<h1>{{.Title}}</h1>
{{with .Profile}}{{if .Bio}}<p class="bio">{{.Bio}}</p>{{end}}{{end}}
<p class="muted">Exported from {{.Generator}} on <time datetime="{{iso .ExportedAtPtr}}">{{date .ExportedAtPtr}}</time>: {{len .Badges}} {{if eq (len .Badges) 1}}badge{{else}}badges{{end}}, {{len .Collections}} {{if eq (len .Collections) 1}}collection{{else}}collections{{end}}.</p>
</header>
<main>
{{if .Collections}}<section aria-labelledby="collections">
<h2 id="collections">Collections</h2>
{{range .Collections}}<section class="collection" aria-labelledby="collection-{{.ID}}">
<h3 id="collection-{{.ID}}">{{.Name}}</h3>
<p class="muted">{{visName .Visibility}} · {{len .Badges}} {{if eq (len .Badges) 1}}badge{{else}}badges{{end}}</p>
{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Badges}}<ol>{{range .Badges}}<li><a href="#badge-{{.}}">{{badgeName $.ByID .}}</a></li>{{end}}</ol>{{end}}
</section>
{{end}}</section>
{{end}}<section aria-labelledby="badges">
<h2 id="badges">Badges</h2>
{{if .Badges}}<ul class="badges">
{{range .Badges}}<li id="badge-{{.ID}}">
<article aria-labelledby="badge-{{.ID}}-name">
{{with picture .}}<img src="{{.}}" alt="" width="120" height="120">{{end}}
<h3 id="badge-{{.ID}}-name">{{.Name}}</h3>
<dl>
{{if .IssuerName}}<dt>Issuer</dt><dd>{{.IssuerName}}</dd>{{end}}
{{if .IssuedOn}}<dt>Issued</dt><dd><time datetime="{{iso .IssuedOn}}">{{date .IssuedOn}}</time></dd>{{end}}
{{if .Expires}}<dt>Expires</dt><dd><time datetime="{{iso .Expires}}">{{date .Expires}}</time></dd>{{end}}
{{if .Status}}<dt>Status</dt><dd>{{statusName .Status}} when exported</dd>{{end}}
<dt>Visibility</dt><dd>{{visName .Visibility}}</dd>
<dt>Format</dt><dd>{{formatName .}}</dd>
{{if .Tags}}<dt>Tags</dt><dd>{{range $i, $t := .Tags}}{{if $i}}, {{end}}{{$t}}{{end}}</dd>{{end}}
</dl>
<p><a href="{{.Original.Path}}" download>Original file{{if .OriginalName}}: {{.OriginalName}}{{end}}</a> <span class="muted">({{size .Original.Size}})</span></p>
<p class="muted">SHA-256 <code>{{.Original.SHA256}}</code></p>
</article>
</li>
{{end}}</ul>{{else}}<p>This export holds no badges.</p>{{end}}
</section>
</main>
<footer>
<p class="muted">The original files are in the <code>badges</code> folder, exactly as they were received, so any Open Badges verifier can check them. To move everything to another Satchel account, upload the ZIP file itself, unchanged, on that account's import page.</p>
</footer>
</body>
</html>
`))

type indexData struct {
	*Manifest
	Title         string
	ExportedAtPtr *time.Time
	ByID          map[string]*Badge
}

func renderIndex(m *Manifest) ([]byte, error) {
	title := "Badges"
	if m.Profile != nil && m.Profile.DisplayName != "" {
		title = "Badges of " + m.Profile.DisplayName
	}
	by := make(map[string]*Badge, len(m.Badges))
	for i := range m.Badges {
		by[m.Badges[i].ID] = &m.Badges[i]
	}
	at := m.ExportedAt
	var buf bytes.Buffer
	if err := indexTmpl.Execute(&buf, indexData{Manifest: m, Title: title, ExportedAtPtr: &at, ByID: by}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// picture is the relative path of the badge's picture: the original when it
// is an image, else the extra image, else "".
func picture(b Badge) string {
	switch {
	case b.Format == "png" || b.Format == "svg":
		return b.Original.Path
	case b.Image != nil:
		return b.Image.Path
	}
	return ""
}

func formatName(b Badge) string {
	kind := map[string]string{
		"png":  "baked PNG image",
		"svg":  "baked SVG image",
		"json": "JSON",
		"jws":  "signed JWS",
		"url":  "hosted badge URL",
	}[b.Format]
	if b.Version == "" {
		return kind
	}
	return fmt.Sprintf("Open Badges %s, %s", b.Version, kind)
}

func visName(v string) string {
	switch v {
	case Public:
		return "Public"
	case Unlisted:
		return "Anyone with the link"
	default:
		return "Private"
	}
}

func statusName(s string) string {
	switch s {
	case "":
		return s
	case "warning":
		return "Valid, with warnings"
	case "unconfirmed":
		return "Signed, issuer not confirmed"
	case "unverified":
		return "Could not verify"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
