-- Which generation of event kinds (`shared::notices::NoticeKind::generation`)
-- the notifier has read each plan with: the events of a kind added later are
-- remembered without telling anyone the first time a plan is read with it,
-- so that a new kind (an approval asked for, a status report due, an
-- invitation used) does not mail the past of plans seen before it.
ALTER TABLE notification_plans ADD COLUMN generation BIGINT NOT NULL DEFAULT 1;
