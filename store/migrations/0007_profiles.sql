-- Public profiles: a learner's handle (the name in their public URL
-- /u/<handle>), how they are named and described to visitors, their
-- avatar and whether search engines may index their pages. A learner has
-- no public pages until they choose a handle. Times are Unix nanoseconds
-- (UTC).
CREATE TABLE profiles (
	user_id         INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	-- Stored lower-case, so uniqueness and lookups ignore letter case.
	handle          TEXT    NOT NULL UNIQUE
		CHECK (length(handle) BETWEEN 3 AND 30 AND handle = lower(handle) AND handle NOT GLOB '*[^a-z0-9-]*'),
	display_name    TEXT    NOT NULL CHECK (display_name <> ''),
	bio             TEXT    NOT NULL DEFAULT '', -- Markdown, rendered sanitised
	-- 'none' shows initials; 'provider' shows the picture the sign-in
	-- provider gave, fetched once and kept in images (never hot-linked).
	avatar          TEXT    NOT NULL DEFAULT 'none' CHECK (avatar IN ('none', 'provider')),
	avatar_image_id INTEGER REFERENCES images (id) ON DELETE SET NULL,
	-- Search-engine indexing is opt-in: pages say noindex unless this is 1.
	indexable       INTEGER NOT NULL DEFAULT 0 CHECK (indexable IN (0, 1)),
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
) STRICT;

-- A learner's public badges, newest first: the public profile's one query
-- over badges reads only this (small) partial index.
CREATE INDEX badges_user_public ON badges (user_id, issued_at DESC, id DESC) WHERE visibility = 'public';
