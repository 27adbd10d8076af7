package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/satchel-backpack/satchel/internal/samples"
)

// pgLink stands between Satchel and PostgreSQL on loopback, so that a test
// can take the database away as a restart does: every open connection
// drops and new ones are refused, until it comes back.
type pgLink struct {
	ln       net.Listener
	upstream func() (net.Conn, error)
	mu       sync.Mutex
	down     bool
	conns    map[net.Conn]bool
}

// newPGLink starts a link to the server of dbURL and returns it with the
// URL that reaches the same database (and schema) through it.
func newPGLink(t *testing.T, dbURL string) (*pgLink, string) {
	t.Helper()
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	network, addr := "tcp", net.JoinHostPort(cfg.Host, fmtPort(cfg.Port))
	if strings.HasPrefix(cfg.Host, "/") { // a Unix socket directory
		network, addr = "unix", cfg.Host+"/.s.PGSQL."+fmtPort(cfg.Port)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &pgLink{ln: ln, conns: map[net.Conn]bool{}, upstream: func() (net.Conn, error) { return net.Dial(network, addr) }}
	go l.serve()
	t.Cleanup(func() { ln.Close(); l.cut() })
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = ln.Addr().String()
	q := u.Query()
	q.Del("host")
	q.Del("port")
	q.Set("sslmode", "disable")
	u.RawQuery = q.Encode()
	return l, u.String()
}

func fmtPort(p uint16) string { return strconv.Itoa(int(p)) }

func (l *pgLink) serve() {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		l.mu.Lock()
		if l.down {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.mu.Unlock()
		up, err := l.upstream()
		if err != nil {
			c.Close()
			continue
		}
		l.mu.Lock()
		l.conns[c], l.conns[up] = true, true
		l.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go func() { io.Copy(c, up); c.Close() }()
	}
}

// cut drops every connection and refuses new ones.
func (l *pgLink) cut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.down = true
	for c := range l.conns {
		c.Close()
	}
	clear(l.conns)
}

// restore lets connections through again.
func (l *pgLink) restore() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.down = false
}

// While PostgreSQL is away, every request that needs it answers 503 with a
// page (or JSON) that says to try again, /readyz says not ready and
// /healthz alive; when it is back, the same process serves again without
// being restarted, and the session made before still holds.
func TestMain_OnPostgreSQL_DatabaseRestartGives503ThenRecovers(t *testing.T) {
	requireDevSignIn(t)
	ctx := context.Background()
	dbURL, _ := mustPostgresURL(t)
	link, linkURL := newPGLink(t, dbURL)
	tm := newTestMain(map[string]string{
		"SATCHEL_ADDR":           "127.0.0.1:0",
		"SATCHEL_DATA_DIR":       t.TempDir(),
		"SATCHEL_DATABASE_URL":   linkURL,
		"SATCHEL_SESSION_SECRET": strings.Repeat("restart-secret-", 3),
		"SATCHEL_DEV_LOGIN":      "on",
	})
	if err := tm.ParseFlags(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := tm.Run(ctx); err != nil {
		t.Fatalf("run: %v\n%s", err, tm.stderr.String())
	}
	t.Cleanup(func() { tm.Close() })
	ada := newBrowser(t)
	ada.get(tm.URL + "/auth/dev")
	if code, body := ada.post(tm.URL, "/auth/dev", url.Values{"name": {"Ada"}, "email": {samples.Recipient}}); code != http.StatusOK || !strings.Contains(body, `data-testid="nav-user">Ada<`) {
		t.Fatalf("sign-in: %d", code)
	}
	if code, _ := ada.post(tm.URL, "/account/profile", url.Values{"handle": {"ada-restart"}, "display_name": {"Ada"}, "avatar": {"none"}}); code != http.StatusOK {
		t.Fatalf("profile: %d", code)
	}

	link.cut()
	for _, path := range []string{"/backpack", "/u/ada-restart", "/account"} {
		code, body := ada.get(tm.URL + path)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "cannot reach its database") || !strings.Contains(body, "try again") {
			t.Errorf("%s with the database away: %d, want 503 and a page saying to try again:\n%.400s", path, code, body)
		}
		if strings.Contains(body, "127.0.0.1") || strings.Contains(body, "dial") {
			t.Errorf("%s shows the error's details:\n%s", path, body)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, tm.URL+"/backpack", nil)
	req.Header.Set("Accept", "application/json")
	if res, err := ada.c.Do(req); err != nil {
		t.Fatal(err)
	} else {
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"code":"unavailable"`) || res.Header.Get("Retry-After") == "" {
			t.Errorf("JSON with the database away: %d %s (Retry-After %q)", res.StatusCode, body, res.Header.Get("Retry-After"))
		}
	}
	if code, _ := ada.get(tm.URL + "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database away: %d", code)
	}
	if code, _ := ada.get(tm.URL + "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz with the database away: %d", code)
	}

	link.restore()
	var code int
	var body string
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if code, body = ada.get(tm.URL + "/backpack"); code == http.StatusOK {
			break
		}
	}
	if code != http.StatusOK || !strings.Contains(body, `data-testid="nav-user">Ada<`) {
		t.Fatalf("after the database came back: %d", code)
	}
	if code, body := ada.get(tm.URL + "/u/ada-restart"); code != http.StatusOK || !strings.Contains(body, "Ada") {
		t.Errorf("public profile after the database came back: %d", code)
	}
	if code, _ := ada.get(tm.URL + "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after the database came back: %d", code)
	}
}
