-- Rendered 1200×630 share images, kept under internal/shareimg's Key (a
-- hash of everything drawn and the drawing's version), so every process
-- serves the same cached bytes and the key doubles as the ETag. An entry is
-- never wrong, only unused once a badge or profile changes.
CREATE TABLE share_images (
	key        TEXT    PRIMARY KEY CHECK (length(key) = 64),
	png        BLOB    NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;
