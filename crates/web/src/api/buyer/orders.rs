//! The buyer's orders over the API.

use axum::extract::{Path, Query, State};
use axum::response::Json;
use etalase_domain::ErrorCode;
use etalase_domain::id::OrderId;
use etalase_services::checkout::orders;
use etalase_store::checkout::StoredOrder;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::BuyerAuth;
use crate::errors::{AppError, AppResult, Problem};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct OrderBody {
    pub id: String,
    pub checkout_id: String,
    pub seller_id: String,
    /// `awaiting_payment`, `awaiting_shipment`, `awaiting_collection`, `in_transit`, `delivered`, `completed`, `cancelled`.
    pub status: String,
    pub payment_method: String,
    pub items_subtotal: i64,
    pub discount: i64,
    pub shipping: i64,
    pub shipping_discount: i64,
    pub total: i64,
    pub shipping_service: String,
    /// Where the buyer found what they bought (`live:liv_…`, `search` …).
    pub source: String,
    pub placed_at: String,
    pub pay_by: Option<String>,
    pub paid_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub cancel_reason: Option<String>,
}

pub fn order_body(o: &StoredOrder) -> OrderBody {
    OrderBody {
        id: o.id.to_string(),
        checkout_id: o.checkout.to_string(),
        seller_id: o.seller.to_string(),
        status: o.status.as_str().to_owned(),
        payment_method: o.method.as_str().to_owned(),
        items_subtotal: o.items_subtotal,
        discount: o.discount,
        shipping: o.shipping,
        shipping_discount: o.shipping_discount,
        total: o.total,
        shipping_service: o.shipping_service.clone(),
        source: o.source.to_param(),
        placed_at: o.placed_at.to_rfc3339(),
        pay_by: o.pay_by.map(|t| t.to_rfc3339()),
        paid_at: o.paid_at.map(|t| t.to_rfc3339()),
        cancelled_at: o.cancelled_at.map(|t| t.to_rfc3339()),
        cancel_reason: o.cancel_reason.clone(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrderLineBody {
    pub sku_id: String,
    pub product_id: String,
    pub label: String,
    pub quantity: i64,
    pub subtotal: i64,
    /// After this line's share of the vouchers.
    pub net: i64,
    pub source: String,
}

#[derive(Serialize, ToSchema)]
pub struct OrderDetailBody {
    #[serde(flatten)]
    pub order: OrderBody,
    pub shop_name: String,
    pub lines: Vec<OrderLineBody>,
    pub recipient: String,
    pub address: String,
}

#[derive(Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<OrderBody>,
    /// Pass as `before` for the next page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct OrdersQuery {
    /// The last order id of the previous page.
    pub before: Option<String>,
    /// 1–100 (default 20).
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/buyer/orders", tag = "buyer",
    security(("buyer_session" = [])),
    params(OrdersQuery),
    responses((status = 200, body = OrderPage)))]
pub async fn list_orders(
    BuyerAuth(buyer): BuyerAuth,
    State(state): State<AppState>,
    Query(q): Query<OrdersQuery>,
) -> AppResult<Json<OrderPage>> {
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let before = q.before.as_deref().and_then(|b| b.parse::<OrderId>().ok());
    let found = orders::list(&state.services, buyer, before, limit).await?;
    let next_cursor = (found.len() as i64 == limit)
        .then(|| found.last().map(|d| d.order.id.to_string()))
        .flatten();
    Ok(Json(OrderPage {
        items: found.iter().map(|d| order_body(&d.order)).collect(),
        next_cursor,
    }))
}

#[utoipa::path(get, path = "/api/v1/buyer/orders/{order_id}", tag = "buyer",
    security(("buyer_session" = [])),
    params(("order_id" = String, Path)),
    responses(
        (status = 200, body = OrderDetailBody),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "No such order of this buyer"),
    ))]
pub async fn get_order(
    BuyerAuth(buyer): BuyerAuth,
    State(state): State<AppState>,
    Path(order_id): Path<String>,
) -> AppResult<Json<OrderDetailBody>> {
    let id: OrderId = order_id
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    let d = orders::detail(&state.services, buyer, id).await?;
    Ok(Json(OrderDetailBody {
        order: order_body(&d.order),
        shop_name: d.shop_name.clone(),
        lines: d
            .lines
            .iter()
            .map(|l| OrderLineBody {
                sku_id: l.sku.to_string(),
                product_id: l.product.to_string(),
                label: l.label.clone(),
                quantity: l.quantity,
                subtotal: l.subtotal,
                net: l.net,
                source: l.source.to_param(),
            })
            .collect(),
        recipient: d.address.recipient.clone(),
        address: format!("{}, {}", d.address.street, d.address.area_line()),
    }))
}
