-- PostgreSQL's form of ../0005_identity.sql (no members to give ids yet).
ALTER TABLE members ADD COLUMN participant TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN participant TEXT NOT NULL DEFAULT '';
