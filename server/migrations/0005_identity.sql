-- Who is who: every member of a plan is one participant of the plan
-- (shared::plan::Participant, by its id in the plan's document). The
-- coordinator's invitation beside a participant carries that participant's
-- id; a member who came another way gets an id of their own, and the app
-- adds them to the plan's participants under it.
ALTER TABLE members ADD COLUMN participant TEXT NOT NULL DEFAULT '';
UPDATE members SET participant = lower(hex(randomblob(8))) WHERE participant = '';
ALTER TABLE invitations ADD COLUMN participant TEXT NOT NULL DEFAULT '';
