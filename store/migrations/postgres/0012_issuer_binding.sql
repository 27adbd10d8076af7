-- PostgreSQL's 0012: see ../0012_issuer_binding.sql. PostgreSQL changes a
-- CHECK constraint in place, so nothing is rebuilt: the status checks gain
-- 'unconfirmed', badges gain issuer_binding, and, as on SQLite, verdicts
-- from before the trust rule are forgotten until the next check.
ALTER TABLE badges
	DROP CONSTRAINT badges_status_check,
	ADD CONSTRAINT badges_status_check
		CHECK (status IN ('valid', 'warning', 'unconfirmed', 'invalid', 'expired', 'revoked', 'unverified')),
	DROP CONSTRAINT badges_seen_status_check,
	ADD CONSTRAINT badges_seen_status_check
		CHECK (seen_status IN ('', 'valid', 'warning', 'unconfirmed', 'invalid', 'expired', 'revoked', 'unverified')),
	ADD COLUMN issuer_binding TEXT NOT NULL DEFAULT ''
		CHECK (issuer_binding IN ('', 'did-document', 'hosted-document', 'self-key', 'unconfirmed'));

ALTER TABLE badge_checks
	DROP CONSTRAINT badge_checks_status_check,
	ADD CONSTRAINT badge_checks_status_check
		CHECK (status IN ('valid', 'warning', 'unconfirmed', 'invalid', 'expired', 'revoked', 'unverified'));

DROP INDEX badges_expiring;
CREATE INDEX badges_expiring ON badges (expires_at)
	WHERE expires_at > 0 AND status IN ('valid', 'warning', 'unconfirmed', 'unverified');

UPDATE badges SET status = 'unverified' WHERE status IN ('valid', 'warning');
UPDATE badges SET next_check_at = 0;
UPDATE profiles SET rev = rev + 1;
