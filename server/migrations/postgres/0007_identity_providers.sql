-- PostgreSQL's form of ../0007_identity_providers.sql.
ALTER TABLE users ADD COLUMN hsa_id TEXT;
CREATE UNIQUE INDEX users_by_hsa_id ON users (hsa_id) WHERE hsa_id IS NOT NULL;

ALTER TABLE sessions ADD COLUMN provider TEXT;
ALTER TABLE sessions ADD COLUMN acr TEXT;
ALTER TABLE sessions ADD COLUMN amr TEXT;
ALTER TABLE sessions ADD COLUMN organisation_id TEXT;
ALTER TABLE sessions ADD COLUMN id_token TEXT;

CREATE TABLE person_identities (
    provider  TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    device_id BIGINT  NOT NULL REFERENCES devices (id),
    bound_at  BIGINT  NOT NULL,
    PRIMARY KEY (provider, subject)
);
