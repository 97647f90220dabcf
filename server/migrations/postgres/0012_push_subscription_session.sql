-- The session a device subscribed to push in: when it ends (signed out,
-- expired) or the account is disabled, the device gets no more pushes
-- (server/src/notifications/settings.rs, `subscriptions`). NULL for a
-- subscription made before this was recorded.
ALTER TABLE push_subscriptions ADD COLUMN session_id BIGINT;
