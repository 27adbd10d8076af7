-- The profile picture each sign-in provider gave at its last sign-in,
-- cropped, scaled and re-encoded as PNG (internal/avatar) and kept in
-- images. A profile whose avatar is 'provider' shows one of these
-- (profiles.avatar_image_id).
ALTER TABLE logins ADD COLUMN avatar_image_id INTEGER REFERENCES images (id) ON DELETE SET NULL;
