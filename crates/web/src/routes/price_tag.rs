//! How a price is shown wherever buyers see one — product page, cards,
//! video tags, live pins, cart — from the one pricing function's breakdown,
//! so every place says the same thing.

use etalase_domain::pricing::{OfferKind, UnitPrice};

use crate::i18n::T;

/// A price ready for a template.
#[derive(Debug, Clone)]
pub struct PriceTag {
    /// The amount to pay (for tests and scripts: `data-price`).
    pub unit: i64,
    /// "Rp80.000", or a range "Rp80.000 – Rp95.000".
    pub price: String,
    pub strike: Option<String>,
    /// "Flash Sale · -20%", "Diskon · -15%", or just "-25%" for a
    /// compare-at price.
    pub badge: Option<String>,
    /// When the promotion ends: RFC 3339 for the countdown script, and in
    /// words (WIB) for readers without scripts.
    pub ends_at: Option<String>,
    pub ends_text: Option<String>,
    /// "Sisa 3 dengan harga flash".
    pub flash_left: Option<String>,
}

impl PriceTag {
    /// The tag of one unit price, with `highest` for a range.
    pub fn new(t: &T, price: &UnitPrice, highest: Option<i64>) -> PriceTag {
        let amount = match highest {
            Some(h) if h != price.unit => format!("{} – {}", t.rupiah(price.unit), t.rupiah(h)),
            _ => t.rupiah(price.unit),
        };
        let percent = price.percent_off().map(|p| format!("-{p}%"));
        let kind = price.applied.as_ref().map(|a| match a.kind {
            OfferKind::Discount => t.t("pricing.discount"),
            OfferKind::FlashSale { .. } => t.t("pricing.flash_sale"),
            OfferKind::Live { .. } => t.t("pricing.live_price"),
        });
        let badge = match (kind, percent) {
            (Some(k), Some(p)) => Some(format!("{k} · {p}")),
            (Some(k), None) => Some(k.to_owned()),
            (None, p) => p,
        };
        let ends = price.applied.as_ref().and_then(|a| a.ends_at);
        let flash_left = price.applied.as_ref().and_then(|a| match a.kind {
            OfferKind::FlashSale { quota_left, .. } if quota_left <= 20 => {
                Some(t.tf1("pricing.flash_left", &quota_left.to_string()))
            }
            _ => None,
        });
        PriceTag {
            unit: price.unit,
            price: amount,
            strike: price.strike.map(|s| t.rupiah(s)),
            badge,
            ends_at: ends.map(|e| e.to_rfc3339()),
            ends_text: ends.map(|e| t.tf1("pricing.ends_at", &e.format_wib(t.lang))),
            flash_left,
        }
    }
}
