//! Shipping rates: which courier services can carry a parcel between two
//! regencies, what each charges and how long it takes. Pure: no courier API
//! is called; the rates are the platform's own table
//! (`crates/domain/data/shipping_rates.csv`, described in that folder's
//! README), which admins may replace.
//!
//! The rules, in order:
//! - chargeable weight is the heavier of actual and volumetric weight
//!   (L × W × H cm³ ÷ the service's divisor), rounded to whole kilograms by
//!   the service's rule, never under its minimum ([`chargeable_kg`]);
//! - the route is `same_regency`, else `same_province`, else the pair of
//!   island zones ([`Route::between`]);
//! - cost is the route's whole-Rupiah price per kg × chargeable kg, and the
//!   options are sorted by cost, then service code ([`RateTable::quote`]).

pub mod quote;
pub mod service;
pub mod table;
pub mod weight;
pub mod zones;

pub use quote::{QuoteError, ShippingOption};
pub use service::{Courier, Service, ServiceKind, WeightRounding};
pub use table::{Rate, RateProblem, RateTable, RateTableError};
pub use weight::{Parcel, ParcelError, ParcelItem, chargeable_kg, chargeable_kg_of_grams};
pub use zones::{RegencyCode, Route, RouteError, UnknownRegency, Zone};

#[cfg(test)]
mod table_tests;
#[cfg(test)]
mod tests;
