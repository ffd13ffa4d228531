-- A shop's health: the orders its metrics count are found by when they
-- became the seller's to send, and by when the seller sent them (pickup
-- arranged, or handed to their own courier).
CREATE INDEX orders_seller_ready_idx ON orders (seller_id, ready_at) WHERE ready_at IS NOT NULL;
CREATE INDEX orders_seller_arranged_idx ON orders (seller_id, arranged_at) WHERE arranged_at IS NOT NULL;
CREATE INDEX orders_seller_dispatched_idx ON orders (seller_id, dispatched_at) WHERE dispatched_at IS NOT NULL;

-- Each shop's metrics as computed for one WIB day (over the windows that
-- end at the start of that day), kept for the trend. Written once per
-- shop per day by the scheduler; a pass that crashed halfway writes the
-- rest on its next run.
CREATE TABLE shop_performance_days (
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    -- `2026-11-30`.
    day TEXT NOT NULL,
    cancelled BIGINT NOT NULL,
    cancellable BIGINT NOT NULL,
    late BIGINT NOT NULL,
    sent_7d BIGINT NOT NULL,
    fast BIGINT NOT NULL,
    sent_30d BIGINT NOT NULL,
    -- Tenths of a star; NULL when nothing could be judged.
    rating SMALLINT,
    computed_at BIGINT NOT NULL,
    PRIMARY KEY (seller_id, day)
);
