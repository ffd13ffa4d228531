use super::*;
use OrderStatus as S;

fn events() -> Vec<OrderEvent> {
    let mut all = vec![
        OrderEvent::Paid,
        OrderEvent::ShipmentArranged,
        OrderEvent::HandedOver,
        OrderEvent::Collected,
        OrderEvent::Delivered,
        OrderEvent::ReceiptConfirmed,
        OrderEvent::ReturnWindowClosed,
    ];
    all.extend(CancelReason::ALL.map(OrderEvent::Cancelled));
    all
}

/// Every legal move, written out by hand: the table the machine must match.
fn legal() -> Vec<(OrderStatus, OrderEvent, OrderStatus)> {
    use CancelReason as R;
    let mut moves = vec![
        (S::AwaitingPayment, OrderEvent::Paid, S::AwaitingShipment),
        (
            S::AwaitingShipment,
            OrderEvent::ShipmentArranged,
            S::AwaitingCollection,
        ),
        (S::AwaitingShipment, OrderEvent::HandedOver, S::InTransit),
        (S::AwaitingCollection, OrderEvent::HandedOver, S::InTransit),
        (S::AwaitingCollection, OrderEvent::Collected, S::InTransit),
        (S::InTransit, OrderEvent::Delivered, S::Delivered),
        (S::InTransit, OrderEvent::ReceiptConfirmed, S::Completed),
        (S::Delivered, OrderEvent::ReceiptConfirmed, S::Completed),
        (S::Delivered, OrderEvent::ReturnWindowClosed, S::Completed),
        (
            S::AwaitingPayment,
            OrderEvent::Cancelled(R::PaymentExpired),
            S::Cancelled,
        ),
        (
            S::AwaitingShipment,
            OrderEvent::Cancelled(R::NotShippedInTime),
            S::Cancelled,
        ),
        (
            S::AwaitingCollection,
            OrderEvent::Cancelled(R::NotCollectedInTime),
            S::Cancelled,
        ),
        (
            S::InTransit,
            OrderEvent::Cancelled(R::NotDeliveredInTime),
            S::Cancelled,
        ),
        (
            S::InTransit,
            OrderEvent::Cancelled(R::ReturnedToSender),
            S::Cancelled,
        ),
    ];
    for reason in CancelReason::chosen_by(CancelledBy::Buyer) {
        for from in [
            S::AwaitingPayment,
            S::AwaitingShipment,
            S::AwaitingCollection,
        ] {
            moves.push((from, OrderEvent::Cancelled(reason), S::Cancelled));
        }
    }
    for reason in CancelReason::chosen_by(CancelledBy::Seller) {
        for from in [S::AwaitingShipment, S::AwaitingCollection] {
            moves.push((from, OrderEvent::Cancelled(reason), S::Cancelled));
        }
    }
    moves
}

#[test]
fn every_status_and_event_pair_is_legal_exactly_when_the_table_says() {
    let legal = legal();
    let mut checked = 0;
    for from in OrderStatus::ALL {
        for event in events() {
            let expected = legal
                .iter()
                .find(|(f, e, _)| *f == from && *e == event)
                .map(|(_, _, to)| *to);
            match (from.after(event), expected) {
                (Ok(to), Some(want)) => assert_eq!(to, want, "{from:?} + {event:?}"),
                (Err(e), None) => {
                    assert_eq!(e, IllegalTransition { from, event });
                }
                (got, want) => panic!("{from:?} + {event:?}: got {got:?}, want {want:?}"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 7 * 19);
}

#[test]
fn nothing_leaves_a_final_status() {
    for event in events() {
        assert!(S::Completed.after(event).is_err());
        assert!(S::Cancelled.after(event).is_err());
    }
}

#[test]
fn nobody_cancels_a_package_on_its_way_except_the_platform_for_a_failed_delivery() {
    for reason in CancelReason::ALL {
        let allowed = S::InTransit.after(OrderEvent::Cancelled(reason)).is_ok();
        assert_eq!(
            allowed,
            matches!(
                reason,
                CancelReason::NotDeliveredInTime | CancelReason::ReturnedToSender
            ),
            "{reason:?}"
        );
    }
}

#[test]
fn refusals_name_what_the_user_tried() {
    let ship = S::AwaitingPayment
        .after(OrderEvent::HandedOver)
        .unwrap_err();
    assert_eq!(ship.code(), ErrorCode::OrderNotShippable);
    let ship = S::Cancelled
        .after(OrderEvent::ShipmentArranged)
        .unwrap_err();
    assert_eq!(ship.code(), ErrorCode::OrderNotShippable);
    let cancel = S::InTransit
        .after(OrderEvent::Cancelled(CancelReason::SellerOutOfStock))
        .unwrap_err();
    assert_eq!(cancel.code(), ErrorCode::OrderNotCancellable);
    let receive = S::AwaitingShipment
        .after(OrderEvent::ReceiptConfirmed)
        .unwrap_err();
    assert_eq!(receive.code(), ErrorCode::OrderNotReceivable);
    assert!(cancel.to_string().contains("in_transit"));
}

#[test]
fn only_seller_reasons_and_missed_seller_deadlines_count_against_the_shop() {
    for reason in CancelReason::ALL {
        let counts = reason.counts_against_seller();
        match reason.party() {
            CancelledBy::Buyer => assert!(!counts, "{reason:?}"),
            CancelledBy::Seller => assert!(counts, "{reason:?}"),
            CancelledBy::System => assert_eq!(
                counts,
                !matches!(
                    reason,
                    CancelReason::PaymentExpired | CancelReason::ReturnedToSender
                ),
                "{reason:?}"
            ),
        }
        assert_eq!(CancelReason::parse(reason.as_str()), Some(reason));
    }
    for party in [CancelledBy::Buyer, CancelledBy::Seller, CancelledBy::System] {
        assert_eq!(CancelledBy::parse(party.as_str()), Some(party));
    }
    for mode in [ShippingMode::Platform, ShippingMode::Seller] {
        assert_eq!(ShippingMode::parse(mode.as_str()), Some(mode));
    }
}
