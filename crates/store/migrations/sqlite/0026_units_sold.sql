-- Units sold per product (the Shop's "terjual"): the units of orders that
-- are the seller's to send or sent (paid, or placed with COD) and not
-- cancelled. Kept by the transactions that move orders, so it never needs
-- the order lines summed again; the Shop's listing carries a copy the
-- projector writes (best-selling sorts and the "Terlaris" section).
CREATE TABLE product_sales (
    product_id TEXT PRIMARY KEY REFERENCES products (id),
    units BIGINT NOT NULL CHECK (units >= 0),
    updated_at BIGINT NOT NULL
);
INSERT INTO product_sales (product_id, units, updated_at)
    SELECT l.product_id, SUM(l.quantity), MAX(o.updated_at)
    FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE o.status NOT IN ('awaiting_payment', 'cancelled')
    GROUP BY l.product_id;

ALTER TABLE shop_listings ADD COLUMN sold_count BIGINT NOT NULL DEFAULT 0;
UPDATE shop_listings SET sold_count = COALESCE(
    (SELECT s.units FROM product_sales s WHERE s.product_id = shop_listings.product_id), 0);
CREATE INDEX shop_listings_sold_idx ON shop_listings (visibility, sold_count DESC, product_id);
