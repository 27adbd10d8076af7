-- The backpack list without reading badge rows. A badge row carries its
-- original file and payload (tens of kilobytes) before its other columns,
-- and SQLite walks those overflow pages to reach any column stored after
-- them. So what the list filters, counts and searches is in indexes and in
-- a narrow table; only the rows of the page shown are read in full.

-- Status counts and the status filter (a badge past its expiry date counts
-- as expired): covered by this index.
CREATE INDEX badges_user_status_expiry ON badges (user_id, status, expires_at);

-- The text the backpack's search looks in, copied from badges by triggers.
CREATE TABLE badge_text (
	badge_id    INTEGER PRIMARY KEY REFERENCES badges (id) ON DELETE CASCADE,
	user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name        TEXT    NOT NULL DEFAULT '',
	description TEXT    NOT NULL DEFAULT '',
	issuer_name TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX badge_text_user ON badge_text (user_id);

INSERT INTO badge_text (badge_id, user_id, name, description, issuer_name)
	SELECT id, user_id, name, description, issuer_name FROM badges;

CREATE TRIGGER badge_text_insert AFTER INSERT ON badges BEGIN
	INSERT INTO badge_text (badge_id, user_id, name, description, issuer_name)
		VALUES (new.id, new.user_id, new.name, new.description, new.issuer_name);
END;

CREATE TRIGGER badge_text_update AFTER UPDATE OF user_id, name, description, issuer_name ON badges BEGIN
	UPDATE badge_text SET user_id = new.user_id, name = new.name, description = new.description, issuer_name = new.issuer_name
		WHERE badge_id = new.id;
END;
