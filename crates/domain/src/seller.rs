//! Sellers: the shop's address in the Shop, its name and its standing.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// The shop's unique address in the Shop (`/toko/<slug>`): 3–30 characters of
/// lower-case letters, digits and single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ShopSlug(String);

const RESERVED_SLUGS: [&str; 6] = ["admin", "seller", "api", "static", "etalase", "bantuan"];

impl ShopSlug {
    pub fn parse(text: &str) -> Result<ShopSlug, ErrorCode> {
        let slug = text.trim().to_ascii_lowercase();
        let valid_chars = slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !(3..=30).contains(&slug.len())
            || !valid_chars
            || slug.starts_with('-')
            || slug.ends_with('-')
            || slug.contains("--")
        {
            return Err(ErrorCode::InvalidShopSlug);
        }
        Ok(ShopSlug(slug))
    }

    /// Words kept for the platform's own pages; sign-up refuses them.
    pub fn is_reserved(&self) -> bool {
        RESERVED_SLUGS.contains(&self.0.as_str())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The shop's display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopName(String);

impl ShopName {
    pub fn parse(text: &str) -> Result<ShopName, ErrorCode> {
        let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !(3..=60).contains(&name.chars().count()) || name.chars().any(char::is_control) {
            return Err(ErrorCode::InvalidShopName);
        }
        Ok(ShopName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a seller stands with the platform. Only an approved seller's
/// products can appear in the Shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SellerStatus {
    /// Registered; verification not yet submitted or not yet decided.
    Pending,
    Approved,
    Rejected,
    Suspended,
}

impl SellerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SellerStatus::Pending => "pending",
            SellerStatus::Approved => "approved",
            SellerStatus::Rejected => "rejected",
            SellerStatus::Suspended => "suspended",
        }
    }

    pub fn parse(text: &str) -> Option<SellerStatus> {
        [
            SellerStatus::Pending,
            SellerStatus::Approved,
            SellerStatus::Rejected,
            SellerStatus::Suspended,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            ShopSlug::parse(" Toko-Sari ").unwrap().as_str(),
            "toko-sari"
        );
        for bad in [
            "ab",
            "-abc",
            "abc-",
            "a--b",
            "toko sari",
            "tokó",
            &"a".repeat(31),
        ] {
            assert!(ShopSlug::parse(bad).is_err(), "{bad}");
        }
        assert!(ShopSlug::parse("admin").unwrap().is_reserved());
    }

    #[test]
    fn statuses_round_trip() {
        for status in ["pending", "approved", "rejected", "suspended"] {
            assert_eq!(SellerStatus::parse(status).unwrap().as_str(), status);
        }
    }
}
