-- PostgreSQL's 0008: see ../0008_share_images.sql.
CREATE TABLE share_images (
	key        TEXT   PRIMARY KEY CHECK (length(key) = 64),
	png        BYTEA  NOT NULL,
	created_at BIGINT NOT NULL
);
