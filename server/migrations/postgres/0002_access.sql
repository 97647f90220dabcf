-- PostgreSQL's form of ../0002_access.sql: accounts, sessions, plans,
-- members, invitations, actors and the append-only audit log.
CREATE TABLE users (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    organisation TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    disabled_at  BIGINT
);

CREATE TABLE devices (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label      TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE sessions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash BYTEA   NOT NULL UNIQUE,
    principal  TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_by_principal ON sessions (principal);

CREATE TABLE sign_in_links (
    token_hash BYTEA   PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT
);

CREATE TABLE plans (
    document_id     TEXT    PRIMARY KEY,
    created_by      TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    self_reports_of TEXT,
    deleted_at      BIGINT,
    deleted_by      TEXT
);

CREATE TABLE members (
    document_id TEXT    NOT NULL,
    principal   TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('coordinator', 'editor', 'person', 'reader')),
    added_at    BIGINT  NOT NULL,
    PRIMARY KEY (document_id, principal)
);
CREATE INDEX members_by_principal ON members (principal);

CREATE TABLE invitations (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  BYTEA   NOT NULL UNIQUE,
    document_id TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('editor', 'person', 'reader')),
    label       TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    single_use  BOOLEAN NOT NULL,
    uses        BIGINT  NOT NULL DEFAULT 0,
    revoked_at  BIGINT
);

CREATE TABLE actors (
    actor       TEXT    PRIMARY KEY,
    principal   TEXT    NOT NULL,
    document_id TEXT    NOT NULL,
    first_seen  BIGINT  NOT NULL
);

CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          BIGINT  NOT NULL,
    principal   TEXT    NOT NULL,
    session_id  BIGINT,
    document_id TEXT,
    action      TEXT    NOT NULL,
    detail      TEXT    NOT NULL
);
CREATE INDEX audit_log_by_document ON audit_log (document_id, id);

-- One function refuses for every append-only rule; its argument says why.
CREATE FUNCTION samplan_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION samplan_refuse('the audit log is append-only');
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION samplan_refuse('the audit log is append-only');
-- TRUNCATE fires no row trigger: refused on its own.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION samplan_refuse('the audit log is append-only');
