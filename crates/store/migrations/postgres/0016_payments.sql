-- Payments through the gateway (Midtrans Snap's shape): attempts, the
-- notifications received, refunds, and the sandbox gateway's records.

-- One attempt to pay a checkout through the payment gateway. Its id is the
-- gateway's `order_id`; one checkout is paid as a whole (all its orders,
-- one per shop). A buyer whose attempt failed or expired starts another,
-- until the orders' payment deadline: at most one attempt of a checkout is
-- pending at a time.
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    checkout_id TEXT NOT NULL REFERENCES checkouts (id),
    buyer_id TEXT NOT NULL REFERENCES users (id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'expired',
        'refunded', 'partially_refunded')),
    -- The gateway's last word on it (`settlement`, `expire`, …).
    gateway_status TEXT,
    channel TEXT,
    gateway_token TEXT NOT NULL,
    redirect_url TEXT NOT NULL,
    transaction_id TEXT,
    va_number TEXT,
    qr_string TEXT,
    refunded_amount BIGINT NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
    expires_at BIGINT NOT NULL,
    paid_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (refunded_amount <= amount)
);
CREATE INDEX payments_checkout_idx ON payments (checkout_id, created_at);
-- Named like a unique column, so both backends report the same name.
CREATE UNIQUE INDEX payments_checkout_id_key ON payments (checkout_id) WHERE status = 'pending';

-- Every notification the gateway (or anyone) sent, as received. A
-- notification that was acted on keeps its dedupe key, so the same one
-- again is a no-op; refused ones keep none and are refused again.
CREATE TABLE payment_notifications (
    seq BIGSERIAL PRIMARY KEY,
    order_ref TEXT,
    transaction_status TEXT,
    status_code TEXT,
    gross_amount TEXT,
    signature_ok BOOLEAN NOT NULL,
    dedupe_key TEXT UNIQUE,
    body TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'no_change', 'duplicate',
        'refund_started', 'malformed', 'bad_signature', 'unknown_order',
        'amount_mismatch', 'status_unavailable')),
    received_at BIGINT NOT NULL
);
CREATE INDEX payment_notifications_order_idx ON payment_notifications (order_ref, received_at);

-- Money given back through the gateway. The refund key makes a retried
-- request one refund at the gateway too.
CREATE TABLE payment_refunds (
    seq BIGSERIAL PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    refund_key TEXT NOT NULL UNIQUE,
    amount BIGINT NOT NULL CHECK (amount > 0),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('requested', 'succeeded', 'refused')),
    actor TEXT NOT NULL,
    gateway_message TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payment_refunds_payment_idx ON payment_refunds (payment_id);
CREATE INDEX payment_refunds_status_idx ON payment_refunds (status, created_at);

-- The built-in sandbox gateway's own records (demo and test mode only): it
-- plays the gateway on loopback, and keeps its transactions across
-- restarts like a real one would.
CREATE TABLE sandbox_gateway_transactions (
    order_id TEXT PRIMARY KEY,
    gross_amount BIGINT NOT NULL CHECK (gross_amount > 0),
    status TEXT NOT NULL CHECK (status IN ('created', 'pending', 'settlement', 'deny',
        'expire', 'refund', 'partial_refund')),
    channel TEXT,
    va_number TEXT,
    qr_string TEXT,
    token TEXT NOT NULL UNIQUE,
    transaction_id TEXT NOT NULL,
    notification_url TEXT NOT NULL,
    finish_url TEXT,
    details TEXT NOT NULL,
    refunded_amount BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sandbox_gateway_refunds (
    order_id TEXT NOT NULL REFERENCES sandbox_gateway_transactions (order_id),
    refund_key TEXT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, refund_key)
);
