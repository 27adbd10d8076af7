package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/export"
	"github.com/satchel-backpack/satchel/internal/ldproof"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

// A badge whose issuer is did:key A but whose proof is made with B's key
// is a forgery: refused with the sentence that says so, nothing stored.
func TestTrust_ForgedBadgeIsRefused(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	real, forger := newTestIssuer(t), newTestIssuer(t)
	c := real.credential("urn:uuid:00000000-0000-4000-8000-0000000000f1", "Forged Badge", sampleLearner, time.Now().Add(-time.Hour))
	signed, err := ldproof.Sign(c, forger.priv, forger.vm, ldproof.SuiteEddsaRdfc2022, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(signed)
	o := oneOutcome(t, b.importForm(nil, upload{"forged.json", data}))
	if o.result != "refused" || !strings.Contains(o.text, "signed with a key that does not belong to its issuer") {
		t.Fatalf("%+v", o)
	}
	if n := countBadges(t, e, sampleLearner); n != 0 {
		t.Errorf("%d badges stored", n)
	}
}

// A badge signed by a key its issuer does not publish (here an issuer that
// is not a DID or web address) is kept, and everywhere it shows it reads
// "Signed, issuer not confirmed", never valid.
func TestTrust_UnconfirmedBadgeIsKeptAndNeverCalledValid(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	is := newTestIssuer(t)
	c := is.credential("urn:uuid:00000000-0000-4000-8000-0000000000f2", "Self-declared Badge", sampleLearner, time.Now().Add(-time.Hour))
	c["issuer"] = map[string]any{"id": "urn:uuid:5a1d0c3e-0000-4000-8000-00000000aaaa", "type": []any{"Profile"}, "name": "Famous University"}
	o := oneOutcome(t, b.importForm(nil, upload{"unconfirmed.json", is.signLD(t, c)}))
	if o.result != "imported" || o.status != "unconfirmed" || !strings.Contains(o.text, "Signed, issuer not confirmed") {
		t.Fatalf("%+v", o)
	}
	uid := userIDByEmail(t, e, sampleLearner)
	sb := badgeOf(t, e, uid, o.href)
	if sb.Status != store.StatusUnconfirmed || sb.IssuerBinding != "unconfirmed" {
		t.Fatalf("stored status %q binding %q", sb.Status, sb.IssuerBinding)
	}

	const label = "Signed, issuer not confirmed"
	notValid := func(what string, p *page, statusSel string) {
		t.Helper()
		if p.StatusCode != 200 {
			t.Fatalf("%s: HTTP %d", what, p.StatusCode)
		}
		got := strings.TrimSpace(p.Doc.Find(statusSel).First().Text())
		if got != label {
			t.Errorf("%s: status %q, want %q", what, got, label)
		}
		if strings.Contains(p.Doc.Find(`[data-testid="badge-status"], [data-testid="report-verdict"]`).Text(), "Valid") {
			t.Errorf("%s calls the badge valid", what)
		}
	}
	notValid("backpack", b.get(paths.Home), `[data-testid="badge-status"]`)
	if got := b.get(paths.Home).Doc.Find(`[data-testid="tile-binding"]`).Text(); !strings.Contains(got, "not confirmed") {
		t.Errorf("tile details say %q about the issuer", got)
	}
	page := b.get(o.href)
	notValid("badge page", page, `[data-testid="badge-status"]`)
	if got := page.Doc.Find(`[data-testid="report-binding"]`).Text(); !strings.Contains(got, "not confirmed") {
		t.Errorf("badge page report says %q about the issuer", got)
	}

	// Public: the profile, the badge's public page and the embed card.
	ctx := context.Background()
	if _, err := e.db.SaveProfile(ctx, uid, store.ProfileInput{Handle: "sam", DisplayName: "Sam"}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetBadgeVisibility(ctx, uid, sb.PublicID, store.Public); err != nil {
		t.Fatal(err)
	}
	visitor := e.browser()
	notValid("public profile", visitor.get(paths.PublicProfile("sam")), `[data-testid="badge-status"]`)
	notValid("public badge page", visitor.get(paths.PublicBadge("sam", sb.PublicID)), `[data-testid="badge-status"]`)
	embed := visitor.get(paths.EmbedBadge("sam", sb.PublicID))
	if embed.StatusCode != 200 || strings.Contains(embed.Body, ">Valid<") {
		t.Errorf("embed: HTTP %d, calls it valid: %v", embed.StatusCode, strings.Contains(embed.Body, ">Valid<"))
	}

	// The export records the status and its index page says it in words.
	p := b.get(paths.Export)
	a, err := export.ReadBytes([]byte(p.Body), export.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Manifest.Badges) != 1 || a.Manifest.Badges[0].Status != "unconfirmed" {
		t.Fatalf("manifest badges %+v", a.Manifest.Badges)
	}
	zr, _ := zip.NewReader(bytes.NewReader([]byte(p.Body)), int64(len(p.Body)))
	for _, f := range zr.File {
		if f.Name != "index.html" {
			continue
		}
		rc, _ := f.Open()
		html, _ := io.ReadAll(rc)
		rc.Close()
		if !strings.Contains(string(html), label) {
			t.Errorf("the export's index.html does not say %q", label)
		}
	}
}
