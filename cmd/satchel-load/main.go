// Command satchel-load measures how the backpack page holds up under load.
//
// It creates a temporary data directory, seeds a learner with 1,000 badges
// through the store, starts the real satchel binary on a loopback port,
// signs in through the development sign-in, then requests the page from
// several concurrent connections for a fixed time and prints requests per
// second, latency percentiles and the error count. With -static it also
// serves the same HTML as a plain file (from a second process, through
// http.FileServer) and runs the same load against it, for comparison.
//
// Everything stays on loopback, and the run ends by itself.
//
//	go run ./cmd/satchel-load -c 16 -d 10s -url-path /backpack -static
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

const defaultPath = paths.Backpack

type options struct {
	concurrency int
	db          string // PostgreSQL URL; "" for SQLite
	duration    time.Duration
	warmup      time.Duration
	path        string
	pathSet     bool
	badges      int
	bin         string
	static      bool
	logLevel    string
	email       string
	nodes       int
}

func main() {
	var o options
	fs := flag.NewFlagSet("satchel-load", flag.ExitOnError)
	fs.IntVar(&o.concurrency, "c", 16, "concurrent connections")
	fs.StringVar(&o.db, "db", "", "an empty PostgreSQL database (or schema), `postgres://…`, to seed and run satchel on instead of SQLite")
	fs.DurationVar(&o.duration, "d", 10*time.Second, "how long to load each target (at most 5m)")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "load before measuring, not counted")
	fs.StringVar(&o.path, "url-path", defaultPath, "page to request, signed in as the seeded learner")
	fs.IntVar(&o.badges, "badges", 1000, "badges in the learner's backpack")
	fs.StringVar(&o.bin, "bin", "", "satchel binary to run, one with the development sign-in (-tags dev), which the load signs in through (default: build ./cmd/satchel with -tags dev into the temporary directory)")
	fs.BoolVar(&o.static, "static", false, "also serve the same HTML as a static file and load that, for comparison")
	fs.StringVar(&o.logLevel, "log-level", "warn", "the server's SATCHEL_LOG_LEVEL (info logs every request)")
	fs.StringVar(&o.email, "email", "load@example.org", "the seeded learner's email address")
	fs.IntVar(&o.nodes, "nodes", 1, "satchel processes on the one database, behind a round-robin reverse proxy on loopback when more than one")
	serveStatic := fs.String("serve-static", "", "internal: serve this directory on loopback (the -static comparison's second process)")
	serveProxy := fs.String("serve-proxy", "", "internal: forward to these comma-separated backends on loopback (the -nodes proxy)")
	fs.Parse(os.Args[1:])
	fs.Visit(func(f *flag.Flag) { o.pathSet = o.pathSet || f.Name == "url-path" })

	if *serveProxy != "" {
		if err := runProxyServer(*serveProxy, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "satchel-load:", err)
			os.Exit(1)
		}
		return
	}
	if *serveStatic != "" {
		if err := runStaticServer(*serveStatic, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "satchel-load:", err)
			os.Exit(1)
		}
		return
	}
	if o.concurrency < 1 || o.concurrency > 1024 || o.duration <= 0 || o.duration > 5*time.Minute || o.badges < 0 || o.nodes < 1 || o.nodes > 16 {
		fmt.Fprintln(os.Stderr, "satchel-load: -c must be 1–1024, -d between 0 and 5m, -badges not negative, -nodes 1–16")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The whole run is bounded: building, seeding and two load phases.
	ctx, cancel := context.WithTimeout(ctx, 2*(o.warmup+o.duration)+5*time.Minute)
	defer cancel()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "satchel-load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, out io.Writer) error {
	tmp, err := os.MkdirTemp("", "satchel-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dataDir := filepath.Join(tmp, "data")
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return err
	}

	bin := o.bin
	if bin == "" {
		bin = filepath.Join(tmp, "satchel")
		fmt.Fprintln(out, "building satchel…")
		cmd := exec.CommandContext(ctx, "go", "build", "-tags", "dev", "-o", bin, "github.com/satchel-backpack/satchel/cmd/satchel")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build satchel: %w", err)
		}
	}

	t0 := time.Now()
	db, err := store.Open(ctx, filepath.Join(dataDir, "satchel.db"))
	if err != nil {
		return err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return err
	}
	if _, err := seed(ctx, db, o.email, o.badges); err != nil {
		db.Close()
		return fmt.Errorf("seed: %w", err)
	}
	if err := db.Close(); err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded %d badges for %s in %.1fs\n", o.badges, o.email, time.Since(t0).Seconds())
	var env []string
	if o.db != "" {
		if env, err = onPostgres(ctx, out, filepath.Join(dataDir, "satchel.db"), o.db); err != nil {
			return err
		}
	}

	srv, err := startCluster(ctx, bin, dataDir, o.logLevel, o.nodes, env...)
	if err != nil {
		return err
	}
	defer srv.stop()

	cookie, err := devSignIn(ctx, srv.base, o.email)
	if err != nil {
		return fmt.Errorf("%w\nserver log:\n%s", err, srv.log())
	}
	path := o.path
	page, status, err := getPage(ctx, srv.base+path, cookie)
	if err != nil {
		return err
	}
	if status == http.StatusNotFound && !o.pathSet {
		// The backpack page may not be there yet; load a signed-in page that is.
		fmt.Fprintf(out, "warning: %s is not served yet (404); loading /account instead\n", path)
		path = paths.Account
		page, status, err = getPage(ctx, srv.base+path, cookie)
		if err != nil {
			return err
		}
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s signed in: status %d, want 200", path, status)
	}
	fmt.Fprintf(out, "target %s%s (%s): %.1f KiB of HTML, %d concurrent connections, %s each (after %s warm-up)\n\n",
		srv.base, path, srv.describe(), float64(len(page))/1024, o.concurrency, o.duration, o.warmup)

	spec := loadSpec{URL: srv.base + path, Header: http.Header{"Cookie": {cookie}}, Concurrency: o.concurrency, Duration: o.duration, Warmup: o.warmup}
	res, err := runLoad(ctx, spec)
	if err != nil {
		return err
	}
	report(out, fmt.Sprintf("Satchel %s (%d badges)", path, o.badges), res)
	if !o.static {
		return nil
	}

	return compareWithStatic(ctx, out, tmp, page, o.concurrency, o.duration, o.warmup, res)
}

// process is a child server.
type process struct {
	cmd  *exec.Cmd
	base string // http://host:port
	log  *tailBuffer
}

// stop asks the child to shut down and kills it if it does not within ten
// seconds.
func (p *process) stop() {
	if p.cmd.Process == nil {
		return
	}
	p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// startSatchel runs `satchel serve` on a free loopback port with the data
// directory, the development sign-in on and background re-verification
// off, and waits until it answers /healthz. env adds to its environment
// (SATCHEL_DATABASE_URL, for one).
func startSatchel(ctx context.Context, bin, dataDir, logLevel string, env ...string) (*process, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "serve")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"SATCHEL_ADDR=127.0.0.1:" + port,
		"SATCHEL_DATA_DIR=" + dataDir,
		"SATCHEL_DEV_LOGIN=on",
		"SATCHEL_REVERIFY_INTERVAL=off",
		"SATCHEL_LOG_LEVEL=" + logLevel,
	}
	cmd.Env = append(cmd.Env, env...)
	p := &process{cmd: cmd, base: "http://localhost:" + port, log: &tailBuffer{max: 64 << 10}}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(p.base + paths.Healthz)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			p.stop()
			return nil, fmt.Errorf("satchel did not become healthy at %s:\n%s", p.base, p.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// devSignIn goes through the development sign-in as email, like a person
// would, and returns the Cookie header the signed-in browser sends.
func devSignIn(ctx context.Context, base, email string) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+paths.DevSignIn, nil)
	res, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("development sign-in form: %w", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	tok := csrfField.FindSubmatch(body)
	if res.StatusCode != http.StatusOK || tok == nil {
		return "", fmt.Errorf("development sign-in form: status %d, no CSRF field", res.StatusCode)
	}
	form := url.Values{"_csrf": {string(tok[1])}, "name": {"Load Test"}, "email": {email}}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+paths.DevSignIn, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = c.Do(req)
	if err != nil {
		return "", fmt.Errorf("development sign-in: %w", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || strings.HasPrefix(res.Request.URL.Path, paths.Prefix(paths.AuthStartPattern)) || strings.HasPrefix(res.Request.URL.Path, paths.SignIn) {
		return "", fmt.Errorf("development sign-in ended at %s with status %d", res.Request.URL, res.StatusCode)
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	if len(parts) == 0 {
		return "", errors.New("development sign-in set no cookie")
	}
	return strings.Join(parts, "; "), nil
}

func getPage(ctx context.Context, u, cookie string) ([]byte, int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	req.Header.Set("Cookie", cookie)
	c := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return body, res.StatusCode, err
}

// startStatic runs this program again as a static file server for dir, so
// that the comparison server is also a process of its own.
func startStatic(ctx context.Context, dir string) (*process, error) {
	p, addr, err := startChild(ctx, "static server", "-serve-static", dir)
	if err != nil {
		return nil, err
	}
	p.base = "http://" + addr
	return p, nil
}

// startChild runs this program again with args (one of its internal
// -serve-… modes), which answers "listening ADDR" on its standard output
// once it serves; closing its standard input (or our exit) stops it.
func startChild(ctx context.Context, what string, args ...string) (*process, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.CommandContext(ctx, self, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, "", err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	p := &process{cmd: cmd, log: &tailBuffer{max: 16 << 10}}
	cmd.Stderr = p.log
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		stdin.Close()
		p.stop()
		return nil, "", fmt.Errorf("%s did not start: %q %v\n%s", what, line, err, p.log.String())
	}
	return p, addr, nil
}

// runStaticServer serves dir with http.FileServer on a loopback port,
// writes "listening ADDR" to out, and stops when in reaches EOF (the
// parent closed it or exited) or after ten minutes.
func runStaticServer(dir string, in io.Reader, out io.Writer) error {
	return serveChild(http.FileServer(http.Dir(dir)), 10*time.Minute, in, out)
}

// serveChild is a child process's server (the static file server, the
// proxy): it serves h on a loopback port, writes "listening ADDR" to out,
// and stops when in reaches EOF (the parent closed it or exited), on a
// signal, or after limit.
func serveChild(h http.Handler, limit time.Duration, in io.Reader, out io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Fprintf(out, "listening %s\n", ln.Addr())
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, in); close(done) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	case <-time.After(limit):
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}

// tailBuffer keeps the last max bytes written to it (a child's log).
type tailBuffer struct {
	mu  sync.Mutex
	b   []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append([]byte(nil), t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// compareWithStatic serves page from http.FileServer in its own process,
// runs the same load against it and reports how Satchel's result compares.
func compareWithStatic(ctx context.Context, out io.Writer, tmp string, page []byte, concurrency int, duration, warmup time.Duration, res *loadResult) error {
	dir := filepath.Join(tmp, "static")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), page, 0o640); err != nil {
		return err
	}
	st, err := startStatic(ctx, dir)
	if err != nil {
		return err
	}
	defer st.stop()
	sres, err := runLoad(ctx, loadSpec{URL: st.base + "/", Concurrency: concurrency, Duration: duration, Warmup: warmup})
	if err != nil {
		return err
	}
	fmt.Fprintln(out)
	report(out, "the same HTML as a static file (http.FileServer, its own process)", sres)
	if sres.RPS() > 0 && res.Requests > 0 {
		fmt.Fprintf(out, "\nSatchel serves %.0f%% of the static file's requests/s; p99 %s vs %s\n",
			100*res.RPS()/sres.RPS(), ms(res.Percentile(99)), ms(sres.Percentile(99)))
	}
	return nil
}
