-- PostgreSQL's 0004: see ../0004_badge_listing.sql. The triggers that copy
-- a badge's searchable text are a PL/pgSQL function each.
CREATE INDEX badges_user_status_expiry ON badges (user_id, status, expires_at);

CREATE TABLE badge_text (
	badge_id    BIGINT PRIMARY KEY REFERENCES badges (id) ON DELETE CASCADE,
	user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name        TEXT   NOT NULL DEFAULT '',
	description TEXT   NOT NULL DEFAULT '',
	issuer_name TEXT   NOT NULL DEFAULT ''
);

CREATE INDEX badge_text_user ON badge_text (user_id);

INSERT INTO badge_text (badge_id, user_id, name, description, issuer_name)
	SELECT id, user_id, name, description, issuer_name FROM badges;

CREATE FUNCTION badge_text_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO badge_text (badge_id, user_id, name, description, issuer_name)
		VALUES (NEW.id, NEW.user_id, NEW.name, NEW.description, NEW.issuer_name);
	RETURN NULL;
END $$;

CREATE TRIGGER badge_text_insert AFTER INSERT ON badges
	FOR EACH ROW EXECUTE FUNCTION badge_text_insert();

CREATE FUNCTION badge_text_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE badge_text SET user_id = NEW.user_id, name = NEW.name, description = NEW.description, issuer_name = NEW.issuer_name
		WHERE badge_id = NEW.id;
	RETURN NULL;
END $$;

CREATE TRIGGER badge_text_update AFTER UPDATE OF user_id, name, description, issuer_name ON badges
	FOR EACH ROW EXECUTE FUNCTION badge_text_update();
