package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/satchel-backpack/satchel/internal/fail"
)

// IsPostgresURL reports whether s names a PostgreSQL database
// (postgres://… or postgresql://…), the engine OpenPostgres opens.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// OpenPostgres connects to the PostgreSQL database at dbURL through pgx.
// It does not migrate; call Migrate. The URL, which may hold a password,
// never appears in its errors: they say what went wrong in words an
// operator can act on.
func OpenPostgres(ctx context.Context, dbURL string) (*DB, error) {
	if !IsPostgresURL(dbURL) {
		return nil, errors.New("store: the database URL must start with postgres:// or postgresql://")
	}
	if _, err := url.Parse(dbURL); err != nil {
		// url.Error quotes the URL, so only say that it does not parse.
		return nil, errors.New("store: the database URL is not a valid URL")
	}
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return nil, errors.New("store: the database URL is not a valid PostgreSQL connection URL")
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	versions := &versionCache{}
	connector := rebindConnector{stdlib.GetConnector(*cfg), versions.wrote}
	pool := sql.OpenDB(connector)
	// Unlike SQLite, PostgreSQL takes concurrent writers: one pool serves
	// both roles.
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(8)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: cannot connect to PostgreSQL at %s: %s", redactedHost(cfg), pgReason(err))
	}
	return &DB{pg: true, connector: connector, pgConfig: cfg, versions: versions, writer: pool, reader: pool, now: time.Now}, nil
}

// PermissionDenied reports whether err is PostgreSQL refusing the
// database user something (SQLSTATE 42501), such as creating a table.
func PermissionDenied(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42501"
}

// Unavailable reports whether err means that the database could not be
// reached or went away during the request (PostgreSQL restarting or shut
// down, the network failing): nothing was wrong with the request, and the
// same request may succeed in a moment. Connections the pool loses this
// way are replaced by new ones as soon as the server answers again.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	var ne net.Error
	var le *lostConnError
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.As(err, &ce), errors.As(err, &ne), errors.As(err, &le):
		return true
	case errors.As(err, &pe):
		// Class 08: connection exception; 57P01–57P03: the server is
		// shutting down, crashed, or is starting and cannot connect yet.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	return false
}

// uniqueViolation reports whether err is PostgreSQL refusing a row that
// the unique constraint (or index) named constraint already holds: what a
// concurrent process that won a race leaves the loser.
func uniqueViolation(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == constraint
}

// redactedHost names the server of cfg (host, port, database, user) without
// the password or any other parameter.
func redactedHost(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("host %s port %d database %q user %q", cfg.Host, cfg.Port, cfg.Database, cfg.User)
}

// pgReason is the part of a connection error that helps: the server's
// message when it answered, otherwise the network's, never the URL.
func pgReason(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message + " (SQLSTATE " + pe.Code + ")"
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) && ce.Unwrap() != nil {
		// One line per address tried; the first says enough.
		msg, _, _ := strings.Cut(ce.Unwrap().Error(), "\n")
		return msg
	}
	return err.Error()
}

// PostgreSQL is one of the two engines: the store's SQL is written once,
// in SQLite's spelling of parameters (? in order, :name by name), and
// rebindConnector rewrites it as PostgreSQL's $1, $2 … on the way to pgx.
// Where the engines differ in more than spelling, the query says so with
// db.pg and keeps both versions next to each other.

// rebindConnector opens pgx connections whose queries are rebound. It
// also calls wrote after anything that may have changed data has finished
// (a statement other than a SELECT, a commit), so that this process forgets
// the public-profile versions it keeps (profile_versions.go) without
// waiting for the database's notice of its own change.
type rebindConnector struct {
	driver.Connector
	wrote func()
}

func (c rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &rebindConn{conn.(*stdlib.Conn), c.wrote}, nil
}

// rebindConn is a pgx connection that rebinds each query's parameters.
type rebindConn struct {
	*stdlib.Conn
	wrote func()
}

func (c *rebindConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	q, refs := rebind(query)
	a, err := bindArgs(refs, args)
	if err != nil {
		return nil, err
	}
	defer c.wrote()
	r, err := c.Conn.ExecContext(ctx, q, a)
	return r, c.lost(err)
}

func (c *rebindConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, refs := rebind(query)
	a, err := bindArgs(refs, args)
	if err != nil {
		return nil, err
	}
	rows, err := c.Conn.QueryContext(ctx, q, a)
	if err != nil {
		if !isSelect(q) {
			c.wrote()
		}
		return nil, c.lost(err)
	}
	if isSelect(q) {
		return rows, nil
	}
	// INSERT … RETURNING and the like: done when its rows are.
	return &writeRows{rows.(*stdlib.Rows), c.wrote}, nil
}

func (c *rebindConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.Conn.BeginTx(ctx, opts)
	if err != nil {
		return nil, c.lost(err)
	}
	return writeTx{tx, c}, nil
}

// lost marks err as the loss of the connection when a statement failed
// because the connection died under it (the server restarted, the network
// dropped), so that Unavailable recognises it. A cancelled request also
// closes the connection; that is no loss.
func (c *rebindConn) lost(err error) error {
	if err == nil || errors.Is(err, driver.ErrBadConn) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if c.Conn.Conn().IsClosed() {
		return &lostConnError{err}
	}
	return err
}

// lostConnError is a statement's error on a connection that died.
type lostConnError struct{ err error }

func (e *lostConnError) Error() string { return e.err.Error() }
func (e *lostConnError) Unwrap() error { return e.err }

// isSelect reports whether query only reads: it starts with SELECT. A
// query it wrongly counts as a write costs only a forgotten version.
func isSelect(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// writeRows calls wrote when a writing query's rows are closed.
type writeRows struct {
	*stdlib.Rows
	wrote func()
}

func (r *writeRows) Close() error {
	defer r.wrote()
	return r.Rows.Close()
}

// writeTx calls wrote when the transaction has ended.
type writeTx struct {
	driver.Tx
	c *rebindConn
}

func (t writeTx) Commit() error {
	defer t.c.wrote()
	return t.c.lost(t.Tx.Commit())
}

func (c *rebindConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	q, refs := rebind(query)
	s, err := c.Conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return &rebindStmt{s.(*stdlib.Stmt), refs, c.wrote}, nil
}

func (c *rebindConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

type rebindStmt struct {
	*stdlib.Stmt
	refs  []paramRef
	wrote func()
}

// NumInput is -1: a named parameter used twice is one argument but two
// references, so database/sql must not count.
func (s *rebindStmt) NumInput() int { return -1 }

func (s *rebindStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	a, err := bindArgs(s.refs, args)
	if err != nil {
		return nil, err
	}
	defer s.wrote()
	return s.Stmt.ExecContext(ctx, a)
}

func (s *rebindStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	a, err := bindArgs(s.refs, args)
	if err != nil {
		return nil, err
	}
	return s.Stmt.QueryContext(ctx, a)
}

// paramRef is what one $n of a rebound query stands for: the pos-th
// positional argument (from 0), or the argument named name.
type paramRef struct {
	pos  int
	name string
}

// rebound caches rebind's work: the store's queries are a bounded set of
// strings, asked again and again.
var (
	rebound     sync.Map // query → reboundQuery
	reboundSize atomic.Int64
)

type reboundQuery struct {
	sql  string
	refs []paramRef
}

// reboundMax bounds the cache; past it, queries are rebound each time.
const reboundMax = 4096

// rebind rewrites the parameters of query (? in order, :name by name) as
// $1, $2 …, skipping string literals, quoted identifiers, comments and
// PostgreSQL's :: casts. A name used twice is one $n.
func rebind(query string) (string, []paramRef) {
	if r, ok := rebound.Load(query); ok {
		return r.(reboundQuery).sql, r.(reboundQuery).refs
	}
	sql, refs := rebindQuery(query)
	if reboundSize.Load() < reboundMax {
		if _, loaded := rebound.LoadOrStore(query, reboundQuery{sql, refs}); !loaded {
			reboundSize.Add(1)
		}
	}
	return sql, refs
}

func rebindQuery(query string) (string, []paramRef) {
	if !strings.ContainsAny(query, "?:") {
		return query, nil
	}
	var b strings.Builder
	var refs []paramRef
	named := map[string]int{}
	next := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(query) && query[j] != c {
				j++
			}
			b.WriteString(query[i:min(j+1, len(query))])
			i = j
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				j = len(query) - i
			}
			b.WriteString(query[i : i+j])
			i += j - 1
		case c == '?':
			refs = append(refs, paramRef{pos: next})
			next++
			b.WriteString("$" + strconv.Itoa(len(refs)))
		case c == ':' && i+1 < len(query) && query[i+1] == ':':
			b.WriteString("::")
			i++
		case c == ':' && i+1 < len(query) && isNameStart(query[i+1]):
			j := i + 1
			for j < len(query) && isNameByte(query[j]) {
				j++
			}
			name := query[i+1 : j]
			n, ok := named[name]
			if !ok {
				refs = append(refs, paramRef{pos: -1, name: name})
				n = len(refs)
				named[name] = n
			}
			b.WriteString("$" + strconv.Itoa(n))
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), refs
}

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameByte(c byte) bool  { return isNameStart(c) || c >= '0' && c <= '9' }

// bindArgs orders args as refs says. A Go bool becomes 1 or 0, as SQLite
// stores it: flags are integer columns with a CHECK on both engines. A
// string goes through pgText.
func bindArgs(refs []paramRef, args []driver.NamedValue) ([]driver.NamedValue, error) {
	if refs == nil {
		return args, nil
	}
	var positional []driver.NamedValue
	byName := map[string]driver.NamedValue{}
	for _, a := range args {
		if a.Name == "" {
			positional = append(positional, a)
		} else {
			byName[a.Name] = a
		}
	}
	out := make([]driver.NamedValue, len(refs))
	for i, r := range refs {
		var a driver.NamedValue
		var ok bool
		if r.name != "" {
			a, ok = byName[r.name]
		} else if r.pos < len(positional) {
			a, ok = positional[r.pos], true
		}
		if !ok {
			if r.name != "" {
				return nil, fmt.Errorf("store: no value for parameter :%s", r.name)
			}
			return nil, fmt.Errorf("store: no value for parameter %d", r.pos+1)
		}
		switch v := a.Value.(type) {
		case bool:
			a.Value = int64(0)
			if v {
				a.Value = int64(1)
			}
		case string:
			a.Value = pgText(v)
		}
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a.Value}
	}
	return out, nil
}

// pgText is s as PostgreSQL's text accepts it: SQLite keeps any bytes in
// a TEXT column, PostgreSQL refuses a NUL and invalid UTF-8, which a
// learner's file may hold (in a badge's name, say). Both become U+FFFD, as
// Go's JSON decoder already does with invalid UTF-8, so that such a badge
// is kept rather than refused. Bytes kept exactly (the original file) are
// BYTEA and pass untouched.
func pgText(s string) string {
	if utf8.ValidString(s) && !strings.Contains(s, "\x00") {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// errBackupPostgres is Backup's answer on PostgreSQL, which has its own
// tools for a consistent copy.
var errBackupPostgres = &fail.Error{Code: fail.Unsupported, Message: "satchel backup copies the SQLite file; on PostgreSQL, use pg_dump (for example pg_dump --format=custom --file=satchel.dump \"$SATCHEL_DATABASE_URL\")."}
