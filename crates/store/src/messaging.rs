//! Buyer–seller chat (migration `0030_chat.sql`): conversations, their
//! messages, and the turns a shop's response rate counts.

use etalase_domain::Timestamp;
use etalase_domain::id::{ConversationId, MessageId, ProductId, SellerId, UserId};
use etalase_domain::messaging::{ANSWER_WITHIN_SECONDS, RateWindow, ResponseRate, Side};

use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

/// A conversation as an inbox lists it: with whom, about what, its newest
/// message and what the reader has not read yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: ConversationId,
    pub seller: SellerId,
    pub shop_name: String,
    pub shop_slug: String,
    pub buyer: UserId,
    pub buyer_name: String,
    pub product: Option<ProductId>,
    pub last_at: Timestamp,
    pub last_side: Side,
    pub last_body: String,
    pub buyer_unread: i64,
    pub seller_unread: i64,
}

#[derive(sqlx::FromRow)]
struct ConversationRow {
    id: String,
    seller_id: String,
    shop_name: String,
    shop_slug: String,
    buyer_id: String,
    buyer_name: String,
    product_id: Option<String>,
    last_at: i64,
    last_side: String,
    last_body: String,
    buyer_unread: i64,
    seller_unread: i64,
}

impl TryFrom<ConversationRow> for Conversation {
    type Error = crate::StoreError;

    fn try_from(r: ConversationRow) -> StoreResult<Conversation> {
        Ok(Conversation {
            id: r.id.parse().map_err(corrupt)?,
            seller: r.seller_id.parse().map_err(corrupt)?,
            shop_name: r.shop_name,
            shop_slug: r.shop_slug,
            buyer: r.buyer_id.parse().map_err(corrupt)?,
            buyer_name: r.buyer_name,
            product: r
                .product_id
                .map(|p| p.parse())
                .transpose()
                .map_err(corrupt)?,
            last_at: Timestamp::from_unix_millis(r.last_at),
            last_side: side(&r.last_side)?,
            last_body: r.last_body,
            buyer_unread: r.buyer_unread,
            seller_unread: r.seller_unread,
        })
    }
}

fn side(text: &str) -> StoreResult<Side> {
    Side::parse(text).ok_or_else(|| corrupt(format!("chat side {text}")))
}

const LISTED: &str = "SELECT c.id, c.seller_id, s.name AS shop_name, s.slug AS shop_slug, \
    c.buyer_id, u.name AS buyer_name, c.product_id, c.last_at, c.last_side, c.last_body, \
    c.buyer_unread, c.seller_unread FROM conversations c \
    JOIN sellers s ON s.id = c.seller_id JOIN users u ON u.id = c.buyer_id";

/// One message, with the product it is about as the Shop shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: MessageId,
    pub side: Side,
    pub author_name: String,
    pub body: String,
    /// The product's id, and its Shop slug and title while it has a
    /// listing.
    pub product: Option<(ProductId, Option<(String, String)>)>,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: String,
    side: String,
    author_name: String,
    body: String,
    product_id: Option<String>,
    product_slug: Option<String>,
    product_title: Option<String>,
    created_at: i64,
}

impl TryFrom<MessageRow> for Message {
    type Error = crate::StoreError;

    fn try_from(r: MessageRow) -> StoreResult<Message> {
        let product = match r.product_id {
            Some(id) => Some((
                id.parse().map_err(corrupt)?,
                r.product_slug.zip(r.product_title),
            )),
            None => None,
        };
        Ok(Message {
            id: r.id.parse().map_err(corrupt)?,
            side: side(&r.side)?,
            author_name: r.author_name,
            body: r.body,
            product,
            created_at: Timestamp::from_unix_millis(r.created_at),
        })
    }
}

/// The buyer's conversation with the shop, begun now if there is none.
pub async fn conversation_between(
    tx: &mut Tx,
    seller: SellerId,
    buyer: UserId,
    now: Timestamp,
) -> StoreResult<ConversationId> {
    let id = ConversationId::generate();
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO conversations (id, seller_id, buyer_id, created_at, last_at, last_side, last_body) \
         VALUES ($1, $2, $3, $4, $4, 'buyer', '') ON CONFLICT (seller_id, buyer_id) DO NOTHING")
        .bind(id.to_string()).bind(seller.to_string()).bind(buyer.to_string())
        .bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    let found: String = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT id FROM conversations WHERE seller_id = $1 AND buyer_id = $2")
        .bind(seller.to_string()).bind(buyer.to_string())
        .fetch_one(conn).await)?;
    found.parse().map_err(corrupt)
}

/// The buyer's conversation with the shop, if there is one.
pub async fn conversation_id_between<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    buyer: UserId,
) -> StoreResult<Option<ConversationId>> {
    let found: Option<String> = on_reader!(reader.into(), conn => sqlx::query_scalar(
        "SELECT id FROM conversations WHERE seller_id = $1 AND buyer_id = $2")
        .bind(seller.to_string()).bind(buyer.to_string())
        .fetch_optional(conn).await)?;
    found.map(|id| id.parse().map_err(corrupt)).transpose()
}

/// A message to write.
#[derive(Debug, Clone, Copy)]
pub struct NewMessage<'a> {
    pub conversation: ConversationId,
    pub side: Side,
    pub author: UserId,
    pub body: &'a str,
    pub product: Option<ProductId>,
}

/// Writes a message, in the caller's transaction: the conversation's newest
/// message and the unread counts first (which queues concurrent
/// messages of the conversation behind its row), then the message, then its
/// turn — a buyer's opens one when none is open, the shop's closes the open
/// one.
pub async fn append(tx: &mut Tx, m: &NewMessage<'_>, now: Timestamp) -> StoreResult<MessageId> {
    // Writing in a conversation reads it: the writer's side has nothing
    // unread after.
    let (unread, read, product) = match m.side {
        Side::Buyer => (
            "seller_unread",
            "buyer_unread",
            ", product_id = COALESCE($5, product_id)",
        ),
        Side::Seller => ("buyer_unread", "seller_unread", ""),
    };
    let sql = format!(
        "UPDATE conversations SET last_at = $2, last_side = $3, last_body = $4, \
         {unread} = {unread} + 1, {read} = 0{product} WHERE id = $1"
    );
    on_tx!(tx, conn => {
        let q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(m.conversation.to_string()).bind(now.unix_millis())
            .bind(m.side.as_str()).bind(m.body);
        let q = if m.side == Side::Buyer { q.bind(m.product.map(|p| p.to_string())) } else { q };
        q.execute(conn).await.map(|_| ())
    })?;
    let id = MessageId::generate();
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO chat_messages (id, conversation_id, side, author_id, body, product_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id.to_string()).bind(m.conversation.to_string()).bind(m.side.as_str())
        .bind(m.author.to_string()).bind(m.body).bind(m.product.map(|p| p.to_string()))
        .bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    match m.side {
        Side::Buyer => on_tx!(tx, conn => sqlx::query(
            "INSERT INTO chat_turns (conversation_id, seller_id, opened_at) \
             SELECT id, seller_id, $2 FROM conversations c WHERE id = $1 AND NOT EXISTS \
             (SELECT 1 FROM chat_turns t WHERE t.conversation_id = c.id AND t.answered_at IS NULL) \
             ON CONFLICT (conversation_id, opened_at) DO NOTHING")
            .bind(m.conversation.to_string()).bind(now.unix_millis())
            .execute(conn).await.map(|_| ()))?,
        Side::Seller => on_tx!(tx, conn => sqlx::query(
            "UPDATE chat_turns SET answered_at = $2 WHERE conversation_id = $1 AND answered_at IS NULL")
            .bind(m.conversation.to_string()).bind(now.unix_millis())
            .execute(conn).await.map(|_| ()))?,
    }
    Ok(id)
}

/// Marks a conversation read by one side. Returns whether anything was
/// unread.
pub async fn mark_read(tx: &mut Tx, conversation: ConversationId, side: Side) -> StoreResult<bool> {
    let sql = match side {
        Side::Buyer => {
            "UPDATE conversations SET buyer_unread = 0 WHERE id = $1 AND buyer_unread > 0"
        }
        Side::Seller => {
            "UPDATE conversations SET seller_unread = 0 WHERE id = $1 AND seller_unread > 0"
        }
    };
    let changed = on_tx!(tx, conn => sqlx::query(sql)
        .bind(conversation.to_string()).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(changed > 0)
}

/// A conversation, if it is this buyer's.
pub async fn conversation_of_buyer<'a>(
    reader: impl Into<Reader<'a>>,
    buyer: UserId,
    id: ConversationId,
) -> StoreResult<Option<Conversation>> {
    let sql = format!("{LISTED} WHERE c.id = $1 AND c.buyer_id = $2");
    one(reader.into(), sql, id, buyer.to_string()).await
}

/// A conversation, if it is with this shop.
pub async fn conversation_of_seller<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    id: ConversationId,
) -> StoreResult<Option<Conversation>> {
    let sql = format!("{LISTED} WHERE c.id = $1 AND c.seller_id = $2");
    one(reader.into(), sql, id, seller.to_string()).await
}

async fn one(
    reader: Reader<'_>,
    sql: String,
    id: ConversationId,
    party: String,
) -> StoreResult<Option<Conversation>> {
    let row: Option<ConversationRow> = on_reader!(reader, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(party.clone()).fetch_optional(conn).await)?;
    row.map(Conversation::try_from).transpose()
}

/// Which of a party's conversations a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Buyer(UserId),
    Seller(SellerId),
}

/// A party's conversations, newest message first, before a point of the
/// list (the previous page's last `(last_at, id)`); only those with
/// something the party has not read, when asked.
pub async fn conversations_of<'a>(
    reader: impl Into<Reader<'a>>,
    party: Party,
    unread_only: bool,
    before: Option<(Timestamp, ConversationId)>,
    limit: i64,
) -> StoreResult<Vec<Conversation>> {
    let (column, unread, id) = match party {
        Party::Buyer(u) => ("c.buyer_id", "c.buyer_unread", u.to_string()),
        Party::Seller(s) => ("c.seller_id", "c.seller_unread", s.to_string()),
    };
    let unread = if unread_only {
        format!(" AND {unread} > 0")
    } else {
        String::new()
    };
    let sql = format!(
        "{LISTED} WHERE {column} = $1{unread} \
         AND (c.last_at < $2 OR (c.last_at = $2 AND c.id < $3)) \
         ORDER BY c.last_at DESC, c.id DESC LIMIT $4"
    );
    let (at, after) = match before {
        Some((at, id)) => (at.unix_millis(), id.to_string()),
        None => (i64::MAX, String::new()),
    };
    let rows: Vec<ConversationRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.clone()).bind(at).bind(after.clone()).bind(limit)
        .fetch_all(conn).await)?;
    rows.into_iter().map(Conversation::try_from).collect()
}

/// How many conversations have something the party has not read.
pub async fn unread_conversations<'a>(
    reader: impl Into<Reader<'a>>,
    party: Party,
) -> StoreResult<i64> {
    let (sql, id) = match party {
        Party::Buyer(u) => (
            "SELECT COUNT(*) FROM conversations WHERE buyer_id = $1 AND buyer_unread > 0",
            u.to_string(),
        ),
        Party::Seller(s) => (
            "SELECT COUNT(*) FROM conversations WHERE seller_id = $1 AND seller_unread > 0",
            s.to_string(),
        ),
    };
    Ok(on_reader!(reader.into(), conn => sqlx::query_scalar(sql)
        .bind(id.clone()).fetch_one(conn).await)?)
}

/// A conversation's newest messages, oldest of them first.
pub async fn messages<'a>(
    reader: impl Into<Reader<'a>>,
    conversation: ConversationId,
    limit: i64,
) -> StoreResult<Vec<Message>> {
    let rows: Vec<MessageRow> = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT m.id, m.side, u.name AS author_name, m.body, m.product_id, \
         l.slug AS product_slug, l.title AS product_title, m.created_at \
         FROM chat_messages m JOIN users u ON u.id = m.author_id \
         LEFT JOIN shop_listings l ON l.product_id = m.product_id \
         WHERE m.conversation_id = $1 ORDER BY m.created_at DESC, m.id DESC LIMIT $2")
        .bind(conversation.to_string()).bind(limit).fetch_all(conn).await)?;
    let mut messages = rows
        .into_iter()
        .map(Message::try_from)
        .collect::<StoreResult<Vec<_>>>()?;
    messages.reverse();
    Ok(messages)
}

/// A shop's response rate over the turns the window counts (see
/// [`RateWindow::judge`], which says the same).
pub async fn response_rate<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    window: RateWindow,
) -> StoreResult<ResponseRate> {
    let (counted, answered): (i64, Option<i64>) = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT COUNT(*), CAST(SUM(CASE WHEN answered_at - opened_at <= $4 THEN 1 ELSE 0 END) AS BIGINT) \
         FROM chat_turns WHERE seller_id = $1 AND opened_at >= $2 \
         AND (answered_at IS NOT NULL OR opened_at < $3)")
        .bind(seller.to_string()).bind(window.opened_since.unix_millis())
        .bind(window.undecided_after.unix_millis()).bind(ANSWER_WITHIN_SECONDS * 1000)
        .fetch_one(conn).await)?;
    Ok(ResponseRate {
        counted,
        answered: answered.unwrap_or(0),
    })
}
