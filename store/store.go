// Package store keeps Satchel's data in SQLite (the embedded default) or
// PostgreSQL: schema, migrations and the queries the app asks, one method
// per question. All SQL lives here, written once where the engines agree
// and in two versions side by side where they do not (see postgres.go).
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/jackc/pgx/v5"

	"github.com/satchel-backpack/satchel/internal/fail"
)

// DB is the database: one writer connection, through which every write and
// transaction goes (SQLite allows one writer at a time, so queueing here is
// cheaper than busy retries), and a pool of read-only connections on the
// same file.
//
// On PostgreSQL (OpenPostgres) writer and reader are the same pool.
type DB struct {
	pg        bool             // PostgreSQL; SQLite otherwise
	connector driver.Connector // PostgreSQL's, for tests that open a second pool
	pgConfig  *pgx.ConnConfig  // PostgreSQL's, for the listener (profile_versions.go)
	versions  *versionCache    // PostgreSQL's kept public-profile versions
	path      string
	writer    *sql.DB
	reader    *sql.DB
	now       func() time.Time
}

// dsn puts every pragma in the connection string so that each connection the
// pool opens gets them, not just the first.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating if needed) the database file at path. It does not
// migrate; call Migrate.
func Open(ctx context.Context, path string) (*DB, error) {
	writer, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxIdleTime(0)
	writer.SetConnMaxLifetime(0)
	// The writer connection creates the file and switches it to WAL before
	// any reader opens it.
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	var mode string
	if err := writer.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		writer.Close()
		return nil, fmt.Errorf("store: %s is not in WAL mode (%q): %v", path, mode, err)
	}
	reader, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open %s for reading: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	return &DB{path: path, writer: writer, reader: reader, now: time.Now}, nil
}

// Close closes both pools. The writer closes last so that SQLite checkpoints
// the WAL into the main file.
func (db *DB) Close() error {
	if db.pg {
		db.versions.close()
		return db.writer.Close()
	}
	return errors.Join(db.reader.Close(), db.writer.Close())
}

// Path is the database file ("" on PostgreSQL).
func (db *DB) Path() string { return db.path }

// Ping reports whether the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.reader.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Backup writes a consistent copy of the live database to path with
// VACUUM INTO. Readers and the writer keep working meanwhile. path must not
// exist yet.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.pg {
		return errBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return &fail.Error{Code: fail.Invalid, Message: fmt.Sprintf("%s already exists; choose a new file name for the backup", path)}
	}
	if _, err := db.writer.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}

// Engine names the database engine: "sqlite" or "postgres".
func (db *DB) Engine() string {
	if db.pg {
		return "postgres"
	}
	return "sqlite"
}

// tx runs fn in a write transaction (BEGIN IMMEDIATE on SQLite, from the
// DSN; READ COMMITTED on PostgreSQL, where a query that must not race
// another process locks the rows it reads).
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// lockRows is what a SELECT in a write transaction ends with to keep other
// processes off the rows it read until the transaction ends: on
// PostgreSQL FOR UPDATE, with SKIP LOCKED when a row another process holds
// should be passed over rather than waited for. SQLite needs neither: its
// write transaction (BEGIN IMMEDIATE) holds the whole database.
func lockRows(pg, skipLocked bool) string {
	switch {
	case !pg:
		return ""
	case skipLocked:
		return " FOR UPDATE SKIP LOCKED"
	}
	return " FOR UPDATE"
}

// lockUser makes a PostgreSQL write transaction that checks a user's rows
// before adding one (a free slug, a per-user limit) wait for any other
// doing the same for that user, so two processes cannot both pass the
// check. SQLite's write transaction already excludes the other.
func (db *DB) lockUser(ctx context.Context, tx *sql.Tx, userID int64) error {
	if !db.pg {
		return nil
	}
	// NO KEY UPDATE: rows that refer to the user (a badge, a login) can
	// still be written meanwhile; only this lock waits for this lock.
	_, err := tx.ExecContext(ctx, "SELECT id FROM users WHERE id = ? FOR NO KEY UPDATE", userID)
	return err
}

// lockLogin makes PostgreSQL write transactions about one sign-in
// (provider and subject) take turns, with a lock on the pair's hash held
// until the transaction ends: the first sign-in of an identity creates its
// login, and two processes doing it at once would otherwise both try. A
// no-op on SQLite, whose write transaction excludes the other.
func (db *DB) lockLogin(ctx context.Context, tx *sql.Tx, provider, subject string) error {
	if !db.pg {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte("satchel login\x00" + provider + "\x00" + subject))
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", int64(h.Sum64()))
	return err
}

// nocase is the column col compared and sorted ignoring the letter case of
// A–Z only: SQLite's NOCASE collation, and on PostgreSQL lower() in byte
// order, the expression its migrations index.
func nocase(pg bool, col string) string {
	if pg {
		return `lower(` + col + ` COLLATE "C")`
	}
	return col + " COLLATE NOCASE"
}

// nocaseParam is a parameter compared with nocase(col).
func nocaseParam(pg bool, param string) string {
	if pg {
		return `lower(CAST(` + param + ` AS TEXT) COLLATE "C")`
	}
	return param + " COLLATE NOCASE"
}

func nanos(t time.Time) int64 { return t.UTC().UnixNano() }

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// PoolStats reports the connection pools' use, by pool ("reader",
// "writer"), for the metrics.
func (db *DB) PoolStats() map[string]sql.DBStats {
	if db.pg {
		return map[string]sql.DBStats{"postgres": db.writer.Stats()}
	}
	return map[string]sql.DBStats{"reader": db.reader.Stats(), "writer": db.writer.Stats()}
}
