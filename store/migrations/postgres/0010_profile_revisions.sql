-- PostgreSQL's 0010: see ../0010_profile_revisions.sql. Its nine triggers
-- are three functions here: one per table whose rows a public page shows.
ALTER TABLE profiles ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION profiles_rev_badge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		UPDATE profiles SET rev = rev + 1 WHERE user_id = OLD.user_id;
	ELSE
		UPDATE profiles SET rev = rev + 1 WHERE user_id = NEW.user_id;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER profiles_rev_badge_insert AFTER INSERT ON badges
	FOR EACH ROW WHEN (NEW.visibility = 'public') EXECUTE FUNCTION profiles_rev_badge();
CREATE TRIGGER profiles_rev_badge_update AFTER UPDATE ON badges
	FOR EACH ROW WHEN (NEW.visibility = 'public' OR OLD.visibility = 'public') EXECUTE FUNCTION profiles_rev_badge();
CREATE TRIGGER profiles_rev_badge_delete AFTER DELETE ON badges
	FOR EACH ROW WHEN (OLD.visibility = 'public') EXECUTE FUNCTION profiles_rev_badge();

CREATE FUNCTION profiles_rev_collection() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		UPDATE profiles SET rev = rev + 1 WHERE user_id = OLD.user_id;
	ELSE
		UPDATE profiles SET rev = rev + 1 WHERE user_id = NEW.user_id;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER profiles_rev_collection_insert AFTER INSERT ON collections
	FOR EACH ROW EXECUTE FUNCTION profiles_rev_collection();
CREATE TRIGGER profiles_rev_collection_update AFTER UPDATE ON collections
	FOR EACH ROW EXECUTE FUNCTION profiles_rev_collection();
CREATE TRIGGER profiles_rev_collection_delete AFTER DELETE ON collections
	FOR EACH ROW EXECUTE FUNCTION profiles_rev_collection();

CREATE FUNCTION profiles_rev_membership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		UPDATE profiles SET rev = rev + 1 WHERE user_id = (SELECT user_id FROM collections WHERE id = OLD.collection_id);
	ELSE
		UPDATE profiles SET rev = rev + 1 WHERE user_id = (SELECT user_id FROM collections WHERE id = NEW.collection_id);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER profiles_rev_membership_insert AFTER INSERT ON collection_badges
	FOR EACH ROW EXECUTE FUNCTION profiles_rev_membership();
CREATE TRIGGER profiles_rev_membership_update AFTER UPDATE ON collection_badges
	FOR EACH ROW EXECUTE FUNCTION profiles_rev_membership();
CREATE TRIGGER profiles_rev_membership_delete AFTER DELETE ON collection_badges
	FOR EACH ROW EXECUTE FUNCTION profiles_rev_membership();
