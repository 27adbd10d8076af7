package store

import (
	"database/sql"
	"fmt"
)

// OpenRawForTest opens a second, plain connection pool on db's database
// (its file, or its PostgreSQL schema), for tests that read or change rows
// behind the store's back, with the pragmas the store's connections have
// (foreign keys on). The caller closes it.
func OpenRawForTest(db *DB) (*sql.DB, error) {
	if db.pg {
		return sql.OpenDB(db.connector), nil
	}
	raw, err := sql.Open("sqlite", dsn(db.path, false))
	if err != nil {
		return nil, fmt.Errorf("open raw: %w", err)
	}
	return raw, nil
}

// StartListeningForTest starts db's listener for public-profile changes
// (PostgreSQL only) and returns a function that reports the listening
// connection's server process, 0 while it has none.
func StartListeningForTest(db *DB) func() uint32 {
	db.watchProfiles()
	return db.versions.listener
}

// KeptVersionForTest reports whether db keeps a public-profile version
// for handle (PostgreSQL only), and which.
func KeptVersionForTest(db *DB, handle string) (string, bool) {
	vc := db.versions
	vc.mu.Lock()
	defer vc.mu.Unlock()
	v, ok := vc.m[handle]
	return v, ok && vc.live
}
