-- PostgreSQL's form of ../0006_access_log.sql: the access log, which only
-- grows. The same rules as on SQLite, as triggers: no entry is changed,
-- none is removed before the retention time, the retention row stays.
CREATE TABLE access_log (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           BIGINT  NOT NULL,
    principal    TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    organisation TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    plan         TEXT,
    person       TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    session_id   BIGINT,
    device       TEXT    NOT NULL,
    offline      BOOLEAN NOT NULL,
    detail       TEXT    NOT NULL
);
CREATE INDEX access_log_by_plan ON access_log (plan, at);
CREATE INDEX access_log_by_time ON access_log (at);
CREATE INDEX access_log_by_principal ON access_log (principal, at);

CREATE TABLE access_log_retention (
    id         BIGINT  PRIMARY KEY CHECK (id = 1),
    keep_days  BIGINT  NOT NULL CHECK (keep_days >= 365)
);
INSERT INTO access_log_retention (id, keep_days) VALUES (1, 1827);

CREATE TRIGGER access_log_retention_kept BEFORE DELETE ON access_log_retention
    FOR EACH ROW EXECUTE FUNCTION samplan_refuse('the access log retention cannot be removed');
CREATE TRIGGER access_log_retention_not_truncated BEFORE TRUNCATE ON access_log_retention
    FOR EACH STATEMENT EXECUTE FUNCTION samplan_refuse('the access log retention cannot be removed');
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
    FOR EACH ROW EXECUTE FUNCTION samplan_refuse('the access log is append-only');
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION samplan_refuse('the access log is append-only');

-- An entry goes only once it is older than the retention (milliseconds
-- since 1970, as `at`).
CREATE FUNCTION access_log_only_expired_go() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.at > (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT
                - (SELECT keep_days FROM access_log_retention WHERE id = 1) * 86400000 THEN
        RAISE EXCEPTION 'the access log keeps its entries for the retention time';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER access_log_only_expired_go BEFORE DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_only_expired_go();

ALTER TABLE users ADD COLUMN log_reviewer BOOLEAN NOT NULL DEFAULT FALSE;
