-- Short videos: the file's facts read from its container at upload (never
-- from its name), the caption, and the products tagged in it. A video is a
-- draft until published; hidden takes it out of the Shop without losing it.

CREATE TABLE videos (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    uploaded_by TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'hidden')),
    caption TEXT NOT NULL DEFAULT '',
    object_key TEXT NOT NULL,
    cover_key TEXT,
    bytes BIGINT NOT NULL CHECK (bytes > 0),
    container TEXT NOT NULL CHECK (container IN ('mp4', 'webm')),
    video_codec TEXT NOT NULL,
    audio_codec TEXT,
    duration_ms BIGINT NOT NULL CHECK (duration_ms > 0),
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    published_at BIGINT
);
CREATE INDEX videos_seller_idx ON videos (seller_id, created_at);
CREATE INDEX videos_published_idx ON videos (published_at) WHERE state = 'published';

-- The products a video shows ("keranjang kuning"), in the seller's order.
CREATE TABLE video_products (
    video_id TEXT NOT NULL REFERENCES videos (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    seller_id TEXT NOT NULL,
    position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 5),
    PRIMARY KEY (video_id, product_id),
    UNIQUE (video_id, position)
);
CREATE INDEX video_products_product_idx ON video_products (product_id);
