package web_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/go-jose/go-jose/v4"

	"github.com/satchel-backpack/satchel/internal/badgetest"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/paths"
)

const sampleRecipient = "learner@example.org"

func mustSample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "static", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// verifyForm is what a person fills in on /verify.
type verifyForm struct {
	fileName string
	file     []byte
	url      string
	text     string
	email    string
	noCSRF   bool
}

// verify submits the verifier form as a browser does: a multipart POST
// with the CSRF token of a freshly loaded /verify.
func (b *browser) verify(f verifyForm) *page {
	b.t.Helper()
	tok := b.get(paths.Verify).csrf(b.t)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if !f.noCSRF {
		w.WriteField("_csrf", tok)
	}
	// A browser sends an empty file part when no file was chosen.
	fw, _ := w.CreateFormFile("file", f.fileName)
	fw.Write(f.file)
	w.WriteField("url", f.url)
	w.WriteField("text", f.text)
	w.WriteField("email", f.email)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.url(paths.Verify), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// checks returns the report's checks as id → status (the last of an id).
func (p *page) checks() map[string]string {
	out := map[string]string{}
	p.Doc.Find(`[data-testid="report-check"]`).Each(func(_ int, s *goquery.Selection) {
		out[s.AttrOr("data-check", "")] = s.AttrOr("data-status", "")
	})
	return out
}

func (p *page) verdict() string {
	return p.Doc.Find(`[data-testid="report"]`).AttrOr("data-verdict", "")
}

// fieldError is the message by a field, without its hidden "Error:" prefix.
func (p *page) fieldError(id string) string {
	msg := strings.Join(strings.Fields(p.Doc.Find("#"+id+"-error").Text()), " ")
	return strings.TrimPrefix(msg, "Error: ")
}

func TestVerify_FormWorksWithoutAnAccountOrJavaScript(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	p := e.browser().get(paths.Verify)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("GET /verify: %d", p.StatusCode)
	}
	form := p.Doc.Find(`form[data-testid="verify-form"]`)
	if form.AttrOr("method", "") != "post" || form.AttrOr("action", "") != paths.Verify || form.AttrOr("enctype", "") != "multipart/form-data" {
		t.Errorf("form is not a plain multipart POST to /verify: %s", goquery.NodeName(form))
	}
	if v, _ := form.Find(`input[name="_csrf"]`).Attr("value"); v == "" {
		t.Error("form has no CSRF token")
	}
	for _, c := range []struct{ id, name, typ string }{
		{"verify-file", "file", "file"}, {"verify-url", "url", "url"}, {"verify-email", "email", "email"},
	} {
		in := form.Find("input#" + c.id)
		if in.AttrOr("name", "") != c.name || in.AttrOr("type", "") != c.typ {
			t.Errorf("#%s: name %q type %q", c.id, in.AttrOr("name", ""), in.AttrOr("type", ""))
		}
		if form.Find(`label[for="`+c.id+`"]`).Length() != 1 {
			t.Errorf("#%s has no label", c.id)
		}
	}
	if form.Find(`textarea#verify-text[name="text"]`).Length() != 1 || form.Find(`label[for="verify-text"]`).Length() != 1 {
		t.Error("no labelled textarea for pasted JSON or JWS")
	}
	// The three ways to give the badge are one group; none of them is
	// "optional" on its own, the email address is.
	source := form.Find("fieldset.verify-source")
	if !strings.Contains(source.Find("legend").Text(), "one of three ways") || source.Find("#verify-file, #verify-url, #verify-text").Length() != 3 {
		t.Error("the file, address and text fields are not grouped under a legend")
	}
	if strings.Contains(source.Find("label").Text(), "optional") {
		t.Errorf("a way to give the badge is labelled optional: %q", source.Find("label").Text())
	}
	if !strings.Contains(form.Find(`label[for="verify-email"]`).Text(), "(optional)") {
		t.Error("the email address is not marked optional")
	}
	if form.Find("#verify-file").AttrOr("aria-describedby", "") != "verify-file-hint" {
		t.Error("the file field is not described by its hint")
	}
	if form.Find(`input#verify-email[required]`).Length() != 0 {
		t.Error("the recipient email must be optional")
	}
	if p.Doc.Find(`[data-testid="report"]`).Length() != 0 {
		t.Error("a report before anything was checked")
	}
	// Sample badges to try, each downloadable from this site.
	samples := p.Doc.Find(`[data-testid="verify-samples"] a[download]`)
	if samples.Length() != 5 {
		t.Errorf("%d sample links, want 5", samples.Length())
	}
	if href := samples.First().AttrOr("href", ""); href != "/static/samples/collaborative-problem-solving.svg" || e.browser().get(href).StatusCode != http.StatusOK {
		t.Errorf("first sample link %q does not download", href)
	}
	// Linked from the navigation, for visitors and for the signed-in.
	if p.Doc.Find(`nav a[data-testid="nav-verify"][aria-current="page"]`).AttrOr("href", "") != paths.Verify {
		t.Error("the navigation does not mark the verifier as the current page")
	}
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	if b.get(paths.Home).Doc.Find(`nav a[data-testid="nav-verify"]`).AttrOr("href", "") != paths.Verify {
		t.Error("no verifier link in the navigation when signed in")
	}
}

func TestVerify_ValidSamples(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	for _, c := range []struct{ file, name, format string }{
		{"data-analysis-with-python.json", "Introduction to Data Analysis with Python", "given as JSON"},
		{"web-accessibility-fundamentals.png", "Web Accessibility Fundamentals", "baked into a PNG image"},
		{"collaborative-problem-solving.svg", "Collaborative Problem Solving", "baked into an SVG image"},
	} {
		t.Run(c.file, func(t *testing.T) {
			p := b.verify(verifyForm{fileName: c.file, file: mustSample(t, c.file)})
			if p.StatusCode != http.StatusOK {
				t.Fatalf("status %d:\n%s", p.StatusCode, p.Body)
			}
			if p.verdict() != "valid" {
				t.Errorf("verdict %q, checks %v", p.verdict(), p.checks())
			}
			verdict := p.Doc.Find(`[data-testid="report-verdict"] p`)
			if verdict.First().Text() != "Valid" || !strings.HasPrefix(verdict.Eq(1).Text(), "Every check passed") {
				t.Errorf("verdict in words: %q", verdict.Text())
			}
			if p.Doc.Find(`[data-testid="report-failed"], [data-testid="report-warnings"]`).Length() != 0 {
				t.Error("a valid report names failed or warning checks")
			}
			if p.Doc.Find(`[data-testid="report-verdict"] svg[aria-hidden="true"]`).Length() != 1 {
				t.Error("no decorative verdict icon beside the words")
			}
			if got := strings.TrimSpace(p.Doc.Find(`[data-testid="report-name"]`).Text()); got != c.name {
				t.Errorf("name %q, want %q", got, c.name)
			}
			// The badge's own picture, inline: the page allows only data: images.
			if src := p.Doc.Find(`img[data-testid="report-image"]`).AttrOr("src", ""); !strings.HasPrefix(src, "data:image/") {
				t.Errorf("badge image src %.40q, want a data: image", src)
			}
			if got := p.Doc.Find(`[data-testid="report-badge"]`).Text(); !strings.Contains(got, c.format) || !strings.Contains(got, "Open Badges 3.0") {
				t.Errorf("badge fields do not say %q and the version: %q", c.format, got)
			}
			if got := strings.TrimSpace(p.Doc.Find(`[data-testid="report-recipient"]`).Text()); !strings.HasPrefix(got, "An email address") {
				t.Errorf("recipient %q, want its kind", got)
			}
			ranAt, err := time.Parse(time.RFC3339, p.Doc.Find(`[data-testid="report-time"] time`).AttrOr("datetime", ""))
			if err != nil || time.Since(ranAt) > time.Minute {
				t.Errorf("report time %v, %v", ranAt, err)
			}
			if !strings.Contains(p.Doc.Find("title").Text(), "Verification report: valid") {
				t.Errorf("title %q does not give the verdict", p.Doc.Find("title").Text())
			}
			// Every check: a status in words, a sentence, and detail folded away.
			p.Doc.Find(`[data-testid="report-check"]`).Each(func(i int, s *goquery.Selection) {
				status := strings.TrimSpace(s.Find(".report-check__status").Text())
				if status == "" || strings.TrimSpace(s.Find(".report-check__message").Text()) == "" {
					t.Errorf("check %d (%s) lacks its status word or sentence", i, s.AttrOr("data-check", ""))
				}
				if s.Find(".report-check__detail").Length() > 0 && s.Find("details > summary").Length() != 1 {
					t.Errorf("check %d detail is not in <details>", i)
				}
			})
			for _, id := range []string{"format", "proof", "key", "expiry"} {
				if p.checks()[id] != "passed" {
					t.Errorf("check %s: %q", id, p.checks()[id])
				}
			}
			if p.checks()["recipient"] != "skipped" {
				t.Errorf("recipient check %q with no email given, want skipped", p.checks()["recipient"])
			}
			// The recipient's hashed identity and salt never appear.
			if strings.Contains(p.Body, "sha256$") || strings.Contains(strings.ToLower(p.Body), "salt") {
				t.Error("the page shows the recipient's hashed identity")
			}
		})
	}
	if c := b.last; c != nil && c.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("report page Cache-Control %q", c.Header.Get("Cache-Control"))
	}
}

func TestVerify_ExpiredSampleIsNotValid(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	p := e.browser().verify(verifyForm{fileName: "x.png", file: mustSample(t, "first-aid-at-work-expired.png")})
	if p.StatusCode != http.StatusOK || p.verdict() != "invalid" || p.checks()["expiry"] != "failed" {
		t.Fatalf("status %d verdict %q checks %v", p.StatusCode, p.verdict(), p.checks())
	}
	if got := p.Doc.Find(`[data-testid="report-expires"]`).Text(); !strings.Contains(got, "2025") {
		t.Errorf("expiry date %q", got)
	}
	if got := p.Doc.Find(`[data-testid="report-verdict"]`).Text(); !strings.Contains(got, "Not valid") {
		t.Errorf("verdict words %q", got)
	}
	// The verdict names what failed, so nobody has to scan the list.
	if got := p.Doc.Find(`[data-testid="report-failed"]`).Text(); got != "Failed: Expiry." {
		t.Errorf("failed checks named as %q", got)
	}
}

func TestVerify_TamperedBadgeFailsItsProof(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	orig := string(mustSample(t, "data-analysis-with-python.json"))
	tampered := strings.Replace(orig, "Introduction to Data Analysis with Python", "Advanced Data Science", 1)
	if tampered == orig {
		t.Fatal("sample name not found")
	}
	// Pasted as text this time.
	p := e.browser().verify(verifyForm{text: tampered})
	if p.StatusCode != http.StatusOK || p.verdict() != "invalid" {
		t.Fatalf("status %d verdict %q", p.StatusCode, p.verdict())
	}
	if p.checks()["proof"] != "failed" {
		t.Errorf("proof check %q, want failed; checks %v", p.checks()["proof"], p.checks())
	}
	// The form below the report is empty, ready for the next badge.
	if got := p.Doc.Find("textarea#verify-text").Text(); got != "" {
		t.Error("the checked text is still in the form for the next badge")
	}
}

func TestVerify_RecipientEmail(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	sample := mustSample(t, "community-garden-volunteer.svg")
	for _, c := range []struct {
		email, status, verdict, says string
	}{
		{"Learner@Example.org", "passed", "valid", "Matches Learner@Example.org."},
		{"someone.else@example.org", "failed", "invalid", "Does not match someone.else@example.org."},
	} {
		p := b.verify(verifyForm{fileName: "badge.svg", file: sample, email: c.email})
		if p.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", c.email, p.StatusCode)
		}
		if p.checks()["recipient"] != c.status || p.verdict() != c.verdict {
			t.Errorf("%s: recipient check %q verdict %q, want %q %q", c.email, p.checks()["recipient"], p.verdict(), c.status, c.verdict)
		}
		if got := strings.TrimSpace(p.Doc.Find(`[data-testid="report-recipient-match"]`).Text()); got != c.says {
			t.Errorf("%s: recipient says %q, want %q", c.email, got, c.says)
		}
		if v := p.Doc.Find("input#verify-email").AttrOr("value", ""); v != c.email {
			t.Errorf("email not kept in the form: %q", v)
		}
	}
	p := b.verify(verifyForm{fileName: "badge.svg", file: sample, email: "not an address"})
	if p.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p.fieldError("verify-email"), "name@example.org") {
		t.Errorf("a malformed email: %d %q", p.StatusCode, p.fieldError("verify-email"))
	}
}

func TestVerify_BadInputGetsAMessageByItsField(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	var plain bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	png.Encode(&plain, img)

	for _, c := range []struct {
		name  string
		form  verifyForm
		field string
		says  string
	}{
		{"empty form", verifyForm{}, "verify-file", "Choose a badge file"},
		{"a photo with no badge data", verifyForm{fileName: "photo.png", file: plain.Bytes()}, "verify-file", "phone photo apps"},
		{"a file that is not a badge", verifyForm{fileName: "notes.txt", file: []byte("Dear employer, I have a badge.")}, "verify-file", "not an Open Badge"},
		{"an empty file", verifyForm{fileName: "empty.png", file: []byte{}}, "verify-file", ""},
		{"pasted text that is not a badge", verifyForm{text: "hello there"}, "verify-text", "not an Open Badge"},
		{"pasted JSON that is not a badge", verifyForm{text: `{"name": "just JSON"}`}, "verify-text", ""},
		{"a web address that is not one", verifyForm{url: "example.org/badge"}, "verify-url", "starting with https://"},
		{"a web address of another scheme", verifyForm{url: "file:///etc/passwd"}, "verify-url", "starting with https://"},
		{"two ways at once", verifyForm{url: "https://example.org/b", text: "{}"}, "verify-url", "more than one way"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := b.verify(c.form)
			if p.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422:\n%s", p.StatusCode, p.Body)
			}
			msg := p.fieldError(c.field)
			if msg == "" || !strings.Contains(strings.ToLower(msg), strings.ToLower(c.says)) {
				t.Errorf("message by #%s: %q, want one saying %q", c.field, msg, c.says)
			}
			if title := p.Doc.Find("title").Text(); !strings.HasPrefix(title, "Error: ") {
				t.Errorf("title %q does not start with Error:", title)
			}
			if p.Doc.Find("#"+c.field).AttrOr("aria-invalid", "") != "true" {
				t.Errorf("#%s not marked invalid", c.field)
			}
			if got := p.Doc.Find(`[data-testid="form-errors"] a[href="#` + c.field + `"]`).Text(); got != msg {
				t.Error("the error summary does not repeat the message")
			}
			if p.Doc.Find(`[data-testid="report"]`).Length() != 0 {
				t.Error("a report for input that is not a badge")
			}
			if c.form.url != "" && p.Doc.Find("#verify-url").AttrOr("value", "") != c.form.url {
				t.Error("web address not kept")
			}
		})
	}
	if e.logs.String() == "" || strings.Contains(e.logs.String(), "panic") {
		t.Errorf("logs:\n%s", e.logs.String())
	}
}

func TestVerify_AcceptsLargerUploadsThanOtherFormsButNotUnbounded(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	// Over the default 1 MiB body limit: still read (and found not to be a badge).
	big := bytes.Repeat([]byte("not a badge "), (2<<20)/12)
	p := b.verify(verifyForm{fileName: "big.txt", file: big})
	if p.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p.fieldError("verify-file"), "not an Open Badge") {
		t.Errorf("2 MiB upload: %d %q", p.StatusCode, p.fieldError("verify-file"))
	}
	// Just over the file limit but within the body: said by the field.
	p = b.verify(verifyForm{fileName: "big.png", file: make([]byte, 5<<20+100<<10)})
	if p.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p.fieldError("verify-file"), "up to 5 MB") {
		t.Errorf("5.1 MB upload: %d %q", p.StatusCode, p.fieldError("verify-file"))
	}
	// Far over: refused before anything is read.
	p = b.verify(verifyForm{fileName: "huge.png", file: make([]byte, 8<<20)})
	if p.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(p.Doc.Find(`[data-testid="error-message"]`).Text(), "up to 5 MB") {
		t.Errorf("8 MB upload: %d %q", p.StatusCode, p.Doc.Find(`[data-testid="error-message"]`).Text())
	}
	// Other forms keep the default limit.
	form := url.Values{"_csrf": {b.get(paths.Verify).csrf(t)}, "name": {strings.Repeat("x", 2<<20)}}
	if p := b.post(paths.DevSignIn, form); p.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB POST to another form: %d, want 413", p.StatusCode)
	}
}

func TestVerify_RefusesAPostWithoutCSRFToken(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	p := e.browser().verify(verifyForm{text: "{}", noCSRF: true})
	if p.StatusCode != http.StatusForbidden {
		t.Errorf("status %d, want 403", p.StatusCode)
	}
}

// issuerServer serves badges on loopback as an issuer's site would.
func issuerServer(t *testing.T) *httptest.Server {
	t.Helper()
	sample := mustSample(t, "data-analysis-with-python.json")
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/badges/data-analysis.json":
			w.Header().Set("Content-Type", "application/ld+json")
			w.Write(sample)
		case "/badges/withdrawn.json":
			http.Error(w, "gone", http.StatusGone)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestVerify_ByWebAddress(t *testing.T) {
	t.Parallel()
	issuer := issuerServer(t)
	host := strings.TrimPrefix(issuer.URL, "http://")
	e := MustStart(t, func(o *webOptions) {
		o.Fetcher = fetch.New(fetch.Options{AllowHosts: []string{host}})
	})
	b := e.browser()

	p := b.verify(verifyForm{url: issuer.URL + "/badges/data-analysis.json", email: sampleRecipient})
	if p.StatusCode != http.StatusOK || p.verdict() != "valid" {
		t.Fatalf("status %d verdict %q checks %v", p.StatusCode, p.verdict(), p.checks())
	}
	if p.checks()["fetch"] != "passed" || p.checks()["recipient"] != "passed" {
		t.Errorf("checks %v", p.checks())
	}
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="report-name"]`).Text()); got != "Introduction to Data Analysis with Python" {
		t.Errorf("name %q", got)
	}

	p = b.verify(verifyForm{url: issuer.URL + "/badges/withdrawn.json"})
	if p.StatusCode != http.StatusOK || p.verdict() != "invalid" || p.checks()["revocation"] != "failed" {
		t.Errorf("a withdrawn badge: status %d verdict %q checks %v", p.StatusCode, p.verdict(), p.checks())
	}
}

// ob2Issuer is an Open Badges 2.0 issuer's site on loopback: its Issuer
// profile, one BadgeClass, and assertions issued to sampleRecipient.
type ob2Issuer struct {
	t    *testing.T
	mux  *http.ServeMux
	base string
	hash string // sha256$… of sampleRecipient with the salt "pepper"
}

func newOB2Issuer(t *testing.T) *ob2Issuer {
	t.Helper()
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	o := &ob2Issuer{t: t, mux: mux, base: ts.URL, hash: badgetest.HashedEmail(sampleRecipient, "pepper")}
	o.serve("/class.json", map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": o.base + "/class.json",
		"name": "Soldering Basics", "description": "Solders a joint that holds.", "image": o.base + "/badge.png",
		"criteria": map[string]any{"narrative": "Solder ten joints."}, "issuer": o.base + "/issuer.json",
	})
	return o
}

func (o *ob2Issuer) host() string { return strings.TrimPrefix(o.base, "http://") }

func (o *ob2Issuer) serve(path string, doc map[string]any) {
	body, err := json.Marshal(doc)
	if err != nil {
		o.t.Fatal(err)
	}
	o.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/ld+json")
		w.Write(body)
	})
}

func (o *ob2Issuer) issuer(extra map[string]any) {
	doc := map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": o.base + "/issuer.json",
		"name": "Maker Space", "url": o.base, "email": "badges@issuer.example",
	}
	for k, v := range extra {
		doc[k] = v
	}
	o.serve("/issuer.json", doc)
}

func (o *ob2Issuer) assertion(id string, extra map[string]any) map[string]any {
	a := map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
		"id":        o.base + "/assertions/" + id + ".json",
		"recipient": map[string]any{"type": "email", "hashed": true, "salt": "pepper", "identity": o.hash},
		"issuedOn":  "2024-03-01T10:00:00Z", "badge": o.base + "/class.json",
		"verification": map[string]any{"type": "hosted"},
	}
	for k, v := range extra {
		a[k] = v
	}
	return a
}

// An Open Badges 2.0 hosted badge: the assertion, its BadgeClass and its
// Issuer are all fetched from the issuer's site (on loopback, allowed for
// the test); the report shows the fields only the issuer's site holds.
func TestVerify_HostedOB2FromALoopbackIssuer(t *testing.T) {
	t.Parallel()
	o := newOB2Issuer(t)
	o.issuer(nil)
	o.serve("/assertions/1.json", o.assertion("1", nil))
	o.serve("/assertions/2.json", o.assertion("2", map[string]any{"revoked": true, "revocationReason": "Issued by mistake"}))
	e := MustStart(t, func(opts *webOptions) {
		opts.Fetcher = fetch.New(fetch.Options{AllowHosts: []string{o.host()}})
	})
	b := e.browser()

	p := b.verify(verifyForm{url: o.base + "/assertions/1.json", email: sampleRecipient})
	if p.StatusCode != http.StatusOK || p.verdict() != "valid" {
		t.Fatalf("status %d verdict %q checks %v", p.StatusCode, p.verdict(), p.checks())
	}
	for _, id := range []string{"fetch", "badgeclass", "issuer", "issuer-policy", "recipient"} {
		if p.checks()[id] != "passed" {
			t.Errorf("check %s: %q", id, p.checks()[id])
		}
	}
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="report-name"]`).Text()); got != "Soldering Basics" {
		t.Errorf("name %q, want the BadgeClass's", got)
	}
	if got := p.Doc.Find(`[data-testid="report-issuer"]`).Text(); !strings.Contains(got, "Maker Space") {
		t.Errorf("issuer %q", got)
	}
	if strings.Contains(p.Body, strings.TrimPrefix(o.hash, "sha256$")) || strings.Contains(p.Body, "pepper") {
		t.Error("the hashed recipient or its salt is on the page")
	}

	p = b.verify(verifyForm{url: o.base + "/assertions/2.json"})
	if p.verdict() != "invalid" || p.checks()["revocation"] != "failed" {
		t.Errorf("a revoked assertion: verdict %q checks %v", p.verdict(), p.checks())
	}
}

// A signed 2.0 badge (a compact JWS, RS256, the key published by the
// issuer), pasted as text and uploaded as a .jws file; changed by one
// character it no longer verifies.
func TestVerify_SignedOB2AsTextAndFile(t *testing.T) {
	t.Parallel()
	o := newOB2Issuer(t)
	key := badgetest.MustRSA(t, 0)
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	keyURL := o.base + "/key.json"
	o.serve("/key.json", map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey", "id": keyURL,
		"owner":        o.base + "/issuer.json",
		"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
	})
	o.issuer(map[string]any{"publicKey": keyURL})
	payload, _ := json.Marshal(o.assertion("signed-1", map[string]any{
		"verification": map[string]any{"type": "SignedBadge", "creator": keyURL},
	}))
	jws := badgetest.MustJWS(t, jose.RS256, key, payload, nil)

	e := MustStart(t, func(opts *webOptions) {
		opts.Fetcher = fetch.New(fetch.Options{AllowHosts: []string{o.host()}})
	})
	b := e.browser()
	for name, f := range map[string]verifyForm{
		"pasted":   {text: jws, email: sampleRecipient},
		"uploaded": {fileName: "badge.jws", file: []byte(jws + "\n"), email: sampleRecipient},
	} {
		p := b.verify(f)
		if p.StatusCode != http.StatusOK || p.verdict() != "valid" || p.checks()["signature"] != "passed" || p.checks()["recipient"] != "passed" {
			t.Errorf("%s: status %d verdict %q checks %v", name, p.StatusCode, p.verdict(), p.checks())
		}
		if got := p.Doc.Find(`[data-testid="report-badge"]`).Text(); !strings.Contains(got, "signed text (JWS)") || !strings.Contains(got, "Soldering Basics") {
			t.Errorf("%s: badge fields %q", name, got)
		}
	}
	// Change one character of the signature.
	i := strings.LastIndexByte(jws, '.') + 10
	c := byte('A')
	if jws[i] == 'A' {
		c = 'B'
	}
	p := b.verify(verifyForm{text: jws[:i] + string(c) + jws[i+1:]})
	if p.verdict() != "invalid" || p.checks()["signature"] != "failed" {
		t.Errorf("a changed signature: verdict %q checks %v", p.verdict(), p.checks())
	}
}

// Everything a badge says is shown as text: markup in its fields stays
// inert, and only http(s) issuer addresses become links.
func TestVerify_HostileBadgeFieldsAreInert(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	hostile := `{
		"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
		"id": "https://issuer.example/a/1",
		"recipient": {"type": "email", "hashed": false, "identity": "learner@example.org"},
		"issuedOn": "2024-03-01T10:00:00Z",
		"verification": {"type": "hosted"},
		"badge": {
			"type": "BadgeClass", "id": "https://issuer.example/class",
			"name": "<script>alert('name')</script>Evil",
			"description": "<img src=x onerror=alert(1)>",
			"image": "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4=",
			"criteria": {"narrative": "x"},
			"issuer": {"type": "Issuer", "id": "https://issuer.example/i", "name": "<b>Bold</b> Issuer", "url": "javascript:alert(1)"}
		}
	}`
	p := e.browser().verify(verifyForm{text: hostile})
	if p.StatusCode != http.StatusOK || p.Doc.Find(`[data-testid="report"]`).Length() != 1 {
		t.Fatalf("status %d:\n%s", p.StatusCode, p.Body)
	}
	if p.Doc.Find(`main script:not([src]), main [onerror], [data-testid="report"] b`).Length() != 0 || strings.Contains(p.Body, "<script>alert") {
		t.Error("markup from the badge became elements")
	}
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="report-name"]`).Text()); got != "<script>alert('name')</script>Evil" {
		t.Errorf("name shown as %q, want the text as given", got)
	}
	// The javascript: address is passed over for the issuer's https id.
	if href := p.Doc.Find(`[data-testid="report-issuer"] a`).AttrOr("href", ""); href != "https://issuer.example/i" {
		t.Errorf("issuer link %q", href)
	}
	// The recipient was not hashed, but the report still names only its kind.
	if got := p.Doc.Find(`[data-testid="report"]`).Text(); strings.Contains(got, "learner@example.org") {
		t.Error("the report shows the recipient's address")
	}
}

// An issuer that never answers does not hang the page: the fetch gives up
// and the report says the badge could not be fetched.
func TestVerify_SlowIssuerGivesAReportNotAHang(t *testing.T) {
	t.Parallel()
	stop := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(stop) })
	e := MustStart(t, func(o *webOptions) {
		o.Fetcher = fetch.New(fetch.Options{AllowHosts: []string{strings.TrimPrefix(slow.URL, "http://")}, Timeout: 300 * time.Millisecond})
	})
	p := e.browser().verify(verifyForm{url: slow.URL + "/badge.json"})
	if p.StatusCode != http.StatusOK || p.verdict() != "invalid" || p.checks()["fetch"] != "failed" {
		t.Fatalf("status %d verdict %q checks %v", p.StatusCode, p.verdict(), p.checks())
	}
	msg := p.Doc.Find(`[data-check="fetch"] .report-check__message`).Text()
	if !strings.Contains(msg, "could not fetch") {
		t.Errorf("fetch check says %q", msg)
	}
}

// When every check slot of this process is taken (here by checks waiting
// on an issuer that does not answer), the next visitor is asked to come
// back soon rather than queued without end; the others then finish.
func TestVerify_BusyAnswers503(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var arrived sync.WaitGroup
	const slots = 16 // verifyConcurrency
	arrived.Add(slots)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		<-release
		http.NotFound(w, r)
	}))
	t.Cleanup(slow.Close)
	e := MustStart(t, func(o *webOptions) {
		o.Fetcher = fetch.New(fetch.Options{AllowHosts: []string{strings.TrimPrefix(slow.URL, "http://")}, Timeout: time.Minute})
		o.VerifyQueueWait = 200 * time.Millisecond
	})
	b := e.browser()
	tok := b.get(paths.Verify).csrf(t)
	post := func(u string) int {
		req, _ := http.NewRequest(http.MethodPost, b.url(paths.Verify), strings.NewReader(url.Values{"_csrf": {tok}, "url": {u}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := b.c.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
		return resp.StatusCode
	}
	codes := make(chan int, slots)
	for i := range slots {
		go func() { codes <- post(fmt.Sprintf("%s/badge/%d.json", slow.URL, i)) }()
	}
	arrived.Wait() // every slot now waits on the issuer
	if got := post(slow.URL + "/badge/extra.json"); got != http.StatusServiceUnavailable {
		t.Errorf("a check beyond the slots: %d, want 503", got)
	}
	close(release)
	for range slots {
		if got := <-codes; got != http.StatusOK {
			t.Errorf("a check holding a slot ended with %d, want 200", got)
		}
	}
}

// Without AllowHosts (production), an address on this machine or a private
// network is never fetched: the report says so.
func TestVerify_NeverFetchesPrivateAddresses(t *testing.T) {
	t.Parallel()
	issuer := issuerServer(t)
	hits := 0
	issuer.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ })
	e := MustStart(t)
	p := e.browser().verify(verifyForm{url: issuer.URL + "/badges/data-analysis.json"})
	if p.StatusCode != http.StatusOK || p.verdict() != "invalid" || p.checks()["fetch"] != "failed" {
		t.Fatalf("status %d verdict %q checks %v", p.StatusCode, p.verdict(), p.checks())
	}
	if hits != 0 {
		t.Errorf("the loopback server was asked %d times", hits)
	}
}

func TestVerify_IsRateLimitedPerClient(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	e := MustStart(t, func(o *webOptions) { o.Now = func() time.Time { return now } })
	b := e.browser()
	for i := range 20 {
		if p := b.verify(verifyForm{}); p.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("check %d: status %d", i+1, p.StatusCode)
		}
	}
	p := b.verify(verifyForm{fileName: "b.json", file: mustSample(t, "data-analysis-with-python.json")})
	if p.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("21st check in ten minutes: status %d, want 429", p.StatusCode)
	}
	retry, err := strconv.Atoi(p.Header.Get("Retry-After"))
	if err != nil || retry <= 0 || retry > 20*60 {
		t.Errorf("Retry-After %q", p.Header.Get("Retry-After"))
	}
	if msg := p.Doc.Find(`[data-testid="error-message"]`).Text(); !strings.Contains(msg, "please wait") || !strings.Contains(msg, "minutes") {
		t.Errorf("429 page says %q", msg)
	}
	if p.Doc.Find(`[data-testid="report"]`).Length() != 0 {
		t.Error("verified although over the limit")
	}
	// The form itself is still shown (only checks count).
	if p := b.get(paths.Verify); p.StatusCode != http.StatusOK {
		t.Errorf("GET /verify over the limit: %d", p.StatusCode)
	}
	// Once the wait is over, checks are allowed again.
	now = now.Add(time.Duration(retry) * time.Second)
	if p := b.verify(verifyForm{}); p.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("after Retry-After: status %d", p.StatusCode)
	}
}

// The limit is per client: behind a trusted proxy each forwarded address
// has its own count, and a client cannot escape by claiming another
// address when it is not a trusted proxy.
func TestVerify_RateLimitCountsTheRealClient(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	e := MustStart(t, func(o *webOptions) { o.Now = func() time.Time { return now } })
	b := e.browser()
	send := func(xff string) int {
		tok := b.get(paths.Verify).csrf(t)
		req, _ := http.NewRequest(http.MethodPost, b.url(paths.Verify), strings.NewReader(url.Values{"_csrf": {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		return b.do(req).StatusCode
	}
	for i := range 20 {
		send(fmt.Sprintf("203.0.113.%d", i+1))
	}
	// No trusted proxy is configured: the claimed addresses were ignored
	// and all twenty counted against the connection's own address.
	if got := send("198.51.100.1"); got != http.StatusTooManyRequests {
		t.Errorf("a client changing X-Forwarded-For escaped the limit: %d", got)
	}

	// Behind a trusted proxy (here: loopback) each forwarded client counts
	// on its own; an IPv6 client by its /64.
	e = MustStart(t, func(o *webOptions) {
		o.Now = func() time.Time { return now }
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	b = e.browser()
	for i := range 20 {
		send(fmt.Sprintf("2001:db8:7:7::%x", i+1))
	}
	if got := send("2001:db8:7:7::ffff"); got != http.StatusTooManyRequests {
		t.Errorf("another address in the same IPv6 /64: %d, want 429", got)
	}
	if got := send("2001:db8:7:8::1"); got != http.StatusUnprocessableEntity {
		t.Errorf("a client in another /64 was limited: %d", got)
	}
	if got := send("203.0.113.50"); got != http.StatusUnprocessableEntity {
		t.Errorf("another forwarded client was limited: %d", got)
	}
}

// Nothing submitted is stored: every table but the rate-limit counts is
// exactly as it was.
func TestVerify_StoresNothing(t *testing.T) {
	t.Parallel()
	issuer := issuerServer(t)
	e := MustStart(t, func(o *webOptions) {
		o.Fetcher = fetch.New(fetch.Options{AllowHosts: []string{strings.TrimPrefix(issuer.URL, "http://")}})
	})
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org") // signed in or not, nothing is kept
	before := dumpTables(t, e.dbPath)
	b.verify(verifyForm{fileName: "a.png", file: mustSample(t, "web-accessibility-fundamentals.png"), email: sampleRecipient})
	b.verify(verifyForm{text: string(mustSample(t, "data-analysis-with-python.json"))})
	b.verify(verifyForm{url: issuer.URL + "/badges/data-analysis.json"})
	b.verify(verifyForm{fileName: "x.txt", file: []byte("nothing")})
	after := dumpTables(t, e.dbPath)
	if len(before) == 0 {
		t.Fatal("no tables found")
	}
	for table, rows := range after {
		if table == "rate_limits" {
			if rows == before[table] {
				t.Error("the rate-limit count did not change")
			}
			continue
		}
		if rows != before[table] {
			t.Errorf("table %s changed:\nbefore: %s\nafter:  %s", table, before[table], rows)
		}
	}
}

// dumpTables reads every row of every table, as text, by table name.
func dumpTables(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, table := range tables {
		r, err := db.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		var lines []string
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			r.Scan(ptrs...)
			lines = append(lines, fmt.Sprint(vals...))
		}
		r.Close()
		sort.Strings(lines)
		out[table] = strings.Join(lines, "\n")
	}
	return out
}

// BenchmarkVerifyPNGSample is one check of a baked PNG (an Open Badges 3.0
// credential with a Data Integrity proof, verified offline) through the
// real router: multipart parsing, CSRF, the rate-limit count in the
// database, unbaking, verification and the report page. Each request comes
// from another address so the limit does not apply.
func BenchmarkVerifyPNGSample(b *testing.B) {
	e := MustStart(b)
	sample := mustSample(b, "web-accessibility-fundamentals.png")
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", "bench-token")
	fw, _ := w.CreateFormFile("file", "badge.png")
	fw.Write(sample)
	w.WriteField("email", sampleRecipient)
	w.Close()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		req := httptest.NewRequest(http.MethodPost, paths.Verify, bytes.NewReader(body.Bytes()))
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.AddCookie(&http.Cookie{Name: "_csrf", Value: "bench-token"})
		req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:40000", i>>16&255, i>>8&255, i&255)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `data-verdict="valid"`) {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
