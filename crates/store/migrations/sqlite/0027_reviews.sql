-- Buyers' reviews: one per order line, 1 to 5 stars and an optional text,
-- written by the buyer of a delivered order (and changeable for a while).
-- `product_ratings` adds them up per product in the transaction that
-- writes a review; the Shop's listing carries a copy the projector writes
-- (the rating on cards and product pages, the rating filter of search).
CREATE TABLE reviews (
    order_id TEXT NOT NULL REFERENCES orders (id),
    line_no INTEGER NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    buyer_id TEXT NOT NULL REFERENCES users (id),
    variant TEXT NOT NULL,
    stars SMALLINT NOT NULL CHECK (stars BETWEEN 1 AND 5),
    body TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX reviews_product_idx ON reviews (product_id, updated_at DESC);

CREATE TABLE product_ratings (
    product_id TEXT PRIMARY KEY REFERENCES products (id),
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    review_count BIGINT NOT NULL CHECK (review_count >= 0),
    star_sum BIGINT NOT NULL CHECK (star_sum >= 0),
    updated_at BIGINT NOT NULL
);
CREATE INDEX product_ratings_seller_idx ON product_ratings (seller_id);

ALTER TABLE shop_listings ADD COLUMN review_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shop_listings ADD COLUMN star_sum BIGINT NOT NULL DEFAULT 0;
