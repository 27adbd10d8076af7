package config

import (
	"flag"
	"strings"
	"testing"
	"time"
)

func TestLoad_ReverifyInterval(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw  string
		want time.Duration
	}{
		{"", 24 * time.Hour}, // the default
		{"24h", 24 * time.Hour},
		{"12h30m", 12*time.Hour + 30*time.Minute},
		{"7d", 7 * 24 * time.Hour},
		{" 1m ", time.Minute},
		{"0", 0},
		{"off", 0},
		{"OFF", 0},
	}
	for _, tc := range cases {
		c, err := Load(env(map[string]string{"SATCHEL_REVERIFY_INTERVAL": tc.raw}))
		if err != nil {
			t.Errorf("%q: %v", tc.raw, err)
			continue
		}
		if c.ReverifyInterval != tc.want {
			t.Errorf("%q: ReverifyInterval %v, want %v", tc.raw, c.ReverifyInterval, tc.want)
		}
	}
}

func TestLoad_ReverifyIntervalInvalidNamesVariable(t *testing.T) {
	t.Parallel()
	cases := []struct{ raw, wantInMsg string }{
		{"daily", "24h"},
		{"10", "not a duration"},
		{"-1h", "negative"},
		{"30s", "shorter than 1m"},
		{"xd", "not a duration"},
		{"-2d", "not a duration"},
	}
	for _, tc := range cases {
		_, err := Load(env(map[string]string{"SATCHEL_REVERIFY_INTERVAL": tc.raw}))
		if err == nil {
			t.Errorf("%q: accepted", tc.raw)
			continue
		}
		if !strings.Contains(err.Error(), "SATCHEL_REVERIFY_INTERVAL") || !strings.Contains(err.Error(), tc.wantInMsg) {
			t.Errorf("%q: error %q should name SATCHEL_REVERIFY_INTERVAL and say %q", tc.raw, err, tc.wantInMsg)
		}
	}
}

func TestFlags_ReverifyIntervalFlagOverridesEnvironment(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	finish := Flags(fs, env(map[string]string{"SATCHEL_REVERIFY_INTERVAL": "48h"}))
	if err := fs.Parse([]string{"--reverify-interval", "off"}); err != nil {
		t.Fatal(err)
	}
	c, err := finish()
	if err != nil || c.ReverifyInterval != 0 {
		t.Fatalf("ReverifyInterval %v, %v; want 0 from --reverify-interval off", c.ReverifyInterval, err)
	}
}
