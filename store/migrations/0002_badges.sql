-- Badges a learner brought into their backpack, their tags, the images they
-- show and the history of their verification. Times are Unix nanoseconds
-- (UTC); 0 means "not given".

-- Images are shared by content: the same picture in many backpacks is kept
-- once and served from Satchel's origin as /images/<hash>.
CREATE TABLE images (
	id           INTEGER PRIMARY KEY,
	hash         TEXT    NOT NULL UNIQUE CHECK (length(hash) = 64), -- sha256, lower-case hex
	content_type TEXT    NOT NULL CHECK (content_type IN ('image/png', 'image/svg+xml')),
	width        INTEGER NOT NULL DEFAULT 0,
	height       INTEGER NOT NULL DEFAULT 0,
	bytes        BLOB    NOT NULL,
	created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE badges (
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
		CHECK (status IN ('valid', 'warning', 'invalid', 'expired', 'revoked', 'unverified')),
	-- The status the learner last saw, so a change can be pointed out.
	seen_status        TEXT    NOT NULL DEFAULT ''
		CHECK (seen_status IN ('', 'valid', 'warning', 'invalid', 'expired', 'revoked', 'unverified')),
	next_check_at      INTEGER NOT NULL DEFAULT 0,
	visibility         TEXT    NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL,
	UNIQUE (user_id, dedupe_key)
) STRICT;

-- Listing a backpack: newest first, by name, by issuer; filtered by status or issuer.
CREATE INDEX badges_user_issued ON badges (user_id, issued_at DESC, id DESC);
CREATE INDEX badges_user_name ON badges (user_id, name COLLATE NOCASE, id);
CREATE INDEX badges_user_issuer ON badges (user_id, issuer_name COLLATE NOCASE, issued_at DESC);
CREATE INDEX badges_user_issuer_id ON badges (user_id, issuer_id, issued_at DESC);
CREATE INDEX badges_user_status ON badges (user_id, status, issued_at DESC);
-- The re-verification job: what is due next.
CREATE INDEX badges_next_check ON badges (next_check_at);
CREATE INDEX badges_image ON badges (image_id) WHERE image_id IS NOT NULL;

CREATE TABLE badge_tags (
	badge_id INTEGER NOT NULL REFERENCES badges (id) ON DELETE CASCADE,
	-- Repeated from the badge so that filtering a backpack by tag needs one index.
	user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	tag      TEXT    NOT NULL COLLATE NOCASE CHECK (tag <> ''),
	PRIMARY KEY (badge_id, tag)
) STRICT, WITHOUT ROWID;

CREATE INDEX badge_tags_user_tag ON badge_tags (user_id, tag, badge_id);

-- Each verification's result, for the history on the badge page.
CREATE TABLE badge_checks (
	id          INTEGER PRIMARY KEY,
	badge_id    INTEGER NOT NULL REFERENCES badges (id) ON DELETE CASCADE,
	checked_at  INTEGER NOT NULL,
	verdict     TEXT    NOT NULL DEFAULT '',
	status      TEXT    NOT NULL
		CHECK (status IN ('valid', 'warning', 'invalid', 'expired', 'revoked', 'unverified')),
	report_json TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX badge_checks_badge ON badge_checks (badge_id, checked_at DESC);
