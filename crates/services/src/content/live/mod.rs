//! Live shopping in the Seller Center: schedule a live with its featured
//! products, go on air, pin one product at a time, set live-only prices
//! and flash deals, end it. Every change is audited and told to the live's
//! viewers at once (see [`hub`]); every price a viewer is shown comes from
//! [`basket`], priced by the one pricing function over the same inputs
//! the checkout reads.

pub mod basket;
pub mod hub;
pub mod viewers;
mod workers;

pub use workers::{after_orders, end_overdue, spawn_workers};

use etalase_domain::content::live::{
    self as rules, FeaturedProducts, LiveState, LiveTitle, StreamSource, check_live_price,
    flash_deal,
};
use etalase_domain::id::{LiveId, ProductId, PromotionId, SkuId, VideoId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::lives::prices::{self as live_prices, LivePrice, StoredFlashDeal};
use etalase_store::lives::{self as store, Live};
use etalase_store::{audit, catalog};

use self::basket::Basket;
use super::claims::{self, Consistency};
use crate::teams::SellerScope;
use crate::{FieldError, ServiceError, ServiceResult, Services};

/// What viewers will watch.
#[derive(Debug, Clone)]
pub enum StreamInput {
    /// The playlist address of the seller's stream.
    Hls(String),
    /// One of the seller's videos, played as the live.
    Recorded(VideoId),
}

/// A live as the seller plans it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub title: String,
    pub planned_start: Timestamp,
    pub stream: StreamInput,
    pub products: Vec<ProductId>,
}

/// A live with what the console shows beside it.
#[derive(Debug, Clone)]
pub struct LiveView {
    pub live: Live,
    pub basket: Basket,
    /// The live-only prices set, per SKU.
    pub prices: Vec<LivePrice>,
    pub deals: Vec<StoredFlashDeal>,
    /// What the title claims against what the live charges.
    pub consistency: Consistency,
    /// Products featured that buyers cannot reach now, with why.
    pub unavailable: Vec<super::videos::TagView>,
}

/// Checks a plan; every problem is reported at once, per field.
async fn checked_plan(
    svc: &Services,
    scope: &SellerScope,
    plan: &Plan,
    now: Timestamp,
    check_start: bool,
) -> ServiceResult<(LiveTitle, StreamSource, FeaturedProducts)> {
    let mut problems = Vec::new();
    let title = LiveTitle::parse(&plan.title)
        .map_err(|code| problems.push(FieldError::new("title", code)))
        .ok();
    if check_start && let Err(code) = rules::check_planned_start(plan.planned_start, now) {
        problems.push(FieldError::new("planned_start", code));
    }
    let stream = match &plan.stream {
        StreamInput::Hls(url) => StreamSource::parse_hls(url)
            .map_err(|code| problems.push(FieldError::new("stream_url", code)))
            .ok(),
        StreamInput::Recorded(video) => {
            match etalase_store::videos::video_of(&svc.store, scope.seller_id, *video).await {
                Ok(_) => Some(StreamSource::Recorded(*video)),
                Err(etalase_store::StoreError::NotFound) => {
                    problems.push(FieldError::new(
                        "stream_video",
                        ErrorCode::LiveStreamVideoUnknown,
                    ));
                    None
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let featured = match FeaturedProducts::parse(plan.products.iter().copied()) {
        Ok(featured) => {
            problems.extend(
                super::videos::refused_products(svc, scope, featured.as_slice(), "products")
                    .await?,
            );
            Some(featured)
        }
        Err(code) => {
            problems.push(FieldError::new("products", code));
            None
        }
    };
    match (title, stream, featured) {
        (Some(t), Some(s), Some(f)) if problems.is_empty() => Ok((t, s, f)),
        _ => Err(ServiceError::fields(problems)),
    }
}

/// Schedules a live.
pub async fn schedule(svc: &Services, scope: &SellerScope, plan: &Plan) -> ServiceResult<Live> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let now = svc.now();
    let (title, stream, featured) = checked_plan(svc, scope, plan, now, true).await?;
    let live = Live {
        id: LiveId::generate(),
        seller_id: scope.seller_id,
        created_by: scope.actor().as_text(),
        title: title.as_str().to_owned(),
        planned_start_at: plan.planned_start,
        stream,
        state: LiveState::Scheduled,
        started_at: None,
        ended_at: None,
        pin: None,
        peak_viewers: 0,
        cover_key: None,
        version: 1,
        created_at: now,
        updated_at: now,
        products: featured.as_slice().to_vec(),
    };
    let mut tx = svc.store.write().await?;
    store::insert_live(&mut tx, &live).await?;
    let id = live.id.to_string();
    let mut entry = scope.audit("content.live_scheduled", "live", &id);
    entry.after = Some(summary(&live));
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(live)
}

/// Changes a live's plan: its title and featured products until it is
/// over, its start and stream until it goes on air. A pin on a product
/// taken out is dropped, and so are that product's live prices.
pub async fn replan(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
    version: i32,
    plan: &Plan,
) -> ServiceResult<Live> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let mut live = current(svc, scope, id, version).await?;
    if !live.state.accepts_changes() {
        return Err(ErrorCode::IllegalTransition.into());
    }
    let now = svc.now();
    let scheduled = live.state == LiveState::Scheduled;
    let start_changed = plan.planned_start != live.planned_start_at;
    let (title, stream, featured) =
        checked_plan(svc, scope, plan, now, scheduled && start_changed).await?;
    live.title = title.as_str().to_owned();
    if scheduled {
        live.planned_start_at = plan.planned_start;
        live.stream = stream;
    }
    if live.pin.is_some_and(|p| !p.survives(&featured)) {
        live.pin = None;
    }
    live.products = featured.as_slice().to_vec();
    write(svc, scope, live, "content.live_replanned", true).await
}

/// Goes on air. A title naming a price the live does not charge is
/// refused until the seller confirms it ([`ErrorCode::LiveClaimsUnconfirmed`]).
pub async fn go_live(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
    version: i32,
    confirm_claims: bool,
) -> ServiceResult<Live> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let mut live = current(svc, scope, id, version).await?;
    let now = svc.now();
    live.state = live.state.go_live()?;
    live.started_at = Some(now);
    if !confirm_claims {
        let basket = basket::preview(svc, &live, now).await?;
        if !claims::of_basket(svc, &live.title, live.seller_id, &basket)
            .await?
            .is_consistent()
        {
            return Err(ErrorCode::LiveClaimsUnconfirmed.into());
        }
    }
    write(svc, scope, live, "content.live_started", false).await
}

/// Ends a live on air: its live prices and flash deals stop holding.
pub async fn end(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
    version: i32,
) -> ServiceResult<Live> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let mut live = current(svc, scope, id, version).await?;
    live.state = live.state.end()?;
    live.ended_at = Some(svc.now());
    live.pin = None;
    // The peak this node counted, kept with the live (the console records
    // it too while open).
    if let Some(channel) = svc.lives.existing(id) {
        live.peak_viewers = live.peak_viewers.max(channel.peak());
    }
    write(svc, scope, live, "content.live_ended", false).await
}

/// Calls off a live that never went on air.
pub async fn cancel(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
    version: i32,
) -> ServiceResult<Live> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let mut live = current(svc, scope, id, version).await?;
    live.state = live.state.cancel()?;
    write(svc, scope, live, "content.live_cancelled", false).await
}

/// Pins one featured product on top of the stream (replacing any pin);
/// `None` takes the pin down.
pub async fn pin(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
    product: Option<ProductId>,
) -> ServiceResult<Live> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let mut live = store::live_of(&svc.store, scope.seller_id, id).await?;
    let featured = FeaturedProducts::parse(live.products.iter().copied())
        .map_err(|code| ServiceError::field("products", code))?;
    live.pin = match product {
        Some(product) => Some(
            rules::pin(live.state, &featured, product, svc.now())
                .map_err(|code| not_on_air(code, "product"))?,
        ),
        None => None,
    };
    let action = if product.is_some() {
        "content.live_pinned"
    } else {
        "content.live_unpinned"
    };
    write(svc, scope, live, action, false).await
}

/// An on-air action refused because the live is not on air.
fn not_on_air(code: ErrorCode, field: &'static str) -> ServiceError {
    match code {
        ErrorCode::IllegalTransition => ErrorCode::LiveNotOnAir.into(),
        code => ServiceError::field(field, code),
    }
}

/// The SKU among the live's featured products, with its base price and
/// stock; a field error otherwise.
async fn featured_sku(
    svc: &Services,
    scope: &SellerScope,
    live: &Live,
    sku: SkuId,
) -> ServiceResult<(ProductId, i64, i64)> {
    let found = catalog::skus_by_ids(&svc.store, &[sku]).await?;
    match found.first() {
        Some((seller, s))
            if *seller == scope.seller_id && live.products.contains(&s.product_id) =>
        {
            let base = s
                .price
                .ok_or_else(|| ServiceError::field("sku", ErrorCode::LiveSkuNotFeatured))?;
            Ok((s.product_id, base, s.stock))
        }
        _ => Err(ServiceError::field("sku", ErrorCode::LiveSkuNotFeatured)),
    }
}

/// Sets a SKU's live-only price (`None` takes it off). Refused above or at
/// the normal price and below the platform floor.
pub async fn set_price(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
    sku: SkuId,
    price: Option<i64>,
) -> ServiceResult<Live> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let live = store::live_of(&svc.store, scope.seller_id, id).await?;
    if !live.state.accepts_changes() {
        return Err(ErrorCode::IllegalTransition.into());
    }
    let (product, base, _) = featured_sku(svc, scope, &live, sku).await?;
    if let Some(price) = price {
        check_live_price(price, base, svc.config.pricer.floor)
            .map_err(|code| ServiceError::field("price", code))?;
    }
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    match price {
        Some(price) => {
            let set = LivePrice {
                sku_id: sku,
                product_id: product,
                price,
            };
            live_prices::set_price(&mut tx, live.id, live.seller_id, &set).await?;
        }
        None => {
            live_prices::clear_price(&mut tx, live.id, sku).await?;
        }
    }
    let live_id = live.id.to_string();
    let mut entry = scope.audit("content.live_price_set", "live", &live_id);
    entry.after = Some(format!(
        "sku={sku} price={}",
        price.map_or("none".to_owned(), |p| p.to_string())
    ));
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    tell_changed(svc, &live).await?;
    Ok(live)
}

/// What a seller asks of a flash deal.
#[derive(Debug, Clone, Copy)]
pub struct DealInput {
    pub sku: SkuId,
    pub price: i64,
    pub quota: i64,
    pub minutes: i64,
}

/// Starts a flash deal now: one at a time per live, its quota within the
/// SKU's stock.
pub async fn start_deal(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
    input: DealInput,
) -> ServiceResult<StoredFlashDeal> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let live = store::live_of(&svc.store, scope.seller_id, id).await?;
    let (product, base, stock) = featured_sku(svc, scope, &live, input.sku).await?;
    let now = svc.now();
    let ends_at = now.plus_seconds(input.minutes.saturating_mul(60));
    let deal = flash_deal(
        live.state,
        input.price,
        base,
        svc.config.pricer.floor,
        input.quota,
        now,
        ends_at,
    )
    .map_err(|code| match code {
        ErrorCode::FlashQuotaOutOfRange => ServiceError::field("quota", code),
        ErrorCode::EndsInPast | ErrorCode::FlashDealTooLong => ServiceError::field("minutes", code),
        ErrorCode::IllegalTransition => ErrorCode::LiveNotOnAir.into(),
        code => ServiceError::field("price", code),
    })?;
    if input.quota > stock {
        return Err(ServiceError::field("quota", ErrorCode::FlashQuotaOverStock));
    }
    let deals = live_prices::flash_deals_of(&svc.store, live.id).await?;
    if basket::running_deal(&deals, now).is_some() {
        return Err(ErrorCode::FlashDealRunning.into());
    }
    let stored = StoredFlashDeal {
        promotion: deal.promotion(live.id),
        sku_id: input.sku,
        product_id: product,
        deal,
        sold: 0,
    };
    let mut tx = svc.store.write().await?;
    live_prices::insert_flash_deal(&mut tx, live.id, live.seller_id, &stored).await?;
    let live_id = live.id.to_string();
    let mut entry = scope.audit("content.live_flash_deal_started", "live", &live_id);
    entry.after = Some(format!(
        "sku={} price={} quota={} ends={}",
        input.sku,
        deal.price,
        deal.quota,
        deal.ends_at.to_rfc3339()
    ));
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    tell_changed(svc, &live).await?;
    Ok(stored)
}

/// Stops a running flash deal before its countdown ends.
pub async fn stop_deal(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
    deal: PromotionId,
) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let live = store::live_of(&svc.store, scope.seller_id, id).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    if !live_prices::stop_flash_deal(&mut tx, live.id, deal, now).await? {
        return Err(ErrorCode::NotFound.into());
    }
    let live_id = live.id.to_string();
    let mut entry = scope.audit("content.live_flash_deal_stopped", "live", &live_id);
    entry.after = Some(format!("deal={deal}"));
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    tell_changed(svc, &live).await.map(|_| ())
}

/// Sets a live's cover (shown on its announcement and before the stream
/// plays): a JPEG, PNG or WebP checked and re-encoded as product photos
/// are. The earlier cover's file is removed once the new one is recorded.
pub async fn set_cover(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
    bytes: Vec<u8>,
) -> ServiceResult<Live> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let mut live = store::live_of(&svc.store, scope.seller_id, id).await?;
    if !live.state.accepts_changes() {
        return Err(ErrorCode::IllegalTransition.into());
    }
    let prefix = format!("lives/{}/{}", scope.seller_id, id).to_lowercase();
    let key = super::cover::store(svc, &prefix, bytes).await?;
    let previous = live.cover_key.replace(key.clone());
    let written = write(svc, scope, live, "content.live_cover_set", false).await;
    super::cover::settle(svc, written, &key, previous).await
}

/// A live's cover picture (JPEG), when it has one and buyers may open the
/// live.
pub async fn cover(svc: &Services, id: LiveId) -> ServiceResult<Option<Vec<u8>>> {
    let Some(key) = store::visible(&svc.store, id)
        .await?
        .and_then(|l| l.cover_key)
    else {
        return Ok(None);
    };
    svc.objects.get(&key).await.map_err(ServiceError::internal)
}

pub async fn list(svc: &Services, scope: &SellerScope) -> ServiceResult<Vec<Live>> {
    scope.authorize(SellerAction::read(Area::Content))?;
    Ok(store::lives_of(&svc.store, scope.seller_id).await?)
}

/// A live with its basket, prices, deals and title check (the console).
pub async fn get(svc: &Services, scope: &SellerScope, id: LiveId) -> ServiceResult<LiveView> {
    scope.authorize(SellerAction::read(Area::Content))?;
    let live = store::live_of(&svc.store, scope.seller_id, id).await?;
    let now = svc.now();
    let basket = basket::preview(svc, &live, now).await?;
    let consistency = claims::of_basket(svc, &live.title, live.seller_id, &basket).await?;
    let titled = super::videos::titled(svc, scope, &live.products).await?;
    let unavailable = super::videos::tag_views(svc, scope, &titled)
        .await?
        .into_iter()
        .filter(|t| !t.reachable)
        .collect();
    Ok(LiveView {
        prices: live_prices::prices_of(&svc.store, live.id).await?,
        deals: live_prices::flash_deals_of(&svc.store, live.id).await?,
        live,
        basket,
        consistency,
        unavailable,
    })
}

async fn current(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
    version: i32,
) -> ServiceResult<Live> {
    let live = store::live_of(&svc.store, scope.seller_id, id).await?;
    if live.version != version {
        return Err(ErrorCode::VersionConflict.into());
    }
    Ok(live)
}

/// Writes a changed live, audits it and tells its viewers. With
/// `products_changed`, the live prices of products no longer featured go
/// in the same transaction.
async fn write(
    svc: &Services,
    scope: &SellerScope,
    mut live: Live,
    action: &str,
    products_changed: bool,
) -> ServiceResult<Live> {
    let now = svc.now();
    live.version += 1;
    live.updated_at = now;
    let mut tx = svc.store.write().await?;
    if !store::update_live(&mut tx, &live).await? {
        return Err(ErrorCode::VersionConflict.into());
    }
    if products_changed {
        live_prices::keep_prices_of(&mut tx, live.id, &live.products).await?;
    }
    let id = live.id.to_string();
    let mut entry = scope.audit(action, "live", &id);
    entry.after = Some(summary(&live));
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    tell_changed(svc, &live).await?;
    Ok(live)
}

/// [`tell`], after a commit that changed what a live offers (its state,
/// products, prices or deals): quotes stop using the offers read before it.
pub(crate) async fn tell_changed(
    svc: &Services,
    live: &Live,
) -> ServiceResult<std::sync::Arc<hub::LiveEvent>> {
    svc.kept_sku_reads.forget();
    tell(svc, live).await
}

/// Tells the live's viewers what it offers now; returns the event sent.
pub async fn tell(svc: &Services, live: &Live) -> ServiceResult<std::sync::Arc<hub::LiveEvent>> {
    let basket = basket::basket(svc, live, svc.now()).await?;
    let data = serde_json::to_string(&basket).map_err(ServiceError::internal)?;
    Ok(svc.lives.publish(live.id, "state", data))
}

pub(crate) fn summary(live: &Live) -> String {
    let products: Vec<String> = live.products.iter().map(|p| p.to_string()).collect();
    format!(
        "state={} title={:?} start={} stream={} products={} pin={}",
        live.state.as_str(),
        live.title,
        live.planned_start_at.to_rfc3339(),
        live.stream.kind(),
        products.join(","),
        live.pin.map(|p| p.product.to_string()).unwrap_or_default()
    )
}
