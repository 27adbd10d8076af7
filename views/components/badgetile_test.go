package components_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/views/components"
)

func TestBadgeTile_DetailsTiedToTheLink(t *testing.T) {
	t.Parallel()
	doc := render(t, components.BadgeTile(components.Tile{
		ID: "abc123", Href: paths.Badge("abc123"), Name: "Knot Tying", Issuer: "Sea Scouts",
		ImageSrc: paths.Image("ff"), Issued: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		Status: "revoked", Changed: true, Description: "Ties knots.", Criteria: "Tie five knots.",
	}))
	link := doc.Find(`h3 a[data-testid="tile-link"]`)
	if link.AttrOr("href", "") != paths.Badge("abc123") || link.Text() != "Knot Tying" {
		t.Fatalf("link %q %q", link.AttrOr("href", ""), link.Text())
	}
	details := doc.Find("#" + link.AttrOr("aria-describedby", "none"))
	if details.Length() != 1 || !strings.Contains(details.Text(), "Ties knots.") || !strings.Contains(details.Text(), "Tie five knots.") {
		t.Errorf("aria-describedby does not lead to the description and criteria: %q", details.Text())
	}
	if alt := doc.Find("img").AttrOr("alt", ""); alt != "Knot Tying" {
		t.Errorf("alt without a caption %q, want the name", alt)
	}
	if got := doc.Find(`[data-testid="badge-status"]`).Text(); got != "Revoked" {
		t.Errorf("status %q", got)
	}
	if doc.Find(`[data-testid="badge-changed"]`).Length() != 1 {
		t.Error("no changed mark")
	}
	if got := doc.Find("time").AttrOr("datetime", ""); got != "2024-03-01T00:00:00Z" {
		t.Errorf("datetime %q", got)
	}
}

func TestBadgeTile_EscapesAndHeadingLevel(t *testing.T) {
	t.Parallel()
	doc := render(t, components.BadgeTile(components.Tile{
		ID: "x", Href: paths.Badge("x"), Name: `<script>alert(1)</script>`, ImageSrc: paths.Image("ff"), ImageAlt: `"><img src=x onerror=alert(1)>`,
		Description: "<b>bold</b>", HeadingLevel: 2,
	}))
	if doc.Find("script").Length() != 0 || doc.Find("b").Length() != 0 || doc.Find("img").Length() != 1 {
		t.Fatal("badge text became markup")
	}
	if doc.Find("h2 a").Text() != `<script>alert(1)</script>` {
		t.Errorf("name at heading level 2: %q", doc.Find("h2 a").Text())
	}
	if got := doc.Find(`[data-testid="tile-criteria"]`).Text(); !strings.Contains(got, "badge's page") {
		t.Errorf("empty criteria should say where to look: %q", got)
	}
	if doc.Find(`[data-testid="badge-status"]`).Length() != 0 {
		t.Error("a tile without a status shows one")
	}
}

func TestStatusLabel_EveryStatusInWords(t *testing.T) {
	t.Parallel()
	for status, want := range map[string]string{"valid": "Valid", "warning": "Valid, with warnings", "invalid": "Not valid", "expired": "Expired", "revoked": "Revoked", "unverified": "Could not verify", "": "Not checked"} {
		if got := components.StatusText(context.Background(), status); got != want {
			t.Errorf("%q: %q, want %q", status, got, want)
		}
	}
}
