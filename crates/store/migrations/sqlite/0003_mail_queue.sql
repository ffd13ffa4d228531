-- Outgoing e-mail, queued in the same transaction as the change it tells
-- about (an invitation, a verification decision), so a crash or an
-- unreachable mail server never loses a message: a dispatcher sends what is
-- due and retries with back-off. A sent message keeps no body, since bodies
-- can carry sign-in or invitation links.

CREATE TABLE mail_queue (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- A dispatcher holds a message until this time while it sends it.
    claimed_until BIGINT,
    sent_at BIGINT,
    failed_at BIGINT,
    last_error TEXT
);
CREATE INDEX mail_queue_due_idx ON mail_queue (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
