-- satchel:foreign-keys-off
-- Trust (issue 12): a badge is "valid" only when its signing key is proven
-- to be its issuer's. This adds the status "unconfirmed" (signed, issuer not
-- confirmed) and the issuer_binding column. SQLite cannot change a CHECK
-- constraint in place, so badges and badge_checks are rebuilt as SQLite's
-- ALTER TABLE documentation describes (foreign keys off for this migration
-- only, checked with foreign_key_check before it commits); rows keep their
-- ids, so collections, tags, images and share pictures stay attached.
--
-- Verdicts recorded before the rule cannot be trusted: every badge that
-- showed as valid is marked unverified until it is checked again, and every
-- badge is due for a check now (start-up runs that check).

CREATE TABLE badges_new (
	id                 INTEGER PRIMARY KEY,
	-- Random and unguessable: the only id that appears in URLs.
	public_id          TEXT    NOT NULL UNIQUE CHECK (length(public_id) >= 16),
	user_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	-- 2.0 and older: the assertion id; 3.0: issuer id + " " + credential id.
	dedupe_key         TEXT    NOT NULL CHECK (dedupe_key <> ''),
	version            TEXT    NOT NULL,
	format             TEXT    NOT NULL,
	-- Exactly what the learner brought, for download.
	original           BLOB    NOT NULL,
	original_name      TEXT    NOT NULL DEFAULT '',
	original_type      TEXT    NOT NULL DEFAULT '',
	-- The badge data: assertion or credential JSON; the compact JWS if signed so.
	payload            TEXT    NOT NULL DEFAULT '',
	jws                TEXT    NOT NULL DEFAULT '',
	source_url         TEXT    NOT NULL DEFAULT '',
	-- Normalised fields (from badge.Badge) for listing, sorting and search.
	name               TEXT    NOT NULL DEFAULT '',
	description        TEXT    NOT NULL DEFAULT '',
	criteria_url       TEXT    NOT NULL DEFAULT '',
	criteria_narrative TEXT    NOT NULL DEFAULT '',
	issuer_id          TEXT    NOT NULL DEFAULT '',
	issuer_name        TEXT    NOT NULL DEFAULT '',
	issuer_url         TEXT    NOT NULL DEFAULT '',
	issuer_email       TEXT    NOT NULL DEFAULT '',
	image_url          TEXT    NOT NULL DEFAULT '', -- as the badge gives it (may be a data: URI)
	image_caption      TEXT    NOT NULL DEFAULT '', -- alt text / caption
	image_id           INTEGER REFERENCES images (id) ON DELETE SET NULL,
	issued_at          INTEGER NOT NULL DEFAULT 0, -- 2.0 issuedOn, 3.0 validFrom
	expires_at         INTEGER NOT NULL DEFAULT 0,
	-- JSON of the whole normalised badge.Badge (alignments, tags, evidence, endorsements…).
	model_json         TEXT    NOT NULL DEFAULT '{}',
	-- The learner's verified identifier the badge was matched to.
	matched_type       TEXT    NOT NULL DEFAULT '',
	matched_value      TEXT    NOT NULL DEFAULT '',
	-- The latest verification.
	report_json        TEXT    NOT NULL DEFAULT '',
	checked_at         INTEGER NOT NULL DEFAULT 0,
	status             TEXT    NOT NULL DEFAULT 'unverified'
		CHECK (status IN ('valid', 'warning', 'unconfirmed', 'invalid', 'expired', 'revoked', 'unverified')),
	-- The status the learner last saw, so a change can be pointed out.
	seen_status        TEXT    NOT NULL DEFAULT ''
		CHECK (seen_status IN ('', 'valid', 'warning', 'unconfirmed', 'invalid', 'expired', 'revoked', 'unverified')),
	-- How the latest check tied the signing key to the issuer (verify's
	-- issuerBinding), shown next to the status; '' when no key was checked.
	issuer_binding     TEXT    NOT NULL DEFAULT ''
		CHECK (issuer_binding IN ('', 'did-document', 'hosted-document', 'self-key', 'unconfirmed')),
	next_check_at      INTEGER NOT NULL DEFAULT 0,
	visibility         TEXT    NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL,
	UNIQUE (user_id, dedupe_key)
) STRICT;

INSERT INTO badges_new (id, public_id, user_id, dedupe_key, version, format, original, original_name, original_type, payload, jws, source_url, name, description, criteria_url, criteria_narrative, issuer_id, issuer_name, issuer_url, issuer_email, image_url, image_caption, image_id, issued_at, expires_at, model_json, matched_type, matched_value, report_json, checked_at, status, seen_status, next_check_at, visibility, created_at, updated_at)
	SELECT id, public_id, user_id, dedupe_key, version, format, original, original_name, original_type, payload, jws, source_url, name, description, criteria_url, criteria_narrative, issuer_id, issuer_name, issuer_url, issuer_email, image_url, image_caption, image_id, issued_at, expires_at, model_json, matched_type, matched_value, report_json, checked_at, status, seen_status, next_check_at, visibility, created_at, updated_at FROM badges;

CREATE TABLE badge_checks_new (
	id          INTEGER PRIMARY KEY,
	badge_id    INTEGER NOT NULL REFERENCES badges (id) ON DELETE CASCADE,
	checked_at  INTEGER NOT NULL,
	verdict     TEXT    NOT NULL DEFAULT '',
	status      TEXT    NOT NULL
		CHECK (status IN ('valid', 'warning', 'unconfirmed', 'invalid', 'expired', 'revoked', 'unverified')),
	report_json TEXT    NOT NULL DEFAULT ''
) STRICT;

INSERT INTO badge_checks_new (id, badge_id, checked_at, verdict, status, report_json)
	SELECT id, badge_id, checked_at, verdict, status, report_json FROM badge_checks;

DROP TABLE badge_checks;
DROP TABLE badges;
ALTER TABLE badges_new RENAME TO badges;
ALTER TABLE badge_checks_new RENAME TO badge_checks;

CREATE INDEX badges_user_issued ON badges (user_id, issued_at DESC, id DESC);
CREATE INDEX badges_user_name ON badges (user_id, name COLLATE NOCASE, id);
CREATE INDEX badges_user_issuer ON badges (user_id, issuer_name COLLATE NOCASE, issued_at DESC);
CREATE INDEX badges_user_issuer_id ON badges (user_id, issuer_id, issued_at DESC);
CREATE INDEX badges_user_status ON badges (user_id, status, issued_at DESC);
CREATE INDEX badges_next_check ON badges (next_check_at);
CREATE INDEX badges_image ON badges (image_id) WHERE image_id IS NOT NULL;
CREATE INDEX badges_user_status_expiry ON badges (user_id, status, expires_at);
CREATE INDEX badges_user_public ON badges (user_id, issued_at DESC, id DESC) WHERE visibility = 'public';
CREATE INDEX badges_expiring ON badges (expires_at)
	WHERE expires_at > 0 AND status IN ('valid', 'warning', 'unconfirmed', 'unverified');
CREATE INDEX badge_checks_badge ON badge_checks (badge_id, checked_at DESC);

CREATE TRIGGER badge_text_insert AFTER INSERT ON badges BEGIN
	INSERT INTO badge_text (badge_id, user_id, name, description, issuer_name)
		VALUES (new.id, new.user_id, new.name, new.description, new.issuer_name);
END;

CREATE TRIGGER badge_text_update AFTER UPDATE OF user_id, name, description, issuer_name ON badges BEGIN
	UPDATE badge_text SET user_id = new.user_id, name = new.name, description = new.description, issuer_name = new.issuer_name
		WHERE badge_id = new.id;
END;

CREATE TRIGGER profiles_rev_badge_insert AFTER INSERT ON badges WHEN NEW.visibility = 'public'
BEGIN
	UPDATE profiles SET rev = rev + 1 WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER profiles_rev_badge_update AFTER UPDATE ON badges WHEN NEW.visibility = 'public' OR OLD.visibility = 'public'
BEGIN
	UPDATE profiles SET rev = rev + 1 WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER profiles_rev_badge_delete AFTER DELETE ON badges WHEN OLD.visibility = 'public'
BEGIN
	UPDATE profiles SET rev = rev + 1 WHERE user_id = OLD.user_id;
END;

UPDATE badges SET status = 'unverified' WHERE status IN ('valid', 'warning');
UPDATE badges SET next_check_at = 0;
-- Public pages are cached under the profile's revision: show the change.
UPDATE profiles SET rev = rev + 1;
