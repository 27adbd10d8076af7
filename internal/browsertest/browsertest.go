// Package browsertest runs Satchel's pages in a real headless Chromium
// (Debian's chromium, driven by chromedp) for what only a browser can show:
// focus and keyboard order, colour schemes, and an axe-core accessibility
// audit.
//
// A test launches one browser (or, with several browser tests in a package,
// takes the one Shared browser) and opens private tabs (no shared cookies):
//
//	b := browsertest.MustLaunch(t)
//	for _, scheme := range browsertest.ColorSchemes {
//		tab := b.NewTab(t)
//		tab.Do(t, browsertest.EmulateColorScheme(scheme), chromedp.Navigate(url))
//		tab.TabUntil(t, "the import button", 20, browsertest.ByTestID("import"))
//		tab.Do(t, browsertest.PressEnter(), chromedp.WaitVisible(`[data-testid="tile"]`))
//		tab.Do(t, browsertest.Hover(`[data-testid="tile"]`))
//		tab.AssertAccessible(t, "backpack, "+scheme) // axe-core, WCAG 2.2 A and AA
//		if errs := tab.ConsoleErrors(); len(errs) > 0 { ... } // CSP blocks, script errors
//	}
//
// axe-core comes from web/testdata/browser (npm ci there, or
// `go tool task browser-deps`). Tests skip when Chromium or axe-core is
// missing on a developer's machine, and fail instead under CI=true, so a
// green CI run means they ran. A failed test's tabs leave a screenshot and
// their DOM in the test's artifact directory (go test -artifacts).
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// DefaultTimeout bounds each Tab's whole life. The machine is shared and
// small; a page that has not answered in this time is broken, not slow.
const DefaultTimeout = 2 * time.Minute

// Browser is a running headless Chromium with its own throw-away profile.
type Browser struct {
	ctx context.Context // a chromedp context whose first Run started the browser

	mu   sync.Mutex
	idle []*Tab // tabs of tests that passed, made blank again, for the next NewTab
}

// Tab is one browser tab. Pass Ctx to chromedp.Do / chromedp.Run.
type Tab struct {
	Ctx context.Context

	target context.Context // the tab's chromedp context, for its whole life
	close  func()          // closes the tab and waits for its console reader

	mu      sync.Mutex
	console []chromedp.ConsoleMessage

	axeOnce sync.Once // serveAxe's interception, for the tab's life
	axeErr  error
}

// InCI reports whether the tests run under CI (CI=true), where a missing
// browser or axe-core is a failure rather than a reason to skip.
func InCI() bool {
	return os.Getenv("CI") == "true"
}

// skipOrFail skips the test on a developer machine and fails it in CI.
func skipOrFail(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if InCI() {
		tb.Fatalf(format, args...)
	}
	tb.Skipf(format, args...)
}

// ExecPath finds the Chromium binary: $CHROMIUM_PATH if set, else chromium
// (Debian's package) or chromium-browser on $PATH.
func ExecPath() (string, error) {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium not found on PATH (install Debian's chromium package, or set CHROMIUM_PATH)")
}

// Flags are the Chromium command-line switches every test browser gets:
// headless, no sandbox (tests run as root in containers), and nothing that
// reaches the network on its own or changes between runs.
var Flags = []string{
	"headless",
	"no-sandbox",
	"disable-gpu",
	"disable-quic",
	"no-first-run",
	"disable-background-networking",
	"disable-component-update",
	"disable-sync",
	// Tabs of parallel tests sit in windows side by side: none may be
	// throttled as a hidden or background page would be.
	"disable-background-timer-throttling",
	"disable-backgrounding-occluded-windows",
	"disable-renderer-backgrounding",
}

// JSFlags are V8's switches in every test browser. A test page lives for a
// second or two, and axe-core starts afresh in each one; V8's optimising
// compilers (Maglev, TurboFan) spent more CPU compiling it again in every
// document than the compiled code saved. With the interpreter and the
// baseline compiler only, the web package's tests took about a fifth less
// CPU (measured alternately on one machine). Tiers change how fast
// JavaScript runs, never what it does.
const JSFlags = "--max-opt=1"

// MustLaunch starts Chromium for the test and stops it when the test ends.
// It skips the test when Chromium is absent, unless CI=true. A package with
// several browser tests uses Shared instead.
func MustLaunch(tb testing.TB) *Browser {
	tb.Helper()
	path, err := ExecPath()
	if err != nil {
		skipOrFail(tb, "browsertest: %v", err)
	}
	b, stop, err := launch(path, tb.TempDir())
	if err != nil {
		tb.Fatalf("browsertest: %v", err)
	}
	tb.Cleanup(stop)
	return b
}

// shared is the one Chromium of a test binary that Shared starts and Main
// stops.
var shared struct {
	once sync.Once
	b    *Browser
	stop func()
	dir  string
	err  error
}

// Shared returns the test binary's one Chromium, started by the first test
// that asks for it, so that parallel tests share one browser process and
// each opens its own tabs (NewTab: a private browser context per tab). Call
// Main from the package's TestMain so that the browser stops after the
// tests. It skips the test when Chromium is absent, unless CI=true.
func Shared(tb testing.TB) *Browser {
	tb.Helper()
	path, err := ExecPath()
	if err != nil {
		skipOrFail(tb, "browsertest: %v", err)
	}
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "browsertest-profile-")
		if shared.err != nil {
			return
		}
		shared.b, shared.stop, shared.err = launch(path, shared.dir)
	})
	if shared.err != nil {
		tb.Fatalf("browsertest: %v", shared.err)
	}
	return shared.b
}

// Main runs the tests of a package that uses Shared and then stops the
// shared browser; use it as TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(browsertest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	if shared.stop != nil {
		shared.stop()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	return code
}

// launch starts Chromium with its profile in dir; stop ends it.
func launch(path, dir string) (b *Browser, stop func(), err error) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
	}
	for _, f := range Flags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	opts = append(opts, chromedp.Flag("js-flags", JSFlags))
	if !roomyShm() {
		// /dev/shm is tiny in many containers, and Chromium crashes when
		// it fills; with this flag it keeps its shared memory in files
		// under /tmp instead, which costs it a lot of time in the file
		// system, so it is used only where it must be.
		opts = append(opts, chromedp.Flag("disable-dev-shm-usage", true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// The first Run starts the browser and ties its life to ctx, so it must
	// not carry a timeout; a watchdog cancels a start that hangs.
	started := make(chan struct{})
	go func() {
		select {
		case <-started:
		case <-time.After(DefaultTimeout):
			cancel()
		}
	}()
	err = chromedp.Do(ctx)
	close(started)
	if err != nil {
		cancel()
		cancelAlloc()
		return nil, nil, fmt.Errorf("starting %s: %w", path, err)
	}
	return &Browser{ctx: ctx}, func() {
		cancel()
		cancelAlloc()
	}, nil
}

// NewTab gives the test a tab of its own, in its own browser context, like
// a fresh private window: tabs share no cookies. It records what the page
// writes to its console (see ConsoleErrors). When the test ends the tab is
// closed if the test failed; otherwise it is made blank again (about:blank,
// no cookies, nothing emulated but focus, the pointer in the corner) and
// kept for a later NewTab, which saves starting a browser context and a
// renderer for every test.
func (b *Browser) NewTab(tb testing.TB) *Tab {
	tb.Helper()
	b.mu.Lock()
	var t *Tab
	if n := len(b.idle); n > 0 {
		t, b.idle = b.idle[n-1], b.idle[:n-1]
	}
	b.mu.Unlock()
	if t == nil {
		var err error
		if t, err = b.openTab(); err != nil {
			tb.Fatalf("browsertest: opening a tab: %v", err)
		}
	}
	t.mu.Lock()
	t.console = nil
	t.mu.Unlock()
	tctx, cancelTimeout := context.WithTimeout(t.target, DefaultTimeout)
	t.Ctx = tctx
	tb.Cleanup(func() {
		if tb.Failed() {
			t.saveArtifacts(tb, t.target)
		}
		cancelTimeout()
		if tb.Failed() || t.blank() != nil {
			t.close()
			return
		}
		b.mu.Lock()
		b.idle = append(b.idle, t)
		b.mu.Unlock()
	})
	return t
}

// openTab opens a tab in a new browser context.
func (b *Browser) openTab() (*Tab, error) {
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	// Start the tab (and its event subscriptions) before any page loads.
	// Tabs of parallel tests are open side by side, and only one window
	// has the system's focus; each page behaves as the focused one, so that
	// :focus, :focus-visible and keyboard order work in every tab.
	focused := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	})
	if err := chromedp.Do(ctx, focused); err != nil {
		cancel()
		return nil, err
	}
	t := &Tab{target: ctx}
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			t.mu.Lock()
			t.console = append(t.console, m)
			t.mu.Unlock()
		}
	}()
	t.close = func() {
		cancel()
		<-done
	}
	return t, nil
}

// blank undoes what a test did to the tab: it leaves the page for
// about:blank, forgets the browser context's cookies, and ends every
// emulation the package and the tests use (colour scheme, print, reduced
// motion, touch, screen size, scripts off) but focus, then moves the pointer to the
// corner. Each test's server has a port, so an origin, of its own: the
// cache and the page storage of one test are not another's.
func (t *Tab) blank() error {
	ctx, cancel := context.WithTimeout(t.target, 20*time.Second)
	defer cancel()
	reset := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: false}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{})
		return err
	})
	return chromedp.Do(ctx, chromedp.Navigate("about:blank"), reset, MoveMouseAway())
}

// saveArtifacts keeps a screenshot and the DOM of a failed test's tab in
// its artifact directory (kept with `go test -artifacts`).
func (t *Tab) saveArtifacts(tb testing.TB, ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	dir := tb.ArtifactDir()
	name := fmt.Sprintf("tab-%p", t)
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
	if html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`)); err == nil {
		os.WriteFile(filepath.Join(dir, name+".html"), []byte(html), 0o644)
	}
	tb.Logf("browsertest: screenshot and DOM of the failed tab in %s (kept with go test -artifacts)", dir)
}

// Do runs actions in the tab and fails the test on the first error.
func (t *Tab) Do(tb testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	if err := chromedp.Do(t.Ctx, actions...); err != nil {
		tb.Fatalf("browsertest: %v", err)
	}
}

// Console returns every console message, uncaught exception and browser log
// entry the tab has seen so far.
func (t *Tab) Console() []chromedp.ConsoleMessage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]chromedp.ConsoleMessage(nil), t.console...)
}

// ConsoleErrors returns the errors among Console: uncaught exceptions,
// console.error calls and browser errors such as a resource blocked by the
// Content-Security-Policy or a 404 for a script. It leaves out what the
// package itself caused: a page whose policy refused axe-core from
// axePath (it is then audited with axe-core given another way).
func (t *Tab) ConsoleErrors() []string {
	var errs []string
	for _, m := range t.Console() {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			s := m.String()
			if m.URL != "" {
				s += " (" + m.URL + ")"
			}
			if strings.Contains(s, axePath) {
				continue
			}
			errs = append(errs, s)
		}
	}
	return errs
}

// ModuleRoot returns the directory holding go.mod, found by walking up from
// the working directory (a test's working directory is its package's).
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// quote makes s a JavaScript string literal.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\u2028", `\u2028`, "\u2029", `\u2029`)
	return `"` + r.Replace(s) + `"`
}

// roomyShm reports whether /dev/shm is a file system of at least 1 GiB,
// room enough for the shared memory of a browser with many tabs.
func roomyShm() bool {
	var fs syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &fs); err != nil {
		return false
	}
	return uint64(fs.Blocks)*uint64(fs.Bsize) >= 1<<30
}
