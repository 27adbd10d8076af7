-- Collections: badges a learner groups for an audience, in the order they
-- choose, private, unlisted (anyone with the secret link) or public on their
-- profile. Times are Unix nanoseconds (UTC).

CREATE TABLE collections (
	id             INTEGER PRIMARY KEY,
	-- Random and unguessable: the only id in the owner's URLs.
	public_id      TEXT    NOT NULL UNIQUE CHECK (length(public_id) >= 16),
	user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name           TEXT    NOT NULL CHECK (name <> ''),
	-- The public address on the profile: /u/<handle>/<slug>.
	slug           TEXT    NOT NULL CHECK (slug <> '' AND slug = lower(slug)),
	description    TEXT    NOT NULL DEFAULT '',
	visibility     TEXT    NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'unlisted', 'public')),
	-- The secret of the unlisted link. Replacing it stores a new one, so the
	-- old link stops working at once.
	unlisted_token TEXT    NOT NULL UNIQUE CHECK (length(unlisted_token) >= 16),
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	UNIQUE (user_id, slug)
) STRICT;

CREATE INDEX collections_user_name ON collections (user_id, name COLLATE NOCASE, id);

-- Which badges a collection holds, in order. Deleting either side removes
-- the membership only: a deleted collection's badges stay in the backpack.
CREATE TABLE collection_badges (
	collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
	badge_id      INTEGER NOT NULL REFERENCES badges (id) ON DELETE CASCADE,
	-- 1, 2, 3 … with no gaps; kept dense by the store and the trigger below.
	position      INTEGER NOT NULL CHECK (position >= 1),
	added_at      INTEGER NOT NULL,
	PRIMARY KEY (collection_id, badge_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX collection_badges_order ON collection_badges (collection_id, position);
-- "Which collections is this badge in?" (the badge page).
CREATE INDEX collection_badges_badge ON collection_badges (badge_id);

-- A badge that leaves a collection (removed, or deleted from the backpack
-- and so cascaded) closes its gap.
CREATE TRIGGER collection_badges_close_gap AFTER DELETE ON collection_badges
BEGIN
	UPDATE collection_badges SET position = position - 1
	WHERE collection_id = OLD.collection_id AND position > OLD.position;
END;
