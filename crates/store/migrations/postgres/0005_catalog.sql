-- The catalog and its stock. A product keeps its editable fields and a
-- version (optimistic concurrency: a save names the version it started
-- from); each saved version is kept as a snapshot, so a refused save can
-- show what the other person changed. List columns (price range, stock,
-- quality) are kept on the product so the catalog list reads one table.

CREATE TABLE products (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'inactive', 'platform_deactivated', 'deleted')),
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    description_html TEXT NOT NULL,
    description_text TEXT NOT NULL,
    bullets TEXT NOT NULL,
    category TEXT,
    brand TEXT,
    attributes TEXT NOT NULL,
    item_condition TEXT NOT NULL CHECK (item_condition IN ('new', 'used')),
    tags TEXT NOT NULL,
    gtin TEXT,
    cod_allowed BOOLEAN NOT NULL,
    preorder_days INTEGER,
    options TEXT NOT NULL,
    sku_count INTEGER NOT NULL,
    min_price BIGINT,
    max_price BIGINT,
    total_stock BIGINT NOT NULL,
    image_count INTEGER NOT NULL DEFAULT 0,
    primary_image TEXT,
    quality_score INTEGER NOT NULL,
    quality_grade TEXT NOT NULL,
    needs_attention BOOLEAN NOT NULL,
    copied_from TEXT,
    moderation_reason TEXT,
    review_requested_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    published_at BIGINT,
    deleted_at BIGINT
);
CREATE INDEX products_seller_updated_idx ON products (seller_id, updated_at, id);
CREATE INDEX products_seller_status_idx ON products (seller_id, status, updated_at, id);
CREATE INDEX products_seller_attention_idx ON products (seller_id, needs_attention, updated_at, id);
-- Covers the catalog's tab counts without reading the (wide) product rows.
CREATE INDEX products_seller_counts_idx ON products (seller_id, status, needs_attention, total_stock);

CREATE TABLE product_revisions (
    product_id TEXT NOT NULL REFERENCES products (id),
    version INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (product_id, version)
);

-- One row per option combination. A SKU that leaves the matrix is marked
-- removed (orders and the stock ledger keep pointing at it) and frees its code.
CREATE TABLE skus (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id),
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    position INTEGER NOT NULL,
    combination TEXT NOT NULL,
    code TEXT,
    price BIGINT CHECK (price BETWEEN 100 AND 100000000),
    original_price BIGINT,
    stock BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0 AND stock <= 999999),
    low_stock_threshold INTEGER,
    weight_grams INTEGER,
    length_cm INTEGER,
    width_cm INTEGER,
    height_cm INTEGER,
    barcode TEXT,
    image_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    removed_at BIGINT
);
CREATE INDEX skus_product_idx ON skus (product_id, position);
-- Named as SQLite reports the violated columns, so a conflict reads the same
-- on both backends.
CREATE UNIQUE INDEX skus_seller_id_skus_code_key ON skus (seller_id, code)
    WHERE code IS NOT NULL AND removed_at IS NULL;
-- Codes in byte order, for searching them by their beginning.
CREATE INDEX skus_seller_code_bytes_idx ON skus (seller_id, code COLLATE "C")
    WHERE code IS NOT NULL AND removed_at IS NULL;
CREATE INDEX skus_seller_low_stock_idx ON skus (seller_id, stock) WHERE removed_at IS NULL;

-- Every stock change: how much, the level after, why, who, when. `seq`
-- orders one SKU's changes as they happened (its row lock serialises them).
CREATE TABLE stock_ledger (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    delta BIGINT NOT NULL,
    level_after BIGINT NOT NULL CHECK (level_after >= 0),
    reason TEXT NOT NULL CHECK (reason IN ('initial', 'manual', 'bulk_edit', 'import', 'api', 'order_reserved', 'order_released', 'return_restock', 'sku_removed')),
    note TEXT,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX stock_ledger_sku_idx ON stock_ledger (sku_id, seq);

CREATE TABLE product_images (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id),
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    position INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes BIGINT NOT NULL,
    sharpness DOUBLE PRECISION NOT NULL,
    blurry BOOLEAN NOT NULL,
    white_background BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX product_images_product_idx ON product_images (product_id, position);

-- Copy detection: a MinHash signature per description and its band keys.
CREATE TABLE description_signatures (
    product_id TEXT PRIMARY KEY REFERENCES products (id),
    seller_id TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE TABLE description_bands (
    band_key BIGINT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    PRIMARY KEY (band_key, product_id)
);
CREATE INDEX description_bands_product_idx ON description_bands (product_id);

CREATE FUNCTION stock_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock_ledger is append-only';
END;
$$;
CREATE TRIGGER stock_ledger_no_change BEFORE UPDATE OR DELETE ON stock_ledger
FOR EACH ROW EXECUTE FUNCTION stock_ledger_append_only();
