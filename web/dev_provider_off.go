//go:build !dev

package web

import (
	"time"

	"github.com/markbates/goth"
)

// DevSignInBuilt reports whether this build embeds the development
// sign-in's provider. A production build (without -tags dev) does not.
const DevSignInBuilt = false

// devProvider stands in for the embedded provider, which a production
// build leaves out; startDevProvider never returns one.
type devProvider struct{ goth goth.Provider }

func startDevProvider(string, time.Duration) (*devProvider, error) {
	return nil, errDevSignInNotBuilt
}

func (d *devProvider) Origin() string        { return "" }
func (d *devProvider) Close() error          { return nil }
func (d *devProvider) expect(_, _, _ string) {}
