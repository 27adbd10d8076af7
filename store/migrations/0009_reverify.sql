-- The re-verification job asks, every minute, which badges have passed
-- their expiry date while still shown as valid; this keeps that question
-- from reading the whole badges table.
CREATE INDEX badges_expiring ON badges (expires_at)
	WHERE expires_at > 0 AND status IN ('valid', 'warning', 'unverified');
