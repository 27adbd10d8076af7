package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/satchel-backpack/satchel/internal/fail"
)

// copyTables are the tables CopyTo copies, parents before children so
// that every foreign key finds its row. profiles comes after badges,
// collections and their members, whose triggers on PostgreSQL bump a
// profile's rev: with no profile yet they change nothing, and the copied
// rev stays the source's.
var copyTables = []string{
	"users",
	"images",
	"logins",
	"user_emails",
	"email_tokens",
	"outbox",
	"badges",
	"badge_tags",
	"badge_checks",
	"collections",
	"collection_badges",
	"profiles",
	"share_images",
	"rate_limits",
	"oauth_clients",
	"oauth_grants",
	"oauth_requests",
	"oauth_tokens",
	"badge_pushes",
}

// derivedTables are kept by triggers from the tables above (badge_text
// from badges): CopyTo does not copy them but compares them all the same.
var derivedTables = []string{"badge_text"}

// CopyTable is what CopyTo found of one table: rows in the source and in
// the target, and whether the contents agree.
type CopyTable struct {
	Name           string
	Source, Target int64
	Derived        bool // filled by the target's triggers, not copied
	Same           bool // same rows and same contents (checksum)
}

// CopyReport is CopyTo's account of a copy, table by table.
type CopyReport struct {
	Tables []CopyTable
	// Replaced counts text values PostgreSQL could not hold as they were
	// (a NUL, invalid UTF-8) and that became U+FFFD, as the store does
	// when it writes them.
	Replaced int64
}

// CopyTo copies everything in db (SQLite) into dst (PostgreSQL), which must
// be migrated to the same version and hold no rows: every table, in one
// transaction on dst, read from one snapshot of db. Before it commits, it
// compares each table's rows and a checksum of their contents on both
// sides; on any difference nothing is committed and the error says where.
// Identity sequences on dst then continue after the copied ids.
func (db *DB) CopyTo(ctx context.Context, dst *DB) (CopyReport, error) {
	var rep CopyReport
	if db.pg || !dst.pg {
		return rep, &fail.Error{Code: fail.Unsupported, Message: "copy-db copies a SQLite database into PostgreSQL"}
	}
	if err := db.sameMigrations(ctx, dst); err != nil {
		return rep, err
	}
	src, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return rep, fmt.Errorf("store: copy: begin reading: %w", err)
	}
	defer src.Rollback()
	if err := checkCopyTables(ctx, src); err != nil {
		return rep, err
	}

	conn, err := dst.writer.Conn(ctx)
	if err != nil {
		return rep, fmt.Errorf("store: copy: connect to the target: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc := dc.(*rebindConn).Conn.Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return fmt.Errorf("store: copy: begin: %w", err)
		}
		defer tx.Rollback(ctx)
		// Nobody else may write while the copy runs: a row added meanwhile
		// would make the target non-empty under our feet.
		for _, t := range append(slices.Clone(copyTables), derivedTables...) {
			if _, err := tx.Exec(ctx, "LOCK TABLE "+t+" IN EXCLUSIVE MODE"); err != nil {
				return fmt.Errorf("store: copy: lock %s: %w", t, err)
			}
		}
		if err := refuseNonEmpty(ctx, tx); err != nil {
			return err
		}
		for _, t := range copyTables {
			if err := copyTable(ctx, src, tx, t, &rep.Replaced); err != nil {
				return err
			}
		}
		if err := advanceIdentities(ctx, tx); err != nil {
			return err
		}
		var bad []string
		for _, t := range append(slices.Clone(copyTables), derivedTables...) {
			ct, err := compareTable(ctx, src, tx, t)
			if err != nil {
				return err
			}
			ct.Derived = slices.Contains(derivedTables, t)
			rep.Tables = append(rep.Tables, ct)
			if !ct.Same {
				bad = append(bad, fmt.Sprintf("%s (%d rows read, %d in the target)", t, ct.Source, ct.Target))
			}
		}
		if len(bad) > 0 {
			return fmt.Errorf("store: copy: the target differs from the source in %s; nothing was committed", strings.Join(bad, ", "))
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("store: copy: commit: %w", err)
		}
		return nil
	})
	return rep, err
}

// sameMigrations refuses a copy between schemas at different versions:
// the columns would not line up.
func (db *DB) sameMigrations(ctx context.Context, dst *DB) error {
	if p, err := db.PendingMigrations(ctx); err != nil {
		return err
	} else if len(p) > 0 {
		return &fail.Error{Code: fail.Invalid, Message: fmt.Sprintf("the SQLite database has %d migration(s) to apply first (%s); run satchel migrate on it with the version of satchel that serves it, then copy", len(p), strings.Join(p, ", "))}
	}
	if p, err := dst.PendingMigrations(ctx); err != nil {
		return err
	} else if len(p) > 0 {
		return &fail.Error{Code: fail.Invalid, Message: fmt.Sprintf("the PostgreSQL database has %d migration(s) to apply first", len(p))}
	}
	return nil
}

// checkCopyTables makes sure copyTables and derivedTables name every table
// of the source: a table added by a later migration and forgotten here
// would otherwise be left behind without a word.
func checkCopyTables(ctx context.Context, src *sql.Tx) error {
	rows, err := src.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'")
	if err != nil {
		return fmt.Errorf("store: copy: list tables: %w", err)
	}
	defer rows.Close()
	var missing []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("store: copy: list tables: %w", err)
		}
		if !slices.Contains(copyTables, name) && !slices.Contains(derivedTables, name) {
			missing = append(missing, name)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: copy: list tables: %w", err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("store: copy: copy-db does not know the table(s) %s; add them to copyTables", strings.Join(missing, ", "))
	}
	return nil
}

// refuseNonEmpty is a conflict naming the tables of the target that hold
// rows.
func refuseNonEmpty(ctx context.Context, tx pgx.Tx) error {
	var full []string
	for _, t := range append(slices.Clone(copyTables), derivedTables...) {
		var n int64
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil {
			return fmt.Errorf("store: copy: count %s: %w", t, err)
		}
		if n > 0 {
			full = append(full, fmt.Sprintf("%s: %d", t, n))
		}
	}
	if len(full) > 0 {
		return &fail.Error{Code: fail.Conflict, Message: "the PostgreSQL database is not empty (" + strings.Join(full, ", ") +
			" rows); copy-db copies only into an empty database, so that nothing there is overwritten or mixed in: create a new database (createdb) or point --to at an empty schema (search_path), then run copy-db again"}
	}
	return nil
}

// sourceColumns are the columns of table t in the source, in order.
func sourceColumns(ctx context.Context, src *sql.Tx, t string) ([]string, error) {
	rows, err := src.QueryContext(ctx, "SELECT * FROM "+t+" LIMIT 0")
	if err != nil {
		return nil, fmt.Errorf("store: copy: read %s: %w", t, err)
	}
	defer rows.Close()
	return rows.Columns()
}

// copyTable streams table t from src into tx with COPY, text made fit for
// PostgreSQL as the store does when it writes.
func copyTable(ctx context.Context, src *sql.Tx, tx pgx.Tx, t string, replaced *int64) error {
	cols, err := sourceColumns(ctx, src, t)
	if err != nil {
		return err
	}
	rows, err := src.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+t)
	if err != nil {
		return fmt.Errorf("store: copy: read %s: %w", t, err)
	}
	defer rows.Close()
	rs := &rowSource{rows: rows, vals: make([]any, len(cols)), replaced: replaced}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{t}, cols, rs)
	if err == nil {
		err = rs.err
	}
	if err != nil {
		return fmt.Errorf("store: copy: write %s: %w", t, err)
	}
	return nil
}

// rowSource feeds sql.Rows to pgx's COPY.
type rowSource struct {
	rows     *sql.Rows
	vals     []any
	err      error
	replaced *int64
}

func (r *rowSource) Next() bool {
	if !r.rows.Next() {
		r.err = r.rows.Err()
		return false
	}
	ptrs := make([]any, len(r.vals))
	for i := range r.vals {
		ptrs[i] = &r.vals[i]
	}
	if err := r.rows.Scan(ptrs...); err != nil {
		r.err = err
		return false
	}
	for i, v := range r.vals {
		if s, ok := v.(string); ok {
			if f := pgText(s); f != s {
				r.vals[i] = f
				*r.replaced++
			}
		}
	}
	return true
}

func (r *rowSource) Values() ([]any, error) { return r.vals, r.err }
func (r *rowSource) Err() error             { return r.err }

// advanceIdentities moves each identity column's sequence past the
// largest copied id, so that the next insert does not collide with a
// copied row.
func advanceIdentities(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return fmt.Errorf("store: copy: list identity columns: %w", err)
	}
	type ident struct{ table, column string }
	var ids []ident
	for rows.Next() {
		var id ident
		if err := rows.Scan(&id.table, &id.column); err != nil {
			rows.Close()
			return fmt.Errorf("store: copy: list identity columns: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: copy: list identity columns: %w", err)
	}
	for _, id := range ids {
		t, c := pgx.Identifier{id.table}.Sanitize(), pgx.Identifier{id.column}.Sanitize()
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(max(%s), 0) + 1, false) FROM %s", c, t)
		if _, err := tx.Exec(ctx, q, t, id.column); err != nil {
			return fmt.Errorf("store: copy: advance the ids of %s: %w", id.table, err)
		}
	}
	return nil
}

// compareTable counts table t on both sides and compares a checksum of
// their contents: the sum of a hash of each row, so that the order in
// which each engine returns rows does not matter. Text on the source side
// is taken as PostgreSQL keeps it (pgText).
func compareTable(ctx context.Context, src *sql.Tx, tx pgx.Tx, t string) (CopyTable, error) {
	ct := CopyTable{Name: t}
	cols, err := sourceColumns(ctx, src, t)
	if err != nil {
		return ct, err
	}
	sort.Strings(cols)
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + t
	rows, err := src.QueryContext(ctx, q)
	if err != nil {
		return ct, fmt.Errorf("store: copy: read %s: %w", t, err)
	}
	srcSum, n, err := sumRows(len(cols), func(dst []any) (bool, error) {
		if !rows.Next() {
			return false, rows.Err()
		}
		ptrs := make([]any, len(dst))
		for i := range dst {
			ptrs[i] = &dst[i]
		}
		return true, rows.Scan(ptrs...)
	})
	rows.Close()
	if err != nil {
		return ct, fmt.Errorf("store: copy: read %s: %w", t, err)
	}
	ct.Source = n

	prows, err := tx.Query(ctx, q)
	if err != nil {
		return ct, fmt.Errorf("store: copy: read back %s: %w", t, err)
	}
	dstSum, n, err := sumRows(len(cols), func(dst []any) (bool, error) {
		if !prows.Next() {
			return false, prows.Err()
		}
		v, err := prows.Values()
		copy(dst, v)
		return true, err
	})
	prows.Close()
	if err != nil {
		return ct, fmt.Errorf("store: copy: read back %s: %w", t, err)
	}
	ct.Target = n
	ct.Same = ct.Source == ct.Target && srcSum == dstSum
	return ct, nil
}

// sumRows adds up a SHA-256 of each row next yields (its first 16 bytes,
// as two uint64 that wrap around) and counts the rows.
func sumRows(ncol int, next func([]any) (bool, error)) ([2]uint64, int64, error) {
	var sum [2]uint64
	var n int64
	vals := make([]any, ncol)
	var buf []byte
	for {
		ok, err := next(vals)
		if err != nil || !ok {
			return sum, n, err
		}
		buf = buf[:0]
		for _, v := range vals {
			buf, err = appendValue(buf, v)
			if err != nil {
				return sum, n, err
			}
		}
		h := sha256.Sum256(buf)
		sum[0] += binary.BigEndian.Uint64(h[:8])
		sum[1] += binary.BigEndian.Uint64(h[8:16])
		n++
	}
}

// appendValue appends an unambiguous encoding of one column's value: a
// tag for its kind, then its length and bytes.
func appendValue(buf []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(buf, 'N'), nil
	case int64:
		return strconv.AppendInt(append(buf, 'I'), v, 10), nil
	case int32:
		return strconv.AppendInt(append(buf, 'I'), int64(v), 10), nil
	case string:
		v = pgText(v)
		buf = binary.AppendUvarint(append(buf, 'T'), uint64(len(v)))
		return append(buf, v...), nil
	case []byte:
		buf = binary.AppendUvarint(append(buf, 'B'), uint64(len(v)))
		return append(buf, v...), nil
	}
	return buf, errors.New("a value of an unexpected type " + fmt.Sprintf("%T", v))
}
