-- PostgreSQL's 0011: see ../0011_login_pictures.sql.
ALTER TABLE logins ADD COLUMN avatar_image_id BIGINT REFERENCES images (id) ON DELETE SET NULL;
