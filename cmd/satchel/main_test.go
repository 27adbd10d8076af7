package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/config"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/web"
)

// testMain is a Main with its environment and output captured.
type testMain struct {
	*Main
	stdout, stderr bytes.Buffer
}

func newTestMain(env map[string]string) *testMain {
	tm := &testMain{Main: NewMain()}
	tm.Stdout, tm.Stderr = &tm.stdout, &tm.stderr
	tm.Getenv = func(k string) string { return env[k] }
	tm.ShutdownTimeout = 20 * time.Second
	return tm
}

// MustRunMain boots the real program on a loopback port 0 with its data
// directory under dir, and closes it at the end of the test.
func MustRunMain(tb testing.TB, dir string, args ...string) *testMain {
	tb.Helper()
	tm := newTestMain(map[string]string{"SATCHEL_ADDR": "127.0.0.1:0", "SATCHEL_DATA_DIR": dir})
	if err := tm.ParseFlags(context.Background(), args); err != nil {
		tb.Fatal(err)
	}
	if err := tm.Run(context.Background()); err != nil {
		tb.Fatalf("run: %v\n%s", err, tm.stderr.String())
	}
	tb.Cleanup(func() { tm.Close() })
	return tm
}

// requireDevSignIn skips a test that signs in through the development
// sign-in when this test build lacks it (go test without -tags dev; go tool
// task test passes the tag), and fails it under CI, where skipping would
// hide it.
func requireDevSignIn(tb testing.TB) {
	tb.Helper()
	if web.DevSignInBuilt {
		return
	}
	const msg = "this test signs in through the development sign-in, which only a -tags dev build has: run go test -tags dev (go tool task test does)"
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

func TestMain_ServesOnPortZero(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m := MustRunMain(t, dir)
	if !strings.HasPrefix(m.URL, "http://localhost:") {
		t.Fatalf("base URL %s", m.URL)
	}
	res, err := http.Get("http://" + m.Addr + paths.Healthz)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d", res.StatusCode)
	}
	logs := m.stderr.String()
	devLine := "development sign-in is ON"
	if !web.DevSignInBuilt {
		devLine = "development sign-in is not in this build"
	}
	for _, want := range []string{"generated a session secret", "applied migration", "Satchel is listening", devLine} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, config.SecretFile)); err != nil {
		t.Errorf("session secret not kept: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.stderr.String(), "stopped cleanly") {
		t.Error("no clean stop logged")
	}
}

func TestMain_DevSignInThroughTheRealProgram(t *testing.T) {
	t.Parallel()
	requireDevSignIn(t)
	m := MustRunMain(t, t.TempDir())
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	// The base URL's host (localhost), as the README says to open, so that
	// the cookies match the callback's host.
	base := m.URL
	res, err := c.Get(base + paths.DevSignIn)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	tok := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(body)
	if tok == nil {
		t.Fatalf("no CSRF token:\n%s", body)
	}
	res, err = c.PostForm(base+paths.DevSignIn, url.Values{"_csrf": {string(tok[1])}, "name": {"Newcomer"}, "email": {"new@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.Request.URL.Path != paths.Home || !strings.Contains(string(body), `data-testid="nav-user">Newcomer<`) {
		t.Fatalf("ended at %s:\n%s\n%s", res.Request.URL, body, m.stderr.String())
	}
}

func TestMain_GracefulShutdownFinishesInFlightRequest(t *testing.T) {
	t.Parallel()
	requireDevSignIn(t) // its slow request is a development sign-in
	tm := newTestMain(map[string]string{"SATCHEL_ADDR": "127.0.0.1:0", "SATCHEL_DATA_DIR": t.TempDir()})
	active := make(chan struct{}, 16)
	tm.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateActive {
			active <- struct{}{}
		}
	}
	if err := tm.ParseFlags(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if err := tm.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := tm
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(m.URL + paths.DevSignIn)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	tok := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(body)
	<-active // the GET

	// A POST whose body arrives slowly: the request is in flight while the
	// server is asked to stop.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, m.URL+paths.DevSignIn, pr)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	type result struct {
		res *http.Response
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := c.Do(req)
		done <- result{res, err}
	}()
	if _, err := pw.Write([]byte("_csrf=" + url.QueryEscape(string(tok[1])) + "&name=")); err != nil {
		t.Fatal(err)
	}
	<-active // the server is handling the POST

	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()

	// Wait until the server has stopped accepting connections.
	for i := 0; ; i++ {
		conn, err := net.DialTimeout("tcp", m.Addr, time.Second)
		if err != nil {
			break
		}
		conn.Close()
		if i > 500 {
			t.Fatal("server still accepting connections")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a request was in flight", err)
	default:
	}

	// Finish the request: it completes normally.
	pw.Write([]byte("Late&email=late%40example.org"))
	pw.Close()
	r := <-done
	if r.err != nil {
		t.Fatalf("in-flight request failed: %v", r.err)
	}
	r.res.Body.Close()
	if r.res.StatusCode != http.StatusSeeOther {
		t.Fatalf("in-flight request: %d", r.res.StatusCode)
	}
	if err := <-closed; err != nil {
		t.Fatalf("close: %v", err)
	}
	// And the database was closed cleanly.
	if err := m.DB.Ping(context.Background()); err == nil {
		t.Fatal("database still open after Close")
	}
}

func TestMain_MigrateTwiceAndBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	run := func(args ...string) *testMain {
		t.Helper()
		tm := newTestMain(map[string]string{"SATCHEL_DATA_DIR": dir})
		if err := tm.ParseFlags(context.Background(), args); err != nil {
			t.Fatal(err)
		}
		if err := tm.Run(context.Background()); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if err := tm.Close(); err != nil {
			t.Fatal(err)
		}
		return tm
	}
	if out := run("migrate").stdout.String(); !strings.Contains(out, "applied 0001_accounts.sql") {
		t.Fatalf("first migrate: %q", out)
	}
	if out := run("migrate").stdout.String(); !strings.Contains(out, "up to date") {
		t.Fatalf("second migrate: %q", out)
	}

	// Data written by a running server, backed up while it runs.
	srv := MustRunMain(t, dir)
	u, _, err := srv.DB.SignIn(context.Background(), store.Identity{Provider: "dev", Subject: "dev:ada@example.org", Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if out := run("backup", backup).stdout.String(); !strings.Contains(out, backup) {
		t.Fatalf("backup: %q", out)
	}
	db, err := store.Open(context.Background(), backup)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.User(context.Background(), u.ID)
	if err != nil || got.Name != "Ada" {
		t.Fatalf("backup holds %+v, %v", got, err)
	}

	// A second backup to the same file is refused with a clear message.
	tm := newTestMain(map[string]string{"SATCHEL_DATA_DIR": dir})
	tm.ParseFlags(context.Background(), []string{"backup", backup})
	err = tm.Run(context.Background())
	tm.Close()
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("backup over existing file: %v", err)
	}
}

func TestMain_BackupWithoutDatabaseSaysSo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tm := newTestMain(map[string]string{"SATCHEL_DATA_DIR": dir})
	if err := tm.ParseFlags(context.Background(), []string{"backup", filepath.Join(t.TempDir(), "b.db")}); err != nil {
		t.Fatal(err)
	}
	err := tm.Run(context.Background())
	tm.Close()
	if err == nil || !strings.Contains(err.Error(), "no database") || !strings.Contains(err.Error(), "SATCHEL_DATA_DIR") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "satchel.db")); err == nil {
		t.Fatal("backup created an empty database")
	}
}

func TestMain_HelpListsEveryCommandFlagAndVariable(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}} {
		tm := newTestMain(nil)
		err := tm.ParseFlags(context.Background(), args)
		if !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("%v: %v", args, err)
		}
		out := tm.stdout.String()
		for _, c := range commands {
			if !strings.Contains(out, "  "+c.name+" ") {
				t.Errorf("%v: help lacks command %s", args, c.name)
			}
		}
		for _, v := range config.Vars {
			if !strings.Contains(out, v.Name) {
				t.Errorf("%v: help lacks %s", args, v.Name)
			}
			if v.Flag != "" && !strings.Contains(out, "--"+v.Flag) {
				t.Errorf("%v: help lacks --%s", args, v.Flag)
			}
		}
	}
}

func TestMain_BadConfigurationNamesVariable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"SATCHEL_DEV_LOGIN": "on", "SATCHEL_ADDR": "0.0.0.0:8080"}, nil, "SATCHEL_DEV_LOGIN"},
		{map[string]string{"SATCHEL_GITHUB_KEY": "x"}, nil, "SATCHEL_GITHUB_SECRET"},
		{nil, []string{"--addr", "nonsense"}, "SATCHEL_ADDR"},
		{nil, []string{"backup"}, "backup: expected 1 argument"},
		{nil, []string{"frobnicate"}, `unknown command "frobnicate"`},
	}
	for _, tc := range cases {
		tm := newTestMain(tc.env)
		err := tm.ParseFlags(context.Background(), tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: %v", tc.env, tc.args, err)
		}
	}
	// Serving off loopback without a session secret is refused at start-up.
	tm := newTestMain(map[string]string{"SATCHEL_ADDR": "0.0.0.0:0", "SATCHEL_BASE_URL": "https://backpack.example.org", "SATCHEL_DATA_DIR": t.TempDir(), "SATCHEL_DEV_LOGIN": "off"})
	if err := tm.ParseFlags(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	err := tm.Run(context.Background())
	tm.Close()
	if err == nil || !strings.Contains(err.Error(), "SATCHEL_SESSION_SECRET") {
		t.Fatalf("no secret off loopback: %v", err)
	}
}

func TestMain_FlagsAfterCommand(t *testing.T) {
	t.Parallel()
	tm := newTestMain(nil)
	if err := tm.ParseFlags(context.Background(), []string{"serve", "--addr", "127.0.0.1:9999", "--dev-login", "off"}); err != nil {
		t.Fatal(err)
	}
	if tm.Config.Addr != "127.0.0.1:9999" || tm.Config.DevLogin() {
		t.Fatalf("config %+v", tm.Config)
	}
}

func TestMain_DispatchesBadgeCommands(t *testing.T) {
	t.Parallel()
	tm := newTestMain(nil)
	if err := tm.ParseFlags(context.Background(), []string{"unbake", filepath.Join(t.TempDir(), "missing.png")}); err != nil {
		t.Fatal(err)
	}
	if err := tm.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tm.ExitCode == 0 || tm.stderr.Len() == 0 {
		t.Fatalf("unbake of a missing file: exit %d, stderr %q", tm.ExitCode, tm.stderr.String())
	}
}

func TestMain_JSONLogsForLogShippers(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t, t.TempDir(), "serve", "--log-format", "json")
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(m.stderr.String()), "\n")
	listening := false
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON log line (%v): %s", err, line)
		}
		if rec["level"] == nil || rec["time"] == nil {
			t.Errorf("JSON line without level or time: %s", line)
		}
		if msg, _ := rec["msg"].(string); strings.Contains(msg, "Satchel is listening") {
			listening = true
		}
	}
	if !listening {
		t.Errorf("no JSON line says Satchel is listening:\n%s", m.stderr.String())
	}
}

// Metrics: on their own listener for anyone who can reach it, and on the
// main address only with the bearer token; requests are counted by route
// pattern (never by path), and the pools and re-check queue are reported.
func TestMain_MetricsOnTheirOwnListenerAndBehindAToken(t *testing.T) {
	t.Parallel()
	token := strings.Repeat("m", 40)
	tm := newTestMain(map[string]string{"SATCHEL_ADDR": "127.0.0.1:0", "SATCHEL_DATA_DIR": t.TempDir(),
		"SATCHEL_METRICS_ADDR": "127.0.0.1:0", "SATCHEL_METRICS_TOKEN": token})
	if err := tm.ParseFlags(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if err := tm.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, tm.stderr.String())
	}
	defer tm.Close()
	get := func(url, auth string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	get("http://"+tm.Addr+"/healthz", "")
	get("http://"+tm.Addr+"/badges/first-secret-id", "")
	get("http://"+tm.Addr+"/badges/second-secret-id", "")

	code, body := get("http://"+tm.MetricsAddr+"/metrics", "")
	if code != http.StatusOK {
		t.Fatalf("metrics listener: %d", code)
	}
	for _, want := range []string{
		`satchel_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`satchel_http_requests_total{method="GET",route="/badges/:id",status="303"} 2`,
		`satchel_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"} 1`,
		`satchel_db_connections_open{pool="writer"}`,
		`satchel_recheck_due_badges 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "secret-id") {
		t.Error("a path's id became a metric label")
	}

	if code, _ := get("http://"+tm.Addr+"/metrics", ""); code != http.StatusUnauthorized {
		t.Errorf("main address without the token: %d", code)
	}
	if code, _ := get("http://"+tm.Addr+"/metrics", "Bearer "+strings.Repeat("x", 40)); code != http.StatusUnauthorized {
		t.Errorf("main address with a wrong token: %d", code)
	}
	if code, body := get("http://"+tm.Addr+"/metrics", "Bearer "+token); code != http.StatusOK || !strings.Contains(body, "satchel_http_requests_total") {
		t.Errorf("main address with the token: %d", code)
	}
}

// Without SATCHEL_METRICS_TOKEN, /metrics is not on the main address.
func TestMain_NoMetricsWithoutBeingAsked(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t, t.TempDir())
	res, err := http.Get("http://" + m.Addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || m.MetricsServer != nil {
		t.Fatalf("metrics without being asked: %d", res.StatusCode)
	}
}
