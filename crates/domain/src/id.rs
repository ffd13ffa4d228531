//! Prefixed, sortable, opaque identifiers (`usr_01jdq…`).
//!
//! A ULID gives time order and collision-free generation on any node; the
//! prefix makes an id readable in logs and API responses and lets a parser
//! refuse an order id where a product id was expected.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ulid::Ulid;

/// What an id identifies; its prefix is part of the id's text.
pub trait IdKind: 'static {
    const PREFIX: &'static str;
}

macro_rules! id_kinds {
    ($($(#[$doc:meta])* $kind:ident = $prefix:literal;)*) => {
        $( $(#[$doc])* #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $kind {}
        impl IdKind for $kind { const PREFIX: &'static str = $prefix; } )*
    };
}

id_kinds! {
    /// A person with a sign-in: buyer, seller team member or platform admin.
    UserKind = "usr";
    /// A shop and the business behind it.
    SellerKind = "slr";
    /// One user's membership (with a role) in one seller's team.
    MemberKind = "mbr";
    /// An open invitation to join a seller's team.
    InvitationKind = "inv";
    /// An integrator's API key.
    ApiKeyKind = "key";
    /// One line of the append-only audit log.
    AuditKind = "aud";
    /// One event of the transactional outbox.
    EventKind = "evt";
    /// A reviewer's decision on a seller's verification.
    DecisionKind = "vdc";
    /// One queued outgoing e-mail.
    MailKind = "mail";
    /// One in-app notice for one person.
    NotificationKind = "ntf";
    /// A product in a seller's catalog.
    ProductKind = "prd";
    /// One sellable variant of a product.
    SkuKind = "sku";
    /// A product image.
    ImageKind = "img";
    /// One line of the stock ledger.
    StockMoveKind = "stk";
    /// A bulk import of products from a CSV file.
    ImportKind = "imp";
    /// A seller's promotion: a product discount or a flash sale.
    PromotionKind = "prm";
    /// A voucher, a seller's or the platform's.
    VoucherKind = "vch";
    /// A short video with tagged products.
    VideoKind = "vid";
    /// A live shopping session.
    LiveKind = "liv";
    /// A viewer's comment on a live.
    LiveCommentKind = "lcm";
    /// A buyer's (or a guest's) cart.
    CartKind = "crt";
    /// A buyer's delivery address.
    AddressKind = "adr";
    /// One placed checkout: the orders of one confirmation, paid together.
    CheckoutKind = "chk";
    /// One shop's part of a checkout: one package.
    OrderKind = "ord";
    /// A payment of a checkout through the gateway.
    PaymentKind = "pay";
    /// One buyer's chat with one shop.
    ConversationKind = "cnv";
    /// One message of a chat.
    MessageKind = "msg";
}

pub type UserId = Id<UserKind>;
pub type SellerId = Id<SellerKind>;
pub type MemberId = Id<MemberKind>;
pub type InvitationId = Id<InvitationKind>;
pub type ApiKeyId = Id<ApiKeyKind>;
pub type AuditId = Id<AuditKind>;
pub type EventId = Id<EventKind>;
pub type DecisionId = Id<DecisionKind>;
pub type MailId = Id<MailKind>;
pub type NotificationId = Id<NotificationKind>;
pub type ProductId = Id<ProductKind>;
pub type SkuId = Id<SkuKind>;
pub type ImageId = Id<ImageKind>;
pub type StockMoveId = Id<StockMoveKind>;
pub type ImportId = Id<ImportKind>;
pub type PromotionId = Id<PromotionKind>;
pub type VoucherId = Id<VoucherKind>;
pub type VideoId = Id<VideoKind>;
pub type LiveId = Id<LiveKind>;
pub type LiveCommentId = Id<LiveCommentKind>;
pub type CartId = Id<CartKind>;
pub type AddressId = Id<AddressKind>;
pub type CheckoutId = Id<CheckoutKind>;
pub type OrderId = Id<OrderKind>;
pub type PaymentId = Id<PaymentKind>;
pub type ConversationId = Id<ConversationKind>;
pub type MessageId = Id<MessageKind>;

pub struct Id<K: IdKind> {
    ulid: Ulid,
    kind: PhantomData<K>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {expected_prefix}_… id")]
pub struct IdParseError {
    pub expected_prefix: &'static str,
}

impl<K: IdKind> Id<K> {
    /// A fresh id. Generation reads the clock and a random source, the only
    /// impurity this crate allows itself, because ids must be creatable anywhere.
    pub fn generate() -> Self {
        Self::from_ulid(Ulid::new())
    }

    pub fn from_ulid(ulid: Ulid) -> Self {
        Self {
            ulid,
            kind: PhantomData,
        }
    }

    pub fn ulid(&self) -> Ulid {
        self.ulid
    }

    pub fn parse(text: &str) -> Result<Self, IdParseError> {
        let error = IdParseError {
            expected_prefix: K::PREFIX,
        };
        let rest = text
            .strip_prefix(K::PREFIX)
            .and_then(|r| r.strip_prefix('_'))
            .ok_or(error.clone())?;
        if rest.len() != 26 {
            return Err(error);
        }
        Ulid::from_string(&rest.to_ascii_uppercase())
            .map(Self::from_ulid)
            .map_err(|_| error)
    }
}

// Manual impls: derives would demand the marker kind implement the traits too.
impl<K: IdKind> Clone for Id<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: IdKind> Copy for Id<K> {}
impl<K: IdKind> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.ulid == other.ulid
    }
}
impl<K: IdKind> Eq for Id<K> {}
impl<K: IdKind> std::hash::Hash for Id<K> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.ulid.hash(state)
    }
}
impl<K: IdKind> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: IdKind> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.ulid.cmp(&other.ulid)
    }
}

impl<K: IdKind> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}_{}",
            K::PREFIX,
            self.ulid.to_string().to_ascii_lowercase()
        )
    }
}

impl<K: IdKind> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<K: IdKind> FromStr for Id<K> {
    type Err = IdParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<K: IdKind> Serialize for Id<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, K: IdKind> Deserialize<'de> for Id<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text() {
        let id = UserId::generate();
        let text = id.to_string();
        assert!(text.starts_with("usr_"));
        assert_eq!(text.len(), 30);
        assert_eq!(UserId::parse(&text), Ok(id));
    }

    #[test]
    fn refuses_another_kind_of_id() {
        let seller = SellerId::generate().to_string();
        assert!(UserId::parse(&seller).is_err());
        assert!(UserId::parse("usr_").is_err());
        assert!(UserId::parse("usr_!!!!!!!!!!!!!!!!!!!!!!!!!!").is_err());
    }

    #[test]
    fn later_ids_sort_after_earlier_ones() {
        let a = Id::<EventKind>::from_ulid(Ulid::from_parts(1_000, 5));
        let b = Id::<EventKind>::from_ulid(Ulid::from_parts(2_000, 1));
        assert!(a < b);
        assert!(a.to_string() < b.to_string());
    }
}
