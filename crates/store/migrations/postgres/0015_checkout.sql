-- Checkout: carts (a signed-in buyer's, or a guest's behind a cookie),
-- buyers' addresses, and the orders a checkout places — one per shop, all
-- made in one transaction with the stock, flash-sale and voucher counters
-- they consume (recorded per order, so an expired order gives back exactly
-- what it took).

CREATE TABLE carts (
    id TEXT PRIMARY KEY,
    buyer_id TEXT REFERENCES users (id),
    guest_key TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK ((buyer_id IS NULL) <> (guest_key IS NULL))
);
CREATE UNIQUE INDEX carts_buyer_key ON carts (buyer_id) WHERE buyer_id IS NOT NULL;
CREATE UNIQUE INDEX carts_guest_key ON carts (guest_key) WHERE guest_key IS NOT NULL;
CREATE INDEX carts_updated_idx ON carts (updated_at);

-- One SKU in a cart, with where the buyer added it from (attribution; a
-- live's price holds only from its live).
CREATE TABLE cart_lines (
    cart_id TEXT NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    sku_id TEXT NOT NULL REFERENCES skus (id),
    quantity BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 999),
    source TEXT NOT NULL,
    source_ref TEXT,
    selected BOOLEAN NOT NULL DEFAULT TRUE,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (cart_id, sku_id)
);

CREATE TABLE buyer_addresses (
    id TEXT PRIMARY KEY,
    buyer_id TEXT NOT NULL REFERENCES users (id),
    label TEXT NOT NULL,
    recipient TEXT NOT NULL,
    phone TEXT NOT NULL,
    street TEXT NOT NULL,
    district_code TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    is_default BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    removed_at BIGINT
);
CREATE INDEX buyer_addresses_buyer_idx ON buyer_addresses (buyer_id);

-- One placed checkout. Its id is the one-time token of the checkout form:
-- a second submit of the same form meets this row and gets the first
-- result, never a second set of orders.
CREATE TABLE checkouts (
    id TEXT PRIMARY KEY,
    buyer_id TEXT NOT NULL REFERENCES users (id),
    payment_method TEXT NOT NULL CHECK (payment_method IN ('cod', 'gateway')),
    total BIGINT NOT NULL CHECK (total >= 0),
    quote_version TEXT NOT NULL,
    pay_by BIGINT,
    placed_at BIGINT NOT NULL
);
CREATE INDEX checkouts_buyer_idx ON checkouts (buyer_id, placed_at);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    checkout_id TEXT NOT NULL REFERENCES checkouts (id),
    buyer_id TEXT NOT NULL REFERENCES users (id),
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    status TEXT NOT NULL CHECK (status IN ('awaiting_payment', 'awaiting_shipment',
        'awaiting_collection', 'in_transit', 'delivered', 'completed', 'cancelled')),
    payment_method TEXT NOT NULL CHECK (payment_method IN ('cod', 'gateway')),
    items_subtotal BIGINT NOT NULL CHECK (items_subtotal >= 0),
    discount BIGINT NOT NULL CHECK (discount >= 0),
    shipping BIGINT NOT NULL CHECK (shipping >= 0),
    shipping_discount BIGINT NOT NULL CHECK (shipping_discount >= 0),
    total BIGINT NOT NULL CHECK (total >= 0),
    shipping_service TEXT NOT NULL,
    shipping_option TEXT NOT NULL,
    address TEXT NOT NULL,
    breakdown TEXT NOT NULL,
    source TEXT NOT NULL,
    source_ref TEXT,
    pay_by BIGINT,
    placed_at BIGINT NOT NULL,
    paid_at BIGINT,
    cancelled_at BIGINT,
    cancelled_by TEXT,
    cancel_reason TEXT,
    version INTEGER NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX orders_checkout_idx ON orders (checkout_id);
CREATE INDEX orders_buyer_idx ON orders (buyer_id, placed_at);
CREATE INDEX orders_seller_idx ON orders (seller_id, status, placed_at);
CREATE INDEX orders_pay_by_idx ON orders (status, pay_by);

CREATE TABLE order_lines (
    order_id TEXT NOT NULL REFERENCES orders (id),
    line_no INTEGER NOT NULL,
    sku_id TEXT NOT NULL REFERENCES skus (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    title TEXT NOT NULL,
    label TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    subtotal BIGINT NOT NULL CHECK (subtotal >= 0),
    net BIGINT NOT NULL CHECK (net >= 0),
    segments TEXT NOT NULL,
    source TEXT NOT NULL,
    source_ref TEXT,
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_lines_sku_idx ON order_lines (sku_id);

-- What an order took from counters other than stock (stock is in the
-- ledger): units at a flash price, a voucher use. Given back, once, when
-- the order is cancelled before it ships.
CREATE TABLE order_holds (
    order_id TEXT NOT NULL REFERENCES orders (id),
    hold_no INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('flash', 'voucher')),
    ref_id TEXT NOT NULL,
    sku_id TEXT,
    units BIGINT NOT NULL CHECK (units > 0),
    released_at BIGINT,
    PRIMARY KEY (order_id, hold_no)
);
