-- A plan's coordinator sees each member's devices and can shut one out of
-- the plan; the person chooses who may write self-reports on their behalf.

-- What kind of device a session was made on ("Chrome på Android"), so that
-- people can tell their devices apart. Never a secret.
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';

-- A session shut out of one plan (and its self-report document) by the
-- plan's coordinator. The session keeps working for other plans.
CREATE TABLE session_blocks (
    document_id TEXT    NOT NULL,
    session_id  INTEGER NOT NULL,
    blocked_at  INTEGER NOT NULL,
    blocked_by  TEXT    NOT NULL,
    PRIMARY KEY (document_id, session_id)
);

-- A plan has at most one self-report document.
CREATE UNIQUE INDEX plans_one_self_report_document ON plans (self_reports_of) WHERE self_reports_of IS NOT NULL;

-- Members the person lets write self-reports for them (a relative).
ALTER TABLE members ADD COLUMN reports_for_person INTEGER NOT NULL DEFAULT 0;
