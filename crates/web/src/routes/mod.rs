//! The HTML surfaces: Shop (`/`), Seller Center (`/seller`), Admin (`/admin`),
//! plus health, metrics and static assets.

pub mod account;
pub mod admin;
pub mod admin_catalog;
pub mod admin_sync;
pub mod admin_verification;
pub mod auth;
pub mod buy;
pub mod cards;
pub mod catalog;
pub mod chat;
pub mod live;
pub mod notifications;
pub mod ops;
pub mod orders;
pub mod payments;
pub mod price_tag;
pub mod promotions;
pub mod sandbox_courier;
pub mod sandbox_gateway;
pub mod seller;
pub mod seo;
pub mod shop;
pub mod verification;
pub mod videos;

use serde::Deserialize;

/// A `next=` target is followed only when it stays on this site.
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => fallback.to_owned(),
    }
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(super::safe_next(Some("/seller/team"), "/"), "/seller/team");
        assert_eq!(super::safe_next(Some("//evil.example"), "/"), "/");
        assert_eq!(super::safe_next(Some("https://evil.example"), "/"), "/");
        assert_eq!(super::safe_next(Some("/\\evil.example"), "/"), "/");
        assert_eq!(super::safe_next(None, "/seller"), "/seller");
    }
}
