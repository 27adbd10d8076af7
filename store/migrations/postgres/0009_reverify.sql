-- PostgreSQL's 0009: see ../0009_reverify.sql.
CREATE INDEX badges_expiring ON badges (expires_at)
	WHERE expires_at > 0 AND status IN ('valid', 'warning', 'unverified');
