-- Each document is stored as a sequence of Automerge chunks: at most one
-- snapshot (a full save) followed by incremental chunks (save_after), in
-- insertion order. Loading applies them in `id` order.
CREATE TABLE document_chunks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('snapshot', 'incremental')),
    bytes       BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX document_chunks_by_document ON document_chunks (document_id, id);

-- Facts about this server's storage, such as its automerge-repo storage id.
CREATE TABLE server_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
