-- PostgreSQL's 0014: the learner's chosen language, as in SQLite's
-- 0014_user_language.sql ('' lets each request decide).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
