-- Attribution events: append-only (no update, no delete), written in
-- batches off the request path. `source`/`source_ref` are the pair of
-- `Source::kind` and `Source::reference`, as on cart and order lines.

CREATE TABLE attribution_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('impression', 'product_view', 'tag_click', 'add_to_cart', 'order')),
    source TEXT NOT NULL,
    source_ref TEXT,
    seller_id TEXT,
    product_id TEXT,
    sku_id TEXT,
    buyer_id TEXT,
    visitor TEXT,
    order_id TEXT,
    quantity BIGINT NOT NULL DEFAULT 0,
    amount BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX attribution_source_idx ON attribution_events (source, source_ref, kind);
CREATE INDEX attribution_seller_idx ON attribution_events (seller_id, at);

CREATE TRIGGER attribution_events_no_update BEFORE UPDATE ON attribution_events
BEGIN SELECT RAISE(ABORT, 'attribution events are append-only'); END;
CREATE TRIGGER attribution_events_no_delete BEFORE DELETE ON attribution_events
BEGIN SELECT RAISE(ABORT, 'attribution events are append-only'); END;
