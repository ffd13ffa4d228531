-- Buyer–seller chat. A conversation is one buyer with one shop; it carries
-- its newest message and each side's unread count, so the inboxes read one
-- row per conversation. `chat_turns` are what a shop's response rate counts:
-- a turn opens with a buyer's message when none is open and closes with the
-- shop's next reply. Every message is written with its conversation row
-- (updated first, so concurrent messages of one conversation queue behind
-- its row lock) and its turn in one transaction.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    buyer_id TEXT NOT NULL REFERENCES users (id),
    -- The product the buyer last asked about, if any.
    product_id TEXT REFERENCES products (id),
    created_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    last_side TEXT NOT NULL CHECK (last_side IN ('buyer', 'seller')),
    last_body TEXT NOT NULL,
    buyer_unread BIGINT NOT NULL DEFAULT 0 CHECK (buyer_unread >= 0),
    seller_unread BIGINT NOT NULL DEFAULT 0 CHECK (seller_unread >= 0),
    UNIQUE (seller_id, buyer_id)
);
CREATE INDEX conversations_seller_idx ON conversations (seller_id, last_at DESC);
CREATE INDEX conversations_buyer_idx ON conversations (buyer_id, last_at DESC);

CREATE TABLE chat_messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    side TEXT NOT NULL CHECK (side IN ('buyer', 'seller')),
    author_id TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    -- A product the message is about (the card a buyer sends from a
    -- product page).
    product_id TEXT REFERENCES products (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX chat_messages_conversation_idx ON chat_messages (conversation_id, created_at DESC, id DESC);

CREATE TABLE chat_turns (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    opened_at BIGINT NOT NULL,
    answered_at BIGINT,
    PRIMARY KEY (conversation_id, opened_at)
);
CREATE INDEX chat_turns_seller_idx ON chat_turns (seller_id, opened_at);
