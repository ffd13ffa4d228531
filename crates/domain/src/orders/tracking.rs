//! What couriers report about a package, and what each report means for
//! its order. Reports arrive late, twice or out of order: a report moves
//! the order only forward, through every status in between (a "delivered"
//! that overtakes its "picked up" collects and delivers), and a report the
//! order has moved past is kept on the timeline without moving it.

use serde::{Deserialize, Serialize};

use crate::checkout::OrderStatus;
use crate::orders::{CancelReason, OrderEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackingKind {
    PickedUp,
    InTransit,
    OutForDelivery,
    Delivered,
    FailedAttempt,
    ReturnedToSender,
}

impl TrackingKind {
    pub const ALL: [TrackingKind; 6] = [
        TrackingKind::PickedUp,
        TrackingKind::InTransit,
        TrackingKind::OutForDelivery,
        TrackingKind::Delivered,
        TrackingKind::FailedAttempt,
        TrackingKind::ReturnedToSender,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TrackingKind::PickedUp => "picked_up",
            TrackingKind::InTransit => "in_transit",
            TrackingKind::OutForDelivery => "out_for_delivery",
            TrackingKind::Delivered => "delivered",
            TrackingKind::FailedAttempt => "failed_attempt",
            TrackingKind::ReturnedToSender => "returned_to_sender",
        }
    }

    pub fn parse(text: &str) -> Option<TrackingKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The order events this report stands for, from an order in `status`:
    /// empty when it moves nothing (a report on the way, or one the order
    /// is already past).
    pub fn events_from(self, status: OrderStatus) -> Vec<OrderEvent> {
        use OrderStatus as S;
        let path: &[OrderEvent] = match (self, status) {
            (TrackingKind::ReturnedToSender, S::InTransit) => {
                &[OrderEvent::Cancelled(CancelReason::ReturnedToSender)]
            }
            (TrackingKind::ReturnedToSender, S::AwaitingCollection) => &[
                OrderEvent::Collected,
                OrderEvent::Cancelled(CancelReason::ReturnedToSender),
            ],
            (TrackingKind::Delivered, S::InTransit) => &[OrderEvent::Delivered],
            (TrackingKind::Delivered, S::AwaitingCollection) => {
                &[OrderEvent::Collected, OrderEvent::Delivered]
            }
            // Any sign of the package moving means the courier has it.
            (_, S::AwaitingCollection) => &[OrderEvent::Collected],
            _ => &[],
        };
        path.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies reports in the order given; returns the final status.
    fn apply(mut status: OrderStatus, reports: &[TrackingKind]) -> OrderStatus {
        for report in reports {
            for event in report.events_from(status) {
                status = status.after(event).expect("a report's path is legal");
            }
        }
        status
    }

    #[test]
    fn reports_in_order_move_the_order_to_delivered() {
        use TrackingKind as K;
        let all = [
            K::PickedUp,
            K::InTransit,
            K::OutForDelivery,
            K::FailedAttempt,
            K::Delivered,
        ];
        assert_eq!(
            apply(OrderStatus::AwaitingCollection, &all),
            OrderStatus::Delivered
        );
    }

    #[test]
    fn late_and_repeated_reports_never_move_an_order_back() {
        use TrackingKind as K;
        let shuffled = [K::Delivered, K::PickedUp, K::InTransit, K::Delivered];
        assert_eq!(
            apply(OrderStatus::AwaitingCollection, &shuffled),
            OrderStatus::Delivered
        );
        for kind in TrackingKind::ALL {
            for final_status in [OrderStatus::Completed, OrderStatus::Cancelled] {
                assert!(kind.events_from(final_status).is_empty());
            }
            assert_eq!(TrackingKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn a_package_brought_back_cancels_its_order() {
        use TrackingKind as K;
        assert_eq!(
            apply(
                OrderStatus::AwaitingCollection,
                &[K::PickedUp, K::FailedAttempt, K::ReturnedToSender]
            ),
            OrderStatus::Cancelled
        );
        assert_eq!(
            apply(OrderStatus::AwaitingCollection, &[K::ReturnedToSender]),
            OrderStatus::Cancelled
        );
        // Once delivered, a stray "returned" report changes nothing.
        assert_eq!(
            apply(OrderStatus::Delivered, &[K::ReturnedToSender]),
            OrderStatus::Delivered
        );
    }
}
