-- Who may see and change which plan (ARCHITECTURE.md, "Access").
-- A principal is written 'user:<id>' (a professional account) or
-- 'device:<id>' (a device that redeemed an invitation).

CREATE TABLE users (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL UNIQUE,
    organisation TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    disabled_at  INTEGER
);

CREATE TABLE devices (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    label      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- Tokens are stored only as SHA-256 hashes.
CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash BLOB    NOT NULL UNIQUE,
    principal  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX sessions_by_principal ON sessions (principal);

CREATE TABLE sign_in_links (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

-- Every document the relay serves has a row: a plan, or the self-report
-- document of a plan (`self_reports_of`). A deleted plan keeps its row as a
-- tombstone, so that no peer can bring it back.
CREATE TABLE plans (
    document_id     TEXT    PRIMARY KEY,
    created_by      TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    self_reports_of TEXT,
    deleted_at      INTEGER,
    deleted_by      TEXT
);

CREATE TABLE members (
    document_id TEXT    NOT NULL,
    principal   TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('coordinator', 'editor', 'person', 'reader')),
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (document_id, principal)
);
CREATE INDEX members_by_principal ON members (principal);

CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash  BLOB    NOT NULL UNIQUE,
    document_id TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('editor', 'person', 'reader')),
    label       TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    single_use  INTEGER NOT NULL,
    uses        INTEGER NOT NULL DEFAULT 0,
    revoked_at  INTEGER
);

-- Each Automerge actor id belongs to the principal that first used it.
CREATE TABLE actors (
    actor       TEXT    PRIMARY KEY,
    principal   TEXT    NOT NULL,
    document_id TEXT    NOT NULL,
    first_seen  INTEGER NOT NULL
);

-- Append-only: who did what, when, to which document, from which session.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    principal   TEXT    NOT NULL,
    session_id  INTEGER,
    document_id TEXT,
    action      TEXT    NOT NULL,
    detail      TEXT    NOT NULL
);
CREATE INDEX audit_log_by_document ON audit_log (document_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
