//! A buyer's orders as their pages and the API show them: the stored copy
//! of what was confirmed (lines, breakdown, address, shipping), never the
//! catalog of today.

use etalase_domain::ErrorCode;
use etalase_domain::checkout::DeliveryAddress;
use etalase_domain::id::{CheckoutId, OrderId, UserId};
use etalase_domain::pricing::cart::ShopBreakdown;
use etalase_domain::shipping::ShippingOption;
use etalase_store::checkout::{self as store, StoredOrder, StoredOrderLine};

use crate::{ServiceError, ServiceResult, Services};

#[derive(Debug, Clone)]
pub struct OrderDetail {
    pub order: StoredOrder,
    pub shop_name: String,
    pub lines: Vec<StoredOrderLine>,
    pub address: DeliveryAddress,
    pub shipping: ShippingOption,
    pub breakdown: ShopBreakdown,
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> ServiceResult<T> {
    serde_json::from_str(text).map_err(ServiceError::internal)
}

/// One of the buyer's orders in full (404 for anyone else's).
pub async fn detail(svc: &Services, buyer: UserId, id: OrderId) -> ServiceResult<OrderDetail> {
    let order = store::order_of_buyer(&svc.store, buyer, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let mut details = complete(svc, vec![order]).await?;
    details.pop().ok_or_else(|| ErrorCode::NotFound.into())
}

/// The buyer's orders, newest first; `before` is the last one of the
/// previous page.
pub async fn list(
    svc: &Services,
    buyer: UserId,
    before: Option<OrderId>,
    limit: i64,
) -> ServiceResult<Vec<OrderDetail>> {
    let cursor = match before {
        Some(id) => store::order_of_buyer(&svc.store, buyer, id)
            .await?
            .map(|o| (o.placed_at, o.id)),
        None => None,
    };
    let orders = store::orders_of_buyer(&svc.store, buyer, cursor, limit.clamp(1, 100)).await?;
    complete(svc, orders).await
}

/// The orders of one of the buyer's checkouts.
pub async fn of_checkout(
    svc: &Services,
    buyer: UserId,
    checkout: CheckoutId,
) -> ServiceResult<Vec<OrderDetail>> {
    let orders: Vec<StoredOrder> = store::orders_of_checkout(&svc.store, checkout)
        .await?
        .into_iter()
        .filter(|o| o.buyer == buyer)
        .collect();
    complete(svc, orders).await
}

async fn complete(svc: &Services, orders: Vec<StoredOrder>) -> ServiceResult<Vec<OrderDetail>> {
    let ids: Vec<OrderId> = orders.iter().map(|o| o.id).collect();
    let mut lines = store::lines_of_orders(&svc.store, &ids).await?;
    let mut out = Vec::with_capacity(orders.len());
    for order in orders {
        let mine: Vec<StoredOrderLine> = {
            let (mine, rest): (Vec<_>, Vec<_>) =
                lines.into_iter().partition(|l| l.order == order.id);
            lines = rest;
            mine
        };
        let shop_name = etalase_store::sellers::get_seller(&svc.store, order.seller)
            .await?
            .name;
        out.push(OrderDetail {
            shop_name,
            lines: mine,
            address: parse(&order.address)?,
            shipping: parse(&order.shipping_option)?,
            breakdown: parse(&order.breakdown)?,
            order,
        });
    }
    Ok(out)
}
