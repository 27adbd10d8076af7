package paths

import "testing"

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
