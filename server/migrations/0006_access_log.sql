-- The access log (issue 28): every time the server gives plan content to
-- someone, every refusal and every sign-in, with who (account or device,
-- name, organisation, role), which plan, about whom, what, from which
-- session and device. Kept for the configured time, also after the plan is
-- deleted (server/src/access/access_log.rs).
CREATE TABLE access_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,
    principal    TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    organisation TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    plan         TEXT,
    person       TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    session_id   INTEGER,
    device       TEXT    NOT NULL,
    offline      INTEGER NOT NULL,
    detail       TEXT    NOT NULL
);
CREATE INDEX access_log_by_plan ON access_log (plan, at);
CREATE INDEX access_log_by_time ON access_log (at);
CREATE INDEX access_log_by_principal ON access_log (principal, at);

-- How long entries are kept (one row). Only entries older than this may be
-- deleted; the floor of 365 days is enforced here too, so that no setting
-- (by mistake or not) empties the log.
CREATE TABLE access_log_retention (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    keep_days  INTEGER NOT NULL CHECK (keep_days >= 365)
);
INSERT INTO access_log_retention (id, keep_days) VALUES (1, 1827);
CREATE TRIGGER access_log_retention_kept BEFORE DELETE ON access_log_retention
BEGIN SELECT RAISE(ABORT, 'the access log retention cannot be removed'); END;

-- Append-only: no entry is ever changed, and none is removed before its time.
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_only_expired_go BEFORE DELETE ON access_log
WHEN old.at > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
              - (SELECT keep_days FROM access_log_retention WHERE id = 1) * 86400000
BEGIN SELECT RAISE(ABORT, 'the access log keeps its entries for the retention time'); END;

-- Accounts that review the logs (loggkontroll): a role of its own, given
-- from the command line, not something every coordinator has.
ALTER TABLE users ADD COLUMN log_reviewer INTEGER NOT NULL DEFAULT 0;
