-- The OAuth 2.0 authorization server through which learning platforms
-- push badges (the Open Badges 3.0 API and Badge Connect 2.1, issue 15).
-- Every secret (client secret, authorization code, access and refresh
-- token) is stored only as its SHA-256, so a copy of the database opens
-- nothing. Times are Unix nanoseconds (UTC); 0 means "not yet".

-- A platform registered through RFC 7591 dynamic client registration,
-- with the metadata internal/obapi validated. redirect_uris and contacts
-- are JSON arrays of strings; scope and grant_types are space-separated.
CREATE TABLE oauth_clients (
	id               INTEGER PRIMARY KEY,
	client_id        TEXT    NOT NULL UNIQUE CHECK (length(client_id) >= 16),
	secret_hash      BLOB    NOT NULL CHECK (length(secret_hash) = 32),
	name             TEXT    NOT NULL CHECK (name <> ''),
	client_uri       TEXT    NOT NULL CHECK (client_uri <> ''),
	logo_uri         TEXT    NOT NULL DEFAULT '',
	tos_uri          TEXT    NOT NULL DEFAULT '',
	policy_uri       TEXT    NOT NULL DEFAULT '',
	redirect_uris    TEXT    NOT NULL CHECK (redirect_uris <> '' AND redirect_uris <> '[]'),
	scope            TEXT    NOT NULL CHECK (scope <> ''),
	grant_types      TEXT    NOT NULL CHECK (grant_types <> ''),
	contacts         TEXT    NOT NULL DEFAULT '[]',
	software_id      TEXT    NOT NULL DEFAULT '',
	software_version TEXT    NOT NULL DEFAULT '',
	-- The logo as fetched through the guarded fetcher, once it is.
	logo_image_id    INTEGER REFERENCES images (id) ON DELETE SET NULL,
	created_at       INTEGER NOT NULL
) STRICT;

-- A learner's consent to one platform: the "connected app". Deleting it
-- (Disconnect) removes its pending requests and every token at once.
CREATE TABLE oauth_grants (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	client_id    INTEGER NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
	scope        TEXT    NOT NULL CHECK (scope <> ''),
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER NOT NULL DEFAULT 0,
	UNIQUE (user_id, client_id)
) STRICT;

CREATE INDEX oauth_grants_client ON oauth_grants (client_id);

-- An authorization request between the authorization endpoint and the
-- token endpoint: created before the learner signs in and consents (id
-- travels through the consent page), approved by one learner (user_id,
-- grant_id), then given a single-use code with its own short expiry.
-- The PKCE S256 challenge is required.
CREATE TABLE oauth_requests (
	id              TEXT    PRIMARY KEY CHECK (length(id) >= 22),
	client_id       INTEGER NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
	redirect_uri    TEXT    NOT NULL CHECK (redirect_uri <> ''),
	scope           TEXT    NOT NULL CHECK (scope <> ''),
	state           TEXT    NOT NULL DEFAULT '',
	code_challenge  TEXT    NOT NULL CHECK (length(code_challenge) = 43),
	created_at      INTEGER NOT NULL,
	expires_at      INTEGER NOT NULL,
	user_id         INTEGER REFERENCES users (id) ON DELETE CASCADE,
	grant_id        INTEGER REFERENCES oauth_grants (id) ON DELETE CASCADE,
	approved_at     INTEGER NOT NULL DEFAULT 0,
	code_hash       BLOB    UNIQUE CHECK (code_hash IS NULL OR length(code_hash) = 32),
	code_expires_at INTEGER NOT NULL DEFAULT 0,
	code_used_at    INTEGER NOT NULL DEFAULT 0,
	CHECK ((user_id IS NULL) = (grant_id IS NULL))
) STRICT;

CREATE INDEX oauth_requests_expires ON oauth_requests (expires_at);
CREATE INDEX oauth_requests_grant ON oauth_requests (grant_id);
CREATE INDEX oauth_requests_user ON oauth_requests (user_id);
CREATE INDEX oauth_requests_client ON oauth_requests (client_id);

-- Access and refresh tokens of a grant. family is the authorization
-- request whose code started the chain: a code used twice, or a rotated
-- refresh token presented again, revokes the whole family.
CREATE TABLE oauth_tokens (
	id         INTEGER PRIMARY KEY,
	token_hash BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	kind       TEXT    NOT NULL CHECK (kind IN ('access', 'refresh')),
	grant_id   INTEGER NOT NULL REFERENCES oauth_grants (id) ON DELETE CASCADE,
	family     TEXT    NOT NULL CHECK (family <> ''),
	scope      TEXT    NOT NULL CHECK (scope <> ''),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked_at INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);
CREATE INDEX oauth_tokens_family ON oauth_tokens (family);
CREATE INDEX oauth_tokens_expires ON oauth_tokens (expires_at);
