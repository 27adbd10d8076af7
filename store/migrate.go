package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
)

// SQLite's migrations are in migrations/, PostgreSQL's in
// migrations/postgres/, with the same numbers and names so that both
// engines record the same schema version.
//
//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// migrationDir is where this engine's migrations are.
func (db *DB) migrationDir() string {
	if db.pg {
		return "migrations/postgres/"
	}
	return "migrations/"
}

// The table schema_migrations records the applied migrations, by name.
const (
	schemaMigrationsSQLite = `CREATE TABLE IF NOT EXISTS schema_migrations (
		name       TEXT PRIMARY KEY,
		applied_at INTEGER NOT NULL
	) STRICT`
	schemaMigrationsPostgres = `CREATE TABLE IF NOT EXISTS schema_migrations (
		name       TEXT PRIMARY KEY,
		applied_at BIGINT NOT NULL
	)`
)

// migrationLock is the PostgreSQL advisory lock a migration holds, so that
// processes starting together apply each migration once, in turn.
const migrationLock = 0x5a7c4e1

var migrationName = regexp.MustCompile(`^[0-9]{4}_[a-z0-9_]+\.sql$`)

// Migrate applies, in order, every embedded migration not yet recorded in
// schema_migrations, each in its own transaction together with its record.
// It returns the names applied; running it again applies nothing.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	return db.migrate(ctx, "")
}

// migrate applies the migrations up to and including the one named until
// ("" for all); tests use it to build a database as an older Satchel left it.
func (db *DB) migrate(ctx context.Context, until string) ([]string, error) {
	create := schemaMigrationsSQLite
	if db.pg {
		create = schemaMigrationsPostgres
	}
	if _, err := db.writer.ExecContext(ctx, create); err != nil {
		return nil, fmt.Errorf("store: create schema_migrations: %w", err)
	}
	dir := db.migrationDir()
	names, err := fs.Glob(migrationFS, dir+"*.sql")
	if err != nil {
		return nil, fmt.Errorf("store: list migrations: %w", err)
	}
	sort.Strings(names)
	var applied []string
	for _, path := range names {
		name := path[len(dir):]
		if until != "" && name > until {
			break
		}
		if !migrationName.MatchString(name) {
			return applied, fmt.Errorf("store: migration %q is not named NNNN_words.sql", name)
		}
		body, err := migrationFS.ReadFile(path)
		if err != nil {
			return applied, fmt.Errorf("store: read migration %s: %w", name, err)
		}
		// A migration that rebuilds a table (SQLite cannot alter a CHECK
		// constraint) says so in its first line; foreign keys are then off
		// while it runs, on the one writer connection, and checked before
		// it commits, as SQLite's ALTER TABLE documentation prescribes.
		fkOff := !db.pg && strings.HasPrefix(string(body), fkOffMarker)
		if fkOff {
			if _, err := db.writer.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
				return applied, fmt.Errorf("store: migration %s: %w", name, err)
			}
		}
		ran := false
		err = db.tx(ctx, func(tx *sql.Tx) error {
			if db.pg {
				if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", migrationLock); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE name = ?", name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			if fkOff {
				if err := foreignKeyCheck(ctx, tx); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", name, nanos(db.now())); err != nil {
				return err
			}
			ran = true
			return nil
		})
		if fkOff {
			if _, ferr := db.writer.ExecContext(ctx, "PRAGMA foreign_keys = ON"); ferr != nil && err == nil {
				err = ferr
			}
		}
		if err != nil {
			return applied, fmt.Errorf("store: migration %s: %w", name, err)
		}
		if ran {
			applied = append(applied, name)
		}
	}
	return applied, nil
}

// fkOffMarker starts a migration that must run with foreign keys off.
const fkOffMarker = "-- satchel:foreign-keys-off\n"

// foreignKeyCheck fails when a rebuilt table left a reference dangling.
func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		return fmt.Errorf("foreign key check: a row of %s refers to a missing row of %s", table, parent)
	}
	return rows.Err()
}

// PendingMigrations lists the embedded migrations this database has not
// applied, in order: empty when the schema is current. A process whose
// database is behind (a newer binary before `satchel migrate`) is not
// ready to serve.
func (db *DB) PendingMigrations(ctx context.Context) ([]string, error) {
	rows, err := db.reader.QueryContext(ctx, "SELECT name FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("store: read schema_migrations: %w", err)
	}
	defer rows.Close()
	done := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("store: read schema_migrations: %w", err)
		}
		done[name] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read schema_migrations: %w", err)
	}
	dir := db.migrationDir()
	names, err := fs.Glob(migrationFS, dir+"*.sql")
	if err != nil {
		return nil, fmt.Errorf("store: list migrations: %w", err)
	}
	sort.Strings(names)
	var pending []string
	for _, path := range names {
		if name := path[len(dir):]; !done[name] {
			pending = append(pending, name)
		}
	}
	return pending, nil
}
