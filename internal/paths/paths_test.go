package paths

import (
	"strings"
	"testing"
)

func TestBuilders_EscapeEachSegment(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ got, want string }{
		{Badge("b1"), "/badges/b1"},
		{Badge("a b/c?d"), "/badges/a%20b%2Fc%3Fd"},
		{CollectionMove("c1", "b/2"), "/collections/c1/badges/b%2F2/move"},
		{PublicCollection("ada", "my work"), "/u/ada/my%20work"},
		{ProfileQRSVG("ada"), "/u/ada/qr.svg"},
		{EmailRemove(42), "/account/emails/42/remove"},
		{EmbedBadge("ada", "b1"), "/embed/badges/ada/b1"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestFill_PanicsOnAWrongCount(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"a", "b", "c"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("fill(%q, %q) did not panic", PublicBadgePattern, args)
				}
			}()
			fill(PublicBadgePattern, args...)
		}()
	}
}

func TestParams_ReadsBackWhatTheBuildersMake(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, path string
		want          []string
	}{
		{PublicBadgePattern, PublicBadge("ada", "b/1 x"), []string{"ada", "b/1 x"}},
		{PublicCollectionPattern, PublicCollection("ada", "my work"), []string{"ada", "my work"}},
		{UnlistedCollectionPattern, UnlistedCollection("tok"), []string{"tok"}},
		{PublicProfilePattern, PublicProfile("ada"), []string{"ada"}},
		{Backpack, Backpack, nil},
	} {
		got, ok := Params(tc.pattern, tc.path)
		if !ok || strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Params(%q, %q) = %q %v, want %q", tc.pattern, tc.path, got, ok, tc.want)
		}
	}
	for _, tc := range []struct{ pattern, path string }{
		{PublicBadgePattern, "/u/ada/badges"},           // too short
		{PublicBadgePattern, "/u/ada/badges/b1/verify"}, // too long
		{PublicBadgePattern, "/u/ada/badge/b1"},         // a fixed segment differs
		{PublicProfilePattern, "/u/"},                   // an empty parameter
		{PublicProfilePattern, "/u/%zz"},                // not escaped properly
	} {
		if got, ok := Params(tc.pattern, tc.path); ok {
			t.Errorf("Params(%q, %q) matched: %q", tc.pattern, tc.path, got)
		}
	}
	if Prefix(ImagePattern) != "/images/" || Prefix(AuthStartPattern) != "/auth/" || Prefix(Backpack) != Backpack {
		t.Errorf("Prefix: %q %q %q", Prefix(ImagePattern), Prefix(AuthStartPattern), Prefix(Backpack))
	}
}
