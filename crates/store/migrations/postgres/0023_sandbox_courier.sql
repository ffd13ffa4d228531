-- The built-in sandbox courier's own records (demo and test mode only): it
-- plays a logistics aggregator on loopback — books pickups, issues resis,
-- and sends signed tracking reports — and keeps its shipments across
-- restarts like a real one would. It knows nothing of the platform's tables.
CREATE TABLE sandbox_courier_shipments (
    id TEXT PRIMARY KEY,
    -- The platform's reference (its order id): booking the same reference
    -- again answers the same shipment, so a retried booking books once.
    reference TEXT NOT NULL UNIQUE,
    courier TEXT NOT NULL,
    service TEXT NOT NULL,
    resi TEXT NOT NULL UNIQUE,
    -- The last tracking report sent (`booked` before the first).
    status TEXT NOT NULL,
    -- Where the tracking reports go.
    webhook_url TEXT NOT NULL,
    -- JSON: the booking as the platform sent it.
    details TEXT NOT NULL,
    -- Reports sent so far (each report's event id is `{id}-{n}`).
    reports BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX sandbox_courier_shipments_recent ON sandbox_courier_shipments (updated_at DESC);
