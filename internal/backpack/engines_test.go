package backpack_test

import (
	"fmt"
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
	engines, err := storetest.Engines()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := 0
	for _, e := range engines {
		engine = e
		fmt.Printf("backpack: the tests on %s\n", e)
		if c := m.Run(); c != 0 {
			fmt.Printf("backpack: FAIL on %s\n", e)
			code = c
		}
	}
	os.Exit(code)
}
