package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// SecretFile is the name of the generated session secret in the data directory.
const SecretFile = "session-secret"

// EnsureSessionSecret makes sure at least one session secret is configured.
// When SATCHEL_SESSION_SECRET is unset and the server listens on loopback
// (local development), it reads the secret kept in the data directory, or
// generates and keeps a new one, and logs which. Elsewhere a missing secret
// is an error: a generated one would silently differ between machines.
func (c *Config) EnsureSessionSecret(log *slog.Logger) error {
	if len(c.SessionSecrets) > 0 {
		return nil
	}
	if c.DatabaseURL != "" {
		return &Error{"SATCHEL_SESSION_SECRET", fmt.Sprintf("is required with SATCHEL_DATABASE_URL: every Satchel process on the database must sign cookies with the same secret, so none can be generated here; set it to the same random value of at least %d characters in every process (for example the output of: openssl rand -hex 32)", MinSecretLen)}
	}
	if !c.Loopback() {
		return &Error{"SATCHEL_SESSION_SECRET", fmt.Sprintf("is required when listening on the non-loopback address %q; set it to a random value of at least %d characters (for example the output of: openssl rand -hex 32)", c.Addr, MinSecretLen)}
	}
	path := filepath.Join(c.DataDir, SecretFile)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		s := strings.TrimSpace(string(b))
		if len(s) < MinSecretLen {
			return &Error{"SATCHEL_SESSION_SECRET", fmt.Sprintf("the generated secret in %s is damaged (shorter than %d characters); delete the file to generate a new one", path, MinSecretLen)}
		}
		c.SessionSecrets = []string{s}
		log.Info("using the development session secret kept in the data directory; set SATCHEL_SESSION_SECRET in production", "path", path)
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("config: read session secret: %w", err)
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return &Error{"SATCHEL_DATA_DIR", fmt.Sprintf("cannot create %s (%v); point it at a writable directory", c.DataDir, err)}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("config: generate session secret: %w", err)
	}
	s := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return fmt.Errorf("config: keep session secret: %w", err)
	}
	c.SessionSecrets = []string{s}
	log.Info("generated a session secret for local development and kept it in the data directory; set SATCHEL_SESSION_SECRET in production", "path", path)
	return nil
}
