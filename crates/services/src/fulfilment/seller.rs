//! Seller Center's order work: a tab's orders with the counts of the tabs
//! that wait on someone, one order in full with its timeline; and for
//! integrators, the orders page by page after a cursor and the changes
//! since a point. Another shop's order is a 404, never a 403: its id says
//! nothing about whether it exists.

use etalase_domain::ErrorCode;
use etalase_domain::Timestamp;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::OrderId;
use etalase_domain::orders::{OrderTab, Resi};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::shipping::Courier;
use etalase_store::checkout::{self as orders_store, StoredOrder, StoredOrderLine};
use etalase_store::fulfilment::{self as store, OrderSearch, SellerOrderQuery, TimelineEntry};

use crate::teams::SellerScope;
use crate::{ServiceResult, Services};

/// Orders per page of a tab.
pub const PAGE_SIZE: i64 = 50;
/// The deepest page a tab offers (search and filters reach the rest).
pub const MAX_PAGE: i64 = 200;

/// What the seller asked a tab for.
#[derive(Debug, Clone, Default)]
pub struct TabRequest {
    pub tab: Option<OrderTab>,
    /// An order id, a resi, a SKU code or part of a buyer's name.
    pub search: Option<String>,
    pub placed_from: Option<Timestamp>,
    pub placed_until: Option<Timestamp>,
    pub courier: Option<Courier>,
    /// Only orders to arrange by the end of today (WIB).
    pub due_today: bool,
    pub page: i64,
}

#[derive(Debug, Clone)]
pub struct TabPage {
    pub tab: OrderTab,
    pub orders: Vec<(StoredOrder, Vec<StoredOrderLine>)>,
    /// The counts of the tabs that wait on someone.
    pub counts: Vec<(OrderTab, i64)>,
    pub page: i64,
    pub has_more: bool,
}

/// How the seller's search text is read: an order id, else a resi that
/// an order of the shop carries, else a SKU code of the shop, else part of
/// a buyer's name.
async fn search_of(svc: &Services, scope: &SellerScope, text: &str) -> ServiceResult<OrderSearch> {
    let text = text.trim();
    if let Ok(id) = text.parse::<OrderId>() {
        return Ok(OrderSearch::Id(id));
    }
    if let Ok(resi) = Resi::parse(text) {
        let probe = SellerOrderQuery {
            search: Some(OrderSearch::Resi(resi.clone())),
            limit: 1,
            ..SellerOrderQuery::default()
        };
        if !store::seller_orders(&svc.store, scope.seller_id, &probe)
            .await?
            .is_empty()
        {
            return Ok(OrderSearch::Resi(resi));
        }
    }
    let code: String = text.chars().take(50).collect();
    let probe = SellerOrderQuery {
        search: Some(OrderSearch::SkuCode(code.clone())),
        limit: 1,
        ..SellerOrderQuery::default()
    };
    if !store::seller_orders(&svc.store, scope.seller_id, &probe)
        .await?
        .is_empty()
    {
        return Ok(OrderSearch::SkuCode(code));
    }
    Ok(OrderSearch::Buyer(text.chars().take(60).collect()))
}

/// The tab and the store's query a request asks for.
async fn query_of(
    svc: &Services,
    scope: &SellerScope,
    req: &TabRequest,
) -> ServiceResult<(OrderTab, SellerOrderQuery)> {
    let searching = req.search.as_deref().is_some_and(|s| !s.trim().is_empty());
    let tab = req.tab.unwrap_or(if searching {
        OrderTab::All
    } else {
        OrderTab::ToShip
    });
    let search = match req.search.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(text) => Some(search_of(svc, scope, text).await?),
        None => None,
    };
    let query = SellerOrderQuery {
        statuses: tab.statuses().to_vec(),
        search,
        placed_from: req.placed_from,
        placed_until: req.placed_until,
        courier: req.courier,
        // "Ship today": arrange by the end of today in WIB.
        ship_by_until: req
            .due_today
            .then(|| Timestamp::end_of_wib_day(svc.now().wib_date())),
        by_deadline: tab.by_deadline(),
        offset: 0,
        limit: PAGE_SIZE,
    };
    Ok((tab, query))
}

/// Each order with its own lines, in the orders' order.
pub(crate) async fn with_lines(
    svc: &Services,
    orders: Vec<StoredOrder>,
) -> ServiceResult<Vec<(StoredOrder, Vec<StoredOrderLine>)>> {
    let ids: Vec<OrderId> = orders.iter().map(|o| o.id).collect();
    let mut lines = orders_store::lines_of_orders(&svc.store, &ids).await?;
    Ok(orders
        .into_iter()
        .map(|o| {
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut lines)
                .into_iter()
                .partition(|l| l.order == o.id);
            lines = rest;
            (o, mine)
        })
        .collect())
}

/// The most orders one export holds.
pub const EXPORT_MAX: i64 = 10_000;

/// Every order a tab request finds (up to [`EXPORT_MAX`]), for a CSV
/// export: read in chunks, each with its lines.
pub async fn export(
    svc: &Services,
    scope: &SellerScope,
    req: &TabRequest,
) -> ServiceResult<Vec<(StoredOrder, Vec<StoredOrderLine>)>> {
    scope.authorize(SellerAction::read(Area::Orders))?;
    const CHUNK: i64 = 500;
    let (_, mut query) = query_of(svc, scope, req).await?;
    let mut out = Vec::new();
    while (out.len() as i64) < EXPORT_MAX {
        query.offset = out.len() as i64;
        query.limit = CHUNK.min(EXPORT_MAX - out.len() as i64);
        let orders = store::seller_orders(&svc.store, scope.seller_id, &query).await?;
        let done = (orders.len() as i64) < query.limit;
        out.extend(with_lines(svc, orders).await?);
        if done {
            break;
        }
    }
    Ok(out)
}

pub async fn tab(svc: &Services, scope: &SellerScope, req: &TabRequest) -> ServiceResult<TabPage> {
    scope.authorize(SellerAction::read(Area::Orders))?;
    let (tab, mut query) = query_of(svc, scope, req).await?;
    let page = req.page.clamp(1, MAX_PAGE);
    query.offset = (page - 1) * PAGE_SIZE;
    query.limit = PAGE_SIZE + 1;
    let mut orders = store::seller_orders(&svc.store, scope.seller_id, &query).await?;
    let has_more = orders.len() as i64 > PAGE_SIZE;
    orders.truncate(PAGE_SIZE as usize);
    let orders = with_lines(svc, orders).await?;
    Ok(TabPage {
        tab,
        orders,
        counts: counts(svc, scope).await?,
        page,
        has_more,
    })
}

/// The counts of the tabs that wait on someone.
pub async fn counts(svc: &Services, scope: &SellerScope) -> ServiceResult<Vec<(OrderTab, i64)>> {
    let counted: Vec<OrderTab> = OrderTab::ALL
        .into_iter()
        .filter(|t| t.is_counted())
        .collect();
    let statuses: Vec<OrderStatus> = counted
        .iter()
        .flat_map(|t| t.statuses().iter().copied())
        .collect();
    let by_status = store::seller_status_counts(&svc.store, scope.seller_id, &statuses).await?;
    Ok(counted
        .into_iter()
        .map(|tab| {
            let n = by_status
                .iter()
                .filter(|(s, _)| tab.statuses().contains(s))
                .map(|(_, n)| n)
                .sum();
            (tab, n)
        })
        .collect())
}

#[derive(Debug, Clone)]
pub struct SellerOrder {
    pub order: StoredOrder,
    pub lines: Vec<StoredOrderLine>,
    pub timeline: Vec<TimelineEntry>,
}

/// One of the shop's orders in full.
pub async fn detail(
    svc: &Services,
    scope: &SellerScope,
    id: OrderId,
) -> ServiceResult<SellerOrder> {
    scope.authorize(SellerAction::read(Area::Orders))?;
    let order = store::order_of_seller(&svc.store, scope.seller_id, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let lines = orders_store::lines_of_orders(&svc.store, &[id]).await?;
    let timeline = super::history(svc, &order).await?;
    Ok(SellerOrder {
        order,
        lines,
        timeline,
    })
}

/// What an integrator's order list asks for: the filters of a tab
/// request, with any set of statuses instead of a tab.
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    /// Only orders in these statuses; every status when empty.
    pub statuses: Vec<OrderStatus>,
    /// Read as Seller Center reads it: an order id, a resi, a SKU code or
    /// part of a buyer's name.
    pub search: Option<String>,
    pub placed_from: Option<Timestamp>,
    pub placed_until: Option<Timestamp>,
    pub courier: Option<Courier>,
}

/// Where a page of the list resumes: after this order, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListAfter {
    pub placed_at: Timestamp,
    pub id: OrderId,
}

/// An order as an integrator's list shows it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub order: StoredOrder,
    pub lines: Vec<StoredOrderLine>,
    /// When the order last changed.
    pub updated_at: Timestamp,
}

/// Each order with its lines and its last change. The caller has already
/// shown the reader may see the orders.
pub async fn listed(svc: &Services, orders: Vec<StoredOrder>) -> ServiceResult<Vec<Listed>> {
    let mut out = Vec::with_capacity(orders.len());
    for (order, lines) in with_lines(svc, orders).await? {
        let updated_at = order.updated_at;
        out.push(Listed {
            order,
            lines,
            updated_at,
        });
    }
    Ok(out)
}

/// Whether `order` comes after `after` in the newest-first list (the
/// store sorts ids as bytes, on both backends).
fn comes_after(order: &StoredOrder, after: &ListAfter) -> bool {
    order.placed_at < after.placed_at
        || (order.placed_at == after.placed_at && order.id.to_string() < after.id.to_string())
}

/// A page of the shop's orders matching `req`, newest first by
/// `(placed_at, id)`, resumed after `after`; with where the next page
/// resumes, if there is one. A page resumes after an order rather than at
/// an offset, so orders placed or moved meanwhile neither repeat nor skip
/// the ones still to come.
pub async fn list(
    svc: &Services,
    scope: &SellerScope,
    req: &ListRequest,
    after: Option<ListAfter>,
    limit: i64,
) -> ServiceResult<(Vec<Listed>, Option<ListAfter>)> {
    scope.authorize(SellerAction::read(Area::Orders))?;
    let limit = limit.clamp(1, 500);
    let search = match req.search.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(text) => Some(search_of(svc, scope, text).await?),
        None => None,
    };
    let mut query = SellerOrderQuery {
        statuses: req.statuses.clone(),
        search,
        placed_from: req.placed_from,
        placed_until: req.placed_until,
        courier: req.courier,
        ship_by_until: None,
        by_deadline: false,
        offset: 0,
        limit: limit + 1,
    };
    // The store pages by offset: start at the cursor's millisecond, and
    // pass over the orders of that millisecond already listed.
    if let Some(after) = after {
        let bound = Timestamp::from_unix_millis(after.placed_at.unix_millis().saturating_add(1));
        query.placed_until = Some(query.placed_until.map_or(bound, |u| u.min(bound)));
    }
    let mut found: Vec<StoredOrder> = Vec::new();
    loop {
        let chunk = store::seller_orders(&svc.store, scope.seller_id, &query).await?;
        let full = chunk.len() as i64 == query.limit;
        query.offset += chunk.len() as i64;
        for order in chunk {
            let fresh = after.is_none_or(|a| comes_after(&order, &a))
                && !found.iter().any(|f| f.id == order.id);
            if fresh {
                found.push(order);
            }
        }
        // The store reads no deeper than a million rows: past that a
        // chunk would come back the same forever.
        if found.len() as i64 > limit || !full || query.offset >= 1_000_000 {
            break;
        }
    }
    let more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    let next = found.last().filter(|_| more).map(|o| ListAfter {
        placed_at: o.placed_at,
        id: o.id,
    });
    Ok((listed(svc, found).await?, next))
}

/// How old a change must be before [`changes`] hands it out. A change is
/// stamped when its transaction starts and seen when it commits; one that
/// waited for the write lock (up to the store's busy timeout) may commit
/// after a later one. Handing out only settled changes keeps a cursor from
/// passing over one that commits late.
pub const SETTLE_MS: i64 = 10_000;

/// The shop's orders changed after `(updated_at, id)`, oldest change first,
/// each with its lines, and whether more changes are ready. Only changes
/// older than [`SETTLE_MS`] are handed out.
pub async fn changes(
    svc: &Services,
    scope: &SellerScope,
    after: (Timestamp, Option<OrderId>),
    limit: i64,
) -> ServiceResult<(Vec<Listed>, bool)> {
    let limit = limit.clamp(1, 499);
    let settled = Timestamp::from_unix_millis(svc.now().unix_millis() - SETTLE_MS);
    let mut changed = changed_since(svc, scope, after, limit + 1).await?;
    changed.retain(|(_, at)| *at <= settled);
    let more = changed.len() as i64 > limit;
    changed.truncate(limit as usize);
    let (orders, stamps): (Vec<StoredOrder>, Vec<Timestamp>) = changed.into_iter().unzip();
    let listed = with_lines(svc, orders)
        .await?
        .into_iter()
        .zip(stamps)
        .map(|((order, lines), updated_at)| Listed {
            order,
            lines,
            updated_at,
        })
        .collect();
    Ok((listed, more))
}

/// The shop's orders changed after `(updated_at, id)`, oldest first.
pub async fn changed_since(
    svc: &Services,
    scope: &SellerScope,
    after: (Timestamp, Option<OrderId>),
    limit: i64,
) -> ServiceResult<Vec<(StoredOrder, Timestamp)>> {
    scope.authorize(SellerAction::read(Area::Orders))?;
    Ok(store::seller_orders_changed_since(&svc.store, scope.seller_id, after, limit).await?)
}
