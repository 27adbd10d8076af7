-- The profile picture each sign-in provider gave: the address it was read
-- from (so a sign-in fetches it again only when it changed) and the picture
-- itself, cropped, scaled and re-encoded as PNG, kept in images. A profile
-- whose avatar is 'provider' shows one of these (profiles.avatar_image_id).
ALTER TABLE logins ADD COLUMN avatar_url TEXT NOT NULL DEFAULT '';
ALTER TABLE logins ADD COLUMN avatar_image_id INTEGER REFERENCES images (id) ON DELETE SET NULL;
