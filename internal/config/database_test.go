package config

import (
	"log/slog"
	"strings"
	"testing"
)

func TestDatabaseURL_PostgresOrAClearErrorWithoutTheURL(t *testing.T) {
	for _, tc := range []struct {
		url, want string
	}{
		{"postgres://satchel:s3cret@db.example:5432/satchel", ""},
		{"postgresql://satchel@/satchel?host=/run/postgresql", ""},
		{"mysql://satchel:s3cret@db.example/satchel", "is not a PostgreSQL URL"},
		{"postgres://satchel:s3cret@/satchel", "names no server"},
		{"postgres://satchel:s3cret@db example/x", "is not a PostgreSQL URL"},
	} {
		c, err := Load(env(map[string]string{"SATCHEL_DATABASE_URL": tc.url}))
		if tc.want == "" {
			if err != nil || c.DatabaseURL != tc.url {
				t.Errorf("%s: %v, DatabaseURL %q", tc.url, err, c.DatabaseURL)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "SATCHEL_DATABASE_URL") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want SATCHEL_DATABASE_URL %s", tc.url, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error repeats the password: %v", tc.url, err)
		}
	}
}

func TestEnsureSessionSecret_RequiredWithPostgres(t *testing.T) {
	c, err := Load(env(map[string]string{"SATCHEL_DATA_DIR": t.TempDir(), "SATCHEL_DATABASE_URL": "postgres://satchel@localhost/satchel"}))
	if err != nil {
		t.Fatal(err)
	}
	err = c.EnsureSessionSecret(slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "SATCHEL_SESSION_SECRET") || !strings.Contains(err.Error(), "SATCHEL_DATABASE_URL") {
		t.Fatalf("err = %v, want SATCHEL_SESSION_SECRET required with SATCHEL_DATABASE_URL", err)
	}
}
