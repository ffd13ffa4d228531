//! Where a buyer found what they added to the cart: kept on the cart line
//! and on the order line, so every order remembers the video, live or page
//! that sold it (the article's case: five promoted products made 80% of the
//! sales, and the seller must be able to see which).

use serde::{Deserialize, Serialize};

use crate::id::{LiveId, VideoId};
use crate::pricing::Channel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Source {
    Feed,
    Search,
    ShopPage,
    ProductPage,
    Video(VideoId),
    Live(LiveId),
    External,
}

impl Source {
    /// The stored kind (`source` column).
    pub fn kind(self) -> &'static str {
        match self {
            Source::Feed => "feed",
            Source::Search => "search",
            Source::ShopPage => "shop_page",
            Source::ProductPage => "product_page",
            Source::Video(_) => "video",
            Source::Live(_) => "live",
            Source::External => "external",
        }
    }

    /// The video or live behind it (`source_ref` column).
    pub fn reference(self) -> Option<String> {
        match self {
            Source::Video(id) => Some(id.to_string()),
            Source::Live(id) => Some(id.to_string()),
            _ => None,
        }
    }

    /// Reads the stored pair back; `None` for anything not written by
    /// [`Source::kind`] and [`Source::reference`].
    pub fn from_parts(kind: &str, reference: Option<&str>) -> Option<Source> {
        Some(match (kind, reference) {
            ("feed", None) => Source::Feed,
            ("search", None) => Source::Search,
            ("shop_page", None) => Source::ShopPage,
            ("product_page", None) => Source::ProductPage,
            ("external", None) => Source::External,
            ("video", Some(id)) => Source::Video(id.parse().ok()?),
            ("live", Some(id)) => Source::Live(id.parse().ok()?),
            _ => return None,
        })
    }

    /// What a form or a link says (`live:liv_…`, `search`), leniently: an
    /// unknown or malformed value is the product page, where a buy button
    /// sits — attribution is never a reason to refuse a cart line.
    pub fn from_param(text: &str) -> Source {
        let (kind, reference) = match text.split_once(':') {
            Some((k, r)) => (k, Some(r)),
            None => (text, None),
        };
        Source::from_parts(kind, reference).unwrap_or(Source::ProductPage)
    }

    /// The form of [`Source::from_param`].
    pub fn to_param(self) -> String {
        match self.reference() {
            Some(r) => format!("{}:{r}", self.kind()),
            None => self.kind().to_string(),
        }
    }

    /// The pricing channel: only a live has prices of its own.
    pub fn channel(self) -> Channel {
        match self {
            Source::Live(id) => Channel::Live(id),
            Source::Video(id) => Channel::Video(id),
            _ => Channel::Shop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_survives_storage_and_params() {
        let all = [
            Source::Feed,
            Source::Search,
            Source::ShopPage,
            Source::ProductPage,
            Source::Video(VideoId::generate()),
            Source::Live(LiveId::generate()),
            Source::External,
        ];
        for s in all {
            let r = s.reference();
            assert_eq!(Source::from_parts(s.kind(), r.as_deref()), Some(s));
            assert_eq!(Source::from_param(&s.to_param()), s);
        }
    }

    #[test]
    fn malformed_params_fall_back_to_the_product_page() {
        assert_eq!(Source::from_param("live:nope"), Source::ProductPage);
        assert_eq!(Source::from_param("video"), Source::ProductPage);
        assert_eq!(Source::from_param(""), Source::ProductPage);
        assert_eq!(Source::from_param("search:x"), Source::ProductPage);
    }

    #[test]
    fn only_a_live_prices_differently() {
        let live = LiveId::generate();
        assert_eq!(Source::Live(live).channel(), Channel::Live(live));
        assert_eq!(Source::Search.channel(), Channel::Shop);
    }
}
