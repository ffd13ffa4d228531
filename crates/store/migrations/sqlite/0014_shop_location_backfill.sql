-- Listings written before 0013 learn where their shop ships from now, not
-- at their next projection: the regency is the first four digits of the
-- pickup address's district code (Kemendagri: `327301` is in `3273`).
UPDATE shop_listings SET shop_regency = (
    SELECT substr(a.district_code, 1, 4) FROM kyc_addresses a
    WHERE a.seller_id = shop_listings.seller_id AND a.kind = 'pickup'
) WHERE shop_regency IS NULL;
