//! Seller Center's order lists: a tab's orders (by deadline or newest
//! first), searched by order id, resi, SKU code or buyer, filtered by
//! date, courier and deadline; the counts of the tabs that wait on
//! someone; and the changes since a point, for integrators.

use etalase_domain::Timestamp;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::{OrderId, SellerId};
use etalase_domain::orders::Resi;
use etalase_domain::shipping::{Courier, Service};

use crate::StoreResult;
use crate::checkout::{ORDER_COLUMNS, OrderRow, StoredOrder};
use crate::error::corrupt;
use crate::pool::{Reader, on_reader};

/// What a seller searched for; the service decides which it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderSearch {
    Id(OrderId),
    Resi(Resi),
    SkuCode(String),
    /// Part of the buyer's or the recipient's name.
    Buyer(String),
}

#[derive(Debug, Clone, Default)]
pub struct SellerOrderQuery {
    pub statuses: Vec<OrderStatus>,
    pub search: Option<OrderSearch>,
    pub placed_from: Option<Timestamp>,
    pub placed_until: Option<Timestamp>,
    /// Only orders with this courier: the one that has the package, else
    /// the one of the service the buyer chose.
    pub courier: Option<Courier>,
    /// Only orders to ship by this instant ("ship today").
    pub ship_by_until: Option<Timestamp>,
    /// Earliest deadline first, else newest first.
    pub by_deadline: bool,
    pub offset: i64,
    pub limit: i64,
}

enum Arg {
    Text(String),
    Int(i64),
}

/// The query's WHERE clause after `seller_id = $1`, and its arguments.
fn conditions(q: &SellerOrderQuery) -> (String, Vec<Arg>) {
    let mut sql = String::new();
    let mut args: Vec<Arg> = Vec::new();
    let next = |args: &mut Vec<Arg>, arg: Arg| {
        args.push(arg);
        format!("${}", args.len() + 1)
    };
    if !q.statuses.is_empty() && q.statuses.len() < OrderStatus::ALL.len() {
        let marks: Vec<String> = q
            .statuses
            .iter()
            .map(|s| next(&mut args, Arg::Text(s.as_str().into())))
            .collect();
        sql += &format!(" AND o.status IN ({})", marks.join(", "));
    }
    match &q.search {
        Some(OrderSearch::Id(id)) => {
            sql += &format!(" AND o.id = {}", next(&mut args, Arg::Text(id.to_string())));
        }
        Some(OrderSearch::Resi(resi)) => {
            sql += &format!(
                " AND o.resi = {}",
                next(&mut args, Arg::Text(resi.to_string()))
            );
        }
        Some(OrderSearch::SkuCode(code)) => {
            let code = next(&mut args, Arg::Text(code.clone()));
            sql += &format!(
                " AND o.id IN (SELECT l.order_id FROM order_lines l JOIN skus k ON k.id = l.sku_id \
                 WHERE k.seller_id = $1 AND k.code = {code})"
            );
        }
        Some(OrderSearch::Buyer(name)) => {
            let pattern = format!(
                "%{}%",
                name.to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            let mark = next(&mut args, Arg::Text(pattern));
            sql += &format!(
                " AND (LOWER(o.address) LIKE {mark} ESCAPE '\\' OR o.buyer_id IN \
                 (SELECT u.id FROM users u WHERE LOWER(u.name) LIKE {mark} ESCAPE '\\'))"
            );
        }
        None => {}
    }
    if let Some(from) = q.placed_from {
        sql += &format!(
            " AND o.placed_at >= {}",
            next(&mut args, Arg::Int(from.unix_millis()))
        );
    }
    if let Some(until) = q.placed_until {
        sql += &format!(
            " AND o.placed_at < {}",
            next(&mut args, Arg::Int(until.unix_millis()))
        );
    }
    if let Some(courier) = q.courier {
        let code = next(&mut args, Arg::Text(courier.code().to_owned()));
        let services: Vec<String> = Service::ALL
            .into_iter()
            .filter(|s| s.courier() == courier)
            .map(|s| next(&mut args, Arg::Text(s.code().to_owned())))
            .collect();
        sql += &format!(
            " AND (o.courier = {code} OR (o.courier IS NULL AND o.shipping_service IN ({})))",
            services.join(", ")
        );
    }
    if let Some(until) = q.ship_by_until {
        sql += &format!(
            " AND o.ship_by <= {}",
            next(&mut args, Arg::Int(until.unix_millis()))
        );
    }
    (sql, args)
}

macro_rules! bind_all {
    ($query:expr, $seller:expr, $args:expr) => {{
        let mut query = $query.bind($seller.to_string());
        for arg in $args {
            query = match arg {
                Arg::Text(t) => query.bind(t.clone()),
                Arg::Int(i) => query.bind(*i),
            };
        }
        query
    }};
}

/// One page of the seller's orders matching `q`.
pub async fn seller_orders<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    q: &SellerOrderQuery,
) -> StoreResult<Vec<StoredOrder>> {
    let (conditions, args) = conditions(q);
    let order = if q.by_deadline {
        "o.ship_by, o.id"
    } else {
        "o.placed_at DESC, o.id DESC"
    };
    let columns = ORDER_COLUMNS
        .split(", ")
        .map(|c| format!("o.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM orders o WHERE o.seller_id = $1{conditions} ORDER BY {order} \
         LIMIT {} OFFSET {}",
        q.limit.clamp(1, 500),
        q.offset.clamp(0, 1_000_000)
    );
    let rows: Vec<OrderRow> = on_reader!(reader.into(), conn => {
        bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), seller, &args)
            .fetch_all(conn).await
    })?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// How many of the seller's orders match `q` (its page and limit aside).
pub async fn count_seller_orders<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    q: &SellerOrderQuery,
) -> StoreResult<i64> {
    let (conditions, args) = conditions(q);
    let sql = format!("SELECT COUNT(*) FROM orders o WHERE o.seller_id = $1{conditions}");
    let n: i64 = on_reader!(reader.into(), conn => {
        bind_all!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())), seller, &args)
            .fetch_one(conn).await
    })?;
    Ok(n)
}

/// How many of the seller's orders are in each of `statuses`.
pub async fn seller_status_counts<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    statuses: &[OrderStatus],
) -> StoreResult<Vec<(OrderStatus, i64)>> {
    if statuses.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..statuses.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT status, COUNT(*) FROM orders WHERE seller_id = $1 AND status IN ({}) \
         GROUP BY status",
        marks.join(", ")
    );
    let rows: Vec<(String, i64)> = on_reader!(reader.into(), conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(seller.to_string());
        for s in statuses {
            q = q.bind(s.as_str());
        }
        q.fetch_all(conn).await
    })?;
    rows.into_iter()
        .map(|(s, n)| Ok((OrderStatus::parse(&s).ok_or_else(|| corrupt(&s))?, n)))
        .collect()
}

/// One of the seller's orders (none for another shop's).
pub async fn order_of_seller<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    id: OrderId,
) -> StoreResult<Option<StoredOrder>> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1 AND seller_id = $2");
    let row: Option<OrderRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(seller.to_string()).fetch_optional(conn).await)?;
    row.map(TryInto::try_into).transpose()
}

/// The seller's orders changed after the cursor `(updated_at, id)`, oldest
/// change first: an integrator polls with the last one it saw.
pub async fn seller_orders_changed_since<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    after: (Timestamp, Option<OrderId>),
    limit: i64,
) -> StoreResult<Vec<(StoredOrder, Timestamp)>> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE seller_id = $1 \
         AND (updated_at > $2 OR (updated_at = $2 AND id > $3)) ORDER BY updated_at, id LIMIT $4"
    );
    let rows: Vec<OrderRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(seller.to_string()).bind(after.0.unix_millis())
        .bind(after.1.map(|id| id.to_string()).unwrap_or_default()).bind(limit.clamp(1, 500))
        .fetch_all(conn).await)?;
    rows.into_iter()
        .map(|r| {
            let order: StoredOrder = r.try_into()?;
            let at = order.updated_at;
            Ok((order, at))
        })
        .collect()
}
