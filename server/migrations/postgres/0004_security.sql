-- PostgreSQL's form of ../0004_security.sql. (The SQLite migration also
-- fills the new tables from the audit log of older servers; a PostgreSQL
-- database starts at this schema, so there is nothing to fill.)
CREATE TABLE redemptions (
    invitation_id BIGINT  NOT NULL,
    principal     TEXT    NOT NULL,
    document_id   TEXT    NOT NULL,
    redeemed_at   BIGINT  NOT NULL,
    PRIMARY KEY (invitation_id, principal)
);
CREATE INDEX redemptions_by_member ON redemptions (document_id, principal);

CREATE TABLE plan_sessions (
    document_id TEXT    NOT NULL,
    session_id  BIGINT  NOT NULL,
    first_used  BIGINT  NOT NULL,
    PRIMARY KEY (document_id, session_id)
);

CREATE TABLE peer_ids (
    peer_id    TEXT    PRIMARY KEY,
    session_id BIGINT  NOT NULL,
    first_seen BIGINT  NOT NULL
);
