-- Rate limits shared by every Satchel process on this database: one row
-- counts the requests of one key (e.g. a client IP) in one bucket (e.g.
-- "verify") during one fixed window. Allow weighs the previous window's
-- count too (a sliding-window estimate), so a row is kept until two
-- windows have passed (expires_at) and then pruned.
-- Times are Unix nanoseconds (UTC).
CREATE TABLE rate_limits (
	bucket       TEXT    NOT NULL CHECK (bucket <> ''),
	key          TEXT    NOT NULL,
	window_ns    INTEGER NOT NULL CHECK (window_ns > 0),
	window_start INTEGER NOT NULL,
	hits         INTEGER NOT NULL CHECK (hits >= 0),
	expires_at   INTEGER NOT NULL,
	PRIMARY KEY (bucket, key, window_ns, window_start)
) STRICT, WITHOUT ROWID;

CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at);
