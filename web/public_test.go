package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
)

// pubBadge describes a badge seeded straight into a learner's backpack.
type pubBadge struct {
	name, description, criteria, issuer string
	public                              bool
	status                              store.BadgeStatus
	issued, expires                     time.Time
	matchedEmail                        string // the learner's address the badge was matched to
	evidence                            []badge.Evidence
	alignments                          []badge.Alignment
	withImage                           bool
	language                            string                  // the content's language, as the issuer says
	translations                        map[string][]badge.Text // every language version of a field
}

// pubSeqs numbers seeded badges; tests seed in parallel.
var pubSeqs atomic.Int64

// mustPubBadge stores a badge for userID through the store API, with a
// stored image and a report whose recipient check quotes the address it was
// matched to (as imports record it).
func mustPubBadge(tb testing.TB, db *store.DB, userID int64, pb pubBadge) *store.Badge {
	tb.Helper()
	ctx := context.Background()
	pubSeq := pubSeqs.Add(1)
	if pb.issued.IsZero() {
		pb.issued = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(pubSeq) * time.Hour)
	}
	m := &badge.Badge{
		Version: badge.V3_0, Format: badge.FormatJSON,
		ID: fmt.Sprintf("urn:uuid:pub-%d", pubSeq), Name: pb.name, Description: pb.description,
		Criteria:     badge.Criteria{Narrative: pb.criteria, URL: "https://issuer.example/criteria"},
		Issuer:       badge.Issuer{ID: "https://issuer.example/", Name: pb.issuer, URL: "https://issuer.example/", Email: "office@issuer.example"},
		IssuedOn:     pb.issued,
		Expires:      pb.expires,
		Evidence:     pb.evidence,
		Alignments:   pb.alignments,
		Recipient:    badge.Recipient{Type: "email", Identity: pb.matchedEmail},
		Payload:      []byte(fmt.Sprintf(`{"n":%d}`, pubSeq)),
		Original:     []byte(fmt.Sprintf(`{"n":%d}`, pubSeq)),
		Language:     pb.language,
		Translations: pb.translations,
	}
	b, err := store.NewBadge(m)
	if err != nil {
		tb.Fatal(err)
	}
	b.UserID = userID
	b.Status = pb.status
	if b.Status == "" {
		b.Status = store.StatusValid
	}
	if pb.matchedEmail != "" {
		b.MatchedType, b.MatchedValue = "email", pb.matchedEmail
	}
	rep := verify.Report{RanAt: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), Verdict: verify.Valid, Checks: []verify.Check{
		// As the verifier writes them: the English sentence and the
		// catalog phrase that says it in the reader's language.
		{ID: "signature", Status: verify.Passed, Message: "The issuer's signature (eddsa-rdfc-2022) is valid.",
			Says: []i18n.Phrase{{ID: "check.signature.ok", Vars: map[string]string{"Suite": "eddsa-rdfc-2022"}}}},
		{ID: "recipient", Status: verify.Passed, Message: fmt.Sprintf("The badge was issued to %s (email).", pb.matchedEmail),
			Says: []i18n.Phrase{{ID: "check.recipient.passed", Vars: map[string]string{"Value": pb.matchedEmail, "Type": "email"}}}},
	}}
	b.ReportJSON, _ = json.Marshal(rep)
	b.CheckedAt = rep.RanAt
	if pb.withImage {
		id, _, err := db.PutImage(ctx, pngOf(tb, color.RGBA{R: uint8(pubSeq), G: 90, B: 200, A: 255}), "image/png", 8, 8)
		if err != nil {
			tb.Fatal(err)
		}
		b.ImageID = id
	}
	if _, err := db.UpsertBadge(ctx, b); err != nil {
		tb.Fatal(err)
	}
	if pb.public {
		if err := db.SetBadgeVisibility(ctx, userID, b.PublicID, store.Public); err != nil {
			tb.Fatal(err)
		}
	}
	got, err := db.BadgeByPublicID(ctx, userID, b.PublicID)
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

func pngOf(tb testing.TB, c color.Color) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		for y := range 8 {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func pubUserID(tb testing.TB, e *env, email string) int64 {
	tb.Helper()
	u, err := e.db.UserByLogin(context.Background(), "dev", "dev:"+email)
	if err != nil {
		tb.Fatalf("no account for %s: %v", email, err)
	}
	return u.ID
}

// publicFixture is Ada, signed in, with a profile, two public badges (one
// revoked), a private one, a public, an unlisted and a private collection;
// and Bob, signed in, with a private badge of his own.
type publicFixture struct {
	e                              *env
	ada, bob                       *browser
	adaID, bobID                   int64
	pub, revoked, priv, bobPriv    *store.Badge
	publicColl, unlisted, privColl *store.Collection
	// consent is a platform's pending request to connect to a backpack
	// (its consent page); Ada has connected another platform already.
	consent string
}

func newPublicFixture(t *testing.T, modify ...func(*webOptions)) *publicFixture {
	t.Helper()
	e := MustStart(t, modify...)
	f := &publicFixture{e: e, ada: e.browser(), bob: e.browser()}
	f.ada.devSignIn("Ada Lovelace", "ada@example.org")
	f.bob.devSignIn("Bob Babbage", "bob@example.org")
	f.adaID, f.bobID = pubUserID(t, e, "ada@example.org"), pubUserID(t, e, "bob@example.org")
	ctx := context.Background()
	if _, err := e.db.SaveProfile(ctx, f.adaID, store.ProfileInput{Handle: "ada", DisplayName: "Ada Lovelace",
		Bio: "I write **programs** for engines. <script>alert(1)</script> [site](javascript:alert(1))"}); err != nil {
		t.Fatal(err)
	}
	f.pub = mustPubBadge(t, e.db, f.adaID, pubBadge{name: "Analytical Engines", description: "Understands *engines*.",
		criteria: "Wrote a **program**. <img src=x onerror=alert(1)>", issuer: "Engine Society", public: true, withImage: true,
		matchedEmail: "ada@example.org",
		evidence:     []badge.Evidence{{Name: "Notes on the engine", URL: "https://evidence.example/notes", Narrative: "Note G."}},
		alignments:   []badge.Alignment{{TargetName: "Programming", TargetURL: "https://skills.example/prog", TargetFramework: "Skills"}}})
	f.revoked = mustPubBadge(t, e.db, f.adaID, pubBadge{name: "Withdrawn Badge", issuer: "Engine Society", public: true,
		status: store.StatusRevoked, matchedEmail: "ada@example.org"})
	f.priv = mustPubBadge(t, e.db, f.adaID, pubBadge{name: "Secret Badge", issuer: "Hidden Issuer", matchedEmail: "ada@example.org"})
	f.bobPriv = mustPubBadge(t, e.db, f.bobID, pubBadge{name: "Bob's Badge", issuer: "Bob Issuer", matchedEmail: "bob@example.org"})

	coll := func(name, vis string, badges ...*store.Badge) *store.Collection {
		c, err := e.db.CreateCollection(ctx, f.adaID, store.CollectionInput{Name: name, Description: "About " + name})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, b := range badges {
			ids = append(ids, b.PublicID)
		}
		if _, err := e.db.AddToCollection(ctx, f.adaID, c.PublicID, ids); err != nil {
			t.Fatal(err)
		}
		if err := e.db.SetCollectionVisibility(ctx, f.adaID, c.PublicID, vis); err != nil {
			t.Fatal(err)
		}
		if c, err = e.db.CollectionByPublicID(ctx, f.adaID, c.PublicID); err != nil {
			t.Fatal(err)
		}
		return c
	}
	f.publicColl = coll("Engineering", store.Public, f.pub, f.priv)
	f.unlisted = coll("For my tutor", store.Unlisted, f.pub)
	f.privColl = coll("Drafts", store.Private, f.pub)
	connectApp(t, e.db, f.adaID)
	f.consent = pendingConsent(t, e.db)
	return f
}

var noEmail = regexp.MustCompile(`(?i)[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}`)

// assertNoEmail fails when the page holds an email address anywhere: text,
// attributes, metadata, links.
func assertNoEmail(t *testing.T, what string, p *page) {
	t.Helper()
	if m := noEmail.FindAllString(p.Body, -1); len(m) > 0 {
		t.Errorf("%s shows email addresses %q", what, m)
	}
}

func metaContent(p *page, sel string) string {
	v, _ := p.Doc.Find(sel).Attr("content")
	return v
}

func TestPublicProfile_ShowsOnlyWhatIsPublicAndNoEmail(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	visitor := f.e.browser()
	p := visitor.get(paths.PublicProfile("ada"))
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d:\n%s", p.StatusCode, p.Body)
	}
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="public-name"]`).Text()); got != "Ada Lovelace" {
		t.Errorf("name %q", got)
	}
	bio, _ := p.Doc.Find(`[data-testid="public-bio"]`).Html()
	if !strings.Contains(bio, "<strong>programs</strong>") || strings.Contains(bio, "<script") || strings.Contains(bio, "javascript:") {
		t.Errorf("bio not rendered safely: %s", bio)
	}
	var names []string
	p.Doc.Find(`[data-testid="public-badges"] [data-testid="tile-link"]`).Each(func(_ int, s *goquery.Selection) {
		names = append(names, strings.TrimSpace(s.Text()))
	})
	if strings.Join(names, "|") != "Withdrawn Badge|Analytical Engines" {
		t.Errorf("public badges %q", names)
	}
	if strings.Contains(p.Body, "Secret Badge") || strings.Contains(p.Body, "Drafts") || strings.Contains(p.Body, "For my tutor") {
		t.Error("a private badge or a private/unlisted collection is on the public profile")
	}
	if got := p.Doc.Find(`[data-testid="public-collections"] a`).Text(); got != "Engineering" {
		t.Errorf("collections %q", got)
	}
	if p.Doc.Find(`[data-status="revoked"]`).Length() != 1 {
		t.Error("the revoked badge is not marked revoked")
	}
	// Tiles reveal description and criteria like the backpack's.
	if d := p.Doc.Find(`[data-testid="tile-details"]`).First().Text(); !strings.Contains(d, "Criteria") {
		t.Errorf("tile details %q", d)
	}
	assertNoEmail(t, paths.PublicProfile("ada"), p)

	// Link previews and robots.
	if got := metaContent(p, `meta[name="robots"]`); !strings.Contains(got, "noindex") {
		t.Errorf("robots %q, want noindex by default", got)
	}
	if got := metaContent(p, `meta[property="og:title"]`); got != "Ada Lovelace" {
		t.Errorf("og:title %q", got)
	}
	img := metaContent(p, `meta[property="og:image"]`)
	if img != f.e.ts.URL+paths.ProfileShareImage("ada") || metaContent(p, `meta[name="twitter:image"]`) != img {
		t.Errorf("og:image %q is not the profile's absolute share picture", img)
	}
	if got := metaContent(p, `meta[property="og:url"]`); got != f.e.ts.URL+paths.PublicProfile("ada") {
		t.Errorf("og:url %q", got)
	}
	if metaContent(p, `meta[name="twitter:card"]`) == "" || metaContent(p, `meta[property="og:description"]`) == "" {
		t.Error("no twitter card or og:description")
	}
	if href, _ := p.Doc.Find(`link[rel="stylesheet"][media="print"]`).Attr("href"); !strings.Contains(href, "/css/print.") {
		t.Errorf("no print stylesheet: %q", href)
	}
	if r := visitor.get(img); r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/png" {
		t.Errorf("og:image answers %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}

	// The owner's preview is the same page.
	own := f.ada.get(paths.PublicProfile("ada"))
	if strings.TrimSpace(own.Doc.Find("main").Text()) != strings.TrimSpace(p.Doc.Find("main").Text()) {
		t.Error("the owner sees a different public page than a visitor")
	}

	// Any letter case leads to the one address.
	visitor.follow = false
	if r := visitor.get("/u/ADA"); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != paths.PublicProfile("ada") {
		t.Errorf("/u/ADA: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	coll := paths.PublicCollection("ada", f.publicColl.Slug)
	if r := visitor.get("/u/Ada/" + f.publicColl.Slug); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != coll {
		t.Errorf("/u/Ada/%s: %d %s", f.publicColl.Slug, r.StatusCode, r.Header.Get("Location"))
	}
}

func TestPublicProfile_IndexingIsOptIn(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	p := f.ada.submit(paths.ProfileEdit, paths.ProfileEdit, url.Values{"handle": {"ada"}, "display_name": {"Ada Lovelace"}, "indexable": {"yes"}})
	if p.StatusCode != http.StatusOK {
		t.Fatalf("save: %d", p.StatusCode)
	}
	visitor := f.e.browser()
	for _, path := range []string{paths.PublicProfile("ada"), paths.PublicCollection("ada", f.publicColl.Slug), paths.PublicBadge("ada", f.pub.PublicID)} {
		if got := metaContent(visitor.get(path), `meta[name="robots"]`); strings.Contains(got, "noindex") {
			t.Errorf("%s: robots %q after opting in", path, got)
		}
	}
	// A secret link is never indexed.
	if got := metaContent(visitor.get(paths.UnlistedCollection(f.unlisted.UnlistedToken)), `meta[name="robots"]`); !strings.Contains(got, "noindex") {
		t.Errorf("unlisted collection robots %q", got)
	}
}

func TestPublicCollections(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	visitor := f.e.browser()
	p := visitor.get(paths.PublicCollection("ada", f.publicColl.Slug))
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	if got := p.Doc.Find(`[data-testid="collection-name"]`).Text(); got != "Engineering" {
		t.Errorf("name %q", got)
	}
	if n := p.Doc.Find(`[data-testid="badge-tile"]`).Length(); n != 1 || strings.Contains(p.Body, "Secret Badge") {
		t.Errorf("%d tiles; private badge shown: %v", n, strings.Contains(p.Body, "Secret Badge"))
	}
	assertNoEmail(t, "public collection", p)

	u := visitor.get(paths.UnlistedCollection(f.unlisted.UnlistedToken))
	if u.StatusCode != http.StatusOK || u.Doc.Find(`[data-testid="collection-name"]`).Text() != "For my tutor" {
		t.Fatalf("unlisted: %d", u.StatusCode)
	}
	if !strings.Contains(metaContent(u, `meta[name="robots"]`), "noindex") {
		t.Error("unlisted collection may be indexed")
	}
	assertNoEmail(t, "unlisted collection", u)

	// Replacing the link kills the old one.
	if _, err := f.e.db.ReplaceUnlistedToken(context.Background(), f.adaID, f.unlisted.PublicID); err != nil {
		t.Fatal(err)
	}
	if r := visitor.get(paths.UnlistedCollection(f.unlisted.UnlistedToken)); r.StatusCode != http.StatusNotFound {
		t.Errorf("old unlisted link: %d", r.StatusCode)
	}
}

// TestPublicPages_NotFoundLooksLikeUnknown: a private, deleted or unknown
// item answers exactly like an address that never existed.
func TestPublicPages_NotFoundLooksLikeUnknown(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	if err := f.e.db.DeleteBadge(context.Background(), f.adaID, f.revoked.PublicID); err != nil {
		t.Fatal(err)
	}
	visitor := f.e.browser()
	normal := func(p *page) string {
		return strings.Join(strings.Fields(p.Doc.Find("main").Text()), " ") + "|" + p.Doc.Find("title").Text()
	}
	want := visitor.get("/no-such-page")
	if want.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown page %d", want.StatusCode)
	}
	for _, path := range []string{
		paths.PublicProfile("nobody"),
		paths.PublicProfile("admin"),
		paths.PublicProfile("bob"), // no profile
		paths.PublicBadge("ada", f.priv.PublicID),
		paths.PublicBadge("ada", f.bobPriv.PublicID),
		paths.PublicBadge("ada", f.revoked.PublicID), // deleted
		paths.PublicBadge("ada", "guessed00000000000000"),
		paths.PublicCollection("ada", f.privColl.Slug),
		paths.PublicCollection("ada", f.unlisted.Slug), // unlisted is not on the profile
		paths.PublicCollection("ada", "no-such-collection"),
		paths.UnlistedCollection(f.privColl.UnlistedToken),
		paths.UnlistedCollection("AAAAAAAAAAAAAAAAAAAAAAAAAA"),
	} {
		for _, b := range []*browser{visitor, f.bob} {
			p := b.get(path)
			if p.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, p.StatusCode)
				continue
			}
			w := want
			if b == f.bob {
				w = f.bob.get("/no-such-page")
			}
			if normal(p) != normal(w) {
				t.Errorf("%s: 404 page differs from an unknown address:\n%s\n%s", path, normal(p), normal(w))
			}
		}
	}
}

func TestPublicBadge_ShowsEverythingButTheEmail(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	visitor := f.e.browser()
	p := visitor.get(paths.PublicBadge("ada", f.pub.PublicID))
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	for sel, want := range map[string]string{
		`[data-testid="badge-name"]`:       "Analytical Engines",
		`[data-testid="badge-recipient"]`:  "Ada Lovelace",
		`[data-testid="issuer-name"]`:      "Engine Society",
		`[data-testid="badge-evidence"]`:   "Notes on the engine",
		`[data-testid="badge-alignments"]`: "Programming",
		`[data-testid="badge-checked-at"]`: "2 January 2026",
		`[data-testid="recipient-note"]`:   "matched to Ada Lovelace's verified email address when the badge was imported",
		`[data-testid="badge-issued"]`:     "2025",
	} {
		if got := strings.Join(strings.Fields(p.Doc.Find(sel).Text()), " "); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", sel, got, want)
		}
	}
	crit, _ := p.Doc.Find(`[data-testid="badge-criteria"]`).Html()
	if !strings.Contains(crit, "<strong>program</strong>") || strings.Contains(crit, "onerror") || strings.Contains(crit, "<img") {
		t.Errorf("criteria not sanitised: %s", crit)
	}
	if href, _ := p.Doc.Find(`[data-testid="badge-criteria-link"]`).Attr("href"); href != "https://issuer.example/criteria" {
		t.Errorf("criteria link %q", href)
	}
	if p.Doc.Find(`[data-testid="verify-now"]`).Length() != 1 {
		t.Error("no Verify now button")
	}
	// The stored report's recipient check named the address; the page must not.
	if !strings.Contains(p.Body, "Matched when imported") {
		t.Error("the recipient check does not say it matched when imported")
	}
	assertNoEmail(t, "public badge page", p)
	if !strings.HasSuffix(metaContent(p, `meta[property="og:image"]`), paths.BadgeShareImage("ada", f.pub.PublicID)) {
		t.Error("no og:image on the badge page")
	}

	rev := visitor.get(paths.PublicBadge("ada", f.revoked.PublicID))
	if got := rev.Doc.Find(`[data-testid="public-status-notice"]`).Text(); !strings.Contains(got, "Revoked") {
		t.Errorf("revoked badge notice %q", got)
	}
}

func TestPublicBadge_VerifyNowRunsLiveAndIsRateLimited(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	visitor := f.e.browser()
	path := paths.PublicBadge("ada", f.pub.PublicID)
	before, err := f.e.db.BadgeChecks(context.Background(), f.pub.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	p := visitor.submit(path, paths.PublicBadgeVerify("ada", f.pub.PublicID), nil)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("verify now: %d\n%s", p.StatusCode, p.Body)
	}
	if p.Doc.Find(`[data-testid="verified-now"]`).Length() != 1 {
		t.Error("the page does not say it checked just now")
	}
	// The seeded badge is unsigned: the live checks say so, one by one.
	if n := p.Doc.Find(`[data-check]`).Length() + p.Doc.Find(`[data-testid="report-check"]`).Length(); n == 0 {
		t.Errorf("no checks shown:\n%s", p.Doc.Find(`[data-testid="badge-verification"]`).Text())
	}
	if !strings.Contains(p.Body, "Matched when imported") {
		t.Error("live report does not explain the recipient")
	}
	assertNoEmail(t, "verify now", p)
	after, _ := f.e.db.BadgeChecks(context.Background(), f.pub.ID, 100)
	if len(after) != len(before) {
		t.Error("Verify now stored a check")
	}

	// Without the form's token it is refused.
	if r := visitor.post(paths.PublicBadgeVerify("ada", f.pub.PublicID), url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("verify without CSRF: %d", r.StatusCode)
	}
	// A private badge cannot be verified publicly.
	priv := paths.PublicBadgeVerify("ada", f.priv.PublicID)
	tok := visitor.get(path).csrf(t)
	if r := visitor.post(priv, url.Values{"_csrf": {tok}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("verify a private badge: %d", r.StatusCode)
	}
	// The limit: ten per client per ten minutes (two used above).
	var last *page
	for range 12 {
		last = visitor.post(paths.PublicBadgeVerify("ada", f.pub.PublicID), url.Values{"_csrf": {tok}})
		if last.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("no rate limit: %d", last.StatusCode)
	}
}

func TestProfileForm(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ada, bob := e.browser(), e.browser()
	ada.devSignIn("Ada Lovelace", "ada@example.org")
	bob.devSignIn("Bob", "bob@example.org")

	p := ada.get(paths.ProfileEdit)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("form: %d", p.StatusCode)
	}
	if v, _ := p.Doc.Find(`#profile-handle`).Attr("value"); v != "ada-lovelace" {
		t.Errorf("suggested handle %q", v)
	}
	if p.Doc.Find(`[data-testid="profile-preview"]`).Length() != 0 {
		t.Error("preview offered before there is a profile")
	}

	bad := ada.submit(paths.ProfileEdit, paths.ProfileEdit, url.Values{"handle": {"Admin"}, "display_name": {"ada@example.org"}, "bio": {"Hi"}})
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid: %d", bad.StatusCode)
	}
	if msg := bad.Doc.Find(`#profile-handle-error`).Text(); !strings.Contains(msg, "reserved") {
		t.Errorf("handle error %q", msg)
	}
	if msg := bad.Doc.Find(`#profile-name-error`).Text(); msg == "" {
		t.Error("no error next to the name")
	}
	if v, _ := bad.Doc.Find(`#profile-handle`).Attr("value"); v != "Admin" {
		t.Errorf("input not kept: %q", v)
	}
	if bad.Doc.Find(`#profile-bio`).Text() != "Hi" {
		t.Error("bio not kept")
	}
	if _, err := e.db.ProfileOf(context.Background(), pubUserID(t, e, "ada@example.org")); fail.CodeOf(err) != fail.NotFound {
		t.Error("an invalid form saved a profile")
	}

	ok := ada.submit(paths.ProfileEdit, paths.ProfileEdit, url.Values{"handle": {"Ada"}, "display_name": {"Ada L."}, "bio": {"Engines."}})
	if ok.StatusCode != http.StatusOK || ok.Request.URL.Path != paths.ProfileEdit {
		t.Fatalf("save: %d at %s", ok.StatusCode, ok.Request.URL)
	}
	if href, _ := ok.Doc.Find(`[data-testid="profile-preview"]`).Attr("href"); href != paths.PublicProfile("ada") {
		t.Errorf("preview link %q", href)
	}
	taken := bob.submit(paths.ProfileEdit, paths.ProfileEdit, url.Values{"handle": {"ADA"}, "display_name": {"Bob"}})
	if taken.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(taken.Doc.Find(`#profile-handle-error`).Text(), "taken") {
		t.Errorf("taken handle: %d %q", taken.StatusCode, taken.Doc.Find(`#profile-handle-error`).Text())
	}
	if v := e.browser().get(paths.PublicProfile("ada")); v.StatusCode != http.StatusOK || !strings.Contains(v.Doc.Find(`[data-testid="public-name"]`).Text(), "Ada L.") {
		t.Errorf("public page after saving: %d", v.StatusCode)
	}
}

// TestPublicProfile_ChangesShowAtOnce: the rendered profile is cached, but
// every change to what it shows appears on the next request.
func TestPublicProfile_ChangesShowAtOnce(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	ctx := context.Background()
	visitor := f.e.browser()
	tiles := func() int {
		return visitor.get(paths.PublicProfile("ada")).Doc.Find(`[data-testid="badge-tile"]`).Length()
	}
	if n := tiles(); n != 2 {
		t.Fatalf("%d tiles", n)
	}
	steps := []struct {
		what string
		do   func() error
		want int
	}{
		{"make a badge private", func() error { return f.e.db.SetBadgeVisibility(ctx, f.adaID, f.revoked.PublicID, store.Private) }, 1},
		{"make a badge public", func() error { return f.e.db.SetBadgeVisibility(ctx, f.adaID, f.priv.PublicID, store.Public) }, 2},
		{"delete a public badge", func() error { return f.e.db.DeleteBadge(ctx, f.adaID, f.priv.PublicID) }, 1},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatal(err)
		}
		if n := tiles(); n != st.want {
			t.Errorf("after %s: %d tiles, want %d", st.what, n, st.want)
		}
	}
	if _, err := f.e.db.SaveProfile(ctx, f.adaID, store.ProfileInput{Handle: "ada", DisplayName: "Countess Ada"}); err != nil {
		t.Fatal(err)
	}
	if got := visitor.get(paths.PublicProfile("ada")).Doc.Find(`[data-testid="public-name"]`).Text(); got != "Countess Ada" {
		t.Errorf("after renaming: %q", got)
	}
	if err := f.e.db.RemoveFromCollection(ctx, f.adaID, f.publicColl.PublicID, f.pub.PublicID); err != nil {
		t.Fatal(err)
	}
	if got := visitor.get(paths.PublicProfile("ada")).Doc.Find(`[data-testid="public-collections"] .muted`).Text(); got != "0 badges" {
		t.Errorf("after taking the badge out of the collection it says %q", got)
	}
	if err := f.e.db.SetCollectionVisibility(ctx, f.adaID, f.publicColl.PublicID, store.Private); err != nil {
		t.Fatal(err)
	}
	if visitor.get(paths.PublicProfile("ada")).Doc.Find(`[data-testid="public-collections"]`).Length() != 0 {
		t.Error("a collection made private is still listed")
	}
}

// TestPublicCollection_ChangesShowAtOnce: a public collection's page is
// cached like the profile, and every change to what it shows appears on
// the next request, including changes that close it to visitors.
func TestPublicCollection_ChangesShowAtOnce(t *testing.T) {
	t.Parallel()
	f := newPublicFixture(t)
	ctx := context.Background()
	visitor := f.e.browser()
	path := paths.PublicCollection("ada", f.publicColl.Slug)
	get := func() *page {
		t.Helper()
		return visitor.get(path)
	}
	tiles := func() int { return get().Doc.Find(`[data-testid="badge-tile"]`).Length() }
	if n := tiles(); n != 1 { // f.pub; f.priv is private
		t.Fatalf("%d tiles", n)
	}
	if n := tiles(); n != 1 { // served again, from the cache
		t.Fatalf("%d tiles the second time", n)
	}
	steps := []struct {
		what string
		do   func() error
		want int
	}{
		{"make its private badge public", func() error { return f.e.db.SetBadgeVisibility(ctx, f.adaID, f.priv.PublicID, store.Public) }, 2},
		{"take a badge out", func() error { return f.e.db.RemoveFromCollection(ctx, f.adaID, f.publicColl.PublicID, f.priv.PublicID) }, 1},
		{"make its badge private", func() error { return f.e.db.SetBadgeVisibility(ctx, f.adaID, f.pub.PublicID, store.Private) }, 0},
		{"make it public again", func() error { return f.e.db.SetBadgeVisibility(ctx, f.adaID, f.pub.PublicID, store.Public) }, 1},
		{"add a public badge", func() error {
			_, err := f.e.db.AddToCollection(ctx, f.adaID, f.publicColl.PublicID, []string{f.revoked.PublicID})
			return err
		}, 2},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatal(err)
		}
		if n := tiles(); n != st.want {
			t.Errorf("after %s: %d tiles, want %d", st.what, n, st.want)
		}
	}
	if _, err := f.e.db.SaveProfile(ctx, f.adaID, store.ProfileInput{Handle: "ada", DisplayName: "Countess Ada"}); err != nil {
		t.Fatal(err)
	}
	if got := get().Doc.Find("title").Text(); !strings.Contains(got, "Countess Ada") {
		t.Errorf("after renaming the learner the title is %q", got)
	}
	if err := f.e.db.UpdateCollection(ctx, f.adaID, f.publicColl.PublicID, store.CollectionInput{Name: "Mechanical engineering", Slug: f.publicColl.Slug}); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(get().Doc.Find(`[data-testid="collection-name"]`).Text()); got != "Mechanical engineering" {
		t.Errorf("after renaming the collection it is called %q", got)
	}
	if err := f.e.db.UpdateCollection(ctx, f.adaID, f.publicColl.PublicID, store.CollectionInput{Name: "Mechanical engineering", Slug: "mechanics"}); err != nil {
		t.Fatal(err)
	}
	if p := get(); p.StatusCode != http.StatusNotFound {
		t.Errorf("the old address answers %d after the slug changed", p.StatusCode)
	}
	path = paths.PublicCollection("ada", "mechanics")
	if n := tiles(); n != 2 {
		t.Errorf("the new address shows %d tiles", n)
	}
	if err := f.e.db.SetCollectionVisibility(ctx, f.adaID, f.publicColl.PublicID, store.Private); err != nil {
		t.Fatal(err)
	}
	if p := get(); p.StatusCode != http.StatusNotFound {
		t.Errorf("a collection made private answers %d", p.StatusCode)
	}
	if err := f.e.db.SetCollectionVisibility(ctx, f.adaID, f.publicColl.PublicID, store.Public); err != nil {
		t.Fatal(err)
	}
	if err := f.e.db.DeleteProfile(ctx, f.adaID); err != nil {
		t.Fatal(err)
	}
	if p := get(); p.StatusCode != http.StatusNotFound {
		t.Errorf("with the profile deleted the collection answers %d", p.StatusCode)
	}
}
