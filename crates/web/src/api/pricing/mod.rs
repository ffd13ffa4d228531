//! `/api/v1/promotions`, `/api/v1/vouchers`, `/api/v1/skus/{id}/price` and
//! `/api/v1/price-quote`: the shop's promotions and vouchers, its base
//! prices, and what a cart would cost now (the same pricing function as
//! every page and every order).

mod prices;
mod promotions;
mod vouchers;

pub use prices::*;
pub use promotions::*;
pub use vouchers::*;

use etalase_domain::{ErrorCode, Timestamp};
use etalase_services::ServiceError;

use crate::errors::{AppError, AppResult};

pub(super) fn id<K: etalase_domain::id::IdKind>(text: &str) -> AppResult<etalase_domain::Id<K>> {
    text.parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))
}

/// An RFC 3339 time, or a field error naming `field`.
pub(super) fn instant(text: &str, field: &'static str) -> AppResult<Timestamp> {
    Timestamp::parse_rfc3339(text)
        .ok_or_else(|| ServiceError::field(field, ErrorCode::MalformedRequest).into())
}
