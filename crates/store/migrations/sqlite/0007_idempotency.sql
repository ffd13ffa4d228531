-- Idempotency keys of the API: the first response to a key is kept and
-- replayed to retries for 24 hours; a key reused for a different request
-- is refused; a retry while the first request runs is told to wait.

CREATE TABLE idempotency_keys (
    principal TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER,
    body TEXT,
    created_at BIGINT NOT NULL,
    completed_at BIGINT,
    PRIMARY KEY (principal, idempotency_key)
);
