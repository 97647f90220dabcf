-- PostgreSQL's form of ../0003_devices_and_reporters.sql.
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';

CREATE TABLE session_blocks (
    document_id TEXT    NOT NULL,
    session_id  BIGINT  NOT NULL,
    blocked_at  BIGINT  NOT NULL,
    blocked_by  TEXT    NOT NULL,
    PRIMARY KEY (document_id, session_id)
);

CREATE UNIQUE INDEX plans_one_self_report_document ON plans (self_reports_of) WHERE self_reports_of IS NOT NULL;

ALTER TABLE members ADD COLUMN reports_for_person BOOLEAN NOT NULL DEFAULT FALSE;
