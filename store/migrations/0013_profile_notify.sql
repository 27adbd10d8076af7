-- Scale-out (issue 14): on PostgreSQL each process keeps the public-profile
-- versions it has read and a trigger notifies every process when one
-- changes (see postgres/0013_profile_notify.sql and profile_versions.go).
-- SQLite serves one process, which reads the version on every request, so
-- there is nothing to notify; this migration exists so that both engines
-- number their migrations alike.
SELECT 1;
