package main

import (
	"strings"
	"testing"
)

func TestMain_ServeStartsAndStopsReverification(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t, t.TempDir())
	if m.Reverifier == nil {
		t.Fatal("serve did not start the re-verification job (default interval 24h)")
	}
	if logs := m.stderr.String(); !strings.Contains(logs, "background re-verification started") || !strings.Contains(logs, "interval=24h0m0s") {
		t.Errorf("log lacks the job's start with its interval:\n%s", logs)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.stderr.String(), "stopped cleanly") {
		t.Error("no clean stop logged")
	}
}

func TestMain_ReverifyIntervalOff(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t, t.TempDir(), "--reverify-interval", "off")
	if m.Reverifier != nil {
		t.Fatal("the job runs although --reverify-interval off")
	}
	if logs := m.stderr.String(); !strings.Contains(logs, "background re-verification is off") || strings.Contains(logs, "re-verification started") {
		t.Errorf("log:\n%s", logs)
	}
}
