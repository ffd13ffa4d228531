//! Seller Center → Orders (operations role): the tabs of orders to send,
//! on their way, done and cancelled, with counts, search and filters; each
//! order in full with its timeline; sending it with the seller's courier
//! and resi; cancelling it with a reason.

pub mod bulk;
pub mod detail;
pub mod labels;
pub mod performance;

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use etalase_domain::Timestamp;
use etalase_domain::checkout::{DeliveryAddress, OrderStatus};
use etalase_domain::orders::OrderTab;
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::shipping::Courier;
use etalase_services::fulfilment::seller::{self as orders, TabRequest};
use etalase_store::checkout::{StoredOrder, StoredOrderLine};
use serde::Deserialize;

use crate::ctx::SellerCtx;
use crate::errors::AppResult;
use crate::i18n::T;
use crate::pages::{Chrome, NavItem, html};
use crate::routes::seller::{Frame, frame};

pub struct TabLink {
    pub key: &'static str,
    pub label_key: String,
    pub count: Option<i64>,
    pub href: String,
    pub active: bool,
}

pub struct OrderRow {
    pub id: String,
    pub placed: String,
    pub recipient: String,
    pub items: Vec<String>,
    pub total: String,
    pub status: &'static str,
    pub status_key: String,
    pub courier: String,
    pub resi: Option<String>,
    pub deadline: Option<Deadline>,
}

/// A deadline as a row shows it: when, and how long is left.
pub struct Deadline {
    pub label_key: &'static str,
    pub at: String,
    pub left: String,
    pub overdue: bool,
    pub soon: bool,
}

/// How long until `due`, in the words a seller scans for.
pub fn time_left(t: &T, due: Timestamp, now: Timestamp) -> (String, bool, bool) {
    let secs = due.seconds_since(now);
    if secs < 0 {
        return (t.t("orders.overdue").to_owned(), true, true);
    }
    let hours = secs / 3600;
    let text = if hours >= 48 {
        t.tf1("orders.days_left", &(hours / 24).to_string())
    } else if hours >= 1 {
        t.tf1("orders.hours_left", &hours.to_string())
    } else {
        t.tf1("orders.minutes_left", &(secs / 60).max(1).to_string())
    };
    (text, false, hours < 24)
}

/// The deadline that matters in the order's status.
pub fn deadline_of(t: &T, o: &StoredOrder, now: Timestamp) -> Option<Deadline> {
    let f = &o.fulfilment;
    let (label_key, due) = match o.status {
        OrderStatus::AwaitingPayment => ("orders.deadline.pay_by", o.pay_by?),
        OrderStatus::AwaitingShipment => ("orders.deadline.ship_by", f.ship_by?),
        OrderStatus::AwaitingCollection => ("orders.deadline.collect_by", f.collect_by?),
        OrderStatus::InTransit => ("orders.deadline.deliver_by", f.deliver_by?),
        OrderStatus::Delivered => ("orders.deadline.complete_by", f.complete_by?),
        _ => return None,
    };
    let (left, overdue, soon) = time_left(t, due, now);
    Some(Deadline {
        label_key,
        at: t.time(&due),
        left,
        overdue,
        soon,
    })
}

pub fn recipient_of(o: &StoredOrder) -> String {
    serde_json::from_str::<DeliveryAddress>(&o.address)
        .map(|a| a.recipient)
        .unwrap_or_default()
}

pub fn courier_name(o: &StoredOrder) -> String {
    let chosen = etalase_domain::shipping::Service::parse(&o.shipping_service);
    match (o.fulfilment.courier, chosen) {
        (Some(courier), _) => courier.name().to_owned(),
        (None, Some(service)) => service.name().to_owned(),
        (None, None) => o.shipping_service.clone(),
    }
}

fn row(t: &T, o: &StoredOrder, lines: &[StoredOrderLine], now: Timestamp) -> OrderRow {
    OrderRow {
        id: o.id.to_string(),
        placed: t.time(&o.placed_at),
        recipient: recipient_of(o),
        items: lines
            .iter()
            .map(|l| format!("{} × {}", l.quantity, l.label))
            .collect(),
        total: t.rupiah(o.total),
        status: o.status.as_str(),
        status_key: format!("order.status.{}", o.status.as_str()),
        courier: courier_name(o),
        resi: o.fulfilment.resi.as_ref().map(ToString::to_string),
        deadline: deadline_of(t, o, now),
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    tab: Option<String>,
    q: Option<String>,
    from: Option<String>,
    until: Option<String>,
    courier: Option<String>,
    today: Option<String>,
    page: Option<i64>,
    notice: Option<String>,
}

impl ListQuery {
    /// What the services are asked for.
    pub(crate) fn request(&self) -> TabRequest {
        TabRequest {
            tab: self.tab.as_deref().and_then(OrderTab::parse),
            search: self.q.clone(),
            placed_from: wib_day(self.from.as_deref(), false),
            placed_until: wib_day(self.until.as_deref(), true),
            courier: self.courier.as_deref().and_then(Courier::parse),
            due_today: self.today.as_deref() == Some("1"),
            page: self.page.unwrap_or(1),
        }
    }

    /// The query string of this list with another tab or page.
    fn href(&self, tab: &str, page: i64) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("tab", tab.to_owned())];
        let mut keep = |k: &'static str, v: &Option<String>| {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                pairs.push((k, v.to_owned()));
            }
        };
        keep("q", &self.q);
        keep("from", &self.from);
        keep("until", &self.until);
        keep("courier", &self.courier);
        keep("today", &self.today);
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("/seller/orders?{query}")
    }
}

/// A WIB calendar date (`2026-11-30`) as the instant its day starts; the
/// `until` date counts whole (its next midnight).
fn wib_day(text: Option<&str>, next: bool) -> Option<Timestamp> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text?.trim(), format).ok()?;
    let date = if next { date.next_day()? } else { date };
    Some(Timestamp::start_of_wib_day(date))
}

#[derive(Template)]
#[template(path = "seller/orders.html")]
struct ListPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    tabs: Vec<TabLink>,
    tab: &'static str,
    orders: Vec<OrderRow>,
    q: String,
    from: String,
    until: String,
    courier: String,
    today: bool,
    couriers: Vec<(&'static str, &'static str)>,
    prev: Option<String>,
    next: Option<String>,
    /// The same list as CSV.
    export: String,
    /// Bulk actions the tab offers.
    can_arrange: bool,
    can_print: bool,
}

pub async fn list(s: SellerCtx, Query(q): Query<ListQuery>) -> AppResult<Response> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let request = q.request();
    let found = orders::tab(svc, &s.scope, &request).await?;
    let now = svc.now();
    let tabs = OrderTab::ALL
        .into_iter()
        .map(|tab| TabLink {
            key: tab.as_str(),
            label_key: format!("orders.tab.{}", tab.as_str()),
            count: found
                .counts
                .iter()
                .find(|(t, _)| *t == tab)
                .map(|(_, n)| *n),
            href: q.href(tab.as_str(), 1),
            active: tab == found.tab,
        })
        .collect();
    let tab = found.tab.as_str();
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(&s, "/seller/orders", q.notice.as_deref());
    let page = ListPage {
        tabs,
        tab,
        orders: found
            .orders
            .iter()
            .map(|(o, lines)| row(t, o, lines, now))
            .collect(),
        q: q.q.clone().unwrap_or_default(),
        from: q.from.clone().unwrap_or_default(),
        until: q.until.clone().unwrap_or_default(),
        courier: q.courier.clone().unwrap_or_default(),
        today: request.due_today,
        couriers: Courier::ALL.map(|c| (c.code(), c.name())).to_vec(),
        prev: (found.page > 1).then(|| q.href(tab, found.page - 1)),
        next: found.has_more.then(|| q.href(tab, found.page + 1)),
        export: q
            .href(tab, 1)
            .replacen("/seller/orders?", "/seller/orders/export.csv?", 1),
        can_arrange: found.tab == OrderTab::ToShip
            && s.scope.may(SellerAction::write(Area::Fulfillment))
            && !svc.config.logistics.api_key.is_empty(),
        can_print: matches!(found.tab, OrderTab::ReadyToShip | OrderTab::Shipping),
        c,
        nav,
        shop_name,
        role_key,
    };
    Ok(html(&page))
}
