-- The sync from Seller Center to Shop (DESIGN.md §5): the Shop's read model,
-- and the projector's bookkeeping. Instants are BIGINT milliseconds (UTC).

-- One row per product the Shop can show: listed (search, feeds, its page) or
-- sold out (its page only). Everything a product page, a search result or a
-- feed card needs, so the Shop never joins back into Seller Center tables.
-- Rebuilt from the system of record, a row is identical to the one the
-- events built (no projection times in it).
CREATE TABLE shop_listings (
    product_id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL,
    shop_slug TEXT NOT NULL,
    shop_name TEXT NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    visibility TEXT NOT NULL,
    category TEXT,
    brand TEXT,
    min_price BIGINT NOT NULL,
    max_price BIGINT NOT NULL,
    original_price BIGINT,
    total_stock BIGINT NOT NULL,
    primary_image TEXT,
    quality_score INTEGER NOT NULL,
    product_version INTEGER NOT NULL,
    cod_allowed BOOLEAN NOT NULL,
    -- JSON: description, bullets, attributes, options, SKUs, images, …
    document TEXT NOT NULL,
    product_updated_at BIGINT NOT NULL
);
CREATE INDEX shop_listings_seller ON shop_listings (seller_id, visibility);
CREATE INDEX shop_listings_visible ON shop_listings (visibility, quality_score);

-- Per product: what the Shop shows and why, and how its sync went.
CREATE TABLE sync_states (
    product_id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL,
    -- synced | failed
    state TEXT NOT NULL,
    -- The last outbox event applied to it (pending while a later one waits).
    synced_seq BIGINT NOT NULL,
    synced_version INTEGER,
    synced_at BIGINT,
    lag_ms BIGINT,
    -- listed | sold_out | hidden, and every reason (JSON) when not listed.
    visibility TEXT,
    reasons TEXT NOT NULL,
    -- Since when the product is in the Shop without a break (null: it is not).
    listed_since BIGINT,
    error TEXT,
    attempts INTEGER NOT NULL,
    next_retry_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX sync_states_seller ON sync_states (seller_id, state);
CREATE INDEX sync_states_retry ON sync_states (state, next_retry_at);

-- Where each consumer of the outbox stands.
CREATE TABLE sync_positions (
    consumer TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Commit-to-Shop lag of recent projections (kept a day), for the health pages.
CREATE TABLE sync_lag_samples (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    seller_id TEXT NOT NULL,
    lag_ms BIGINT NOT NULL
);
CREATE INDEX sync_lag_samples_at ON sync_lag_samples (at);
CREATE INDEX sync_lag_samples_seller ON sync_lag_samples (seller_id, at);

-- Events the projector could not attribute to any product (a corrupt
-- aggregate id): kept for the operator, never retried.
CREATE TABLE sync_dead_events (
    seq BIGINT PRIMARY KEY,
    topic TEXT NOT NULL,
    error TEXT NOT NULL,
    at BIGINT NOT NULL
);

-- Finding a product's latest event (is its sync pending?).
CREATE INDEX outbox_aggregate ON outbox (aggregate_type, aggregate_id, seq);
