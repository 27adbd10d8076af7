package store

import (
	"database/sql"
	"fmt"
)

// OpenRawForTest opens a second, plain connection pool on db's database
// (its file, or its PostgreSQL schema), for tests that read or change rows
// behind the store's back. The caller closes it.
func OpenRawForTest(db *DB) (*sql.DB, error) {
	if db.pg {
		return sql.OpenDB(db.connector), nil
	}
	raw, err := sql.Open("sqlite", "file:"+db.path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, fmt.Errorf("open raw: %w", err)
	}
	return raw, nil
}
