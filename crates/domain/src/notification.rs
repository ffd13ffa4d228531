//! In-app notices for the people of a seller's team: what happened, and the
//! page where they act on it. The text is chosen by the web layer from the
//! kind (`notification.<kind>` in both languages), so a notice written today
//! reads right in whichever language its reader uses tomorrow.

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationKind {
    VerificationApproved,
    VerificationRejected,
    ShopSuspended,
    ShopReinstated,
    ProductDeactivated,
    ProductReinstated,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 6] = [
        NotificationKind::VerificationApproved,
        NotificationKind::VerificationRejected,
        NotificationKind::ShopSuspended,
        NotificationKind::ShopReinstated,
        NotificationKind::ProductDeactivated,
        NotificationKind::ProductReinstated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::VerificationApproved => "verification_approved",
            NotificationKind::VerificationRejected => "verification_rejected",
            NotificationKind::ShopSuspended => "shop_suspended",
            NotificationKind::ShopReinstated => "shop_reinstated",
            NotificationKind::ProductDeactivated => "product_deactivated",
            NotificationKind::ProductReinstated => "product_reinstated",
        }
    }

    pub fn parse(text: &str) -> Option<NotificationKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Where the reader acts on it.
    pub fn href(self) -> &'static str {
        match self {
            NotificationKind::VerificationApproved
            | NotificationKind::VerificationRejected
            | NotificationKind::ShopSuspended
            | NotificationKind::ShopReinstated => "/seller/verification",
            NotificationKind::ProductDeactivated => "/seller/products?status=platform_deactivated",
            NotificationKind::ProductReinstated => "/seller/products?status=active",
        }
    }

    /// Calls for action (shown stronger than good news).
    pub fn needs_action(self) -> bool {
        matches!(
            self,
            NotificationKind::VerificationRejected
                | NotificationKind::ShopSuspended
                | NotificationKind::ProductDeactivated
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_text() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(NotificationKind::parse("unknown"), None);
    }
}
