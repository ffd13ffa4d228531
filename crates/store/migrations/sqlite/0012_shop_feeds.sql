-- The Shop's feeds: listed products by rank (quality, then freshness), the
-- newest, and a shop's own, each read in index order.
CREATE INDEX shop_listings_ranked ON shop_listings (visibility, quality_score DESC, product_updated_at DESC, product_id);
CREATE INDEX shop_listings_newest ON shop_listings (visibility, product_updated_at DESC, product_id);
CREATE INDEX shop_listings_shop_ranked ON shop_listings (seller_id, visibility, quality_score DESC, product_updated_at DESC, product_id);
