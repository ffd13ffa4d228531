-- Live shopping: a seller's scheduled, running or finished lives, the
-- products each features, the live-only prices and flash deals offered on
-- it (offers of the one pricing function that hold only on that live,
-- only while it is on), and its viewers' comments with their moderation.

CREATE TABLE lives (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    created_by TEXT NOT NULL,
    title TEXT NOT NULL,
    planned_start_at BIGINT NOT NULL,
    -- `hls`: stream_ref is the playlist address; `recorded`: a video id.
    stream_kind TEXT NOT NULL CHECK (stream_kind IN ('hls', 'recorded')),
    stream_ref TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('scheduled', 'live', 'ended', 'cancelled')),
    started_at BIGINT,
    ended_at BIGINT,
    pinned_product_id TEXT,
    pinned_at BIGINT,
    peak_viewers BIGINT NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (state <> 'live' OR started_at IS NOT NULL),
    CHECK (state <> 'ended' OR (started_at IS NOT NULL AND ended_at IS NOT NULL))
);
CREATE INDEX lives_seller_idx ON lives (seller_id, created_at);
CREATE INDEX lives_state_idx ON lives (state, planned_start_at);

CREATE TABLE live_products (
    live_id TEXT NOT NULL REFERENCES lives (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    seller_id TEXT NOT NULL,
    position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 19),
    PRIMARY KEY (live_id, product_id),
    UNIQUE (live_id, position)
);
CREATE INDEX live_products_product_idx ON live_products (product_id);

-- A live-only price per SKU: it holds while its live is on.
CREATE TABLE live_prices (
    live_id TEXT NOT NULL REFERENCES lives (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    product_id TEXT NOT NULL,
    seller_id TEXT NOT NULL,
    price BIGINT NOT NULL CHECK (price > 0),
    PRIMARY KEY (live_id, sku_id)
);
CREATE INDEX live_prices_sku_idx ON live_prices (sku_id);

-- A flash deal on a live: `quota` units at `price` until `ends_at`; `sold`
-- moves by conditional updates at checkout, never past the quota.
CREATE TABLE live_flash_deals (
    promotion_id TEXT PRIMARY KEY,
    live_id TEXT NOT NULL REFERENCES lives (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    product_id TEXT NOT NULL,
    seller_id TEXT NOT NULL,
    price BIGINT NOT NULL CHECK (price > 0),
    quota BIGINT NOT NULL CHECK (quota > 0),
    sold BIGINT NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= quota),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL CHECK (ends_at > starts_at)
);
CREATE INDEX live_flash_deals_sku_idx ON live_flash_deals (sku_id, ends_at);
CREATE INDEX live_flash_deals_live_idx ON live_flash_deals (live_id, starts_at);

CREATE TABLE live_comments (
    id TEXT PRIMARY KEY,
    live_id TEXT NOT NULL REFERENCES lives (id),
    -- The viewer's digest (a signed-in buyer's or a guest's), never an address.
    viewer TEXT NOT NULL,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    moderation TEXT NOT NULL CHECK (moderation IN
        ('shown', 'hidden_by_words', 'hidden_author_muted', 'deleted_by_seller')),
    created_at BIGINT NOT NULL
);
CREATE INDEX live_comments_live_idx ON live_comments (live_id, id);

-- Viewers the seller muted on a live: their comments are hidden from others.
CREATE TABLE live_mutes (
    live_id TEXT NOT NULL REFERENCES lives (id),
    viewer TEXT NOT NULL,
    muted_by TEXT NOT NULL,
    muted_at BIGINT NOT NULL,
    PRIMARY KEY (live_id, viewer)
);
