package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/export"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

var exportSamples = []string{
	"web-accessibility-fundamentals.png", "community-garden-volunteer.svg",
	"data-analysis-with-python.json", "first-aid-at-work-expired.png",
}

// importArchive posts the archive form as a browser does.
func (b *browser) importArchive(data []byte) *page {
	b.t.Helper()
	tok := b.get(paths.ImportArchive).csrf(b.t)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", tok)
	w, _ := mw.CreateFormFile("archive", "satchel-export.zip")
	w.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.url(paths.ImportArchive), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// backpackState is a learner's badges (dedupe key → original bytes) and
// collections (name → dedupe keys in order), comparable across databases.
type backpackState struct {
	badges      map[string][]byte
	visibility  map[string]string
	collections map[string][]string
}

func stateOf(t *testing.T, db *store.DB, userID int64) backpackState {
	t.Helper()
	d, err := db.ExportData(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	st := backpackState{badges: map[string][]byte{}, visibility: map[string]string{}, collections: map[string][]string{}}
	keyOf := map[string]string{}
	for _, b := range d.Badges {
		st.badges[b.DedupeKey] = b.Original
		st.visibility[b.DedupeKey] = b.Visibility
		keyOf[b.PublicID] = b.DedupeKey
	}
	for _, c := range d.Collections {
		var keys []string
		for _, id := range c.Badges {
			keys = append(keys, keyOf[id])
		}
		st.collections[c.Name+" ("+c.Visibility+")"] = keys
	}
	if len(st.badges) != len(d.Badges) {
		t.Fatalf("duplicate dedupe keys in %d badges", len(d.Badges))
	}
	return st
}

func sameState(t *testing.T, what string, got, want backpackState) {
	t.Helper()
	if len(got.badges) != len(want.badges) {
		t.Errorf("%s: %d badges, want %d", what, len(got.badges), len(want.badges))
	}
	for k, orig := range want.badges {
		if !bytes.Equal(got.badges[k], orig) {
			t.Errorf("%s: badge %s: original bytes differ (%d vs %d bytes)", what, k, len(got.badges[k]), len(orig))
		}
		if got.visibility[k] != want.visibility[k] {
			t.Errorf("%s: badge %s visibility %q, want %q", what, k, got.visibility[k], want.visibility[k])
		}
	}
	if len(got.collections) != len(want.collections) {
		t.Errorf("%s: collections %v, want %v", what, got.collections, want.collections)
	}
	for name, order := range want.collections {
		if !slices.Equal(got.collections[name], order) {
			t.Errorf("%s: collection %s order %v, want %v", what, name, got.collections[name], order)
		}
	}
}

func resultCounts(p *page) string {
	var parts []string
	for _, id := range []string{"import-archive-added", "import-archive-existing", "import-archive-collections", "import-archive-refused-count"} {
		parts = append(parts, strings.Join(strings.Fields(p.Doc.Find(`[data-testid="`+id+`"]`).Text()), " "))
	}
	return strings.Join(parts, "; ")
}

func TestExport_RoundTripIntoAFreshAccountAndDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e1, b1 := signedInLearner(t, sampleLearner)
	var ups []upload
	for _, name := range exportSamples {
		ups = append(ups, upload{name, readSample(t, name)})
	}
	outs := outcomes(t, b1.importForm(nil, ups...))
	if len(outs) != len(exportSamples) {
		t.Fatalf("imported %d of %d samples", len(outs), len(exportSamples))
	}
	uid := userIDByEmail(t, e1, sampleLearner)
	var ids []string
	for _, o := range outs {
		if o.result != "imported" {
			t.Fatalf("sample not imported: %+v", o)
		}
		ids = append(ids, strings.TrimPrefix(o.href, "/badges/"))
	}
	// Two collections, in an order that is not the import order.
	for i, spec := range []struct {
		name, vis string
		order     []int
	}{{"Portfolio", store.Public, []int{3, 0, 2}}, {"Hidden", store.Private, []int{1, 3}}} {
		c, err := e1.db.CreateCollection(ctx, uid, store.CollectionInput{Name: spec.name, Description: "Set " + string(rune('A'+i))})
		if err != nil {
			t.Fatal(err)
		}
		var add []string
		for _, n := range spec.order {
			add = append(add, ids[n])
		}
		if _, err := e1.db.AddToCollection(ctx, uid, c.PublicID, add); err != nil {
			t.Fatal(err)
		}
		if err := e1.db.SetCollectionVisibility(ctx, uid, c.PublicID, spec.vis); err != nil {
			t.Fatal(err)
		}
	}
	if err := e1.db.SetBadgeVisibility(ctx, uid, ids[0], store.Public); err != nil {
		t.Fatal(err)
	}
	want := stateOf(t, e1.db, uid)

	// Download everything.
	p := b1.get(paths.Export)
	if p.StatusCode != http.StatusOK || p.Header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(p.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %q %q", p.StatusCode, p.Header.Get("Content-Type"), p.Header.Get("Content-Disposition"))
	}
	archive := []byte(p.Body)
	a, err := export.ReadBytes(archive, export.Limits{})
	if err != nil {
		t.Fatalf("the export does not read back: %v", err)
	}
	if len(a.Manifest.Badges) != len(exportSamples) || len(a.Manifest.Collections) != 2 {
		t.Fatalf("manifest: %d badges, %d collections", len(a.Manifest.Badges), len(a.Manifest.Collections))
	}
	zr, _ := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if !slices.Contains(names, "index.html") || !slices.Contains(names, "manifest.json") {
		t.Errorf("archive entries %v", names)
	}
	for _, name := range exportSamples {
		found := false
		for _, mb := range a.Manifest.Badges {
			if bytes.Equal(a.Original(mb), readSample(t, name)) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s is not in the archive byte for byte", name)
		}
	}

	// Into a fresh database and account.
	e2, b2 := signedInLearner(t, sampleLearner)
	uid2 := userIDByEmail(t, e2, sampleLearner)
	p = b2.importArchive(archive)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("import: %d\n%s", p.StatusCode, p.Body)
	}
	if got := resultCounts(p); got != "4 badges added; 0 badges were already in your backpack; 2 collections added, 0 already there; 0 badges refused" {
		t.Errorf("result %q", got)
	}
	sameState(t, "after import", stateOf(t, e2.db, uid2), want)

	// Twice: nothing duplicated, nothing reordered.
	p = b2.importArchive(archive)
	if got := resultCounts(p); got != "0 badges added; 4 badges were already in your backpack; 0 collections added, 2 already there; 0 badges refused" {
		t.Errorf("second import %q", got)
	}
	sameState(t, "after a second import", stateOf(t, e2.db, uid2), want)

	// Someone else's backpack: every badge refused with a reason.
	other := e2.browser()
	other.devSignIn("Someone Else", "someone.else@example.org")
	p = other.importArchive(archive)
	refused := p.Doc.Find(`[data-testid="import-archive-refused"] li`)
	if refused.Length() != len(exportSamples) {
		t.Fatalf("refused %d badges of someone else, want %d:\n%s", refused.Length(), len(exportSamples), resultCounts(p))
	}
	refused.Each(func(_ int, s *goquery.Selection) {
		if len(strings.Fields(s.Find("p").Last().Text())) < 4 {
			t.Errorf("refusal without a reason: %q", s.Text())
		}
	})
	if n := countBadges(t, e2, "someone.else@example.org"); n != 0 {
		t.Errorf("someone else got %d badges", n)
	}
}

func TestImportArchive_RefusesCorruptAndForeignFilesChangingNothing(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	outs := outcomes(t, b.importForm(nil, upload{"web-accessibility-fundamentals.png", readSample(t, "web-accessibility-fundamentals.png")}))
	if len(outs) != 1 {
		t.Fatal("sample not imported")
	}
	uid := userIDByEmail(t, e, sampleLearner)
	if href, _ := b.get(paths.DeleteAccount).Doc.Find(`[data-testid="delete-export-link"]`).Attr("href"); href != paths.Export {
		t.Errorf("the delete page offers the export at %q", href)
	}
	if href, _ := b.get(paths.Account).Doc.Find(`[data-testid="account-export-link"]`).Attr("href"); href != paths.ImportArchive {
		t.Errorf("the account page links to %q", href)
	}
	archive := []byte(b.get(paths.Export).Body)
	before := stateOf(t, e.db, uid)

	var foreign bytes.Buffer
	zw := zip.NewWriter(&foreign)
	w, _ := zw.Create("holiday.txt")
	w.Write([]byte("not a backpack"))
	zw.Close()

	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"truncated":   {archive[:len(archive)/2], "damaged"},
		"not a zip":   {[]byte("PK\x03\x04 hello"), "damaged"},
		"foreign zip": {foreign.Bytes(), "not a Satchel export"},
		"empty file":  {nil, "damaged"},
	} {
		p := b.importArchive(tc.data)
		msg := strings.Join(strings.Fields(p.Doc.Find(`[data-testid="import-archive-error"]`).Text()), " ")
		if p.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(strings.ToLower(msg), strings.ToLower(tc.want)) ||
			!strings.Contains(msg, "Nothing in your backpack was changed") {
			t.Errorf("%s: %d %q", name, p.StatusCode, msg)
		}
		sameState(t, name, stateOf(t, e.db, uid), before)
	}
}

func TestBadgeBaked_JSONBadgeBakedIntoItsPicture(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	orig := readSample(t, "data-analysis-with-python.json")
	o := oneOutcome(t, b.importForm(nil, upload{"data-analysis-with-python.json", orig}))
	stored := badgeOf(t, e, userIDByEmail(t, e, sampleLearner), o.href)
	if href, _ := b.get(o.href).Doc.Find(`[data-testid="baked-download-link"]`).Attr("href"); href != paths.BadgeBaked(stored.PublicID) {
		t.Errorf("the badge page offers the baked download at %q", href)
	}
	p := b.get(paths.BadgeBaked(stored.PublicID))
	if p.StatusCode != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("baked: %d %q", p.StatusCode, p.Header.Get("Content-Disposition"))
	}
	got, err := badge.Read([]byte(p.Body))
	if err != nil {
		t.Fatalf("the baked file does not read as a badge: %v", err)
	}
	if got.Format != badge.FormatSVG && got.Format != badge.FormatPNG {
		t.Errorf("baked format %q", got.Format)
	}
	if got.ID != mustModel(t, stored).ID || got.Name != stored.Name {
		t.Errorf("baked badge %q %q, want %q", got.ID, got.Name, stored.Name)
	}
	if d := b.get(paths.BadgeDownload(stored.PublicID)); d.Body != string(orig) {
		t.Error("the original download changed")
	}
	png := oneOutcome(t, b.importForm(nil, upload{"web-accessibility-fundamentals.png", readSample(t, "web-accessibility-fundamentals.png")}))
	if b.get(png.href).Doc.Find(`[data-testid="baked-download-link"]`).Length() != 0 {
		t.Error("a PNG badge's page offers a baked copy")
	}
	pngID := badgeOf(t, e, userIDByEmail(t, e, sampleLearner), png.href).PublicID
	if p := b.get(paths.BadgeBaked(pngID)); p.StatusCode != http.StatusNotFound {
		t.Errorf("a PNG badge offers a baked copy: %d", p.StatusCode)
	}
}

func mustModel(t *testing.T, b *store.Badge) *badge.Badge {
	t.Helper()
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestImportArchive_CountsAgainstTheHourlyAllowanceAndSkipsWhatIsThere(t *testing.T) {
	t.Parallel()
	_, b1 := signedInLearner(t, sampleLearner)
	var ups []upload
	for _, name := range exportSamples {
		ups = append(ups, upload{name, readSample(t, name)})
	}
	if n := len(outcomes(t, b1.importForm(nil, ups...))); n != len(exportSamples) {
		t.Fatalf("imported %d samples", n)
	}
	archive := []byte(b1.get(paths.Export).Body)

	e2, b2 := signedInLearner(t, sampleLearner, func(o *webOptions) { o.ImportLimit = 2 })
	p := b2.importArchive(archive)
	if got := resultCounts(p); !strings.HasPrefix(got, "2 badges added;") || !strings.HasSuffix(got, "2 badges refused") {
		t.Fatalf("with an allowance of 2: %q", got)
	}
	if msg := p.Doc.Find(`[data-testid="import-archive-refused"]`).Text(); !strings.Contains(msg, "in the last hour") {
		t.Errorf("refusal does not name the allowance: %q", msg)
	}
	if n := countBadges(t, e2, sampleLearner); n != 2 {
		t.Errorf("%d badges stored", n)
	}
	// Again: the two already there are skipped without using the
	// allowance, the other two are still refused.
	p = b2.importArchive(archive)
	if got := resultCounts(p); !strings.HasPrefix(got, "0 badges added; 2 badges were already") || !strings.HasSuffix(got, "2 badges refused") {
		t.Errorf("second run: %q", got)
	}
}
