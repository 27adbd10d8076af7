-- PostgreSQL's 0007: see ../0007_profiles.sql. SQLite's GLOB check is a
-- regular expression here: a handle has only a–z, 0–9 and hyphens.
CREATE TABLE profiles (
	user_id         BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	handle          TEXT   NOT NULL UNIQUE
		CHECK (length(handle) BETWEEN 3 AND 30 AND handle = lower(handle) AND handle !~ '[^a-z0-9-]'),
	display_name    TEXT   NOT NULL CHECK (display_name <> ''),
	bio             TEXT   NOT NULL DEFAULT '',
	avatar          TEXT   NOT NULL DEFAULT 'none' CHECK (avatar IN ('none', 'provider')),
	avatar_image_id BIGINT REFERENCES images (id) ON DELETE SET NULL,
	indexable       BIGINT NOT NULL DEFAULT 0 CHECK (indexable IN (0, 1)),
	created_at      BIGINT NOT NULL,
	updated_at      BIGINT NOT NULL
);

CREATE INDEX badges_user_public ON badges (user_id, issued_at DESC, id DESC) WHERE visibility = 'public';
