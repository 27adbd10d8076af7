package config

import (
	"errors"
	"strings"
	"testing"
)

func TestLoad_SMTP(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{
		"SATCHEL_SMTP_HOST": "smtp.example.org", "SATCHEL_SMTP_PORT": "465", "SATCHEL_SMTP_TLS": "TLS",
		"SATCHEL_SMTP_USERNAME": "satchel", "SATCHEL_SMTP_PASSWORD": "pw", "SATCHEL_SMTP_FROM": "satchel@school.example",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := SMTP{Host: "smtp.example.org", Port: 465, TLS: "tls", Username: "satchel", Password: "pw", From: "satchel@school.example"}
	if c.SMTP != want || c.DevOutbox() {
		t.Fatalf("SMTP = %+v, dev outbox %v", c.SMTP, c.DevOutbox())
	}

	// Defaults: no SMTP; on loopback mail goes to the development outbox.
	c, err = Load(env(nil))
	if err != nil || c.SMTP.Host != "" || !c.DevOutbox() {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	c, err = Load(env(map[string]string{"SATCHEL_ADDR": "0.0.0.0:8080", "SATCHEL_BASE_URL": "https://b.example.org"}))
	if err != nil || c.DevOutbox() {
		t.Fatalf("no dev outbox off loopback: %+v %v", c, err)
	}
}

func TestLoad_SMTPInvalidNamesVariable(t *testing.T) {
	t.Parallel()
	base := map[string]string{"SATCHEL_SMTP_HOST": "smtp.example.org", "SATCHEL_SMTP_FROM": "satchel@school.example"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		env     map[string]string
		wantVar string
		inMsg   string
	}{
		{with("SATCHEL_SMTP_TLS", "ssl"), "SATCHEL_SMTP_TLS", "starttls, tls, none"},
		{with("SATCHEL_SMTP_PORT", "smtp"), "SATCHEL_SMTP_PORT", "port number"},
		{with("SATCHEL_SMTP_PORT", "0"), "SATCHEL_SMTP_PORT", "port number"},
		{with("SATCHEL_SMTP_FROM", ""), "SATCHEL_SMTP_FROM", "required"},
		{with("SATCHEL_SMTP_FROM", "Satchel <satchel@school.example>"), "SATCHEL_SMTP_FROM", "plain email address"},
		{with("SATCHEL_SMTP_HOST", "smtp.example.org:587"), "SATCHEL_SMTP_HOST", "SATCHEL_SMTP_PORT"},
		{with("SATCHEL_SMTP_USERNAME", "satchel"), "SATCHEL_SMTP_PASSWORD", "set both"},
		{with("SATCHEL_SMTP_PASSWORD", "pw"), "SATCHEL_SMTP_USERNAME", "set both"},
		{with("SATCHEL_SMTP_TLS", "none", "SATCHEL_SMTP_USERNAME", "u", "SATCHEL_SMTP_PASSWORD", "p"), "SATCHEL_SMTP_TLS", "in the clear"},
		{map[string]string{"SATCHEL_SMTP_FROM": "satchel@school.example"}, "SATCHEL_SMTP_FROM", "SATCHEL_SMTP_HOST is empty"},
	} {
		_, err := Load(env(tc.env))
		var ce *Error
		found := false
		for _, e := range unjoin(err) {
			if errors.As(e, &ce) && ce.Var == tc.wantVar && strings.Contains(ce.Msg, tc.inMsg) {
				found = true
			}
		}
		if !found {
			t.Errorf("%v: got %v, want an error on %s mentioning %q", tc.env, err, tc.wantVar, tc.inMsg)
		}
	}
	// A relay on this machine may take a password without TLS.
	if _, err := Load(env(with("SATCHEL_SMTP_HOST", "localhost", "SATCHEL_SMTP_TLS", "none", "SATCHEL_SMTP_USERNAME", "u", "SATCHEL_SMTP_PASSWORD", "p"))); err != nil {
		t.Errorf("local relay refused: %v", err)
	}
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}
