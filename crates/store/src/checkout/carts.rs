//! Carts and their lines. A signed-in buyer has one cart; a guest has one
//! behind a random cookie key (stored hashed). Signing in merges the
//! guest's cart into the buyer's.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use etalase_domain::Timestamp;
use etalase_domain::checkout::Source;
use etalase_domain::id::{CartId, SkuId, UserId};

use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

/// Whose cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartOwner {
    Buyer(UserId),
    /// A guest, by the hash of their cookie key.
    Guest(String),
}

/// The most lines one cart holds.
pub const MAX_CART_LINES: i64 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCartLine {
    pub sku: SkuId,
    pub quantity: i64,
    pub source: Source,
    pub selected: bool,
    pub added_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    sku_id: String,
    quantity: i64,
    source: String,
    source_ref: Option<String>,
    selected: bool,
    added_at: i64,
}

impl TryFrom<LineRow> for StoredCartLine {
    type Error = crate::StoreError;
    fn try_from(r: LineRow) -> StoreResult<StoredCartLine> {
        Ok(StoredCartLine {
            sku: r.sku_id.parse().map_err(corrupt)?,
            quantity: r.quantity,
            source: Source::from_parts(&r.source, r.source_ref.as_deref())
                .ok_or_else(|| corrupt(format!("cart line source {}", r.source)))?,
            selected: r.selected,
            added_at: Timestamp::from_unix_millis(r.added_at),
        })
    }
}

fn owner_columns(owner: &CartOwner) -> (Option<String>, Option<&str>) {
    match owner {
        CartOwner::Buyer(id) => (Some(id.to_string()), None),
        CartOwner::Guest(key) => (None, Some(key.as_str())),
    }
}

/// The owner's cart, if they have one.
pub async fn cart_of<'a>(
    reader: impl Into<Reader<'a>>,
    owner: &CartOwner,
) -> StoreResult<Option<CartId>> {
    let (buyer, guest) = owner_columns(owner);
    let id: Option<String> = on_reader!(reader.into(), conn => sqlx::query_scalar(
        "SELECT id FROM carts WHERE buyer_id = $1 OR guest_key = $2")
        .bind(buyer.as_deref()).bind(guest).fetch_optional(conn).await)?;
    id.map(|i| i.parse().map_err(corrupt)).transpose()
}

/// A cart line as read joined to its cart: all empty for a cart with no
/// lines (the cart's one row).
#[derive(sqlx::FromRow)]
pub(super) struct OptionalLine {
    pub(super) sku_id: Option<String>,
    pub(super) quantity: Option<i64>,
    pub(super) source: Option<String>,
    pub(super) source_ref: Option<String>,
    pub(super) selected: Option<bool>,
    pub(super) added_at: Option<i64>,
}

impl OptionalLine {
    pub(super) fn into_line(self) -> StoreResult<Option<StoredCartLine>> {
        let OptionalLine {
            sku_id: Some(sku_id),
            quantity: Some(quantity),
            source: Some(source),
            source_ref,
            selected: Some(selected),
            added_at: Some(added_at),
        } = self
        else {
            return Ok(None);
        };
        StoredCartLine::try_from(LineRow {
            sku_id,
            quantity,
            source,
            source_ref,
            selected,
            added_at,
        })
        .map(Some)
    }
}

/// The owner's cart with its lines, newest first, in one read (checkout
/// reads it for every summary and every order).
pub async fn cart_with_lines<'a>(
    reader: impl Into<Reader<'a>>,
    owner: &CartOwner,
) -> StoreResult<Option<(CartId, Vec<StoredCartLine>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        cart_id: String,
        #[sqlx(flatten)]
        line: OptionalLine,
    }
    let (buyer, guest) = owner_columns(owner);
    let reader = with_removals_written(reader.into()).await?;
    let rows: Vec<Row> = on_reader!(reader, conn => sqlx::query_as(
        "SELECT c.id AS cart_id, l.sku_id, l.quantity, l.source, l.source_ref, l.selected, \
         l.added_at FROM carts c LEFT JOIN cart_lines l ON l.cart_id = c.id \
         WHERE c.buyer_id = $1 OR c.guest_key = $2 ORDER BY l.added_at DESC, l.sku_id")
        .bind(buyer.as_deref()).bind(guest).fetch_all(conn).await)?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let cart: CartId = first.cart_id.parse().map_err(corrupt)?;
    let mut lines = Vec::with_capacity(rows.len());
    for Row { line, .. } in rows {
        lines.extend(line.into_line()?);
    }
    Ok(Some((cart, lines)))
}

/// The carts of many buyers with their lines (as [`cart_with_lines`]
/// reads one), in one read: a batch of orders reads its buyers' carts
/// together. A buyer without a cart is not in the map.
pub async fn carts_of_buyers<'a>(
    reader: impl Into<Reader<'a>>,
    buyers: &[UserId],
) -> StoreResult<HashMap<UserId, (CartId, Vec<StoredCartLine>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        buyer_id: String,
        cart_id: String,
        #[sqlx(flatten)]
        line: OptionalLine,
    }
    let mut carts = HashMap::new();
    if buyers.is_empty() {
        return Ok(carts);
    }
    let sql = format!(
        "SELECT c.buyer_id, c.id AS cart_id, l.sku_id, l.quantity, l.source, l.source_ref, \
         l.selected, l.added_at FROM carts c LEFT JOIN cart_lines l ON l.cart_id = c.id \
         WHERE c.buyer_id IN ({}) ORDER BY c.buyer_id, l.added_at DESC, l.sku_id",
        crate::pricing::placeholders(1, buyers.len())
    );
    let reader = with_removals_written(reader.into()).await?;
    let rows: Vec<Row> = on_reader!(reader, conn => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for buyer in buyers {
            query = query.bind(buyer.to_string());
        }
        query.fetch_all(conn).await
    })?;
    for Row {
        buyer_id,
        cart_id,
        line,
    } in rows
    {
        let buyer: UserId = buyer_id.parse().map_err(corrupt)?;
        let (_, lines) = match carts.entry(buyer) {
            Entry::Occupied(cart) => cart.into_mut(),
            Entry::Vacant(slot) => slot.insert((cart_id.parse().map_err(corrupt)?, Vec::new())),
        };
        lines.extend(line.into_line()?);
    }
    Ok(carts)
}

/// The owner's cart, made when missing.
pub async fn ensure_cart(tx: &mut Tx, owner: &CartOwner, now: Timestamp) -> StoreResult<CartId> {
    if let Some(id) = cart_of(&mut *tx, owner).await? {
        return Ok(id);
    }
    let id = CartId::generate();
    let (buyer, guest) = owner_columns(owner);
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO carts (id, buyer_id, guest_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(id.to_string()).bind(buyer.as_deref()).bind(guest).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(id)
}

pub async fn cart_lines<'a>(
    reader: impl Into<Reader<'a>>,
    cart: CartId,
) -> StoreResult<Vec<StoredCartLine>> {
    let reader = with_removals_written(reader.into()).await?;
    let rows: Vec<LineRow> = on_reader!(reader, conn => sqlx::query_as(
        "SELECT sku_id, quantity, source, source_ref, selected, added_at FROM cart_lines \
         WHERE cart_id = $1 ORDER BY added_at DESC, sku_id")
        .bind(cart.to_string()).fetch_all(conn).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Adds units of a SKU (to the line already there, up to 999), or a new
/// line; the latest source wins, as the latest reason the buyer came.
/// Returns the line's quantity, or `None` when the cart is full.
pub async fn add_to_cart(
    tx: &mut Tx,
    cart: CartId,
    sku: SkuId,
    quantity: i64,
    source: Source,
    now: Timestamp,
) -> StoreResult<Option<i64>> {
    let present: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT quantity FROM cart_lines WHERE cart_id = $1 AND sku_id = $2")
        .bind(cart.to_string()).bind(sku.to_string()).fetch_optional(conn).await)?;
    if present.is_none() {
        let count: i64 = on_tx!(tx, conn => sqlx::query_scalar(
            "SELECT COUNT(*) FROM cart_lines WHERE cart_id = $1")
            .bind(cart.to_string()).fetch_one(conn).await)?;
        if count >= MAX_CART_LINES {
            return Ok(None);
        }
    }
    let total = (present.unwrap_or(0) + quantity).min(999);
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO cart_lines (cart_id, sku_id, quantity, source, source_ref, selected, added_at) \
         VALUES ($1, $2, $3, $4, $5, TRUE, $6) \
         ON CONFLICT (cart_id, sku_id) DO UPDATE SET quantity = excluded.quantity, \
         source = excluded.source, source_ref = excluded.source_ref, selected = TRUE, added_at = excluded.added_at")
        .bind(cart.to_string()).bind(sku.to_string()).bind(total).bind(source.kind())
        .bind(source.reference()).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    touch(tx, cart, now).await?;
    Ok(Some(total))
}

/// Sets a line's quantity and whether it is selected for checkout; false
/// when the cart has no such line.
pub async fn update_cart_line(
    tx: &mut Tx,
    cart: CartId,
    sku: SkuId,
    quantity: i64,
    selected: bool,
    now: Timestamp,
) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE cart_lines SET quantity = $3, selected = $4 WHERE cart_id = $1 AND sku_id = $2")
        .bind(cart.to_string()).bind(sku.to_string()).bind(quantity).bind(selected)
        .execute(conn).await.map(|r| r.rows_affected()))?;
    touch(tx, cart, now).await?;
    Ok(n == 1)
}

/// Removes lines at the buyer's hand ("hapus"): the cart's `updated_at`
/// moves, as at every edit of the buyer's.
pub async fn remove_cart_lines(
    tx: &mut Tx,
    cart: CartId,
    skus: &[SkuId],
    now: Timestamp,
) -> StoreResult<()> {
    if skus.is_empty() {
        return Ok(());
    }
    delete_lines(tx, &lines_of(cart, skus)).await?;
    touch(tx, cart, now).await
}

/// Removes the lines an order bought. Not an edit of the buyer's: the
/// cart's `updated_at` stays, so the lines left in it keep their age (and
/// a flash sale's order spends no statement on it). A batch of orders
/// holds them and removes them all in one statement as it writes its rows
/// ([`write_held_removals`]).
pub async fn remove_bought_lines(tx: &mut Tx, cart: CartId, skus: &[SkuId]) -> StoreResult<()> {
    let lines = lines_of(cart, skus);
    if tx.appends.collecting() {
        tx.removals.extend(lines);
        return Ok(());
    }
    delete_lines(tx, &lines).await
}

/// Removes the cart lines a batch's orders bought (see
/// [`remove_bought_lines`]).
pub(crate) async fn write_held_removals(tx: &mut Tx) -> StoreResult<()> {
    let lines = tx.removals.take();
    delete_lines(tx, &lines).await
}

/// A reader that sees the cart lines its transaction removed: the lines a
/// batch holds are removed before it reads a cart.
async fn with_removals_written(reader: Reader<'_>) -> StoreResult<Reader<'_>> {
    match reader {
        Reader::Tx(tx) if !tx.removals.is_empty() => {
            let lines = tx.removals.items().to_vec();
            delete_lines(tx, &lines).await?;
            Ok(Reader::Tx(tx))
        }
        reader => Ok(reader),
    }
}

fn lines_of(cart: CartId, skus: &[SkuId]) -> Vec<(String, String)> {
    let cart = cart.to_string();
    skus.iter()
        .map(|sku| (cart.clone(), sku.to_string()))
        .collect()
}

/// Lines per statement (two parameters each).
const LINES_PER_DELETE: usize = 400;

async fn delete_lines(tx: &mut Tx, lines: &[(String, String)]) -> StoreResult<()> {
    for chunk in lines.chunks(LINES_PER_DELETE) {
        let sql = format!(
            "DELETE FROM cart_lines WHERE (cart_id, sku_id) IN (VALUES {})",
            crate::pricing::pair_placeholders(chunk.len())
        );
        on_tx!(tx, conn => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (cart, sku) in chunk {
                query = query.bind(cart).bind(sku);
            }
            query.execute(conn).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Moves a guest's lines into a buyer's cart (quantities add up, to 999,
/// and the buyer's cart keeps its limit of lines) and deletes the guest's.
pub async fn merge_carts(
    tx: &mut Tx,
    guest: CartId,
    buyer: CartId,
    now: Timestamp,
) -> StoreResult<()> {
    for line in cart_lines(&mut *tx, guest).await? {
        add_to_cart(tx, buyer, line.sku, line.quantity, line.source, now).await?;
    }
    on_tx!(tx, conn => sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1")
        .bind(guest.to_string()).execute(conn).await.map(|_| ()))?;
    on_tx!(tx, conn => sqlx::query("DELETE FROM carts WHERE id = $1")
        .bind(guest.to_string()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

async fn touch(tx: &mut Tx, cart: CartId, now: Timestamp) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("UPDATE carts SET updated_at = $2 WHERE id = $1")
        .bind(cart.to_string()).bind(now.unix_millis()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// How many carts hold `sku` now (the places a price change reaches
/// before checkout).
pub async fn carts_holding<'a>(reader: impl Into<Reader<'a>>, sku: SkuId) -> StoreResult<i64> {
    Ok(on_reader!(reader.into(), conn => sqlx::query_scalar(
        "SELECT COUNT(*) FROM cart_lines WHERE sku_id = $1")
        .bind(sku.to_string()).fetch_one(conn).await)?)
}
