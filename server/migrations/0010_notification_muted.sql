-- The kinds of event a member does not want to be told about
-- (`shared::notices::NoticeKind::as_str`, comma-separated; empty: every kind).
ALTER TABLE notification_settings ADD COLUMN muted TEXT NOT NULL DEFAULT '';
