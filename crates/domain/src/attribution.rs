//! Where buyers came from: an append-only record of what they saw, opened,
//! clicked, put in the cart and ordered, each with its source (a video, a
//! live, search, the feed, a shop or product page, an outside link). The
//! article's case — five promoted products made 80% of a shop's sales — is
//! only visible to a seller who keeps this.

use serde::{Deserialize, Serialize};

use crate::checkout::Source;
use crate::id::{OrderId, ProductId, SellerId, SkuId, UserId};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A video (or live) was shown to a buyer.
    Impression,
    /// A product page was opened.
    ProductView,
    /// A product tagged in a video or pinned in a live was clicked.
    TagClick,
    AddToCart,
    /// One line of a placed order.
    Order,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Impression => "impression",
            EventKind::ProductView => "product_view",
            EventKind::TagClick => "tag_click",
            EventKind::AddToCart => "add_to_cart",
            EventKind::Order => "order",
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        Some(match text {
            "impression" => EventKind::Impression,
            "product_view" => EventKind::ProductView,
            "tag_click" => EventKind::TagClick,
            "add_to_cart" => EventKind::AddToCart,
            "order" => EventKind::Order,
            _ => return None,
        })
    }

    /// A product page opened from a video or a live is a click on its tag.
    pub fn of_product_open(source: Source) -> EventKind {
        match source {
            Source::Video(_) | Source::Live(_) => EventKind::TagClick,
            _ => EventKind::ProductView,
        }
    }
}

/// One event, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributionEvent {
    pub kind: EventKind,
    pub source: Source,
    pub seller: Option<SellerId>,
    pub product: Option<ProductId>,
    pub sku: Option<SkuId>,
    /// The signed-in buyer, if any.
    pub buyer: Option<UserId>,
    /// A one-way digest of the browser's visitor cookie (never the cookie).
    pub visitor: Option<String>,
    pub order: Option<OrderId>,
    pub quantity: i64,
    /// Rupiah of an order line, after its discounts; 0 otherwise.
    pub amount: i64,
}

impl AttributionEvent {
    /// An event with nothing but its kind and source.
    pub fn new(kind: EventKind, source: Source) -> AttributionEvent {
        AttributionEvent {
            kind,
            source,
            seller: None,
            product: None,
            sku: None,
            buyer: None,
            visitor: None,
            order: None,
            quantity: 0,
            amount: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::VideoId;

    #[test]
    fn kinds_read_back_and_a_tag_click_is_an_open_from_content() {
        for kind in [
            EventKind::Impression,
            EventKind::ProductView,
            EventKind::TagClick,
            EventKind::AddToCart,
            EventKind::Order,
        ] {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(
            EventKind::of_product_open(Source::Video(VideoId::generate())),
            EventKind::TagClick
        );
        assert_eq!(
            EventKind::of_product_open(Source::Search),
            EventKind::ProductView
        );
    }
}
