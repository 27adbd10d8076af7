package backpack_test

import (
	"os"
	"testing"

	"github.com/satchel-backpack/satchel/store/storetest"
)

// engine is the store engine the tests run on now: TestMain runs them once
// per engine of storetest.Engines (SQLite always, PostgreSQL when
// SATCHEL_TEST_DATABASE_URL is set), so the use cases (import, export,
// re-verification) are checked on both.
var engine = "sqlite"

func TestMain(m *testing.M) {
	os.Exit(storetest.RunEachEngine(m, "backpack", func(e string) { engine = e }))
}
