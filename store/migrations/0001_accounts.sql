-- Accounts: a user has one or more logins (provider + subject).
-- Times are Unix nanoseconds (UTC).

-- AUTOINCREMENT: a deleted account's id is never given to a new account,
-- so a cookie that outlived its account cannot open someone else's.
CREATE TABLE users (
	id                   INTEGER PRIMARY KEY AUTOINCREMENT,
	name                 TEXT    NOT NULL,
	email                TEXT    NOT NULL DEFAULT '',
	created_at           INTEGER NOT NULL,
	-- Sessions issued at or before this time are refused ("sign out everywhere").
	sessions_valid_after INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE logins (
	id             INTEGER PRIMARY KEY,
	user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	provider       TEXT    NOT NULL CHECK (provider <> ''),
	subject        TEXT    NOT NULL CHECK (subject <> ''),
	email          TEXT    NOT NULL DEFAULT '',
	email_verified INTEGER NOT NULL DEFAULT 0 CHECK (email_verified IN (0, 1)),
	name           TEXT    NOT NULL DEFAULT '',
	created_at     INTEGER NOT NULL,
	last_used_at   INTEGER NOT NULL,
	UNIQUE (provider, subject),
	-- One sign-in per provider and account, so a provider names it.
	UNIQUE (user_id, provider)
) STRICT;
