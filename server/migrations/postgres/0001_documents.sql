-- PostgreSQL's form of ../0001_documents.sql (same version, same tables).
-- Integers are BIGINT (the server's i64), bytes BYTEA, flags BOOLEAN.
-- A document is a set of Automerge chunks; ids only grow (an identity),
-- though with several relays a lower id can commit after a higher one.
CREATE TABLE document_chunks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('snapshot', 'incremental')),
    bytes       BYTEA   NOT NULL,
    created_at  BIGINT  NOT NULL,
    -- The relay that wrote the chunk: each relay looks for the others'
    -- recent chunks (server/src/storage/relays.rs). Only on PostgreSQL.
    written_by  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX document_chunks_by_document ON document_chunks (document_id, id);
CREATE INDEX document_chunks_by_time ON document_chunks (created_at);

CREATE TABLE server_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
