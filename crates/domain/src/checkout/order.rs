//! An order's states and how it is paid. Issue-wise the fulfilment states
//! (collection, transit, delivery) belong to the orders context; checkout
//! creates orders in the first two and cancels unpaid ones.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    AwaitingPayment,
    AwaitingShipment,
    AwaitingCollection,
    InTransit,
    Delivered,
    Completed,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::AwaitingPayment,
        OrderStatus::AwaitingShipment,
        OrderStatus::AwaitingCollection,
        OrderStatus::InTransit,
        OrderStatus::Delivered,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::AwaitingShipment => "awaiting_shipment",
            OrderStatus::AwaitingCollection => "awaiting_collection",
            OrderStatus::InTransit => "in_transit",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Completed => "completed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<OrderStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether what the order took (stock, flash units, vouchers) is still
    /// held and given back by a cancellation: until the courier has it.
    pub fn holds_stock(self) -> bool {
        matches!(
            self,
            OrderStatus::AwaitingPayment
                | OrderStatus::AwaitingShipment
                | OrderStatus::AwaitingCollection
        )
    }

    /// Whether its units count as sold (the Shop's "terjual"): the order is
    /// the seller's to send or sent — paid, or placed with COD — and not
    /// cancelled. An unpaid order is not a sale yet.
    pub fn counts_as_sold(self) -> bool {
        !matches!(self, OrderStatus::AwaitingPayment | OrderStatus::Cancelled)
    }

    /// How a move from `self` to `to` changes the units sold: +1 when the
    /// order becomes a sale, -1 when a sale is cancelled, else 0.
    pub fn sold_delta(self, to: OrderStatus) -> i64 {
        i64::from(to.counts_as_sold()) - i64::from(self.counts_as_sold())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Cash on delivery: the order goes to the seller at once.
    Cod,
    /// Paid through the payment gateway's hosted page (VA, QRIS, e-wallet).
    Gateway,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cod => "cod",
            PaymentMethod::Gateway => "gateway",
        }
    }

    pub fn parse(text: &str) -> Option<PaymentMethod> {
        match text {
            "cod" => Some(PaymentMethod::Cod),
            "gateway" => Some(PaymentMethod::Gateway),
            _ => None,
        }
    }

    /// The state a new order starts in.
    pub fn first_status(self) -> OrderStatus {
        match self {
            PaymentMethod::Cod => OrderStatus::AwaitingShipment,
            PaymentMethod::Gateway => OrderStatus::AwaitingPayment,
        }
    }
}

/// The platform's payment settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentPolicy {
    /// How long a buyer has to pay a gateway order before it is cancelled
    /// and its stock released.
    pub payment_window_secs: i64,
    /// The largest checkout total payable by COD (a courier carries the
    /// cash; couriers cap it).
    pub cod_max_total: i64,
}

impl Default for PaymentPolicy {
    fn default() -> Self {
        PaymentPolicy {
            payment_window_secs: 24 * 3600,
            cod_max_total: 5_000_000,
        }
    }
}

impl PaymentPolicy {
    /// When an order placed at `at` must be paid by (none for COD).
    pub fn pay_by(&self, method: PaymentMethod, at: Timestamp) -> Option<Timestamp> {
        match method {
            PaymentMethod::Cod => None,
            PaymentMethod::Gateway => Some(at.plus_seconds(self.payment_window_secs)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_methods_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
        for m in [PaymentMethod::Cod, PaymentMethod::Gateway] {
            assert_eq!(PaymentMethod::parse(m.as_str()), Some(m));
        }
    }

    #[test]
    fn cod_ships_at_once_and_a_gateway_order_waits_for_payment() {
        let policy = PaymentPolicy::default();
        let at = Timestamp::from_unix_millis(1_000_000);
        assert_eq!(
            PaymentMethod::Cod.first_status(),
            OrderStatus::AwaitingShipment
        );
        assert_eq!(policy.pay_by(PaymentMethod::Cod, at), None);
        assert_eq!(
            policy.pay_by(PaymentMethod::Gateway, at),
            Some(at.plus_seconds(86_400))
        );
        assert!(!OrderStatus::InTransit.holds_stock());
        assert!(OrderStatus::AwaitingPayment.holds_stock());
    }

    #[test]
    fn a_sale_counts_from_payment_or_cod_until_a_cancellation() {
        use OrderStatus as S;
        assert_eq!(
            PaymentMethod::Cod
                .first_status()
                .sold_delta(S::AwaitingShipment),
            0
        );
        assert_eq!(S::AwaitingPayment.sold_delta(S::AwaitingShipment), 1);
        assert_eq!(S::AwaitingPayment.sold_delta(S::Cancelled), 0);
        for sold in [
            S::AwaitingShipment,
            S::AwaitingCollection,
            S::InTransit,
            S::Delivered,
            S::Completed,
        ] {
            assert!(sold.counts_as_sold());
            assert_eq!(sold.sold_delta(S::Cancelled), -1, "{sold:?}");
            assert_eq!(S::AwaitingShipment.sold_delta(sold), 0);
        }
        assert!(!S::AwaitingPayment.counts_as_sold() && !S::Cancelled.counts_as_sold());
    }
}
