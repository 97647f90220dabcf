-- Access taken away or changed on one relay, for the others to act on
-- (server/src/online/elsewhere.rs). PostgreSQL only: on SQLite there is
-- one relay. Number 0009 leaves 0008 to the notifications (both databases).
CREATE TABLE access_news (
    id         BIGSERIAL PRIMARY KEY,
    relay      TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    subjects   TEXT[] NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX access_news_by_time ON access_news (created_at);
