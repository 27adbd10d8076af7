package web_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/go-jose/go-jose/v4"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/badgetest"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/ldproof"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/web"
)

// The sample badges in static/samples are issued to this address.
const sampleLearner = "learner@example.org"

type upload struct {
	name string
	data []byte
}

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "static", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// importForm posts the import form as a browser does (multipart, with the
// page's CSRF token): files in "files", plus the url and pasted fields.
func (b *browser) importForm(fields url.Values, files ...upload) *page {
	b.t.Helper()
	tok := b.get(paths.Import).csrf(b.t)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", tok)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if len(files) == 0 {
		// What a browser sends when no file was chosen.
		w, _ := mw.CreateFormFile("files", "")
		w.Write(nil)
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile("files", f.name)
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.url(paths.Import), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

type outcome struct {
	result, status, source, message, href string
	text                                  string
}

func outcomes(t testing.TB, p *page) []outcome {
	t.Helper()
	var out []outcome
	p.Doc.Find(`[data-testid="import-outcome"]`).Each(func(_ int, s *goquery.Selection) {
		o := outcome{text: strings.Join(strings.Fields(s.Text()), " ")}
		o.result, _ = s.Attr("data-result")
		o.status, _ = s.Attr("data-status")
		o.source = strings.TrimSpace(s.Find(".import-outcome__source").Text())
		o.message = strings.Join(strings.Fields(s.Find(`[data-testid="import-message"]`).Text()), " ")
		o.href, _ = s.Find(`[data-testid="import-badge-link"]`).Attr("href")
		out = append(out, o)
	})
	return out
}

func oneOutcome(t testing.TB, p *page) outcome {
	t.Helper()
	outs := outcomes(t, p)
	if len(outs) != 1 {
		t.Fatalf("want one outcome, got %d (status %d):\n%s", len(outs), p.StatusCode, p.Body)
	}
	return outs[0]
}

// badgeOf reads back the badge an outcome links to.
func badgeOf(t testing.TB, e *env, userID int64, href string) *store.Badge {
	t.Helper()
	id := strings.TrimPrefix(href, "/badges/")
	if id == href || id == "" {
		t.Fatalf("outcome links to %q, not a badge page", href)
	}
	b, err := e.db.BadgeByPublicID(context.Background(), userID, id)
	if err != nil {
		t.Fatalf("badge %s: %v", id, err)
	}
	return b
}

func signedInLearner(t *testing.T, email string, modify ...func(*web.Options)) (*env, *browser) {
	t.Helper()
	e := MustStart(t, modify...)
	b := e.browser()
	b.devSignIn("Learner", email)
	return e, b
}

func userIDByEmail(t testing.TB, e *env, email string) int64 {
	t.Helper()
	// Every test signs in one learner through the development provider.
	for id := int64(1); id < 10; id++ {
		u, err := e.db.User(context.Background(), id)
		if err == nil && strings.EqualFold(u.Email, email) {
			return u.ID
		}
	}
	t.Fatalf("no user with email %s", email)
	return 0
}

func TestImport_FormNeedsSignInAndOffersEveryWay(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	visitor := e.browser()
	visitor.follow = false
	if p := visitor.get(paths.Import); p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), paths.SignIn) {
		t.Fatalf("visitor: %d %s", p.StatusCode, p.Header.Get("Location"))
	}
	b := e.browser()
	b.devSignIn("Learner", sampleLearner)
	p := b.get(paths.Import)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	form := p.Doc.Find(`form[data-testid="import-form"]`)
	if enc, _ := form.Attr("enctype"); enc != "multipart/form-data" {
		t.Errorf("enctype %q", enc)
	}
	file := form.Find(`input[type="file"][name="files"]`)
	if _, ok := file.Attr("multiple"); !ok || file.Length() != 1 {
		t.Errorf("no multiple file input")
	}
	for _, id := range []string{"import-files", "import-url", "import-pasted"} {
		if p.Doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("field %s has no label", id)
		}
	}
	if p.Doc.Find(`[data-import-progress][aria-live="polite"]`).Length() != 1 {
		t.Error("no live progress region")
	}
	if src, _ := p.Doc.Find(`script[src*="import"]`).Attr("src"); !strings.Contains(src, "/static/js/import.") {
		t.Errorf("import.js not loaded: %q", src)
	}
}

func TestImport_BakedPNG(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	png := readSample(t, "web-accessibility-fundamentals.png")
	p := b.importForm(nil, upload{"web-accessibility-fundamentals.png", png})
	o := oneOutcome(t, p)
	if o.result != "imported" || o.status != "valid" || !strings.Contains(o.text, "Web Accessibility Fundamentals") {
		t.Fatalf("outcome %+v", o)
	}
	if s := p.Doc.Find(`[role="status"][data-testid="import-summary"]`).Text(); !strings.Contains(s, "1 of 1 imported") {
		t.Errorf("summary %q", s)
	}
	got := badgeOf(t, e, userIDByEmail(t, e, sampleLearner), o.href)
	if got.Format != "png" || got.Version != "3.0" || got.Status != store.StatusValid || !bytes.Equal(got.Original, png) ||
		got.OriginalName != "web-accessibility-fundamentals.png" || got.OriginalType != "image/png" ||
		!strings.EqualFold(got.MatchedValue, sampleLearner) || got.IssuerName != "Riverside Community College" {
		t.Fatalf("stored %+v", got)
	}
	if got.ImageHash == "" {
		t.Fatal("no image stored")
	}
	im, err := e.db.ImageByHash(context.Background(), got.ImageHash)
	if err != nil || im.ContentType != "image/png" || im.Width == 0 {
		t.Fatalf("image %+v %v", im, err)
	}
	rep, err := got.Report()
	if err != nil || rep.Verdict != verify.Valid {
		t.Fatalf("report %+v %v", rep, err)
	}
	if len(got.Tags) == 0 {
		t.Error("tags not stored")
	}
}

func TestImport_SeveralFilesAtOnce_SVGJSONAndExpiredKept(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	names := []string{
		"collaborative-problem-solving.svg",
		"data-analysis-with-python.json",
		"first-aid-at-work-expired.png",
		"community-garden-volunteer.svg",
		"web-accessibility-fundamentals.png",
	}
	var files []upload
	for _, n := range names {
		files = append(files, upload{n, readSample(t, n)})
	}
	p := b.importForm(nil, files...)
	outs := outcomes(t, p)
	if len(outs) != len(names) {
		t.Fatalf("%d outcomes for %d files:\n%s", len(outs), len(names), p.Body)
	}
	uid := userIDByEmail(t, e, sampleLearner)
	for i, o := range outs {
		if o.source != names[i] || o.result != "imported" {
			t.Errorf("%s: %+v", names[i], o)
			continue
		}
		got := badgeOf(t, e, uid, o.href)
		wantStatus := store.StatusValid
		if strings.Contains(names[i], "expired") {
			wantStatus = store.StatusExpired
			if o.status != "expired" || !strings.Contains(o.text, "Expired") || !strings.Contains(o.message, "marked as expired") {
				t.Errorf("expired badge not marked: %+v", o)
			}
		}
		if got.Status != wantStatus {
			t.Errorf("%s stored as %s, want %s", names[i], got.Status, wantStatus)
		}
		wantFormat := strings.TrimPrefix(filepath.Ext(names[i]), ".")
		if got.Format != wantFormat {
			t.Errorf("%s format %s", names[i], got.Format)
		}
	}
	if s := p.Doc.Find(`[data-testid="import-summary"]`).Text(); s != "5 of 5 imported." {
		t.Errorf("summary %q", s)
	}
}

func TestImport_DuplicateIsRecognised(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	svg := readSample(t, "community-garden-volunteer.svg")
	first := oneOutcome(t, b.importForm(nil, upload{"garden.svg", svg}))
	if first.result != "imported" {
		t.Fatalf("first: %+v", first)
	}
	// The same badge again, this time as pasted JSON extracted from the image.
	data, err := badge.Unbake(svg)
	if err != nil {
		t.Fatal(err)
	}
	p := b.importForm(url.Values{"pasted": {string(data)}})
	second := oneOutcome(t, p)
	if second.result != "duplicate" || second.href != first.href || !strings.Contains(second.text, "already in your backpack") {
		t.Fatalf("second: %+v", second)
	}
	if s := p.Doc.Find(`[data-testid="import-summary"]`).Text(); !strings.Contains(s, "1 already in your backpack") {
		t.Errorf("summary %q", s)
	}
	if n := countBadges(t, e, sampleLearner); n != 1 {
		t.Errorf("%d badges stored, want 1", n)
	}
}

func countBadges(t testing.TB, e *env, email string) int {
	t.Helper()
	n, err := e.db.CountBadges(context.Background(), userIDByEmail(t, e, email))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImport_PastedJSON(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	p := b.importForm(url.Values{"pasted": {string(readSample(t, "data-analysis-with-python.json"))}})
	o := oneOutcome(t, p)
	if o.result != "imported" || o.status != "valid" || o.source != "The pasted badge data" {
		t.Fatalf("%+v", o)
	}
	got := badgeOf(t, e, userIDByEmail(t, e, sampleLearner), o.href)
	if got.Format != "json" || got.ImageHash == "" {
		t.Errorf("format %s image %q (the data: URI image should be kept)", got.Format, got.ImageHash)
	}
	if p.Doc.Find(`textarea[name="pasted"]`).Text() != "" {
		t.Error("pasted text kept after a successful import")
	}
}

// --- badges made in the tests ---

// testIssuer is a 3.0 issuer identified by did:key, so its credentials
// verify offline.
type testIssuer struct {
	priv ed25519.PrivateKey
	did  string
	vm   string
}

func newTestIssuer(t testing.TB) *testIssuer {
	t.Helper()
	k := badgetest.MustDIDKey(t)
	return &testIssuer{priv: k.Private, did: k.DID, vm: k.VM}
}

var hashedIdentity = badgetest.HashedEmail

// credential is an unsigned OpenBadgeCredential for email.
func (is *testIssuer) credential(id, name, email string, validFrom time.Time) map[string]any {
	return map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        id,
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": is.did, "type": []any{"Profile"}, "name": "Test Guild"},
		"validFrom": validFrom.UTC().Format(time.RFC3339),
		"name":      name,
		"credentialSubject": map[string]any{
			"type": []any{"AchievementSubject"},
			"identifier": []any{map[string]any{
				"type": "IdentityObject", "identityType": "emailAddress", "hashed": true, "salt": "pepper",
				"identityHash": hashedIdentity(email, "pepper"),
			}},
			"achievement": map[string]any{
				"id": "urn:uuid:7c1f0e4e-1c35-4a8e-9d5b-0f3f4f0d0a01", "type": []any{"Achievement"},
				"name": name, "description": "Weaves a basket that holds water.",
				"criteria": map[string]any{"narrative": "Weave one basket."},
			},
		},
	}
}

func (is *testIssuer) signLD(t testing.TB, c map[string]any) []byte {
	t.Helper()
	return badgetest.MustJSON(t, badgetest.MustSignDataIntegrity(t, c, is.priv, is.vm, ldproof.SuiteEddsaRdfc2022, time.Now().Add(-time.Hour)))
}

// signJWT makes a VC-JWT (VCDM 2.0: the claims are the credential).
func (is *testIssuer) signJWT(t testing.TB, c map[string]any) []byte {
	t.Helper()
	claims := map[string]any{}
	for k, v := range c {
		claims[k] = v
	}
	claims["iss"] = is.did
	claims["jti"] = c["id"]
	from, _ := time.Parse(time.RFC3339, c["validFrom"].(string))
	claims["nbf"] = from.Unix()
	payload, _ := json.Marshal(claims)
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", is.vm)
	return []byte(badgetest.MustJWS(t, jose.EdDSA, is.priv, payload, opts))
}

func TestImport_JWSFileAndPastedJWS(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	is := newTestIssuer(t)
	from := time.Now().Add(-48 * time.Hour)
	fileJWT := is.signJWT(t, is.credential("urn:uuid:00000000-0000-4000-8000-000000000001", "Basket Weaving", sampleLearner, from))
	o := oneOutcome(t, b.importForm(nil, upload{"basket.jwt", fileJWT}))
	if o.result != "imported" || o.status != "valid" {
		t.Fatalf("JWS file: %+v", o)
	}
	got := badgeOf(t, e, userIDByEmail(t, e, sampleLearner), o.href)
	if got.Format != "jws" || got.JWS != string(fileJWT) || got.Name != "Basket Weaving" {
		t.Fatalf("stored %s %q %q", got.Format, got.Name, got.JWS)
	}

	pasted := is.signJWT(t, is.credential("urn:uuid:00000000-0000-4000-8000-000000000002", "Pottery", sampleLearner, from))
	o = oneOutcome(t, b.importForm(url.Values{"pasted": {"\n  " + string(pasted) + "\n"}}))
	if o.result != "imported" || o.status != "valid" || !strings.Contains(o.text, "Pottery") {
		t.Fatalf("pasted JWS: %+v", o)
	}
}

func TestImport_OB3NewerValidFromReplaces(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	is := newTestIssuer(t)
	id := "urn:uuid:00000000-0000-4000-8000-0000000000aa"
	t0 := time.Now().Add(-30 * 24 * time.Hour)
	older := is.signLD(t, is.credential(id, "Basket Weaving", sampleLearner, t0))
	newer := is.signLD(t, is.credential(id, "Basket Weaving II", sampleLearner, t0.Add(24*time.Hour)))

	first := oneOutcome(t, b.importForm(nil, upload{"newer.json", newer}))
	if first.result != "imported" {
		t.Fatalf("first: %+v", first)
	}
	// The older one afterwards changes nothing.
	if o := oneOutcome(t, b.importForm(nil, upload{"older.json", older})); o.result != "duplicate" || o.href != first.href {
		t.Fatalf("older after newer: %+v", o)
	}
	uid := userIDByEmail(t, e, sampleLearner)
	if got := badgeOf(t, e, uid, first.href); got.Name != "Basket Weaving II" {
		t.Fatalf("older replaced newer: %q", got.Name)
	}
	// A newer one replaces it, keeping its address.
	newest := is.signLD(t, is.credential(id, "Basket Weaving III", sampleLearner, t0.Add(48*time.Hour)))
	o := oneOutcome(t, b.importForm(nil, upload{"newest.json", newest}))
	if o.result != "replaced" || o.href != first.href || !strings.Contains(o.message, "newer version") {
		t.Fatalf("newest: %+v", o)
	}
	if got := badgeOf(t, e, uid, first.href); got.Name != "Basket Weaving III" {
		t.Fatalf("after replace: %q", got.Name)
	}
}

func TestImport_RefusesWithReasons(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	is := newTestIssuer(t)

	plainPNG := func() []byte {
		img := image.NewRGBA(image.Rect(0, 0, 8, 8))
		img.Set(1, 1, color.RGBA{200, 10, 10, 255})
		var buf bytes.Buffer
		png.Encode(&buf, img)
		return buf.Bytes()
	}()
	tampered := func() []byte {
		var doc map[string]any
		json.Unmarshal(readSample(t, "data-analysis-with-python.json"), &doc)
		doc["name"] = "Advanced Data Analysis with Python"
		out, _ := json.Marshal(doc)
		return out
	}()
	badlySigned := func() []byte {
		// Signed by one key but naming another issuer's key.
		other := newTestIssuer(t)
		c := is.credential("urn:uuid:00000000-0000-4000-8000-0000000000bb", "Forgery", sampleLearner, time.Now().Add(-time.Hour))
		signed, err := ldproof.Sign(c, other.priv, is.vm, ldproof.SuiteEddsaRdfc2022, time.Now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(signed)
		return out
	}()

	for _, c := range []struct {
		name   string
		file   upload
		want   []string
		before int // outcomes that must say nothing else
	}{
		{"no badge data", upload{"photo.png", plainPNG}, []string{"no badge data", "phone photo apps"}, 0},
		{"not a badge", upload{"notes.txt", []byte("Remember to buy milk.")}, []string{"not an Open Badge"}, 0},
		{"not JSON of a badge", upload{"data.json", []byte(`{"hello": "world"}`)}, []string{"not"}, 0},
		{"tampered signature", upload{"tampered.json", tampered}, []string{"signature does not match", "ask the issuer for a fresh copy"}, 0},
		{"signed with another key", upload{"forged.json", badlySigned}, []string{"signature does not match", "ask the issuer for a fresh copy"}, 0},
		{"a BadgeClass", upload{"class.json", []byte(`{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"https://issuer.example/class","name":"X","description":"Y","image":"https://issuer.example/i.png","criteria":"https://issuer.example/c","issuer":"https://issuer.example/i"}`)}, []string{"not a badge awarded"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := b.importForm(nil, c.file)
			o := oneOutcome(t, p)
			if o.result != "refused" || o.href != "" {
				t.Fatalf("%+v", o)
			}
			for _, w := range c.want {
				if !strings.Contains(strings.ToLower(o.text), strings.ToLower(w)) {
					t.Errorf("outcome %q lacks %q", o.text, w)
				}
			}
			if strings.Contains(o.text, "There was an error") {
				t.Errorf("vague message: %q", o.text)
			}
		})
	}
	if n := countBadges(t, e, sampleLearner); n != 0 {
		t.Errorf("%d badges stored from refused imports", n)
	}
}

func TestImport_RefusesBadgeForAnotherIdentityWithoutRevealingIt(t *testing.T) {
	t.Parallel()
	_, b := signedInLearner(t, "someone.else@example.org")
	data := readSample(t, "data-analysis-with-python.json")
	p := b.importForm(nil, upload{"data.json", data})
	o := oneOutcome(t, p)
	if o.result != "refused" || !strings.Contains(o.message, "issued to an email address you have not verified") {
		t.Fatalf("%+v", o)
	}
	link := p.Doc.Find(`[data-testid="import-add-email"]`)
	if href, _ := link.Attr("href"); href != paths.Emails {
		t.Errorf("add-email link %q", href)
	}
	var doc struct {
		CredentialSubject struct {
			Identifier []struct {
				IdentityHash string `json:"identityHash"`
				Salt         string `json:"salt"`
			} `json:"identifier"`
		} `json:"credentialSubject"`
	}
	json.Unmarshal(data, &doc)
	h := doc.CredentialSubject.Identifier[0].IdentityHash
	if h == "" {
		t.Fatal("sample has no identity hash")
	}
	for _, secret := range []string{h, strings.TrimPrefix(h, "sha256$"), doc.CredentialSubject.Identifier[0].Salt, "sha256$", sampleLearner} {
		if strings.Contains(p.Body, secret) {
			t.Errorf("page reveals %q", secret)
		}
	}
}

// issuer20 is an Open Badges 2.0 issuer on a loopback HTTP server.
type issuer20 struct {
	srv  *httptest.Server
	base string
	mu   sync.Mutex
	docs map[string][]byte // path → body
	hits map[string]int
	gone map[string]bool // paths that answer 410 Gone
}

func newIssuer20(t testing.TB) *issuer20 {
	t.Helper()
	is := &issuer20{docs: map[string][]byte{}, hits: map[string]int{}, gone: map[string]bool{}}
	is.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		is.mu.Lock()
		body, ok := is.docs[r.URL.Path]
		is.hits[r.URL.Path]++
		gone := is.gone[r.URL.Path]
		is.mu.Unlock()
		if gone {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, ".png") {
			w.Header().Set("Content-Type", "image/png")
		} else {
			w.Header().Set("Content-Type", "application/ld+json")
		}
		w.Write(body)
	}))
	t.Cleanup(is.srv.Close)
	is.base = is.srv.URL
	return is
}

func (is *issuer20) put(path string, v any) {
	is.mu.Lock()
	defer is.mu.Unlock()
	if b, ok := v.([]byte); ok {
		is.docs[path] = b
		return
	}
	b, _ := json.Marshal(v)
	is.docs[path] = b
}

func (is *issuer20) client() *fetch.Client {
	return fetch.New(fetch.Options{AllowHosts: []string{is.srv.Listener.Addr().String()}, Timeout: 5 * time.Second, ConnectTimeout: 2 * time.Second})
}

// hosted publishes a hosted 2.0 assertion for email and returns its URL.
func (is *issuer20) hosted(t testing.TB, n string, email string) string {
	t.Helper()
	badgePNG := func() []byte {
		img := image.NewRGBA(image.Rect(0, 0, 16, 16))
		for x := 0; x < 16; x++ {
			img.Set(x, x, color.RGBA{0, 80, 160, 255})
		}
		var buf bytes.Buffer
		png.Encode(&buf, img)
		return buf.Bytes()
	}()
	is.put("/badge.png", badgePNG)
	is.put("/issuer.json", map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": is.base + "/issuer.json",
		"name": "Loopback Makers", "url": is.base, "email": "badges@example.org",
	})
	is.put("/class.json", map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": is.base + "/class.json",
		"name": "Soldering Basics", "description": "Solders a joint that holds.", "image": is.base + "/badge.png",
		"criteria": map[string]any{"narrative": "Solder ten joints."}, "issuer": is.base + "/issuer.json",
	})
	id := is.base + "/assertions/" + n + ".json"
	is.put("/assertions/"+n+".json", map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": id,
		"recipient":    map[string]any{"type": "email", "hashed": true, "salt": "salt", "identity": hashedIdentity(email, "salt")},
		"issuedOn":     "2024-03-01T10:00:00Z",
		"badge":        is.base + "/class.json",
		"verification": map[string]any{"type": "hosted"},
	})
	return id
}

func withIssuer(is *issuer20) func(*web.Options) {
	return func(o *web.Options) {
		c := is.client()
		o.Fetcher = c
		o.Verifier = verify.New(c, verify.Options{Timeout: 10 * time.Second})
	}
}

func TestImport_URLToLoopbackIssuer(t *testing.T) {
	t.Parallel()
	is := newIssuer20(t)
	e, b := signedInLearner(t, sampleLearner, withIssuer(is))
	u := is.hosted(t, "1", sampleLearner)
	p := b.importForm(url.Values{"url": {u}})
	o := oneOutcome(t, p)
	if o.result != "imported" || !strings.Contains(o.text, "Soldering Basics") {
		t.Fatalf("%+v\n%s", o, e.logs.String())
	}
	got := badgeOf(t, e, userIDByEmail(t, e, sampleLearner), o.href)
	if got.Version != "2.0" || got.IssuerName != "Loopback Makers" || got.SourceURL != u || got.DedupeKey != "ob2 "+u {
		t.Fatalf("stored %+v", got)
	}
	if got.ImageHash == "" {
		t.Error("the badge image was not fetched and stored")
	}
	if p.Doc.Find(`input[name="url"]`).AttrOr("value", "") != "" {
		t.Error("web address kept after a successful import")
	}
	// The same address again is a duplicate.
	if o2 := oneOutcome(t, b.importForm(url.Values{"url": {u}})); o2.result != "duplicate" || o2.href != o.href {
		t.Fatalf("again: %+v", o2)
	}
}

func TestImport_ImageFailureDoesNotRefuse(t *testing.T) {
	t.Parallel()
	is := newIssuer20(t)
	e, b := signedInLearner(t, sampleLearner, withIssuer(is))
	u := is.hosted(t, "2", sampleLearner)
	is.put("/badge.png", []byte("this is not a picture"))
	o := oneOutcome(t, b.importForm(url.Values{"url": {u}}))
	if o.result != "imported" {
		t.Fatalf("%+v", o)
	}
	if got := badgeOf(t, e, userIDByEmail(t, e, sampleLearner), o.href); got.ImageHash != "" {
		t.Errorf("an invalid image was stored: %s", got.ImageHash)
	}
}

func TestImport_IssuerUnreachable(t *testing.T) {
	t.Parallel()
	// A port nothing listens on, allowed like a test issuer.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	client := fetch.New(fetch.Options{AllowHosts: []string{dead}, Timeout: 3 * time.Second, ConnectTimeout: time.Second})
	_, b := signedInLearner(t, sampleLearner, func(o *web.Options) {
		o.Fetcher = client
		o.Verifier = verify.New(client, verify.Options{Timeout: 5 * time.Second})
	})

	// The badge's own web address does not answer.
	o := oneOutcome(t, b.importForm(url.Values{"url": {"http://" + dead + "/assertions/1.json"}}))
	if o.result != "refused" || !strings.Contains(o.message, "try again later") && !strings.Contains(o.message, "Try again later") {
		t.Fatalf("URL: %+v", o)
	}
	// A hosted assertion whose issuer does not answer.
	base := "http://" + dead
	assertion := map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": base + "/assertions/2.json",
		"recipient":    map[string]any{"type": "email", "hashed": false, "identity": sampleLearner},
		"issuedOn":     "2024-03-01T10:00:00Z",
		"badge":        base + "/class.json",
		"verification": map[string]any{"type": "hosted"},
	}
	js, _ := json.Marshal(assertion)
	p := b.importForm(url.Values{"pasted": {string(js)}})
	o = oneOutcome(t, p)
	if o.result != "refused" || !strings.Contains(o.message, "could not reach the issuer") || !strings.Contains(o.message, "try again later") {
		t.Fatalf("pasted hosted assertion: %+v", o)
	}
	if v := p.Doc.Find(`textarea[name="pasted"]`).Text(); !strings.Contains(v, "assertions/2.json") {
		t.Error("refused pasted data was not kept for another try")
	}
}

func TestImport_Oversize(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	big := bytes.Repeat([]byte("a"), web.ImportMaxFileBytes+1)
	png := readSample(t, "web-accessibility-fundamentals.png")
	p := b.importForm(nil, upload{"huge.png", big}, upload{"ok.png", png})
	outs := outcomes(t, p)
	if len(outs) != 2 {
		t.Fatalf("%d outcomes:\n%s", len(outs), p.Body)
	}
	if outs[0].result != "refused" || !strings.Contains(outs[0].message, "up to 5 MB") {
		t.Errorf("oversize file: %+v", outs[0])
	}
	if outs[1].result != "imported" {
		t.Errorf("the file beside it: %+v", outs[1])
	}

	p = b.importForm(url.Values{"pasted": {strings.Repeat("{", web.ImportMaxFileBytes+10)}})
	if o := oneOutcome(t, p); o.result != "refused" || !strings.Contains(o.message, "up to 5 MB") {
		t.Errorf("oversize pasted text: %+v", o)
	}

	// More than the whole request may carry: refused as a whole, clearly.
	tok := b.get(paths.Import).csrf(t)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", tok)
	for i := 0; i < 5; i++ {
		w, _ := mw.CreateFormFile("files", "part.png")
		w.Write(bytes.Repeat([]byte("b"), 4<<20+1<<19))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.url(paths.Import), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	p = b.do(req)
	if p.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(p.Body, "smaller groups") || !strings.Contains(p.Body, "20 MB") {
		t.Fatalf("oversize request: %d\n%s", p.StatusCode, p.Body)
	}
	_ = e
}

func TestImport_EmptyFormExplains(t *testing.T) {
	t.Parallel()
	_, b := signedInLearner(t, sampleLearner)
	p := b.importForm(nil)
	if p.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", p.StatusCode)
	}
	if s := p.Doc.Find(`[data-testid="form-errors"]`).Text(); !strings.Contains(s, "Choose a badge file") {
		t.Errorf("error summary %q", s)
	}
	p = b.importForm(url.Values{"url": {"javascript:alert(1)"}})
	if p.StatusCode != http.StatusUnprocessableEntity || p.Doc.Find(`#import-url-error`).Length() != 1 {
		t.Errorf("bad URL: %d", p.StatusCode)
	}
}

func TestImport_OneItemAtATimeAsJSON(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner)
	tok := b.get(paths.Import).csrf(t)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", tok)
	w, _ := mw.CreateFormFile("files", "garden.svg")
	w.Write(readSample(t, "community-garden-volunteer.svg"))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.url(paths.Import), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-CSRF-Token", tok)
	p := b.do(req)
	if p.StatusCode != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s\n%s", p.StatusCode, p.Header.Get("Content-Type"), p.Body)
	}
	var res struct {
		Outcomes []struct {
			Source, Result, Status, Badge, Href, HTML string
		}
	}
	if err := json.Unmarshal([]byte(p.Body), &res); err != nil || len(res.Outcomes) != 1 {
		t.Fatalf("%v %s", err, p.Body)
	}
	o := res.Outcomes[0]
	if o.Result != "imported" || o.Status != "valid" || o.Badge != "Community Garden Volunteer" || !strings.Contains(o.HTML, `data-testid="import-outcome"`) {
		t.Fatalf("%+v", o)
	}
	badgeOf(t, e, userIDByEmail(t, e, sampleLearner), o.Href)

	// Without the token it is refused like any other form.
	req, _ = http.NewRequest(http.MethodPost, b.url(paths.Import), strings.NewReader("pasted=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if p := b.do(req); p.StatusCode != http.StatusForbidden {
		t.Errorf("no CSRF token: %d", p.StatusCode)
	}
}

// A slow issuer is cut off at the guarded client's time limit: the import
// ends with a refusal that says to try again later.
func TestImport_SlowIssuerIsCutOff(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	client := fetch.New(fetch.Options{AllowHosts: []string{slow.Listener.Addr().String()}, Timeout: 200 * time.Millisecond, ConnectTimeout: time.Second})
	_, b := signedInLearner(t, sampleLearner, func(o *web.Options) {
		o.Fetcher = client
		o.Verifier = verify.New(client, verify.Options{Timeout: 10 * time.Second})
	})
	o := oneOutcome(t, b.importForm(url.Values{"url": {slow.URL + "/assertions/1.json"}}))
	if o.result != "refused" || !strings.Contains(strings.ToLower(o.message), "try again later") {
		t.Fatalf("%+v", o)
	}
}

// While one import waits on an issuer, the same learner's other requests
// are answered.
func TestImport_DoesNotBlockOtherRequests(t *testing.T) {
	t.Parallel()
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	issuer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case started <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		http.Error(w, "gone fishing", http.StatusServiceUnavailable)
	}))
	defer issuer.Close()
	client := fetch.New(fetch.Options{AllowHosts: []string{issuer.Listener.Addr().String()}, Timeout: 60 * time.Second})
	_, b := signedInLearner(t, sampleLearner, func(o *web.Options) {
		o.Fetcher = client
		o.Verifier = verify.New(client, verify.Options{Timeout: 60 * time.Second})
	})
	tok := b.get(paths.Import).csrf(t)
	done := make(chan *http.Response, 1)
	go func() {
		form := url.Values{"_csrf": {tok}, "url": {issuer.URL + "/assertions/1.json"}}
		req, _ := http.NewRequest(http.MethodPost, b.url(paths.Import), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := (&http.Client{Jar: b.c.Jar}).Do(req)
		if err != nil {
			t.Error(err)
			done <- nil
			return
		}
		resp.Body.Close()
		done <- resp
	}()
	<-started // the import is now waiting on the issuer
	other := &http.Client{Jar: b.c.Jar}
	for _, path := range []string{paths.Import, paths.Healthz} {
		resp, err := other.Get(b.url(path))
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s while an import waits: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
	select {
	case <-done:
		t.Fatal("the import finished before the issuer answered")
	default:
	}
	close(release)
	if resp := <-done; resp == nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("import answered %v", resp)
	}
}

// Each learner may import so many items an hour; beyond that each item is
// refused, saying when to try again, and nothing is fetched for it.
func TestImport_HourlyLimitPerLearner(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, sampleLearner, func(o *web.Options) { o.ImportLimit = 2 })
	var files []upload
	for _, n := range []string{"collaborative-problem-solving.svg", "community-garden-volunteer.svg", "data-analysis-with-python.json"} {
		files = append(files, upload{n, readSample(t, n)})
	}
	outs := outcomes(t, b.importForm(nil, files...))
	if len(outs) != 3 || outs[0].result != "imported" || outs[1].result != "imported" ||
		outs[2].result != "refused" || !strings.Contains(outs[2].message, "try this one again in") {
		t.Fatalf("%+v", outs)
	}
	if n := countBadges(t, e, sampleLearner); n != 2 {
		t.Errorf("%d badges stored", n)
	}
	// Another learner has their own allowance.
	other := e.browser()
	other.devSignIn("Other", "other@example.org")
	if o := oneOutcome(t, other.importForm(nil, files[0])); strings.Contains(o.message, "try this one again") {
		t.Errorf("the limit is shared between learners: %+v", o)
	}
}

// A badge refused for an unverified address goes in once the learner has
// added and confirmed that address, whatever its letter case.
func TestImport_AfterConfirmingTheAddress(t *testing.T) {
	t.Parallel()
	e, b := signedInLearner(t, "ada@example.org")
	svg := readSample(t, "collaborative-problem-solving.svg")
	if o := oneOutcome(t, b.importForm(nil, upload{"cps.svg", svg})); o.result != "refused" {
		t.Fatalf("before confirming: %+v", o)
	}
	ctx := context.Background()
	uid := userIDByEmail(t, e, "ada@example.org")
	tok, _, err := e.db.RequestEmailConfirmation(ctx, uid, "Learner@Example.ORG", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ConfirmEmail(ctx, uid, tok, time.Now()); err != nil {
		t.Fatal(err)
	}
	o := oneOutcome(t, b.importForm(nil, upload{"cps.svg", svg}))
	if o.result != "imported" {
		t.Fatalf("after confirming: %+v", o)
	}
	if got := badgeOf(t, e, uid, o.href); !strings.EqualFold(got.MatchedValue, sampleLearner) || got.MatchedType != "email" {
		t.Errorf("matched %s %q", got.MatchedType, got.MatchedValue)
	}
}

// A revoked badge is kept, marked as revoked: both when the issuer says so
// in the assertion and when its address answers 410 Gone.
func TestImport_RevokedKeptAndMarked(t *testing.T) {
	t.Parallel()
	is := newIssuer20(t)
	e, b := signedInLearner(t, sampleLearner, withIssuer(is))
	uid := userIDByEmail(t, e, sampleLearner)

	flagged := is.hosted(t, "flagged", sampleLearner)
	var doc map[string]any
	json.Unmarshal(is.docs["/assertions/flagged.json"], &doc)
	doc["revoked"] = true
	doc["revocationReason"] = "Awarded by mistake"
	is.put("/assertions/flagged.json", doc)
	o := oneOutcome(t, b.importForm(url.Values{"url": {flagged}}))
	if o.result != "imported" || o.status != "revoked" || !strings.Contains(o.message, "marked as revoked") ||
		!strings.Contains(o.message, "Awarded by mistake") || !strings.Contains(o.text, "Revoked") {
		t.Fatalf("revoked flag: %+v", o)
	}
	if got := badgeOf(t, e, uid, o.href); got.Status != store.StatusRevoked {
		t.Errorf("stored as %s", got.Status)
	}

	// The learner still has the assertion; the issuer has withdrawn it.
	gone := is.hosted(t, "gone", sampleLearner)
	data := is.docs["/assertions/gone.json"]
	is.mu.Lock()
	is.gone["/assertions/gone.json"] = true
	is.mu.Unlock()
	// With the badge's description embedded it is kept, marked.
	var assertion map[string]any
	json.Unmarshal(data, &assertion)
	var class, issuer map[string]any
	json.Unmarshal(is.docs["/class.json"], &class)
	json.Unmarshal(is.docs["/issuer.json"], &issuer)
	class["issuer"] = issuer
	assertion["badge"] = class
	embedded, _ := json.Marshal(assertion)
	o = oneOutcome(t, b.importForm(nil, upload{"gone.json", embedded}))
	if o.result != "imported" || o.status != "revoked" || !strings.Contains(o.message, "410") || !strings.Contains(o.text, "Soldering Basics") {
		t.Fatalf("410 Gone: %+v\n%s", o, e.logs.String())
	}
	if got := badgeOf(t, e, uid, o.href); got.Status != store.StatusRevoked || got.SourceURL != "" && got.SourceURL != gone {
		t.Errorf("stored as %s from %q", got.Status, got.SourceURL)
	}
	// Only its web address, or an assertion that names nothing: nothing to
	// keep, and it says why.
	other := is.hosted(t, "gone2", sampleLearner)
	bare := is.docs["/assertions/gone2.json"]
	is.mu.Lock()
	is.gone["/assertions/gone2.json"] = true
	is.mu.Unlock()
	o = oneOutcome(t, b.importForm(url.Values{"url": {other}}))
	if o.result != "refused" || !strings.Contains(o.message, "revoked") {
		t.Fatalf("address answering 410: %+v", o)
	}
	o = oneOutcome(t, b.importForm(nil, upload{"gone2.json", bare}))
	if o.result != "refused" || !strings.Contains(o.message, "410") {
		t.Fatalf("bare assertion answering 410: %+v", o)
	}
}

// BenchmarkImport_SamplePNG is one import of a baked 3.0 PNG through the real
// router and database: multipart parse, unbake, Data Integrity proof check
// (RDF canonicalisation), recipient match, image check, insert. The badge is
// deleted after each import so every iteration stores it anew.
func BenchmarkImport_SamplePNG(b *testing.B) {
	e := MustStart(b, func(o *web.Options) { o.ImportLimit = 1 << 30 })
	br := e.browser()
	br.devSignIn("Learner", sampleLearner)
	uid := userIDByEmail(b, e, sampleLearner)
	png := readSample(b, "web-accessibility-fundamentals.png")
	tok := br.get(paths.Import).csrf(b)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", tok)
	w, _ := mw.CreateFormFile("files", "badge.png")
	w.Write(png)
	mw.Close()
	form, ctype := body.Bytes(), mw.FormDataContentType()
	u, _ := url.Parse(e.ts.URL)
	cookies := br.c.Jar.Cookies(u)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, paths.Import, bytes.NewReader(form))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("X-CSRF-Token", tok)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		var res struct {
			Outcomes []struct{ Result, Href string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); rec.Code != http.StatusOK || err != nil || len(res.Outcomes) != 1 || res.Outcomes[0].Result != "imported" {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		b.StopTimer()
		if err := e.db.DeleteBadge(ctx, uid, strings.TrimPrefix(res.Outcomes[0].Href, "/badges/")); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// An Open Badges 2.0 signed badge (a compact JWS whose key the issuer
// publishes on loopback) imports from a .jws file.
func TestImport_OB2SignedJWSFile(t *testing.T) {
	t.Parallel()
	is := newIssuer20(t)
	e, b := signedInLearner(t, sampleLearner, withIssuer(is))
	id := is.hosted(t, "signed", sampleLearner)
	key := badgetest.MustRSA(t, 0)
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	keyURL := is.base + "/key.json"
	is.put("/key.json", map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey", "id": keyURL,
		"owner": is.base + "/issuer.json", "publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
	})
	var issuer, assertion map[string]any
	json.Unmarshal(is.docs["/issuer.json"], &issuer)
	issuer["publicKey"] = keyURL
	is.put("/issuer.json", issuer)
	json.Unmarshal(is.docs["/assertions/signed.json"], &assertion)
	assertion["verification"] = map[string]any{"type": "SignedBadge", "creator": keyURL}
	payload, _ := json.Marshal(assertion)
	jws := badgetest.MustJWS(t, jose.RS256, key, payload, nil)

	o := oneOutcome(t, b.importForm(nil, upload{"soldering.jws", []byte(jws)}))
	if o.result != "imported" || !strings.Contains(o.text, "Soldering Basics") {
		t.Fatalf("%+v\n%s", o, e.logs.String())
	}
	got := badgeOf(t, e, userIDByEmail(t, e, sampleLearner), o.href)
	if got.Format != "jws" || got.Version != "2.0" || got.DedupeKey != "ob2 "+id || got.JWS != jws {
		t.Errorf("stored %s %s %q", got.Format, got.Version, got.DedupeKey)
	}

	// The same assertion signed by a key the issuer does not publish.
	other := badgetest.MustRSA(t, 1)
	assertion["id"] = is.base + "/assertions/forged.json"
	is.put("/assertions/forged.json", assertion)
	payload, _ = json.Marshal(assertion)
	forged := badgetest.MustJWS(t, jose.RS256, other, payload, nil)
	if o := oneOutcome(t, b.importForm(nil, upload{"forged.jws", []byte(forged)})); o.result != "refused" || !strings.Contains(o.message, "signature does not match") {
		t.Fatalf("forged: %+v", o)
	}
}

func TestImport_FirstRecheckFollowsTheConfiguredInterval(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		every time.Duration
		want  time.Duration
	}{
		{"configured", 3 * time.Hour, 3 * time.Hour},
		{"default", 0, 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, b := signedInLearner(t, sampleLearner, func(o *web.Options) { o.RecheckAfter = tc.every })
			p := b.importForm(nil, upload{"web-accessibility-fundamentals.png", readSample(t, "web-accessibility-fundamentals.png")})
			o := oneOutcome(t, p)
			got := badgeOf(t, e, userIDByEmail(t, e, sampleLearner), o.href)
			if d := got.NextCheckAt.Sub(got.CheckedAt); d != tc.want {
				t.Fatalf("next check %v after the import's check, want %v", d, tc.want)
			}
		})
	}
}
