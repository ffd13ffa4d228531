-- Seller Center's order lists at a million orders: a list newest first
-- (a tab of finished orders within dates, by courier, the "all" tab, a
-- search) walks the shop's orders in date order and stops at the page's
-- last row, instead of sorting every order of the tab in the date range
-- (a month of a large shop: tens of thousands of rows).
CREATE INDEX orders_seller_placed_idx ON orders (seller_id, placed_at, id);
