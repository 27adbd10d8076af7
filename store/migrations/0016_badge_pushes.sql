-- Badges a connected platform pushed into a backpack (issue 15): which
-- app sent each one, so the badge page can say so and the learner's next
-- visit announces what arrived ("2 new badges from Example LMS"). The
-- app's name is kept too, so the badge still says who sent it after the
-- app is gone. Times are Unix nanoseconds (UTC); 0 means "not yet".
CREATE TABLE badge_pushes (
	badge_id     INTEGER PRIMARY KEY REFERENCES badges (id) ON DELETE CASCADE,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	client_id    INTEGER REFERENCES oauth_clients (id) ON DELETE SET NULL,
	client_name  TEXT    NOT NULL CHECK (client_name <> ''),
	pushed_at    INTEGER NOT NULL,
	announced_at INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX badge_pushes_user ON badge_pushes (user_id, announced_at);
CREATE INDEX badge_pushes_client ON badge_pushes (client_id);
