//! A product's life: draft → active (published) ↔ inactive (the seller
//! paused it); platform-deactivated by moderation (the seller fixes it and
//! asks for review; an admin reinstates it); deleted (soft, final).

use crate::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductStatus {
    Draft,
    Active,
    Inactive,
    PlatformDeactivated,
    Deleted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductEvent {
    /// The seller publishes (a draft) or re-activates (an inactive product).
    Publish,
    /// The seller takes an active product out of the Shop.
    Deactivate,
    /// Moderation takes the product out of the Shop, with a reason.
    PlatformDeactivate,
    /// An admin accepts the seller's fix.
    PlatformReinstate,
    Delete,
}

impl ProductStatus {
    pub const ALL: [ProductStatus; 5] = [
        ProductStatus::Draft,
        ProductStatus::Active,
        ProductStatus::Inactive,
        ProductStatus::PlatformDeactivated,
        ProductStatus::Deleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Active => "active",
            ProductStatus::Inactive => "inactive",
            ProductStatus::PlatformDeactivated => "platform_deactivated",
            ProductStatus::Deleted => "deleted",
        }
    }

    pub fn parse(text: &str) -> Option<ProductStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The status after `event`, or why it cannot happen.
    pub fn after(self, event: ProductEvent) -> Result<ProductStatus, ErrorCode> {
        use ProductEvent as E;
        use ProductStatus as S;
        match (self, event) {
            (S::Draft | S::Inactive, E::Publish) => Ok(S::Active),
            (S::Active, E::Deactivate) => Ok(S::Inactive),
            (S::Draft | S::Active | S::Inactive, E::PlatformDeactivate) => {
                Ok(S::PlatformDeactivated)
            }
            (S::PlatformDeactivated, E::PlatformReinstate) => Ok(S::Active),
            (S::Draft | S::Active | S::Inactive | S::PlatformDeactivated, E::Delete) => {
                Ok(S::Deleted)
            }
            _ => Err(ErrorCode::IllegalTransition),
        }
    }

    /// The seller may still change it (a deleted product is gone).
    pub fn is_editable(self) -> bool {
        self != ProductStatus::Deleted
    }

    /// Counts as published by the seller (whether the Shop lists it also
    /// depends on the seller, the stock and the listing rules).
    pub fn is_active(self) -> bool {
        self == ProductStatus::Active
    }
}

#[cfg(test)]
mod tests {
    use super::ProductEvent as E;
    use super::ProductStatus as S;
    use super::*;

    #[test]
    fn the_seller_publishes_pauses_and_republishes() {
        assert_eq!(S::Draft.after(E::Publish), Ok(S::Active));
        assert_eq!(S::Active.after(E::Deactivate), Ok(S::Inactive));
        assert_eq!(S::Inactive.after(E::Publish), Ok(S::Active));
        assert_eq!(
            S::Active.after(E::Publish),
            Err(ErrorCode::IllegalTransition)
        );
        assert_eq!(
            S::Draft.after(E::Deactivate),
            Err(ErrorCode::IllegalTransition)
        );
    }

    #[test]
    fn moderation_and_deletion() {
        assert_eq!(
            S::Active.after(E::PlatformDeactivate),
            Ok(S::PlatformDeactivated)
        );
        // The seller cannot publish their way out of moderation.
        assert_eq!(
            S::PlatformDeactivated.after(E::Publish),
            Err(ErrorCode::IllegalTransition)
        );
        assert_eq!(
            S::PlatformDeactivated.after(E::PlatformReinstate),
            Ok(S::Active)
        );
        assert_eq!(S::PlatformDeactivated.after(E::Delete), Ok(S::Deleted));
        for event in [
            E::Publish,
            E::Deactivate,
            E::PlatformDeactivate,
            E::PlatformReinstate,
            E::Delete,
        ] {
            assert_eq!(S::Deleted.after(event), Err(ErrorCode::IllegalTransition));
        }
        assert!(!S::Deleted.is_editable());
    }

    #[test]
    fn statuses_round_trip() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
    }
}
