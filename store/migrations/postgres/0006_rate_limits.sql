-- PostgreSQL's 0006: see ../0006_rate_limits.sql.
CREATE TABLE rate_limits (
	bucket       TEXT   NOT NULL CHECK (bucket <> ''),
	key          TEXT   NOT NULL,
	window_ns    BIGINT NOT NULL CHECK (window_ns > 0),
	window_start BIGINT NOT NULL,
	hits         BIGINT NOT NULL CHECK (hits >= 0),
	expires_at   BIGINT NOT NULL,
	PRIMARY KEY (bucket, key, window_ns, window_start)
);

CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at);
