package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/store"
)

// onPostgres copies the seeded SQLite database at path into the empty
// PostgreSQL database at dbURL (migrating it first), as satchel copy-db
// does, and returns the environment that runs satchel on it. The URL is
// never printed.
func onPostgres(ctx context.Context, out io.Writer, path, dbURL string) ([]string, error) {
	if !store.IsPostgresURL(dbURL) {
		return nil, errors.New("-db must be a PostgreSQL URL, postgres://… (an empty database or schema)")
	}
	t0 := time.Now()
	src, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	dst, err := store.OpenPostgres(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("-db: %w", err)
	}
	defer dst.Close()
	if _, err := dst.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("-db: migrate: %w", err)
	}
	rep, err := src.CopyTo(ctx, dst)
	if err != nil {
		if msg := fail.Message(err); msg != "" {
			return nil, errors.New("-db: " + msg)
		}
		return nil, err
	}
	var rows int64
	for _, t := range rep.Tables {
		rows += t.Target
	}
	fmt.Fprintf(out, "copied the seeded data into PostgreSQL (%d rows) in %.1fs\n", rows, time.Since(t0).Seconds())
	// Every process must share the session secret.
	return []string{"SATCHEL_DATABASE_URL=" + dbURL, "SATCHEL_SESSION_SECRET=" + rand.Text() + rand.Text()}, nil
}
