-- Foundation: accounts, sessions, seller teams, API keys, the outbox, the audit log.
-- Instants are BIGINT milliseconds since the Unix epoch (UTC) on both backends.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    lang TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    user_agent TEXT NOT NULL,
    ip TEXT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE signin_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_started_at BIGINT NOT NULL,
    locked_until BIGINT
);

CREATE TABLE sellers (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'suspended')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT sellers_slug_key UNIQUE (slug)
);

CREATE TABLE seller_members (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'marketing', 'operations', 'finance')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- One shop per user for now: the session's seller is then never ambiguous.
    CONSTRAINT seller_members_user_id_key UNIQUE (user_id)
);
CREATE INDEX seller_members_seller_idx ON seller_members (seller_id);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'marketing', 'operations', 'finance')),
    token_hash TEXT NOT NULL,
    invited_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT,
    accepted_by TEXT REFERENCES users (id),
    revoked_at BIGINT,
    CONSTRAINT invitations_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX invitations_seller_idx ON invitations (seller_id);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    name TEXT NOT NULL,
    token_prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT,
    CONSTRAINT api_keys_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_keys_seller_idx ON api_keys (seller_id);

-- Transactional outbox: written in the same transaction as the change it reports.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    topic TEXT NOT NULL,
    aggregate_type TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    seller_id TEXT,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Append-only audit log: who did what to which subject, with before/after.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    at BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    seller_id TEXT,
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    before_summary TEXT,
    after_summary TEXT
);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id);
CREATE INDEX audit_log_seller_idx ON audit_log (seller_id, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
