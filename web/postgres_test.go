package web_test

import (
	"os"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/store/storetest"
)

// onPostgresTests are the handler tests that also run on PostgreSQL, as
// subtests of TestOnPostgreSQL: sign-in, import, the backpack,
// collections, public pages, email addresses, export and re-verification.
// The rest run on SQLite only.
var onPostgresTests = []struct {
	name string
	fn   func(*testing.T)
}{
	{"TestDevSignIn_EndToEnd", TestDevSignIn_EndToEnd},
	{"TestOIDCProvider_SignInThroughGoth", TestOIDCProvider_SignInThroughGoth},
	{"TestSignIn_ReturnsToThePageThatAskedForIt", TestSignIn_ReturnsToThePageThatAskedForIt},
	{"TestAccount_LinkSignInWithItThenUnlink", TestAccount_LinkSignInWithItThenUnlink},
	{"TestAccount_Delete", TestAccount_Delete},
	{"TestImport_BakedPNG", TestImport_BakedPNG},
	{"TestImport_SeveralFilesAtOnce_SVGJSONAndExpiredKept", TestImport_SeveralFilesAtOnce_SVGJSONAndExpiredKept},
	{"TestImport_DuplicateIsRecognised", TestImport_DuplicateIsRecognised},
	{"TestImport_OB3NewerValidFromReplaces", TestImport_OB3NewerValidFromReplaces},
	{"TestImport_URLToLoopbackIssuer", TestImport_URLToLoopbackIssuer},
	{"TestImport_HourlyLimitPerLearner", TestImport_HourlyLimitPerLearner},
	{"TestImport_RevokedKeptAndMarked", TestImport_RevokedKeptAndMarked},
	{"TestBackpack_TilesShowEachBadge", TestBackpack_TilesShowEachBadge},
	{"TestBackpack_SortFilterAndSearch", TestBackpack_SortFilterAndSearch},
	{"TestBackpack_Pagination", TestBackpack_Pagination},
	{"TestCollections_CreateListAndValidation", TestCollections_CreateListAndValidation},
	{"TestCollections_AddReorderRemove", TestCollections_AddReorderRemove},
	{"TestCollections_EditDeleteKeepsBadges", TestCollections_EditDeleteKeepsBadges},
	{"TestCollections_VisibilityAndLinkReplacement", TestCollections_VisibilityAndLinkReplacement},
	{"TestCollections_FromTheBadgePageAndSeveralAtOnce", TestCollections_FromTheBadgePageAndSeveralAtOnce},
	{"TestPublicProfile_ShowsOnlyWhatIsPublicAndNoEmail", TestPublicProfile_ShowsOnlyWhatIsPublicAndNoEmail},
	{"TestPublicCollections", TestPublicCollections},
	{"TestPublicBadge_ShowsEverythingButTheEmail", TestPublicBadge_ShowsEverythingButTheEmail},
	{"TestPublicProfile_ChangesShowAtOnce", TestPublicProfile_ChangesShowAtOnce},
	{"TestPublicCollection_ChangesShowAtOnce", TestPublicCollection_ChangesShowAtOnce},
	{"TestEmails_AddConfirmWithTheEmailedLinkThenRemove", TestEmails_AddConfirmWithTheEmailedLinkThenRemove},
	{"TestExport_RoundTripIntoAFreshAccountAndDatabase", TestExport_RoundTripIntoAFreshAccountAndDatabase},
	{"TestReverify_IssuerRevokesBadge", TestReverify_IssuerRevokesBadge},
}

// TestOnPostgreSQL runs onPostgresTests with their databases on the
// PostgreSQL server of SATCHEL_TEST_DATABASE_URL (each in a schema of its
// own). Without one it skips, except under CI=true, where it fails.
func TestOnPostgreSQL(t *testing.T) {
	if os.Getenv(storetest.URLVar) == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set: the handler tests on PostgreSQL would not run", storetest.URLVar)
		}
		t.Skipf("%s is not set", storetest.URLVar)
	}
	for _, tc := range onPostgresTests {
		t.Run(tc.name, tc.fn)
	}
}

// onPostgres reports whether tb runs inside TestOnPostgreSQL, so that
// MustOpenDB opens PostgreSQL for it.
func onPostgres(tb testing.TB) bool {
	return strings.HasPrefix(tb.Name(), "TestOnPostgreSQL/")
}
