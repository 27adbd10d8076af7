package config

import (
	"bytes"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoad_Defaults(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "localhost:8080" || c.DataDir != "./data" || c.DevLoginMode != "auto" || c.SignInLimit != 600 {
		t.Fatalf("defaults: %+v", c)
	}
	if !c.DevLogin() {
		t.Error("dev login should be on by default on loopback with no provider")
	}
	if got := c.ResolveBaseURL("127.0.0.1:8080").String(); got != "http://localhost:8080" {
		t.Errorf("base URL = %s", got)
	}
}

func TestLoad_InvalidNamesVariableAndFix(t *testing.T) {
	t.Parallel()
	cases := []struct {
		env       map[string]string
		wantVar   string
		wantInMsg string
	}{
		{map[string]string{"SATCHEL_ADDR": "8080"}, "SATCHEL_ADDR", "localhost:8080"},
		{map[string]string{"SATCHEL_BASE_URL": "backpack.example.org"}, "SATCHEL_BASE_URL", "https://"},
		{map[string]string{"SATCHEL_SESSION_SECRET": "short"}, "SATCHEL_SESSION_SECRET", "at least 32"},
		{map[string]string{"SATCHEL_TRUSTED_PROXIES": "10.0.0.0/8,proxy"}, "SATCHEL_TRUSTED_PROXIES", "CIDR"},
		{map[string]string{"SATCHEL_DEV_LOGIN": "yes"}, "SATCHEL_DEV_LOGIN", "auto, on, off"},
		{map[string]string{"SATCHEL_GITHUB_KEY": "abc"}, "SATCHEL_GITHUB_SECRET", "set both"},
		{map[string]string{"SATCHEL_OIDC_CLIENT_ID": "abc"}, "SATCHEL_OIDC_DISCOVERY_URL", "together"},
		{map[string]string{"SATCHEL_DEV_LOGIN": "on", "SATCHEL_ADDR": "0.0.0.0:8080"}, "SATCHEL_DEV_LOGIN", "SATCHEL_DEV_LOGIN=off"},
		{map[string]string{"SATCHEL_LOG_LEVEL": "loud"}, "SATCHEL_LOG_LEVEL", "debug"},
		{map[string]string{"SATCHEL_LOG_FORMAT": "xml"}, "SATCHEL_LOG_FORMAT", "text or json"},
		{map[string]string{"SATCHEL_METRICS_ADDR": "9090"}, "SATCHEL_METRICS_ADDR", "host:port"},
		{map[string]string{"SATCHEL_METRICS_TOKEN": "short"}, "SATCHEL_METRICS_TOKEN", "at least 32"},
		{map[string]string{"SATCHEL_PRIVACY_URL": "https://school.example/privacy"}, "SATCHEL_PRIVACY_URL", "set both, or neither"},
		{map[string]string{"SATCHEL_PRIVACY_URL": "privacy.html", "SATCHEL_TERMS_URL": "https://school.example/terms"}, "SATCHEL_PRIVACY_URL", "absolute http(s) URL"},
		{map[string]string{"SATCHEL_SIGNIN_LIMIT": "lots"}, "SATCHEL_SIGNIN_LIMIT", "whole number"},
		{map[string]string{"SATCHEL_SIGNIN_LIMIT": "5"}, "SATCHEL_SIGNIN_LIMIT", "from 10"},
		{map[string]string{"SATCHEL_ADDR": "0.0.0.0:8080", "SATCHEL_DEV_LOGIN": "off"}, "SATCHEL_BASE_URL", "public URL"},
	}
	for _, tc := range cases {
		_, err := Load(env(tc.env))
		if err == nil {
			t.Errorf("%v: no error", tc.env)
			continue
		}
		if !strings.Contains(err.Error(), tc.wantVar) || !strings.Contains(err.Error(), tc.wantInMsg) {
			t.Errorf("%v: error %q should name %s and say %q", tc.env, err, tc.wantVar, tc.wantInMsg)
		}
	}
}

func TestLoad_ProvidersAndRotation(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{
		"SATCHEL_GITHUB_KEY": "k", "SATCHEL_GITHUB_SECRET": "s",
		"SATCHEL_OIDC_DISCOVERY_URL": "https://id.example.org/.well-known/openid-configuration",
		"SATCHEL_OIDC_CLIENT_ID":     "c", "SATCHEL_OIDC_CLIENT_SECRET": "s", "SATCHEL_OIDC_NAME": "My School",
		"SATCHEL_SESSION_SECRET":  strings.Repeat("a", 32) + " , " + strings.Repeat("b", 40),
		"SATCHEL_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.5",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Providers) != 2 || c.Providers[0].ID != "github" || c.Providers[1].Name != "My School" {
		t.Errorf("providers: %+v", c.Providers)
	}
	if c.DevLogin() {
		t.Error("dev login must be off in auto mode once a provider is configured")
	}
	if len(c.SessionSecrets) != 2 || c.SessionSecrets[1] != strings.Repeat("b", 40) {
		t.Errorf("secrets: %q", c.SessionSecrets)
	}
	if len(c.TrustedProxies) != 2 || c.TrustedProxies[1].String() != "192.168.1.5/32" {
		t.Errorf("proxies: %v", c.TrustedProxies)
	}
}

func TestFlags_OverrideEnvironment(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	finish := Flags(fs, env(map[string]string{"SATCHEL_ADDR": "127.0.0.1:9000"}))
	if err := fs.Parse([]string{"--addr", "127.0.0.1:9999"}); err != nil {
		t.Fatal(err)
	}
	c, err := finish()
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9999" {
		t.Errorf("addr = %s", c.Addr)
	}
}

func TestEnsureSessionSecret_GeneratesOnceAndKeepsIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c, err := Load(env(map[string]string{"SATCHEL_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	if err := c.EnsureSessionSecret(log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "generated a session secret") {
		t.Errorf("no log line: %s", logs.String())
	}
	fi, err := os.Stat(filepath.Join(dir, SecretFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", fi, err)
	}
	c2, _ := Load(env(map[string]string{"SATCHEL_DATA_DIR": dir}))
	if err := c2.EnsureSessionSecret(log); err != nil {
		t.Fatal(err)
	}
	if c2.SessionSecrets[0] != c.SessionSecrets[0] || len(c.SessionSecrets[0]) < MinSecretLen {
		t.Error("second start must reuse the kept secret")
	}
}

func TestEnsureSessionSecret_RequiredOffLoopback(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{"SATCHEL_DATA_DIR": t.TempDir(), "SATCHEL_ADDR": ":8080", "SATCHEL_BASE_URL": "https://backpack.example.org"}))
	if err != nil {
		t.Fatal(err)
	}
	err = c.EnsureSessionSecret(slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "SATCHEL_SESSION_SECRET") || !strings.Contains(err.Error(), "openssl rand") {
		t.Fatalf("err = %v", err)
	}
}
