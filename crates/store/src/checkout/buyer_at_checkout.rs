//! What a checkout summary reads of its buyer — the cart with its lines,
//! the saved addresses, the flash-sale units bought — in one read.
//!
//! A summary is shown before every order, so in a flash sale it is read
//! as often as orders are placed. On SQLite each statement is a hand-over
//! to a reader connection's thread and back (two thread wake-ups, a
//! channel message each way), which cost about as much as the three small
//! statements themselves: there, the three are one statement whose rows
//! say which read they belong to. PostgreSQL runs the batch's three reads
//! ([`buyers_at_checkout`]) for this one buyer.

use std::collections::HashMap;

use etalase_domain::id::{CartId, PromotionId, UserId};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::addresses::{AddressRow, StoredAddress, addresses_of_buyers};
use super::carts::{OptionalLine, StoredCartLine, carts_of_buyers};
use crate::error::corrupt;
use crate::pool::{Pool, Reader};
use crate::pricing::flash_units_bought_by;
use crate::{Store, StoreResult};

/// One buyer as checkout reads them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuyerAtCheckout {
    /// The cart with its lines, newest first.
    pub cart: Option<(CartId, Vec<StoredCartLine>)>,
    /// Not removed, the default first.
    pub addresses: Vec<StoredAddress>,
    /// Units bought at each flash sale's price, of every sale.
    pub flash_bought: Vec<(PromotionId, i64)>,
}

/// Rows of the cart (with its lines), the addresses and the flash counts,
/// told apart by `kind`; `v1`… hold each read's own columns in turn, and
/// `s1`… the order each read asks for (cart lines newest first, the
/// default address first).
const SQLITE_ONE_READ: &str = "\
    SELECT 0 AS kind, l.added_at AS s1, l.sku_id AS s2, NULL AS s3, \
           c.id AS v1, l.sku_id AS v2, l.quantity AS v3, l.source AS v4, \
           l.source_ref AS v5, l.selected AS v6, l.added_at AS v7, NULL AS v8 \
      FROM carts c LEFT JOIN cart_lines l ON l.cart_id = c.id WHERE c.buyer_id = $1 \
    UNION ALL \
    SELECT 1, is_default, created_at, id, \
           id, label, recipient, phone, street, district_code, postal_code, is_default \
      FROM buyer_addresses WHERE buyer_id = $1 AND removed_at IS NULL \
    UNION ALL \
    SELECT 2, NULL, NULL, NULL, promotion_id, units, NULL, NULL, NULL, NULL, NULL, NULL \
      FROM flash_buyers WHERE buyer_id = $1 \
    ORDER BY kind, s1 DESC, s2, s3";

const CART: i64 = 0;
const ADDRESS: i64 = 1;
const FLASH: i64 = 2;

/// The buyer's cart, addresses and flash counts, as a batch of orders
/// reads them for each of its buyers.
pub async fn buyer_at_checkout(store: &Store, buyer: UserId) -> StoreResult<BuyerAtCheckout> {
    match &store.pool {
        Pool::Sqlite { read, .. } => {
            let mut conn = read.acquire().await?;
            let rows = sqlx::query(SQLITE_ONE_READ)
                .bind(buyer.to_string())
                .fetch_all(&mut *conn)
                .await?;
            drop(conn);
            from_rows(&rows)
        }
        Pool::Postgres(_) => Ok(buyers_at_checkout(store, &[buyer])
            .await?
            .remove(&buyer)
            .unwrap_or_default()),
    }
}

/// Many buyers' carts, addresses and flash counts, in three statements
/// whatever their number (a batch of orders reads its buyers together).
/// Every buyer asked for is in the map, read empty when they have nothing.
pub async fn buyers_at_checkout<'a>(
    reader: impl Into<Reader<'a>>,
    buyers: &[UserId],
) -> StoreResult<HashMap<UserId, BuyerAtCheckout>> {
    let mut reader = reader.into();
    let mut carts = carts_of_buyers(reader.reborrow(), buyers).await?;
    let mut addresses = addresses_of_buyers(reader.reborrow(), buyers).await?;
    let mut flash = flash_units_bought_by(reader, buyers).await?;
    Ok(buyers
        .iter()
        .map(|&buyer| {
            let read = BuyerAtCheckout {
                cart: carts.remove(&buyer),
                addresses: addresses.remove(&buyer).unwrap_or_default(),
                flash_bought: flash.remove(&buyer).unwrap_or_default(),
            };
            (buyer, read)
        })
        .collect())
}

fn from_rows(rows: &[SqliteRow]) -> StoreResult<BuyerAtCheckout> {
    let mut read = BuyerAtCheckout::default();
    for row in rows {
        match row.try_get::<i64, _>("kind")? {
            CART => {
                let lines = match &mut read.cart {
                    Some((_, lines)) => lines,
                    None => {
                        let id: String = row.try_get("v1")?;
                        let (_, lines) =
                            read.cart.insert((id.parse().map_err(corrupt)?, Vec::new()));
                        lines
                    }
                };
                let line = OptionalLine {
                    sku_id: row.try_get("v2")?,
                    quantity: row.try_get("v3")?,
                    source: row.try_get("v4")?,
                    source_ref: row.try_get("v5")?,
                    selected: row.try_get("v6")?,
                    added_at: row.try_get("v7")?,
                };
                lines.extend(line.into_line()?);
            }
            ADDRESS => {
                let address = AddressRow {
                    id: row.try_get("v1")?,
                    label: row.try_get("v2")?,
                    recipient: row.try_get("v3")?,
                    phone: row.try_get("v4")?,
                    street: row.try_get("v5")?,
                    district_code: row.try_get("v6")?,
                    postal_code: row.try_get("v7")?,
                    is_default: row.try_get("v8")?,
                };
                read.addresses.push(address.try_into()?);
            }
            FLASH => {
                let promotion: String = row.try_get("v1")?;
                let units: i64 = row.try_get("v2")?;
                read.flash_bought
                    .push((promotion.parse().map_err(corrupt)?, units));
            }
            kind => return Err(corrupt(format!("a checkout read of kind {kind}"))),
        }
    }
    Ok(read)
}
