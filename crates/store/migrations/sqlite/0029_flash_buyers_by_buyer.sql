-- A batch of orders reads its buyers' flash-sale counts together, before
-- it knows which sales its orders meet: by buyer, not by sale.
CREATE INDEX flash_buyers_buyer_idx ON flash_buyers (buyer_id);
