package views_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/views"
	"github.com/satchel-backpack/satchel/views/components"
)

func importModel() views.Import {
	return views.Import{MaxFile: "5 MB", MaxTotal: "20 MB", MaxItems: 20, MaxFileBytes: 5 << 20}
}

func TestImportPage_FormWorksWithoutScript(t *testing.T) {
	t.Parallel()
	doc := render(t, views.ImportPage(member, importModel()))
	form := doc.Find(`form[data-testid="import-form"]`)
	if m, _ := form.Attr("method"); m != "post" {
		t.Errorf("method %q", m)
	}
	if a, _ := form.Attr("action"); a != paths.Import {
		t.Errorf("action %q", a)
	}
	if v, _ := form.Find(`input[name="_csrf"]`).Attr("value"); v != testToken {
		t.Errorf("CSRF token %q", v)
	}
	if form.Find(`button[type="submit"]`).Length() != 1 {
		t.Error("no submit button")
	}
	// Every control has a label and its hint is tied to it.
	form.Find("input:not([type=hidden]), textarea").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("%s has no label", id)
		}
		if d, _ := s.Attr("aria-describedby"); d != id+"-hint" || doc.Find("#"+id+"-hint").Length() != 1 {
			t.Errorf("%s described by %q", id, d)
		}
	})
	if hint := doc.Find("#import-files-hint").Text(); !strings.Contains(hint, "5 MB") || !strings.Contains(hint, "20 MB") {
		t.Errorf("limits not stated: %q", hint)
	}
	if doc.Find(`[data-testid="import-results"]`).Length() != 0 {
		t.Error("results shown before anything was sent")
	}
	if n, _ := doc.Find(`script[src*="/static/js/import."]`).Attr("nonce"); n != testNonce {
		t.Errorf("import.js nonce %q", n)
	}
}

func TestImportPage_ResultsOnePerItem(t *testing.T) {
	t.Parallel()
	m := importModel()
	m.Outcomes = []views.ImportOutcome{
		{Source: "a.png", Result: views.ImportAdded, BadgeName: "Knots", Href: paths.Badge("abc"), Status: "valid"},
		{Source: "b.png", Result: views.ImportAdded, BadgeName: "First Aid", Href: paths.Badge("def"), Status: "expired", Message: "It is kept in your backpack, marked as expired."},
		{Source: "c.json", Result: views.ImportDuplicate, BadgeName: "Knots", Href: paths.Badge("abc"), Message: "This badge is already in your backpack."},
		{Source: "photo.png", Result: views.ImportRefused, Message: "This image has no badge data inside it."},
		{Source: "d.json", Result: views.ImportRefused, BadgeName: "Someone's", Message: "Issued to an email address you have not verified.", AddEmail: true},
	}
	doc := render(t, views.ImportPage(member, m))
	if s := doc.Find(`[role="status"][data-testid="import-summary"]`).Text(); s != "2 of 5 imported; 1 already in your backpack; 2 not imported." {
		t.Errorf("summary %q", s)
	}
	items := doc.Find(`[data-testid="import-results"] li[data-testid="import-outcome"]`)
	if items.Length() != 5 {
		t.Fatalf("%d outcomes", items.Length())
	}
	wantHead := []string{"Imported: a.png", "Imported: b.png", "Already in your backpack: c.json", "Not imported: photo.png", "Not imported: d.json"}
	items.Each(func(i int, s *goquery.Selection) {
		head := strings.Join(strings.Fields(s.Find(".import-outcome__head").Text()), " ")
		if head != wantHead[i] {
			t.Errorf("item %d: %q, want %q", i, head, wantHead[i])
		}
	})
	if st := items.Eq(1).Find(`[data-testid="import-status"]`).Text(); st != "Expired" {
		t.Errorf("expired badge marked %q", st)
	}
	if href, _ := items.Eq(2).Find("a").Attr("href"); href != paths.Badge("abc") {
		t.Errorf("duplicate links to %q", href)
	}
	// A refused badge links nowhere in the backpack, but may offer to add an address.
	if items.Eq(4).Find(`[data-testid="import-badge-link"]`).Length() != 0 {
		t.Error("refused badge links to a badge page")
	}
	if href, _ := items.Eq(4).Find(`[data-testid="import-add-email"]`).Attr("href"); href != paths.Emails {
		t.Errorf("add-email link %q", href)
	}
	if items.Eq(3).Find(`[data-testid="import-add-email"]`).Length() != 0 {
		t.Error("add-email offered where it does not help")
	}
}

func TestImportPage_FormErrorsNextToFields(t *testing.T) {
	t.Parallel()
	m := importModel()
	m.URL = "ftp://example.org/badge"
	m.Errors = []components.FieldError{{ID: "import-url", Message: "Enter the badge's full web address, starting with https://."}}
	doc := render(t, views.ImportPage(member, m))
	if href, _ := doc.Find(`[data-testid="form-errors"] a`).Attr("href"); href != "#import-url" {
		t.Errorf("summary links to %q", href)
	}
	in := doc.Find("#import-url")
	if v, _ := in.Attr("value"); v != m.URL {
		t.Errorf("input not kept: %q", v)
	}
	if inv, _ := in.Attr("aria-invalid"); inv != "true" || !strings.Contains(doc.Find("#import-url-error").Text(), "https://") {
		t.Error("error not tied to the field")
	}
}
