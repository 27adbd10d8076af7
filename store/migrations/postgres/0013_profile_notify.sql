-- PostgreSQL's 0013: every change to a profile row, and so to the version
-- store.PublicProfileVersion reads from it (its handle, rev and updated_at;
-- rev is raised by the triggers of 0010 when a public badge or a
-- collection changes), notifies the channel satchel_profiles with the
-- handle. Each Satchel process LISTENs there and forgets the version it
-- kept (profile_versions.go). PostgreSQL sends a notice only when the
-- transaction commits, and once per distinct handle however many rows
-- changed.
CREATE FUNCTION profiles_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		PERFORM pg_notify('satchel_profiles', OLD.handle);
	END IF;
	IF TG_OP = 'INSERT' OR NEW.handle <> OLD.handle THEN
		PERFORM pg_notify('satchel_profiles', NEW.handle);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER profiles_notify AFTER INSERT OR UPDATE OR DELETE ON profiles
	FOR EACH ROW EXECUTE FUNCTION profiles_notify();
