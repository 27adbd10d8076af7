-- Languages (issue 16): the language a learner chose for Satchel's pages,
-- as a BCP 47 tag ("es", "ar"); '' lets each request decide (a language
-- menu's cookie, then the browser's Accept-Language). The web layer keeps
-- only tags of languages it offers; an old choice of a language no longer
-- offered is ignored, not an error.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
