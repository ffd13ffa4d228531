-- Bulk imports of products from a CSV file: the job, its progress, and
-- every problem found (row, column, error code). The file itself is kept
-- in the object store under imports/.

CREATE TABLE import_jobs (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    file_name TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('valid_rows', 'all_or_nothing')),
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    total_rows INTEGER NOT NULL DEFAULT 0,
    processed_rows INTEGER NOT NULL DEFAULT 0,
    created_count INTEGER NOT NULL DEFAULT 0,
    updated_count INTEGER NOT NULL DEFAULT 0,
    error_rows INTEGER NOT NULL DEFAULT 0,
    problems TEXT NOT NULL DEFAULT '[]',
    failure TEXT,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX import_jobs_seller_idx ON import_jobs (seller_id, created_at);
CREATE INDEX import_jobs_unfinished_idx ON import_jobs (status) WHERE status IN ('queued', 'running');
