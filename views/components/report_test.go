package components_test

import (
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/satchel-backpack/satchel/views/components"
)

func words(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

func TestVerificationReport_VerdictInWordsAndShape(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		verdict, title, icon string
	}{
		{"valid", "Valid", "status-icon--passed"},
		{"warning", "Valid, with warnings", "status-icon--warning"},
		{"invalid", "Not valid", "status-icon--failed"},
		{"", "Not valid", "status-icon--failed"}, // unknown never reads as valid
	} {
		doc := render(t, components.VerificationReport(components.Report{Verdict: c.verdict}))
		v := doc.Find(`[data-testid="report-verdict"]`)
		if got := v.Find(".report-verdict__title").Text(); got != c.title {
			t.Errorf("%q: title %q, want %q", c.verdict, got, c.title)
		}
		icon := v.Find("svg")
		if !icon.HasClass(c.icon) || icon.AttrOr("aria-hidden", "") != "true" {
			t.Errorf("%q: icon class %q aria-hidden %q", c.verdict, icon.AttrOr("class", ""), icon.AttrOr("aria-hidden", ""))
		}
	}
}

func TestVerificationReport_EveryCheckWithStatusSentenceAndFoldedDetail(t *testing.T) {
	t.Parallel()
	r := components.Report{
		Verdict: "invalid",
		RanAt:   time.Date(2026, 11, 28, 20, 15, 0, 0, time.UTC),
		Checks: []components.ReportCheck{
			{ID: "format", Status: "passed", Message: "Read a JSON document.", Detail: "format=json"},
			{ID: "revocation-list", Status: "warning", Message: "The list could not be read."},
			{ID: "expiry", Status: "failed", Message: "The badge expired.", Detail: "validUntil=2025-10-02"},
			{ID: "recipient", Status: "skipped", Message: "Recipient not checked."},
			{ID: "new-check", Status: "odd", Message: "Something new."},
		},
	}
	doc := render(t, components.VerificationReport(r))
	items := doc.Find(`[data-testid="report-check"]`)
	if items.Length() != 5 {
		t.Fatalf("%d checks shown, want 5", items.Length())
	}
	want := []struct{ status, name string }{
		{"Passed", "What was read"}, {"Warning", "Revocation list"}, {"Failed", "Expiry"},
		{"Not checked", "Recipient"}, {"Not checked", "new-check"},
	}
	items.Each(func(i int, s *goquery.Selection) {
		if got := s.Find(".report-check__status").Text(); got != want[i].status {
			t.Errorf("check %d status %q, want %q", i, got, want[i].status)
		}
		if got := s.Find(".report-check__name").Text(); got != want[i].name {
			t.Errorf("check %d name %q, want %q", i, got, want[i].name)
		}
		if s.Find(".report-check__message").Text() != r.Checks[i].Message {
			t.Errorf("check %d sentence %q", i, s.Find(".report-check__message").Text())
		}
		hasDetail := r.Checks[i].Detail != ""
		if got := s.Find("details pre").Text(); hasDetail && got != r.Checks[i].Detail || !hasDetail && s.Find("details").Length() != 0 {
			t.Errorf("check %d detail %q", i, got)
		}
	})
	if got := doc.Find("ol.report-checks").Length(); got != 1 {
		t.Error("checks are not an ordered list")
	}
	if got := words(doc.Find(`[data-testid="report-failed"]`)); got != "Failed: Expiry." {
		t.Errorf("failed summary %q", got)
	}
	if got := words(doc.Find(`[data-testid="report-warnings"]`)); got != "Warnings: Revocation list." {
		t.Errorf("warnings summary %q", got)
	}
	tm := doc.Find(`[data-testid="report-time"] time`)
	if tm.AttrOr("datetime", "") != "2026-11-28T20:15:00Z" || tm.Text() != "28 November 2026 at 20:15 UTC" {
		t.Errorf("time %q %q", tm.AttrOr("datetime", ""), tm.Text())
	}
	// A summary for screen readers counts the statuses.
	if got := doc.Find(".visually-hidden").First().Text(); got != "5 checks: 1 passed, 1 with a warning, 1 failed, 2 not checked." {
		t.Errorf("counts %q", got)
	}
}

func TestVerificationReport_BadgeFieldsNeverTheRecipientValue(t *testing.T) {
	t.Parallel()
	r := components.Report{Verdict: "valid", Badge: &components.ReportBadge{
		Name: "First Aid", IssuerName: "Northgate", IssuerURL: "javascript:alert(1)",
		Issued: time.Date(2022, 10, 3, 16, 0, 0, 0, time.UTC), Recipient: "an email address",
		Version: "3.0", Format: "baked into a PNG image",
		RecipientCheck: "failed", RecipientGiven: "someone@example.org",
	}}
	doc := render(t, components.VerificationReport(r))
	if got := words(doc.Find(`[data-testid="report-issued"]`)); got != "3 October 2022" {
		t.Errorf("issued %q", got)
	}
	if got := words(doc.Find(`[data-testid="report-expires"]`)); got != "Does not expire" {
		t.Errorf("expires %q", got)
	}
	if got := words(doc.Find(`[data-testid="report-recipient"]`)); got != "An email address (not shown) Does not match someone@example.org." {
		t.Errorf("recipient %q", got)
	}
	if doc.Find(`[data-testid="report-issuer"] a`).Length() != 0 {
		t.Error("a non-web issuer URL became a link")
	}
	if doc.Find("img").Length() != 0 {
		t.Error("an image with no data: URI")
	}
}

func TestVerificationReport_HeadingLevelsAndIDs(t *testing.T) {
	t.Parallel()
	doc := render(t, components.VerificationReport(components.Report{
		Verdict: "valid", Level: 3, Title: "What Satchel checked", IDPrefix: "public-report",
		Badge: &components.ReportBadge{Name: "x"},
	}))
	if got := doc.Find("h3#public-report-title").Text(); got != "What Satchel checked" {
		t.Errorf("title heading %q", got)
	}
	if doc.Find("h4#public-report-checks-title").Length() != 1 || doc.Find("h4#public-report-badge-title").Length() != 1 {
		t.Error("sections are not one level below the title")
	}
	if doc.Find("section").AttrOr("aria-labelledby", "") != "public-report-title" {
		t.Error("the section is not labelled by its heading")
	}
	doc = render(t, components.VerificationReport(components.Report{Verdict: "valid"}))
	if doc.Find("h2#report-title").Text() != "Verification report" || doc.Find("h3#report-checks-title").Length() != 1 {
		t.Error("default headings")
	}
}
