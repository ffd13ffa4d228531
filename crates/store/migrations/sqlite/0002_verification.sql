-- Seller verification (KYC). Personal data (NIK, NPWP, bank account number,
-- document files) is stored sealed by the application's vault: these columns
-- hold ciphertext and a masked form for display, never the plain value.

CREATE TABLE seller_verifications (
    seller_id TEXT PRIMARY KEY REFERENCES sellers (id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'in_review', 'approved', 'rejected', 'suspended')),
    business_type TEXT CHECK (business_type IN ('individual', 'company')),
    category_focus TEXT,
    completed_steps TEXT NOT NULL DEFAULT '',
    round INTEGER NOT NULL DEFAULT 0,
    submitted_at BIGINT,
    decision_due_on TEXT,
    decision_due_is_estimate BOOLEAN NOT NULL DEFAULT FALSE,
    decided_at BIGINT,
    findings TEXT,
    -- A fingerprint of everything entered, to refuse a resubmission that
    -- changes nothing after a rejection.
    submitted_fingerprint TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX seller_verifications_queue_idx ON seller_verifications (state, submitted_at);

CREATE TABLE kyc_identities (
    seller_id TEXT PRIMARY KEY REFERENCES sellers (id),
    full_name TEXT NOT NULL,
    nik_sealed TEXT NOT NULL,
    nik_masked TEXT NOT NULL,
    -- A keyed hash of the NIK: counts the shops of one person without storing it.
    nik_fingerprint TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    gender TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    company_name TEXT,
    nib TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX kyc_identities_fingerprint_idx ON kyc_identities (nik_fingerprint);

CREATE TABLE kyc_tax (
    seller_id TEXT PRIMARY KEY REFERENCES sellers (id),
    npwp_sealed TEXT NOT NULL,
    npwp_masked TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE kyc_addresses (
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    kind TEXT NOT NULL CHECK (kind IN ('business', 'pickup')),
    street TEXT NOT NULL,
    district_code TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    phone TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (seller_id, kind)
);

CREATE TABLE kyc_bank_accounts (
    seller_id TEXT PRIMARY KEY REFERENCES sellers (id),
    bank_code TEXT NOT NULL,
    account_sealed TEXT NOT NULL,
    account_masked TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE kyc_documents (
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    slot TEXT NOT NULL CHECK (slot IN ('ktp_photo', 'selfie_with_ktp', 'npwp_card', 'company_deed')),
    object_key TEXT NOT NULL,
    mime TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    width INTEGER,
    height INTEGER,
    warnings TEXT NOT NULL DEFAULT '',
    uploaded_at BIGINT NOT NULL,
    PRIMARY KEY (seller_id, slot)
);

CREATE TABLE verification_decisions (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    round INTEGER NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected', 'suspended', 'reinstated')),
    findings TEXT,
    note TEXT,
    reviewer_id TEXT NOT NULL REFERENCES users (id),
    decided_at BIGINT NOT NULL
);
CREATE INDEX verification_decisions_seller_idx ON verification_decisions (seller_id, decided_at);

-- Shops registered before verification existed start their wizard now
-- (the demo shop, already approved, stays approved).
INSERT INTO seller_verifications (seller_id, state, updated_at)
SELECT id, CASE status WHEN 'approved' THEN 'approved' ELSE 'draft' END, updated_at FROM sellers;
