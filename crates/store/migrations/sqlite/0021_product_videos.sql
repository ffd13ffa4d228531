-- A product's own video, shown in its page's gallery (not in the video
-- feed): one per product, replaced by the next upload. Its facts are read
-- from its container at upload, like a short video's; its limits are
-- smaller (a product video shows the product, briefly).

CREATE TABLE product_videos (
    product_id TEXT PRIMARY KEY REFERENCES products (id),
    id TEXT NOT NULL UNIQUE,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    uploaded_by TEXT NOT NULL,
    object_key TEXT NOT NULL,
    bytes BIGINT NOT NULL CHECK (bytes > 0),
    container TEXT NOT NULL CHECK (container IN ('mp4', 'webm')),
    video_codec TEXT NOT NULL,
    audio_codec TEXT,
    duration_ms BIGINT NOT NULL CHECK (duration_ms > 0),
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    created_at BIGINT NOT NULL
);
