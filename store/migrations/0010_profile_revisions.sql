-- A revision number per profile that goes up whenever anything its public
-- pages show changes: a public badge (added, edited, re-checked, made
-- private or deleted), a collection or its badges. A rendered public
-- profile can be kept under (rev, updated_at) and served again until they
-- move, in every process, since the number lives in the database.
ALTER TABLE profiles ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER profiles_rev_badge_insert AFTER INSERT ON badges WHEN NEW.visibility = 'public'
BEGIN
	UPDATE profiles SET rev = rev + 1 WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER profiles_rev_badge_update AFTER UPDATE ON badges WHEN NEW.visibility = 'public' OR OLD.visibility = 'public'
BEGIN
	UPDATE profiles SET rev = rev + 1 WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER profiles_rev_badge_delete AFTER DELETE ON badges WHEN OLD.visibility = 'public'
BEGIN
	UPDATE profiles SET rev = rev + 1 WHERE user_id = OLD.user_id;
END;

CREATE TRIGGER profiles_rev_collection_insert AFTER INSERT ON collections
BEGIN
	UPDATE profiles SET rev = rev + 1 WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER profiles_rev_collection_update AFTER UPDATE ON collections
BEGIN
	UPDATE profiles SET rev = rev + 1 WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER profiles_rev_collection_delete AFTER DELETE ON collections
BEGIN
	UPDATE profiles SET rev = rev + 1 WHERE user_id = OLD.user_id;
END;

CREATE TRIGGER profiles_rev_membership_insert AFTER INSERT ON collection_badges
BEGIN
	UPDATE profiles SET rev = rev + 1 WHERE user_id = (SELECT user_id FROM collections WHERE id = NEW.collection_id);
END;

CREATE TRIGGER profiles_rev_membership_update AFTER UPDATE ON collection_badges
BEGIN
	UPDATE profiles SET rev = rev + 1 WHERE user_id = (SELECT user_id FROM collections WHERE id = NEW.collection_id);
END;

CREATE TRIGGER profiles_rev_membership_delete AFTER DELETE ON collection_badges
BEGIN
	UPDATE profiles SET rev = rev + 1 WHERE user_id = (SELECT user_id FROM collections WHERE id = OLD.collection_id);
END;
