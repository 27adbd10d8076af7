package share_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/share"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

// parse splits a share link into its address and parameters, failing the
// test when it is not a valid URL.
func parse(t *testing.T, link string) (string, url.Values) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("not a URL: %q: %v", link, err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		t.Fatalf("bad query in %q: %v", link, err)
	}
	return u.Scheme + "://" + u.Host + u.Path, q
}

func TestLinkedInAddToProfile_FillsEveryField(t *testing.T) {
	t.Parallel()
	b := share.Badge{
		Name:         "Data Science & Ethics: Level 2",
		IssuerName:   "Open University + Friends",
		IssuedOn:     date(2024, time.March, 14),
		Expires:      date(2027, time.March, 31),
		URL:          "https://satchel.example/b/AbC123?ref=li",
		CredentialID: "urn:uuid:6d3c2b1a-0000-4000-8000-000000000001",
	}
	link, err := share.LinkedInAddToProfile(b)
	if err != nil {
		t.Fatal(err)
	}
	base, q := parse(t, link)
	if base != "https://www.linkedin.com/profile/add" {
		t.Errorf("base = %q", base)
	}
	want := map[string]string{
		"startTask":        "CERTIFICATION_NAME",
		"name":             b.Name,
		"organizationName": b.IssuerName,
		"issueYear":        "2024",
		"issueMonth":       "3",
		"expirationYear":   "2027",
		"expirationMonth":  "3",
		"certUrl":          b.URL,
		"certId":           b.CredentialID,
	}
	for k, v := range want {
		if got := q.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if len(q) != len(want) {
		t.Errorf("parameters = %v, want exactly %d", q, len(want))
	}
	// Spaces travel as %20 and a literal + as %2B (never a bare + that
	// could be read back as a space).
	if strings.Contains(link, "+") {
		t.Errorf("link has a bare '+': %s", link)
	}
}

func TestLinkedInAddToProfile_MonthsCountFromOne(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		when      time.Time
		year, mon string
	}{
		{date(2025, time.January, 1), "2025", "1"},
		{date(2025, time.June, 30), "2025", "6"},
		{date(2025, time.December, 31), "2025", "12"},
		// 23:30 on 31 December in New York is already January in UTC:
		// dates are read in UTC, so the year rolls over too.
		{time.Date(2025, time.December, 31, 23, 30, 0, 0, time.FixedZone("EST", -5*3600)), "2026", "1"},
		// 00:30 on 1 January in Tokyo is still December of the year before in UTC.
		{time.Date(2026, time.January, 1, 0, 30, 0, 0, time.FixedZone("JST", 9*3600)), "2025", "12"},
	} {
		link, err := share.LinkedInAddToProfile(share.Badge{Name: "N", URL: "https://s.example/b/1", IssuedOn: tc.when, Expires: tc.when})
		if err != nil {
			t.Fatal(err)
		}
		_, q := parse(t, link)
		if q.Get("issueYear") != tc.year || q.Get("issueMonth") != tc.mon {
			t.Errorf("%v: issue %s/%s, want %s/%s", tc.when, q.Get("issueYear"), q.Get("issueMonth"), tc.year, tc.mon)
		}
		if q.Get("expirationYear") != tc.year || q.Get("expirationMonth") != tc.mon {
			t.Errorf("%v: expiry %s/%s, want %s/%s", tc.when, q.Get("expirationYear"), q.Get("expirationMonth"), tc.year, tc.mon)
		}
	}
}

func TestLinkedInAddToProfile_NoExpiryNoExpiryFields(t *testing.T) {
	t.Parallel()
	link, err := share.LinkedInAddToProfile(share.Badge{
		Name: "Forever", IssuerName: "Issuer", IssuedOn: date(2023, time.November, 2), URL: "https://s.example/b/x",
	})
	if err != nil {
		t.Fatal(err)
	}
	_, q := parse(t, link)
	for _, k := range []string{"expirationYear", "expirationMonth"} {
		if q.Has(k) {
			t.Errorf("%s present for a badge that never expires: %s", k, link)
		}
	}
	if q.Has("certId") {
		t.Errorf("certId present without a credential id: %s", link)
	}
	if q.Get("issueMonth") != "11" {
		t.Errorf("issueMonth = %q", q.Get("issueMonth"))
	}
}

func TestLinkedInAddToProfile_NoIssueDateNoIssueFields(t *testing.T) {
	t.Parallel()
	link, err := share.LinkedInAddToProfile(share.Badge{Name: "N", URL: "https://s.example/b/x"})
	if err != nil {
		t.Fatal(err)
	}
	_, q := parse(t, link)
	if q.Has("issueYear") || q.Has("issueMonth") {
		t.Errorf("issue fields for a badge without a date: %s", link)
	}
}

func TestLinks_RefuseNonHTTPURLs(t *testing.T) {
	t.Parallel()
	bad := []string{"", "javascript:alert(1)", "/b/relative", "ftp://s.example/b", "https://user:pw@s.example/b", "data:text/html,x", "https://"}
	for _, u := range bad {
		if _, err := share.LinkedInAddToProfile(share.Badge{Name: "N", URL: u}); !errors.Is(err, share.ErrBadURL) {
			t.Errorf("LinkedInAddToProfile(%q) err = %v", u, err)
		}
		if _, err := share.LinkedInPost(u); !errors.Is(err, share.ErrBadURL) {
			t.Errorf("LinkedInPost(%q) err = %v", u, err)
		}
		if _, err := share.X(u, "t"); !errors.Is(err, share.ErrBadURL) {
			t.Errorf("X(%q) err = %v", u, err)
		}
		if _, err := share.Facebook(u); !errors.Is(err, share.ErrBadURL) {
			t.Errorf("Facebook(%q) err = %v", u, err)
		}
		if _, err := share.Mastodon("mastodon.social", u, "t"); !errors.Is(err, share.ErrBadURL) {
			t.Errorf("Mastodon(%q) err = %v", u, err)
		}
	}
}

func TestPostLinks(t *testing.T) {
	t.Parallel()
	page := "https://satchel.example/b/AbC?x=1&y=2"
	text := `I earned "Rust & Go" #1`

	li, err := share.LinkedInPost(page)
	if err != nil {
		t.Fatal(err)
	}
	base, q := parse(t, li)
	if base != "https://www.linkedin.com/sharing/share-offsite/" || q.Get("url") != page || len(q) != 1 {
		t.Errorf("LinkedIn post = %s", li)
	}

	x, err := share.X(page, text)
	if err != nil {
		t.Fatal(err)
	}
	base, q = parse(t, x)
	if base != "https://x.com/intent/tweet" || q.Get("url") != page || q.Get("text") != text || len(q) != 2 {
		t.Errorf("X = %s", x)
	}

	fb, err := share.Facebook(page)
	if err != nil {
		t.Fatal(err)
	}
	base, q = parse(t, fb)
	if base != "https://www.facebook.com/sharer/sharer.php" || q.Get("u") != page || len(q) != 1 {
		t.Errorf("Facebook = %s", fb)
	}

	m, err := share.Mastodon("Mastodon.Social", page, text)
	if err != nil {
		t.Fatal(err)
	}
	base, q = parse(t, m)
	if base != "https://mastodon.social/share" || q.Get("text") != text+" "+page || len(q) != 1 {
		t.Errorf("Mastodon = %s", m)
	}
}

func TestShareText(t *testing.T) {
	t.Parallel()
	if got := share.ShareText(share.Badge{Name: `Go "fast"`, IssuerName: "Gophers"}, ""); got != `I earned the “Go "fast"” badge from Gophers.` {
		t.Errorf("got %q", got)
	}
	if got := share.ShareText(share.Badge{Name: "Go"}, "en"); got != `I earned the “Go” badge.` {
		t.Errorf("got %q", got)
	}
	// In the sharing learner's language; a language without a catalog is English.
	for lang, want := range map[string]string{
		"es":    "He obtenido la insignia «Go» de Gophers.",
		"fr":    "J'ai obtenu le badge «\u00a0Go\u00a0» délivré par Gophers.",
		"ar":    "حصلتُ على شارة «\u2068Go\u2069» من \u2068Gophers\u2069.",
		"de":    "I earned the “Go” badge from Gophers.",
		"x<y>z": "I earned the “Go” badge from Gophers.",
	} {
		if got := share.ShareText(share.Badge{Name: "Go", IssuerName: "Gophers"}, lang); got != want {
			t.Errorf("ShareText in %s = %q, want %q", lang, got, want)
		}
	}
	if got := share.CollectionText("Work", "es"); got != "Mi colección de insignias «Work»." {
		t.Errorf("CollectionText(es) = %q", got)
	}
	if got := share.ProfileText("Satchel", ""); got != "My verified badges on Satchel." {
		t.Errorf("ProfileText = %q", got)
	}
}

func TestMastodonInstance(t *testing.T) {
	t.Parallel()
	good := map[string]string{
		"mastodon.social":          "mastodon.social",
		"  Mastodon.Social  ":      "mastodon.social",
		"https://fosstodon.org/":   "fosstodon.org",
		"@alice@hachyderm.io":      "hachyderm.io",
		"social.example.co.uk":     "social.example.co.uk",
		"bücher.example":           "xn--bcher-kva.example",
		"mastodon.social.":         "mastodon.social",
		"a-b.example":              "a-b.example",
		"xn--bcher-kva.example":    "xn--bcher-kva.example",
		"m.s":                      "m.s",
		"123.example":              "123.example",
		"sub.123domain.example.io": "sub.123domain.example.io",
	}
	for in, want := range good {
		got, err := share.MastodonInstance(in)
		if err != nil || got != want {
			t.Errorf("MastodonInstance(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{
		"", "mastodon", "localhost", "foo.localhost", "127.0.0.1", "127.1", "[::1]", "::1", "10.0.0.1",
		"mastodon.social:8443", "mastodon.social/share", "mastodon.social?x=1", "http://mastodon.social",
		"user@mastodon.social", "evil.example/@x", "-bad.example", "bad-.example", "a..b", "a b.example",
		"javascript:alert(1)", "mastodon.social#x", "evil.example\\@mastodon.social",
		strings.Repeat("a", 64) + ".example", strings.Repeat("abcdefghi.", 26) + "example",
	}
	for _, in := range bad {
		if got, err := share.MastodonInstance(in); !errors.Is(err, share.ErrBadInstance) {
			t.Errorf("MastodonInstance(%q) = %q, %v; want ErrBadInstance", in, got, err)
		}
	}
	if _, err := share.Mastodon("evil.example/path", "https://s.example/b", ""); !errors.Is(err, share.ErrBadInstance) {
		t.Errorf("Mastodon with a path: %v", err)
	}
}

func FuzzMastodonInstance(f *testing.F) {
	for _, s := range []string{"mastodon.social", "@a@b.example", "https://x.example/", "127.0.0.1", "bücher.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		host, err := share.MastodonInstance(s)
		if err != nil {
			return
		}
		// Whatever is accepted must be a bare host name: the share URL's
		// host is exactly it, with nothing else before the path.
		link, err := share.Mastodon(s, "https://s.example/b", "t")
		if err != nil {
			t.Fatalf("accepted %q as %q but Mastodon failed: %v", s, host, err)
		}
		u, err := url.Parse(link)
		if err != nil || u.Host != host || u.Path != "/share" || u.User != nil || u.Port() != "" {
			t.Fatalf("%q → %q → %s", s, host, link)
		}
	})
}

func TestPostLinks_LongTextIsShortened(t *testing.T) {
	t.Parallel()
	page := "https://s.example/b/1"
	long := strings.Repeat("é", 2000)
	x, err := share.X(page, long)
	if err != nil {
		t.Fatal(err)
	}
	_, q := parse(t, x)
	// X counts the link as 23 characters, plus a space: the text leaves room.
	if n := len([]rune(q.Get("text"))); n > 280-24 || !strings.HasSuffix(q.Get("text"), "…") {
		t.Errorf("X text is %d characters: %q…", n, q.Get("text")[:20])
	}
	m, err := share.Mastodon("mastodon.social", page, long)
	if err != nil {
		t.Fatal(err)
	}
	_, q = parse(t, m)
	text := strings.TrimSuffix(q.Get("text"), " "+page)
	if n := len([]rune(text)); n > 500-24 || !strings.HasSuffix(text, "…") || !strings.HasSuffix(q.Get("text"), " "+page) {
		t.Errorf("Mastodon text is %d characters", n)
	}
	// Short text is untouched.
	x, _ = share.X(page, "short")
	if _, q = parse(t, x); q.Get("text") != "short" {
		t.Errorf("short text changed: %q", q.Get("text"))
	}
}
