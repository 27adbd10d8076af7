package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/paths"
)

func TestMain_DevOutboxOnLoopbackWithoutSMTP(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t, t.TempDir())
	res, err := http.Get("http://" + m.Addr + paths.Outbox)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/dev/outbox: %d", res.StatusCode)
	}
	if !strings.Contains(m.stderr.String(), "development outbox") {
		t.Errorf("the log does not say where email goes:\n%s", m.stderr.String())
	}
}

func TestMain_SMTPConfiguredTurnsTheOutboxOff(t *testing.T) {
	t.Parallel()
	tm := newTestMain(map[string]string{
		"SATCHEL_ADDR": "127.0.0.1:0", "SATCHEL_DATA_DIR": t.TempDir(),
		"SATCHEL_SMTP_HOST": "127.0.0.1", "SATCHEL_SMTP_PORT": "2525", "SATCHEL_SMTP_TLS": "none",
		"SATCHEL_SMTP_FROM": "satchel@school.example",
	})
	if err := tm.ParseFlags(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if err := tm.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, tm.stderr.String())
	}
	t.Cleanup(func() { tm.Close() })
	res, err := http.Get("http://" + tm.Addr + paths.Outbox)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("/dev/outbox with SMTP configured: %d", res.StatusCode)
	}
	if !strings.Contains(tm.stderr.String(), "email goes out through SMTP") {
		t.Errorf("log:\n%s", tm.stderr.String())
	}
}
