//! Quoting: the shipping options a buyer chooses from at checkout, each
//! complete enough to be stored with the order and explain its cost later.

use serde::{Deserialize, Serialize};

use super::service::Service;
use super::table::RateTable;
use super::weight::{Parcel, chargeable_kg};
use super::zones::{RegencyCode, Route, UnknownRegency};

/// One way to ship one parcel. Stored in the order as JSON, so the cost the
/// buyer agreed to survives later edits of the rate table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingOption {
    pub service: Service,
    pub route: Route,
    /// The kilograms billed: see [`chargeable_kg`].
    pub chargeable_kg: u64,
    /// Whole Rupiah per kilogram on this route when quoted.
    pub price_per_kg: i64,
    /// Whole Rupiah: `price_per_kg × chargeable_kg`.
    pub cost: i64,
    pub eta_min_days: u16,
    pub eta_max_days: u16,
    pub cod_available: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("origin: {0}")]
    UnknownOrigin(UnknownRegency),
    #[error("destination: {0}")]
    UnknownDestination(UnknownRegency),
}

impl RateTable {
    /// The options from one regency code to another, cheapest first (ties by
    /// service code, so the order never flickers). Empty when no service in
    /// the table goes there.
    pub fn quote(
        &self,
        origin_regency: &str,
        dest_regency: &str,
        parcel: &Parcel,
    ) -> Result<Vec<ShippingOption>, QuoteError> {
        let origin = RegencyCode::parse(origin_regency).map_err(QuoteError::UnknownOrigin)?;
        let destination =
            RegencyCode::parse(dest_regency).map_err(QuoteError::UnknownDestination)?;
        Ok(self.quote_between(origin, destination, parcel))
    }

    /// [`RateTable::quote`] for places already known to exist.
    pub fn quote_between(
        &self,
        origin: RegencyCode,
        destination: RegencyCode,
        parcel: &Parcel,
    ) -> Vec<ShippingOption> {
        let route = Route::between(origin, destination);
        let mut options: Vec<ShippingOption> = self
            .services()
            .iter()
            .filter_map(|&service| {
                let rate = self.rate(service, route)?;
                let kg = chargeable_kg(service, parcel);
                // The table caps the price and a parcel its size, so this
                // cannot overflow; saturate rather than wrap if that changes.
                let cost = rate
                    .price_per_kg()
                    .saturating_mul(i64::try_from(kg).unwrap_or(i64::MAX));
                Some(ShippingOption {
                    service,
                    route,
                    chargeable_kg: kg,
                    price_per_kg: rate.price_per_kg(),
                    cost,
                    eta_min_days: rate.eta_min_days(),
                    eta_max_days: rate.eta_max_days(),
                    cod_available: service.cod_available(),
                })
            })
            .collect();
        options.sort_by(|a, b| (a.cost, a.service.code()).cmp(&(b.cost, b.service.code())));
        options
    }
}
