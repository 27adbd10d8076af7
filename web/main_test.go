package web_test

import (
	"os"
	"testing"

	"github.com/satchel-backpack/satchel/internal/browsertest"
)

// TestMain stops the one Chromium that the browser tests share.
func TestMain(m *testing.M) {
	os.Exit(browsertest.Main(m))
}
