package verify

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/badgetest"
	"github.com/satchel-backpack/satchel/internal/fetch"
)

// conformanceDir finds the official fixtures: SATCHEL_CONFORMANCE_DIR, or
// ../shared/conformance next to the repository (found by walking up to
// go.mod). Absent fixtures skip the test, except under CI=true.
func conformanceDir(tb testing.TB) string {
	tb.Helper()
	return badgetest.ConformanceDir(tb)
}

type conformanceRow struct {
	path, expected, why, setup string
}

// issuerDocRE reads an offline_setup that names an issuer document:
// "issuer document ob30/issuers/<host>/<path>.json at https://<host>/<path>".
var issuerDocRE = regexp.MustCompile(`issuer document (\S+) at (https://\S+)`)

// issuerDoc is the fixture file and address of the row's issuer document,
// if its offline setup names one.
func (r conformanceRow) issuerDoc() (file, url string, ok bool) {
	m := issuerDocRE.FindStringSubmatch(r.setup)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

func readExpected(tb testing.TB, dir string) []conformanceRow {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "expected.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	var rows []conformanceRow
	sc := bufio.NewScanner(bytes.NewReader(data))
	for first := true; sc.Scan(); first = false {
		if first || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 3 {
			tb.Fatalf("bad expected.tsv line %q", sc.Text())
		}
		row := conformanceRow{path: f[0], expected: f[1], why: f[2]}
		if len(f) > 3 {
			row.setup = f[3]
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		tb.Fatal("expected.tsv has no rows")
	}
	return rows
}

// Hosts the fixtures refer to. example.org and www.example.org are served
// from ob20/assets (as the fixtures' README says); the status list and the
// Open Badges 2.0 example extension schemas live on other hosts.
// The 3.0 fixtures' https issuers are served from ob30/issuers when a test
// serves their documents.
var conformanceHosts = []string{"example.org", "www.example.org", "raw.githubusercontent.com", "openbadgespec.org",
	"example.com", "example.edu", "1edtech.edu", "state.gov"}

const statusListURL = "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist"

// Schemas for the two 2.0 example extensions, written for this test (the
// fixtures do not include them): the example extension needs a text
// exampleProperty, the apply-link extension a url.
var (
	exampleExtensionSchema = []byte(`{"$schema":"http://json-schema.org/draft-04/schema#","type":"object",
		"properties":{"exampleProperty":{"type":"string"}},"required":["exampleProperty"]}`)
	applyLinkSchema = []byte(`{"$schema":"http://json-schema.org/draft-04/schema#","type":"object",
		"properties":{"url":{"type":"string"}},"required":["url"]}`)
)

func newConformanceServer(tb testing.TB, dir string) *issuerServer {
	s := newIssuerServer(tb, conformanceHosts...)
	assets := filepath.Join(dir, "ob20", "assets")
	s.files = func(host, path string) (route, bool) {
		if host != "example.org" && host != "www.example.org" {
			return route{}, false
		}
		clean := filepath.Clean("/" + path)
		data, err := os.ReadFile(filepath.Join(assets, clean))
		if err != nil {
			return route{}, false
		}
		return route{status: 200, contentType: contentTypeFor(clean), body: data}, true
	}
	return s
}

// conformanceRoutes serves what a row needs offline; withIssuer also serves
// the row's issuer document at the issuer's address.
func (s *issuerServer) conformanceRoutes(tb testing.TB, dir string, row conformanceRow, topLevel []byte, withIssuer bool) {
	s.reset()
	if file, u, ok := row.issuerDoc(); ok && withIssuer {
		doc, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			tb.Fatalf("%s: issuer document: %v", row.path, err)
		}
		s.json(u, doc)
	}
	list, err := os.ReadFile(filepath.Join(dir, "ob30", "bit-string-list", "testlist"))
	if err != nil {
		tb.Fatal(err)
	}
	s.json(statusListURL, list)
	s.set("https://openbadgespec.org/extensions/exampleExtension/schema.json", 200, "application/json", exampleExtensionSchema)
	s.set("https://openbadgespec.org/extensions/applyLinkExtension/schema.json", 200, "application/json", applyLinkSchema)
	// A verifier re-fetches a hosted assertion by its id, so the top-level
	// fixture is served at its own id.
	if b, err := badge.Read(topLevel); err == nil && len(b.Payload) > 0 && b.JWS == "" {
		if b.ID != "" && isHTTPURL(b.ID) {
			s.json(b.ID, b.Payload)
		}
	}
}

var conformanceVerdicts = map[string]Verdict{
	"valid":              Valid,
	"valid-with-warning": ValidWarn,
	"unconfirmed":        VerdictUnconfirmed,
	"invalid":            Invalid,
}

// TestConformance runs every fixture of the official 1EdTech validator and
// compares Satchel's verdict with the expected one, twice: with each row's
// issuer document served at the issuer's address (the expected verdict),
// and with nothing served (unconfirmed where the row would otherwise be
// valid: the key is then only the badge's own claim). Run verbosely (task
// conformance) it prints the agreement of every row.
func TestConformance(t *testing.T) {
	t.Parallel()
	dir := conformanceDir(t)
	rows := readExpected(t, dir)
	srv := newConformanceServer(t, dir)
	recipients := []badge.Identifier{{Type: "email", Value: "nobody@example.org"}}

	for _, served := range []bool{true, false} {
		name := "issuer-documents-served"
		if !served {
			name = "nothing-served"
		}
		t.Run(name, func(t *testing.T) {
			v := New(srv.client(), Options{})
			var agree, ran, network, gaps int
			for _, row := range rows {
				t.Run(row.path, func(t *testing.T) {
					if row.expected == "needs-network" {
						network++
						t.Skipf("needs the network (%s); not run offline", row.why)
					}
					want, ok := conformanceVerdicts[row.expected]
					if !ok {
						t.Fatalf("unknown expected verdict %q", row.expected)
					}
					if _, _, named := row.issuerDoc(); named && !served && (want == Valid || want == ValidWarn) {
						want = VerdictUnconfirmed
					}
					data, err := os.ReadFile(filepath.Join(dir, row.path))
					if err != nil {
						t.Fatal(err)
					}
					srv.conformanceRoutes(t, dir, row, data, served)
					// The 2.0 fixtures are issued to nobody@example.org; the 3.0 ones
					// to DIDs, so their recipient check is left out.
					var ids []badge.Identifier
					if strings.HasPrefix(row.path, "ob20/") {
						ids = recipients
					}
					_, rep, _ := v.VerifyBytes(context.Background(), data, ids)
					if rep.Verdict != want && unsupportedSuite(rep) != "" {
						// Satchel's ldproof does not implement this cryptosuite yet;
						// the row runs again by itself once it does.
						gaps++
						t.Skipf("known gap: cryptosuite %s is not supported by ldproof yet", unsupportedSuite(rep))
					}
					ran++
					if rep.Verdict != want {
						t.Errorf("%s: verdict %s, want %s (%s)\n%s", row.path, rep.Verdict, want, row.why, reportText(rep))
						return
					}
					agree++
					if testing.Verbose() {
						t.Logf("agree: %s: %s (binding %q); %s", row.path, rep.Verdict, rep.IssuerBinding, findings(rep))
					}
				})
			}
			t.Logf("conformance (%s): %d of %d rows run agree; %d rows need the network and %d hit a known gap (skipped)", name, agree, ran, network, gaps)
		})
	}
}

// unsupportedSuite names the cryptosuite when the only failure is a proof
// Satchel cannot check.
func unsupportedSuite(rep *Report) string {
	suite := ""
	for _, c := range rep.Checks {
		if c.Status != Failed {
			continue
		}
		if c.ID != "proof" || !strings.Contains(c.Detail, "does not support") {
			return ""
		}
		if i := strings.Index(c.Detail, "("); i >= 0 {
			if j := strings.Index(c.Detail[i:], ")"); j > 0 {
				suite = c.Detail[i+1 : i+j]
			}
		}
	}
	return suite
}

// findings lists the ids of checks that did not pass.
func findings(rep *Report) string {
	var out []string
	for _, c := range rep.Checks {
		if c.Status == Failed || c.Status == Warning {
			out = append(out, string(c.Status)+" "+c.ID)
		}
	}
	if len(out) == 0 {
		return "no findings"
	}
	return strings.Join(out, ", ")
}

func reportText(rep *Report) string {
	var b strings.Builder
	for _, c := range rep.Checks {
		b.WriteString("  [" + string(c.Status) + "] " + c.ID + ": " + c.Message)
		if c.Detail != "" {
			b.WriteString(" (" + firstN(c.Detail, 400) + ")")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// offlineFetcher refuses every fetch, as when the network is down.
type offlineFetcher struct{}

func (offlineFetcher) Get(_ context.Context, u string, _ fetch.Kind) (*fetch.Response, error) {
	return nil, &fetch.Error{Kind: fetch.Unreachable, URL: u}
}

// Every fixture file, whatever it is, ends in a report without a panic, also
// when nothing can be fetched.
func TestConformanceFixtures_NeverPanicOffline(t *testing.T) {
	t.Parallel()
	dir := conformanceDir(t)
	v := New(offlineFetcher{}, Options{})
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if !strings.HasPrefix(rel, "ob20") && !strings.HasPrefix(rel, "ob30") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		_, rep, _ := v.VerifyBytes(context.Background(), data, []badge.Identifier{{Type: "email", Value: "nobody@example.org"}})
		if len(rep.Checks) == 0 || rep.Verdict == "" {
			t.Errorf("%s: empty report", rel)
		}
		for _, c := range rep.Checks {
			if c.ID == "internal" {
				t.Errorf("%s: %s", rel, c.Detail)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("only %d fixture files found", n)
	}
}
