//! Buyers' saved delivery addresses; one of them is the default. Removing
//! one hides it (placed orders keep their own copy anyway).

use std::collections::HashMap;

use etalase_domain::Timestamp;
use etalase_domain::checkout::DeliveryAddress;
use etalase_domain::id::{AddressId, UserId};
use etalase_domain::phone::PhoneNumber;

use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

/// The most addresses one buyer keeps.
pub const MAX_ADDRESSES: i64 = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAddress {
    pub id: AddressId,
    pub address: DeliveryAddress,
    pub is_default: bool,
}

#[derive(sqlx::FromRow)]
pub(super) struct AddressRow {
    pub(super) id: String,
    pub(super) label: String,
    pub(super) recipient: String,
    pub(super) phone: String,
    pub(super) street: String,
    pub(super) district_code: String,
    pub(super) postal_code: String,
    pub(super) is_default: bool,
}

impl TryFrom<AddressRow> for StoredAddress {
    type Error = crate::StoreError;
    fn try_from(r: AddressRow) -> StoreResult<StoredAddress> {
        Ok(StoredAddress {
            id: r.id.parse().map_err(corrupt)?,
            address: DeliveryAddress {
                label: r.label,
                recipient: r.recipient,
                phone: PhoneNumber::parse(&r.phone).map_err(corrupt)?,
                street: r.street,
                district_code: r.district_code,
                postal_code: r.postal_code,
            },
            is_default: r.is_default,
        })
    }
}

const COLUMNS: &str = "id, label, recipient, phone, street, district_code, postal_code, is_default";

/// A buyer's addresses, the default first.
pub async fn addresses_of<'a>(
    reader: impl Into<Reader<'a>>,
    buyer: UserId,
) -> StoreResult<Vec<StoredAddress>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM buyer_addresses WHERE buyer_id = $1 AND removed_at IS NULL \
         ORDER BY is_default DESC, created_at, id"
    );
    let rows: Vec<AddressRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(buyer.to_string()).fetch_all(conn).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// The addresses of many buyers (as [`addresses_of`] reads one), in one
/// read: a batch of orders reads its buyers' addresses together. A buyer
/// without an address is not in the map.
pub async fn addresses_of_buyers<'a>(
    reader: impl Into<Reader<'a>>,
    buyers: &[UserId],
) -> StoreResult<HashMap<UserId, Vec<StoredAddress>>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        buyer_id: String,
        #[sqlx(flatten)]
        address: AddressRow,
    }
    let mut addresses: HashMap<UserId, Vec<StoredAddress>> = HashMap::new();
    if buyers.is_empty() {
        return Ok(addresses);
    }
    let sql = format!(
        "SELECT buyer_id, {COLUMNS} FROM buyer_addresses WHERE buyer_id IN ({}) \
         AND removed_at IS NULL ORDER BY buyer_id, is_default DESC, created_at, id",
        crate::pricing::placeholders(1, buyers.len())
    );
    let rows: Vec<Row> = on_reader!(reader.into(), conn => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for buyer in buyers {
            query = query.bind(buyer.to_string());
        }
        query.fetch_all(conn).await
    })?;
    for Row { buyer_id, address } in rows {
        let buyer: UserId = buyer_id.parse().map_err(corrupt)?;
        addresses
            .entry(buyer)
            .or_default()
            .push(address.try_into()?);
    }
    Ok(addresses)
}

/// One of the buyer's addresses (none for another buyer's).
pub async fn address_of<'a>(
    reader: impl Into<Reader<'a>>,
    buyer: UserId,
    id: AddressId,
) -> StoreResult<Option<StoredAddress>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM buyer_addresses WHERE id = $1 AND buyer_id = $2 AND removed_at IS NULL"
    );
    let row: Option<AddressRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(buyer.to_string()).fetch_optional(conn).await)?;
    row.map(TryInto::try_into).transpose()
}

/// Saves a new address; the first one is the default.
pub async fn insert_address(
    tx: &mut Tx,
    buyer: UserId,
    address: &DeliveryAddress,
    make_default: bool,
    now: Timestamp,
) -> StoreResult<Option<AddressId>> {
    let count: i64 = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT COUNT(*) FROM buyer_addresses WHERE buyer_id = $1 AND removed_at IS NULL")
        .bind(buyer.to_string()).fetch_one(conn).await)?;
    if count >= MAX_ADDRESSES {
        return Ok(None);
    }
    let id = AddressId::generate();
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO buyer_addresses (id, buyer_id, label, recipient, phone, street, district_code, \
         postal_code, is_default, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, $9, $9)")
        .bind(id.to_string()).bind(buyer.to_string()).bind(&address.label)
        .bind(&address.recipient).bind(address.phone.as_str()).bind(&address.street)
        .bind(&address.district_code).bind(&address.postal_code).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    if make_default || count == 0 {
        set_default_address(tx, buyer, id, now).await?;
    }
    Ok(Some(id))
}

/// Replaces an address's fields; false when it is not the buyer's.
pub async fn update_address(
    tx: &mut Tx,
    buyer: UserId,
    id: AddressId,
    address: &DeliveryAddress,
    now: Timestamp,
) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE buyer_addresses SET label = $3, recipient = $4, phone = $5, street = $6, \
         district_code = $7, postal_code = $8, updated_at = $9 \
         WHERE id = $1 AND buyer_id = $2 AND removed_at IS NULL")
        .bind(id.to_string()).bind(buyer.to_string()).bind(&address.label)
        .bind(&address.recipient).bind(address.phone.as_str()).bind(&address.street)
        .bind(&address.district_code).bind(&address.postal_code).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Makes one address the default (and no other); false when it is not the
/// buyer's.
pub async fn set_default_address(
    tx: &mut Tx,
    buyer: UserId,
    id: AddressId,
    now: Timestamp,
) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE buyer_addresses SET is_default = (id = $2), updated_at = $3 \
         WHERE buyer_id = $1 AND removed_at IS NULL")
        .bind(buyer.to_string()).bind(id.to_string()).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    let found = address_of(&mut *tx, buyer, id).await?.is_some();
    Ok(n > 0 && found)
}

/// Hides an address; when it was the default, the oldest other one is.
pub async fn remove_address(
    tx: &mut Tx,
    buyer: UserId,
    id: AddressId,
    now: Timestamp,
) -> StoreResult<bool> {
    let Some(gone) = address_of(&mut *tx, buyer, id).await? else {
        return Ok(false);
    };
    on_tx!(tx, conn => sqlx::query(
        "UPDATE buyer_addresses SET removed_at = $3, is_default = FALSE WHERE id = $1 AND buyer_id = $2")
        .bind(id.to_string()).bind(buyer.to_string()).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    if gone.is_default
        && let Some(next) = addresses_of(&mut *tx, buyer).await?.first()
    {
        set_default_address(tx, buyer, next.id, now).await?;
    }
    Ok(true)
}
