-- Pricing: promotions (product discounts and flash sales) with their
-- per-SKU terms, flash-sale counters, vouchers with their holders, the
-- seller's cost per SKU, and the price history every base price change
-- leaves (written by triggers, so no path that sets a price can forget).
-- Quotas are CHECK constraints too: a counter can never pass its quota,
-- whatever the code above it does.

ALTER TABLE skus ADD COLUMN cost BIGINT CHECK (cost IS NULL OR cost BETWEEN 0 AND 100000000);

CREATE TABLE promotions (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    kind TEXT NOT NULL CHECK (kind IN ('discount', 'flash_sale')),
    name TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
    per_buyer_limit INTEGER CHECK (per_buyer_limit IS NULL OR per_buyer_limit BETWEEN 1 AND 99),
    activated_at BIGINT,
    deactivated_at BIGINT,
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX promotions_seller_idx ON promotions (seller_id, ends_at);

-- One SKU's terms in one promotion: a fixed price or a percentage off, and
-- for a flash sale the units at that price and how many were sold.
CREATE TABLE promotion_items (
    promotion_id TEXT NOT NULL REFERENCES promotions (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    seller_id TEXT NOT NULL,
    rule TEXT NOT NULL CHECK (rule IN ('fixed', 'percent')),
    amount BIGINT NOT NULL CHECK (amount > 0),
    flash_quota BIGINT CHECK (flash_quota IS NULL OR flash_quota > 0),
    flash_sold BIGINT NOT NULL DEFAULT 0,
    CHECK (flash_sold >= 0 AND (flash_quota IS NULL OR flash_sold <= flash_quota)),
    PRIMARY KEY (promotion_id, sku_id)
);
CREATE INDEX promotion_items_sku_idx ON promotion_items (sku_id);
CREATE INDEX promotion_items_product_idx ON promotion_items (product_id);

-- Units each buyer bought at a flash sale's price (its per-buyer limit).
CREATE TABLE flash_buyers (
    promotion_id TEXT NOT NULL REFERENCES promotions (id),
    buyer_id TEXT NOT NULL,
    units BIGINT NOT NULL CHECK (units >= 0),
    PRIMARY KEY (promotion_id, buyer_id)
);

-- A seller's voucher (seller_id set) or the platform's (seller_id NULL).
-- Codes are unique across the platform: buyers type them without a shop.
CREATE TABLE vouchers (
    id TEXT PRIMARY KEY,
    seller_id TEXT REFERENCES sellers (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    benefit TEXT NOT NULL CHECK (benefit IN ('percent', 'amount', 'free_shipping')),
    amount BIGINT,
    cap BIGINT,
    min_spend BIGINT NOT NULL CHECK (min_spend >= 0),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
    products TEXT,
    quota BIGINT NOT NULL CHECK (quota > 0),
    claimed BIGINT NOT NULL DEFAULT 0,
    used BIGINT NOT NULL DEFAULT 0,
    per_buyer_limit INTEGER NOT NULL CHECK (per_buyer_limit BETWEEN 1 AND 99),
    public BOOLEAN NOT NULL,
    activated_at BIGINT,
    deactivated_at BIGINT,
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    CHECK (claimed >= 0 AND claimed <= quota AND used >= 0 AND used <= claimed),
    CONSTRAINT vouchers_code_key UNIQUE (code)
);
CREATE INDEX vouchers_seller_idx ON vouchers (seller_id, ends_at);

-- What one buyer holds of one voucher: claims (at most its per-buyer
-- limit) and how many of them were used on orders.
CREATE TABLE voucher_holders (
    voucher_id TEXT NOT NULL REFERENCES vouchers (id),
    buyer_id TEXT NOT NULL REFERENCES users (id),
    claimed INTEGER NOT NULL CHECK (claimed >= 1),
    used INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= claimed),
    first_claimed_at BIGINT NOT NULL,
    PRIMARY KEY (voucher_id, buyer_id)
);
CREATE INDEX voucher_holders_buyer_idx ON voucher_holders (buyer_id);

CREATE TABLE price_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sku_id TEXT NOT NULL,
    seller_id TEXT NOT NULL,
    price BIGINT NOT NULL,
    effective_at BIGINT NOT NULL
);
CREATE INDEX price_history_sku_idx ON price_history (sku_id, effective_at);

CREATE TRIGGER skus_price_history_insert AFTER INSERT ON skus
WHEN NEW.price IS NOT NULL
BEGIN
    INSERT INTO price_history (sku_id, seller_id, price, effective_at)
    VALUES (NEW.id, NEW.seller_id, NEW.price, NEW.created_at);
END;

CREATE TRIGGER skus_price_history_update AFTER UPDATE OF price ON skus
WHEN NEW.price IS NOT NULL AND NEW.price IS NOT OLD.price
BEGIN
    INSERT INTO price_history (sku_id, seller_id, price, effective_at)
    VALUES (NEW.id, NEW.seller_id, NEW.price, NEW.updated_at);
END;

INSERT INTO price_history (sku_id, seller_id, price, effective_at)
SELECT id, seller_id, price, updated_at FROM skus WHERE price IS NOT NULL;
