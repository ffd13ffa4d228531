-- Where a shop ships from, on its listings: the Kemendagri regency code of
-- the seller's pickup address (its first two digits are the province).
-- Cards show the city; search filters by province. Filled by the
-- projection (a rebuild fills the listings written before this column).
ALTER TABLE shop_listings ADD COLUMN shop_regency TEXT;
