-- The Shop's ranking (domain `ranking`): each listing carries its score,
-- made of recent orders, conversion, quality and freshness. The ranking
-- pass counts the buyers' signals of the last 30 days into
-- `product_signals` and moves the scores that changed; the projector
-- scores a listing it writes from the signals last counted.
CREATE TABLE product_signals (
    product_id TEXT PRIMARY KEY REFERENCES products (id),
    orders BIGINT NOT NULL CHECK (orders >= 0),
    views BIGINT NOT NULL CHECK (views >= 0),
    counted_at BIGINT NOT NULL
);

ALTER TABLE shop_listings ADD COLUMN rank_score BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shop_listings ADD COLUMN product_published_at BIGINT NOT NULL DEFAULT 0;
UPDATE shop_listings SET
    product_published_at = COALESCE(
        (SELECT COALESCE(p.published_at, p.created_at) FROM products p WHERE p.id = shop_listings.product_id), 0),
    rank_score = 2 * quality_score;

DROP INDEX shop_listings_ranked;
DROP INDEX shop_listings_shop_ranked;
CREATE INDEX shop_listings_ranked ON shop_listings (visibility, rank_score DESC, product_updated_at DESC, product_id);
CREATE INDEX shop_listings_shop_ranked ON shop_listings (seller_id, visibility, rank_score DESC, product_updated_at DESC, product_id);

-- The pass's two counts: orders placed since a time, product pages opened
-- since a time.
CREATE INDEX orders_placed_idx ON orders (placed_at);
CREATE INDEX attribution_kind_at_idx ON attribution_events (kind, at, product_id);
