-- Identities: email addresses a learner adds to their account and confirms
-- through a link sent by email, the confirmation tokens, and the
-- development outbox. Times are Unix nanoseconds (UTC); 0 means "not yet".

CREATE TABLE user_emails (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	-- As the learner typed it (trimmed): a badge's hashed recipient may
	-- have been hashed from this spelling.
	email        TEXT    NOT NULL CHECK (email <> ''),
	-- Lower-cased, for uniqueness and comparison.
	email_norm   TEXT    NOT NULL CHECK (email_norm <> '' AND email_norm = lower(email_norm)),
	added_at     INTEGER NOT NULL,
	confirmed_at INTEGER NOT NULL DEFAULT 0,
	UNIQUE (user_id, email_norm)
) STRICT;

-- A confirmation token is stored only as the SHA-256 of the random token
-- sent in the link, so a copy of the database cannot confirm anything.
-- It is bound to the user and to the address it was sent to.
CREATE TABLE email_tokens (
	id         INTEGER PRIMARY KEY,
	token_hash BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	email_id   INTEGER NOT NULL REFERENCES user_emails (id) ON DELETE CASCADE,
	email_norm TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The per-user rate limit on confirmation mails counts recent tokens.
CREATE INDEX email_tokens_user_created ON email_tokens (user_id, created_at);
CREATE INDEX email_tokens_email ON email_tokens (email_id);

-- Development outbox: in local development mail is kept here (and logged)
-- instead of being sent, so any process can show it at /dev/outbox.
CREATE TABLE outbox (
	id         INTEGER PRIMARY KEY,
	to_addr    TEXT    NOT NULL,
	subject    TEXT    NOT NULL,
	text_body  TEXT    NOT NULL,
	html_body  TEXT    NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
) STRICT;
