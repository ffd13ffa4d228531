-- Fulfilment: what happens to an order after checkout. Each order carries
-- its deadlines (each set when the order reaches the status it belongs
-- to), how it ships and under which resi; every change is a line of its
-- timeline. Couriers' tracking reports are kept once each, by the
-- courier's own event id, so a report sent twice moves nothing twice.

-- The pre-order days the order promised (the longest of its products').
ALTER TABLE orders ADD COLUMN preorder_days INTEGER;
-- When it became the seller's to send: paid, or placed with COD.
ALTER TABLE orders ADD COLUMN ready_at BIGINT;
ALTER TABLE orders ADD COLUMN ship_by BIGINT;
ALTER TABLE orders ADD COLUMN arranged_at BIGINT;
ALTER TABLE orders ADD COLUMN collect_by BIGINT;
-- When the courier had it (collected, or handed over by the seller).
ALTER TABLE orders ADD COLUMN dispatched_at BIGINT;
ALTER TABLE orders ADD COLUMN deliver_by BIGINT;
ALTER TABLE orders ADD COLUMN delivered_at BIGINT;
ALTER TABLE orders ADD COLUMN complete_by BIGINT;
ALTER TABLE orders ADD COLUMN completed_at BIGINT;
ALTER TABLE orders ADD COLUMN shipping_mode TEXT CHECK (shipping_mode IN ('platform', 'seller'));
ALTER TABLE orders ADD COLUMN courier TEXT;
ALTER TABLE orders ADD COLUMN resi TEXT;
-- The cancellation counts against the seller (their own, or a deadline
-- they missed).
ALTER TABLE orders ADD COLUMN seller_fault BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE orders SET ready_at = COALESCE(paid_at, placed_at) WHERE status <> 'awaiting_payment'
    AND (status <> 'cancelled' OR paid_at IS NOT NULL);
UPDATE orders SET ship_by = ready_at + 2 * 86400000 WHERE status = 'awaiting_shipment';

-- A resi belongs to one order of its courier.
CREATE UNIQUE INDEX orders_courier_resi_key ON orders (courier, resi) WHERE resi IS NOT NULL;
CREATE INDEX orders_resi_idx ON orders (resi) WHERE resi IS NOT NULL;
-- Seller Center's tabs, by deadline; the API's changes since.
CREATE INDEX orders_seller_ship_by_idx ON orders (seller_id, status, ship_by);
CREATE INDEX orders_seller_updated_idx ON orders (seller_id, updated_at, id);
-- The deadline scheduler: each due list is one short index.
CREATE INDEX orders_ship_due_idx ON orders (ship_by) WHERE status = 'awaiting_shipment';
CREATE INDEX orders_collect_due_idx ON orders (collect_by) WHERE status = 'awaiting_collection';
CREATE INDEX orders_deliver_due_idx ON orders (deliver_by) WHERE status = 'in_transit';
CREATE INDEX orders_complete_due_idx ON orders (complete_by) WHERE status = 'delivered';

-- The order's timeline: one line per event, numbered.
CREATE TABLE order_events (
    order_id TEXT NOT NULL REFERENCES orders (id),
    seq INTEGER NOT NULL CHECK (seq > 0),
    -- When it happened (a courier's report: the courier's time).
    at BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    -- An order event (`paid`, `shipment_arranged`, …) or a courier's
    -- report (`tracking.out_for_delivery`, …).
    kind TEXT NOT NULL,
    -- The order's status after it.
    status TEXT NOT NULL,
    -- A user or API key id, `system`, or `courier:<code>`.
    actor TEXT NOT NULL,
    -- The reason, resi, location or note that goes with it.
    detail TEXT,
    PRIMARY KEY (order_id, seq)
);

CREATE TABLE tracking_reports (
    courier TEXT NOT NULL,
    event_id TEXT NOT NULL,
    resi TEXT NOT NULL,
    order_id TEXT NOT NULL REFERENCES orders (id),
    kind TEXT NOT NULL,
    happened_at BIGINT NOT NULL,
    location TEXT,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (courier, event_id)
);
