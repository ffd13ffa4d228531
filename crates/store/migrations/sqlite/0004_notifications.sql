-- In-app notices, one row per reader. The kind names the text (translated
-- when shown) and the page to act on; read_at is set when the reader has
-- seen it.

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seller_id TEXT REFERENCES sellers (id),
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
