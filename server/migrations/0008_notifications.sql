-- Notifications (server/src/notifications.rs): what a member is told about
-- a plan outside the app, by e-mail or Web Push, with no personal data in
-- the message itself.

-- Per principal (`user:<id>` or `device:<id>`): the address e-mail goes to
-- (accounts had none), and how: at once, a daily summary, or not at all;
-- push on or off for this principal's subscribed devices.
CREATE TABLE notification_settings (
    principal  TEXT    PRIMARY KEY,
    email      TEXT    NOT NULL DEFAULT '',
    email_mode TEXT    NOT NULL DEFAULT 'immediate' CHECK (email_mode IN ('immediate', 'daily', 'none')),
    push_mode  TEXT    NOT NULL DEFAULT 'on' CHECK (push_mode IN ('on', 'off')),
    updated_at INTEGER NOT NULL
);

-- A device that allowed Web Push: its push service endpoint and keys (RFC 8291).
CREATE TABLE push_subscriptions (
    endpoint   TEXT    PRIMARY KEY,
    principal  TEXT    NOT NULL,
    p256dh     TEXT    NOT NULL,
    auth       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX push_subscriptions_by_principal ON push_subscriptions (principal);

-- The events already seen per plan (`shared::notices::Notice::key`): an
-- event is told once, however often the plan is read again. The plans
-- stored before notifications were turned on have their past events
-- marked seen without telling anyone when the notifier starts
-- (`notification_plans`: the plans it has read), so turning it on does
-- not mail the past.
CREATE TABLE notification_plans (
    document_id TEXT    PRIMARY KEY,
    first_seen  INTEGER NOT NULL
);
CREATE TABLE notification_seen (
    document_id TEXT    NOT NULL,
    event_key   TEXT    NOT NULL,
    seen_at     INTEGER NOT NULL,
    PRIMARY KEY (document_id, event_key)
);

-- The outbox: one row per event, recipient and channel. States:
-- 'pending' (waits until due_at), 'sending' (claimed by a relay at
-- claimed_at; a claim older than a few minutes is taken as a crash and
-- sent again), 'sent', 'failed' (refused for good, e.g. SMTP 5xx).
CREATE TABLE notification_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    principal   TEXT    NOT NULL,
    channel     TEXT    NOT NULL CHECK (channel IN ('email', 'push')),
    document_id TEXT    NOT NULL,
    event_key   TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    meeting     TEXT    NOT NULL DEFAULT '',
    digest      INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    due_at      INTEGER NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    claimed_by  TEXT    NOT NULL DEFAULT '',
    claimed_at  INTEGER,
    sent_at     INTEGER,
    last_error  TEXT    NOT NULL DEFAULT '',
    UNIQUE (principal, channel, document_id, event_key)
);
CREATE INDEX notification_outbox_due ON notification_outbox (state, due_at);
