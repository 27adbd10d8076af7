-- PostgreSQL's 0016: see ../0016_badge_pushes.sql.
CREATE TABLE badge_pushes (
	badge_id     BIGINT PRIMARY KEY REFERENCES badges (id) ON DELETE CASCADE,
	user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	client_id    BIGINT REFERENCES oauth_clients (id) ON DELETE SET NULL,
	client_name  TEXT   NOT NULL CHECK (client_name <> ''),
	pushed_at    BIGINT NOT NULL,
	announced_at BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX badge_pushes_user ON badge_pushes (user_id, announced_at);
CREATE INDEX badge_pushes_client ON badge_pushes (client_id);
