-- Signing in with an OpenID Connect provider (server/src/oidc.rs).
-- A staff account is found by its HSA-id (`user add --hsa-id`, or made on
-- first sign-in when the settings allow it).
ALTER TABLE users ADD COLUMN hsa_id TEXT;
CREATE UNIQUE INDEX users_by_hsa_id ON users (hsa_id) WHERE hsa_id IS NOT NULL;

-- What the provider said about a sign-in: which provider, the level of
-- assurance (acr), how (amr), the organisation, and the ID token (the hint
-- for signing out at the provider too). NULL for sign-in links and devices.
ALTER TABLE sessions ADD COLUMN provider TEXT;
ALTER TABLE sessions ADD COLUMN acr TEXT;
ALTER TABLE sessions ADD COLUMN amr TEXT;
ALTER TABLE sessions ADD COLUMN organisation_id TEXT;
ALTER TABLE sessions ADD COLUMN id_token TEXT;

-- The person's identity at a citizen provider, bound to the device
-- principal their invitation made (on first use): signing in again on a
-- new device gives a session of the same principal, without a new link.
CREATE TABLE person_identities (
    provider  TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    device_id INTEGER NOT NULL REFERENCES devices (id),
    bound_at  INTEGER NOT NULL,
    PRIMARY KEY (provider, subject)
);
