//! The order's life as a state machine. A status changes only through
//! [`OrderStatus::after`], which either names the next status or refuses
//! the event; the store then moves the order only if it is still in the
//! status the decision was made from, so two writers never both move it.
//!
//! ```text
//! awaiting_payment ─paid─▶ awaiting_shipment ─arranged─▶ awaiting_collection ─collected─▶ in_transit
//!                                  └──────────handed over (seller's own courier)─────────────▲
//! in_transit ─delivered─▶ delivered ─return window closed / receipt confirmed─▶ completed
//! cancelled: by the buyer or seller before in_transit; by the platform at a deadline
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ErrorCode;
use crate::checkout::OrderStatus;

/// Who cancelled an order. Only a seller's cancellations (and the
/// platform's for a seller's missed deadline) count against the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelledBy {
    Buyer,
    Seller,
    System,
}

impl CancelledBy {
    pub fn as_str(self) -> &'static str {
        match self {
            CancelledBy::Buyer => "buyer",
            CancelledBy::Seller => "seller",
            CancelledBy::System => "system",
        }
    }

    pub fn parse(text: &str) -> Option<CancelledBy> {
        [CancelledBy::Buyer, CancelledBy::Seller, CancelledBy::System]
            .into_iter()
            .find(|c| c.as_str() == text)
    }
}

/// Why an order was cancelled. Each reason belongs to one party, so a
/// cancellation can never carry a reason its party may not give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    BuyerChangedMind,
    BuyerWrongAddress,
    BuyerChangeOrder,
    BuyerOther,
    SellerOutOfStock,
    SellerCannotShip,
    SellerBuyerAsked,
    /// The payment deadline passed.
    PaymentExpired,
    /// The seller did not arrange shipment by the ship-by deadline.
    NotShippedInTime,
    /// The package was not handed to the courier by the collect-by deadline.
    NotCollectedInTime,
    /// A package the seller sent by their own courier was not delivered
    /// within the delivery window.
    NotDeliveredInTime,
    /// The courier could not deliver and brought the package back.
    ReturnedToSender,
}

impl CancelReason {
    pub const ALL: [CancelReason; 12] = [
        CancelReason::BuyerChangedMind,
        CancelReason::BuyerWrongAddress,
        CancelReason::BuyerChangeOrder,
        CancelReason::BuyerOther,
        CancelReason::SellerOutOfStock,
        CancelReason::SellerCannotShip,
        CancelReason::SellerBuyerAsked,
        CancelReason::PaymentExpired,
        CancelReason::NotShippedInTime,
        CancelReason::NotCollectedInTime,
        CancelReason::NotDeliveredInTime,
        CancelReason::ReturnedToSender,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CancelReason::BuyerChangedMind => "buyer_changed_mind",
            CancelReason::BuyerWrongAddress => "buyer_wrong_address",
            CancelReason::BuyerChangeOrder => "buyer_change_order",
            CancelReason::BuyerOther => "buyer_other",
            CancelReason::SellerOutOfStock => "seller_out_of_stock",
            CancelReason::SellerCannotShip => "seller_cannot_ship",
            CancelReason::SellerBuyerAsked => "seller_buyer_asked",
            CancelReason::PaymentExpired => "payment_expired",
            CancelReason::NotShippedInTime => "not_shipped_in_time",
            CancelReason::NotCollectedInTime => "not_collected_in_time",
            CancelReason::NotDeliveredInTime => "not_delivered_in_time",
            CancelReason::ReturnedToSender => "returned_to_sender",
        }
    }

    pub fn parse(text: &str) -> Option<CancelReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn party(self) -> CancelledBy {
        match self {
            CancelReason::BuyerChangedMind
            | CancelReason::BuyerWrongAddress
            | CancelReason::BuyerChangeOrder
            | CancelReason::BuyerOther => CancelledBy::Buyer,
            CancelReason::SellerOutOfStock
            | CancelReason::SellerCannotShip
            | CancelReason::SellerBuyerAsked => CancelledBy::Seller,
            _ => CancelledBy::System,
        }
    }

    /// The reasons a party may choose on a form.
    pub fn chosen_by(party: CancelledBy) -> impl Iterator<Item = CancelReason> {
        Self::ALL.into_iter().filter(move |r| r.party() == party)
    }

    /// Whether the cancellation counts in the shop's seller-fault
    /// cancellation rate: the seller's own, and the platform's for a
    /// deadline the seller missed.
    pub fn counts_against_seller(self) -> bool {
        matches!(
            self,
            CancelReason::SellerOutOfStock
                | CancelReason::SellerCannotShip
                | CancelReason::SellerBuyerAsked
                | CancelReason::NotShippedInTime
                | CancelReason::NotCollectedInTime
                | CancelReason::NotDeliveredInTime
        )
    }

    /// The only status this reason can cancel from when it is the
    /// platform's (a deadline belongs to one status); none for a buyer's or
    /// seller's reason, which the party rules decide.
    fn system_from(self) -> Option<OrderStatus> {
        match self {
            CancelReason::PaymentExpired => Some(OrderStatus::AwaitingPayment),
            CancelReason::NotShippedInTime => Some(OrderStatus::AwaitingShipment),
            CancelReason::NotCollectedInTime => Some(OrderStatus::AwaitingCollection),
            CancelReason::NotDeliveredInTime | CancelReason::ReturnedToSender => {
                Some(OrderStatus::InTransit)
            }
            _ => None,
        }
    }
}

/// How a package reaches the courier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShippingMode {
    /// The platform books the courier, which issues the resi and picks the
    /// package up; tracking comes from the courier's webhook.
    Platform,
    /// The seller takes the package to a courier and enters its resi.
    Seller,
}

impl ShippingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ShippingMode::Platform => "platform",
            ShippingMode::Seller => "seller",
        }
    }

    pub fn parse(text: &str) -> Option<ShippingMode> {
        match text {
            "platform" => Some(ShippingMode::Platform),
            "seller" => Some(ShippingMode::Seller),
            _ => None,
        }
    }
}

/// Something that happens to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderEvent {
    Paid,
    /// Platform logistics booked: a label and resi exist, the courier is
    /// to collect.
    ShipmentArranged,
    /// The seller handed the package to a courier of their choosing and
    /// entered its resi.
    HandedOver,
    /// The courier picked the package up.
    Collected,
    Delivered,
    /// The buyer says the package arrived (no return asked for).
    ReceiptConfirmed,
    /// The return window after delivery passed with no return.
    ReturnWindowClosed,
    Cancelled(CancelReason),
}

impl OrderEvent {
    /// The stable name written to the order's timeline and outbox.
    pub fn name(self) -> &'static str {
        match self {
            OrderEvent::Paid => "paid",
            OrderEvent::ShipmentArranged => "shipment_arranged",
            OrderEvent::HandedOver => "handed_over",
            OrderEvent::Collected => "collected",
            OrderEvent::Delivered => "delivered",
            OrderEvent::ReceiptConfirmed => "receipt_confirmed",
            OrderEvent::ReturnWindowClosed => "return_window_closed",
            OrderEvent::Cancelled(_) => "cancelled",
        }
    }
}

/// An event the order's status does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition {
    pub from: OrderStatus,
    pub event: OrderEvent,
}

impl IllegalTransition {
    /// The error a user sees: what they tried, said in terms of the order.
    pub fn code(self) -> ErrorCode {
        match self.event {
            OrderEvent::ShipmentArranged | OrderEvent::HandedOver => ErrorCode::OrderNotShippable,
            OrderEvent::Cancelled(_) => ErrorCode::OrderNotCancellable,
            OrderEvent::ReceiptConfirmed => ErrorCode::OrderNotReceivable,
            _ => ErrorCode::IllegalTransition,
        }
    }
}

impl fmt::Display for IllegalTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an order {} cannot take the event {}",
            self.from.as_str(),
            self.event.name()
        )
    }
}

impl OrderStatus {
    /// The status after `event`, or why the event is refused.
    pub fn after(self, event: OrderEvent) -> Result<OrderStatus, IllegalTransition> {
        use OrderStatus as S;
        let next = match (self, event) {
            (S::AwaitingPayment, OrderEvent::Paid) => Some(S::AwaitingShipment),
            (S::AwaitingShipment, OrderEvent::ShipmentArranged) => Some(S::AwaitingCollection),
            (S::AwaitingShipment | S::AwaitingCollection, OrderEvent::HandedOver) => {
                Some(S::InTransit)
            }
            (S::AwaitingCollection, OrderEvent::Collected) => Some(S::InTransit),
            (S::InTransit, OrderEvent::Delivered) => Some(S::Delivered),
            (S::InTransit | S::Delivered, OrderEvent::ReceiptConfirmed) => Some(S::Completed),
            (S::Delivered, OrderEvent::ReturnWindowClosed) => Some(S::Completed),
            (from, OrderEvent::Cancelled(reason)) => {
                let allowed = match reason.party() {
                    CancelledBy::Buyer => from.holds_stock(),
                    CancelledBy::Seller => {
                        matches!(from, S::AwaitingShipment | S::AwaitingCollection)
                    }
                    CancelledBy::System => reason.system_from() == Some(from),
                };
                allowed.then_some(S::Cancelled)
            }
            _ => None,
        };
        next.ok_or(IllegalTransition { from: self, event })
    }

    /// Whether the status takes `event`: what pages ask before offering
    /// an action, so a button is never shown that the machine would refuse.
    pub fn allows(self, event: OrderEvent) -> bool {
        self.after(event).is_ok()
    }
}

#[cfg(test)]
#[path = "machine_tests.rs"]
mod tests;
