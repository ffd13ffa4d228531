//! A shop's health page: each fulfilment metric now (computed on demand
//! over windows that end now), against its target, with the window
//! before it for the trend, the days recorded each morning, the orders
//! that hurt it, what the platform does at each late-dispatch threshold,
//! and the store rating. The scheduler records every shop's day once
//! (over the windows that end at the start of the WIB day).

use etalase_domain::Timestamp;
use etalase_domain::id::SellerId;
use etalase_domain::orders::performance::{Metric, Rate, RatingPart, RatingParts, Standing};
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::fulfilment::performance::{
    self as store, Offence, Offender, PerformanceDay, Window,
};

use crate::teams::SellerScope;
use crate::{ServiceResult, Services};

/// Orders listed under each metric.
const OFFENDERS: i64 = 20;
/// Days of the trend.
const TREND_DAYS: i64 = 14;

#[derive(Debug, Clone)]
pub struct MetricReport {
    pub metric: Metric,
    pub rate: Rate,
    pub standing: Standing,
    /// The same metric over the window just before this one.
    pub previous: Rate,
    /// `(day, rate)` as recorded each morning, oldest first.
    pub days: Vec<(String, Rate)>,
    /// The latest orders that count against the seller.
    pub offenders: Vec<Offender>,
}

#[derive(Debug, Clone)]
pub struct Health {
    pub metrics: Vec<MetricReport>,
    /// The cap on daily orders (percent of the daily average) the late
    /// dispatch rate brings now.
    pub order_cap: Option<u8>,
    pub parts: RatingParts,
    pub rating: Option<(u8, RatingPart)>,
    pub computed_at: Timestamp,
}

/// Every metric over the windows that end at `end`.
async fn rates_at(svc: &Services, seller: SellerId, end: Timestamp) -> ServiceResult<[Rate; 3]> {
    let fast_secs = svc.config.fulfilment.fast_dispatch_hours * 3600;
    let (cancellable, cancelled) =
        store::cancellation_counts(&svc.store, seller, Window::days_before(end, 7)).await?;
    let (sent_7d, late, _) =
        store::dispatch_counts(&svc.store, seller, Window::days_before(end, 7), fast_secs).await?;
    let (sent_30d, _, fast) =
        store::dispatch_counts(&svc.store, seller, Window::days_before(end, 30), fast_secs).await?;
    let rate = |count: i64, of: i64| Rate::new(count.max(0) as u64, of.max(0) as u64);
    Ok([
        rate(cancelled, cancellable),
        rate(late, sent_7d),
        rate(fast, sent_30d),
    ])
}

fn rating_parts(rates: &[Rate; 3]) -> RatingParts {
    let pairs: Vec<(Metric, Rate)> = Metric::ALL.into_iter().zip(*rates).collect();
    RatingParts {
        // Reviews and chat are not part of the platform yet: nothing to
        // judge them by, so they do not pull the rating.
        product: None,
        fulfilment: RatingParts::fulfilment_of(&pairs),
        service: None,
    }
}

fn rates_of_day(d: &PerformanceDay) -> [Rate; 3] {
    let rate = |count: i64, of: i64| Rate::new(count.max(0) as u64, of.max(0) as u64);
    [
        rate(d.cancelled, d.cancellable),
        rate(d.late, d.sent_7d),
        rate(d.fast, d.sent_30d),
    ]
}

/// The shop's health now.
pub async fn health(svc: &Services, scope: &SellerScope) -> ServiceResult<Health> {
    scope.authorize(SellerAction::read(Area::Orders))?;
    let seller = scope.seller_id;
    let now = svc.now();
    let rates = rates_at(svc, seller, now).await?;
    let first_day = now
        .plus_seconds(-TREND_DAYS * 86_400)
        .wib_date()
        .to_string();
    let days = store::days_since(&svc.store, seller, &first_day).await?;
    let fast_secs = svc.config.fulfilment.fast_dispatch_hours * 3600;
    let mut metrics = Vec::with_capacity(3);
    for (i, metric) in Metric::ALL.into_iter().enumerate() {
        let window = Window::days_before(now, metric.window_days());
        let before = rates_at(svc, seller, window.from).await?[i];
        let offence = match metric {
            Metric::SellerFaultCancellation => Offence::Cancelled,
            Metric::LateDispatch => Offence::Late,
            Metric::FastDispatch => Offence::Slow { fast_secs },
        };
        metrics.push(MetricReport {
            metric,
            rate: rates[i],
            standing: metric.standing(rates[i]),
            previous: before,
            days: days
                .iter()
                .map(|d| (d.day.clone(), rates_of_day(d)[i]))
                .collect(),
            offenders: store::offenders(&svc.store, seller, window, offence, OFFENDERS).await?,
        });
    }
    let parts = rating_parts(&rates);
    Ok(Health {
        metrics,
        order_cap: svc.config.performance.order_cap(rates[1]),
        rating: parts.rating(),
        parts,
        computed_at: now,
    })
}

/// Records today's day (WIB) for up to `limit` shops that lack it; how
/// many were recorded. Safe to run again: a shop's day is kept once.
pub async fn record_today(svc: &Services, limit: i64) -> ServiceResult<usize> {
    let now = svc.now();
    let today = now.wib_date();
    let day = today.to_string();
    let start = Timestamp::start_of_wib_day(today);
    let shops = store::shops_without_day(&svc.store, &day, limit).await?;
    let mut recorded = 0;
    for seller in shops {
        let rates = rates_at(svc, seller, start).await?;
        let rating = rating_parts(&rates).rating().map(|(r, _)| i16::from(r));
        let count = |r: Rate| i64::try_from(r.count).unwrap_or(i64::MAX);
        let of = |r: Rate| i64::try_from(r.of).unwrap_or(i64::MAX);
        let record = PerformanceDay {
            day: day.clone(),
            cancelled: count(rates[0]),
            cancellable: of(rates[0]),
            late: count(rates[1]),
            sent_7d: of(rates[1]),
            fast: count(rates[2]),
            sent_30d: of(rates[2]),
            rating,
        };
        let mut tx = svc.store.write().await?;
        if store::record_day(&mut tx, seller, &record, now).await? {
            recorded += 1;
        }
        tx.commit().await?;
    }
    Ok(recorded)
}
