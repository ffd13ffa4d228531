//! The deadlines an order carries once it is the seller's to send, and the
//! platform settings they come from. Ship-by and collect-by count
//! Indonesian working days and end at midnight WIB, so a seller always has
//! whole working days; the delivery and return windows count calendar days.

use crate::Timestamp;
use crate::calendar::WorkingCalendar;
use crate::orders::ShippingMode;

/// The platform's fulfilment settings (domain-facts: Orders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FulfilmentPolicy {
    /// Working days a seller has to arrange shipment of a paid (or COD)
    /// order.
    pub ship_within_working_days: u32,
    /// Working days a pre-order gets beyond the days it promised.
    pub preorder_grace_working_days: u32,
    /// Working days after arranging shipment for the package to reach the
    /// courier.
    pub collect_within_working_days: u32,
    /// Days a package the seller sent by their own courier has to arrive.
    pub deliver_within_days: i64,
    /// Days after delivery in which the buyer may ask for a return; when
    /// they pass, the order completes.
    pub return_window_days: i64,
    /// A package with the courier within this many hours of the order
    /// becoming the seller's to send counts as a fast dispatch.
    pub fast_dispatch_hours: i64,
}

impl Default for FulfilmentPolicy {
    fn default() -> Self {
        FulfilmentPolicy {
            ship_within_working_days: 2,
            preorder_grace_working_days: 2,
            collect_within_working_days: 1,
            deliver_within_days: 15,
            return_window_days: 6,
            fast_dispatch_hours: 24,
        }
    }
}

/// The last instant of the WIB day `days` working days after `at`'s day.
fn end_of_working_day_after(calendar: &WorkingCalendar, at: Timestamp, days: u32) -> Timestamp {
    Timestamp::end_of_wib_day(calendar.add_working_days(at.wib_date(), days).date)
}

impl FulfilmentPolicy {
    /// When an order that became the seller's to send at `ready_at` must
    /// have its shipment arranged: the platform's working days, or a
    /// pre-order's promised days plus the grace.
    pub fn ship_by(
        &self,
        calendar: &WorkingCalendar,
        ready_at: Timestamp,
        preorder_days: Option<u32>,
    ) -> Timestamp {
        let days = match preorder_days {
            Some(days) if days > 0 => days + self.preorder_grace_working_days,
            _ => self.ship_within_working_days,
        };
        end_of_working_day_after(calendar, ready_at, days)
    }

    /// When a package arranged at `arranged_at` must be with the courier.
    pub fn collect_by(&self, calendar: &WorkingCalendar, arranged_at: Timestamp) -> Timestamp {
        end_of_working_day_after(calendar, arranged_at, self.collect_within_working_days)
    }

    /// When a package must have arrived: only the seller's own courier is
    /// held to it (the platform's couriers answer for their own).
    pub fn deliver_by(&self, mode: ShippingMode, dispatched_at: Timestamp) -> Option<Timestamp> {
        match mode {
            ShippingMode::Seller => {
                Some(dispatched_at.plus_seconds(self.deliver_within_days * 86_400))
            }
            ShippingMode::Platform => None,
        }
    }

    /// When a delivered order completes if no return was asked for.
    pub fn complete_by(&self, delivered_at: Timestamp) -> Timestamp {
        delivered_at.plus_seconds(self.return_window_days * 86_400)
    }

    /// A dispatch after the ship-by deadline is late.
    pub fn is_late_dispatch(&self, ship_by: Timestamp, dispatched_at: Timestamp) -> bool {
        dispatched_at > ship_by
    }

    pub fn is_fast_dispatch(&self, ready_at: Timestamp, dispatched_at: Timestamp) -> bool {
        dispatched_at.seconds_since(ready_at) <= self.fast_dispatch_hours * 3600
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::calendar;

    fn at(dt: time::OffsetDateTime) -> Timestamp {
        Timestamp::from_datetime(dt)
    }

    #[test]
    fn a_paid_order_ships_by_the_end_of_the_second_working_day_in_wib() {
        let policy = FulfilmentPolicy::default();
        let cal = calendar::indonesia();
        // Paid Thursday 2026-11-26 at 10:00 WIB: Friday and Monday are the
        // two working days, so the deadline is Monday 23:59:59.999 WIB.
        let paid = at(datetime!(2026-11-26 10:00 +7));
        let due = policy.ship_by(cal, paid, None);
        assert_eq!(due, at(datetime!(2026-11-30 23:59:59.999 +7)));
        // The day is WIB's: 23:30 WIB Thursday is Thursday, while 06:30 WIB
        // Friday (still Thursday in UTC) is Friday.
        let late_night = at(datetime!(2026-11-26 23:30 +7));
        assert_eq!(policy.ship_by(cal, late_night, None), due);
        let friday_dawn = at(datetime!(2026-11-27 06:30 +7));
        assert_eq!(
            policy.ship_by(cal, friday_dawn, None),
            at(datetime!(2026-12-01 23:59:59.999 +7))
        );
    }

    #[test]
    fn holidays_do_not_count_and_a_preorder_gets_its_days_plus_the_grace() {
        let policy = FulfilmentPolicy::default();
        let cal = calendar::indonesia();
        // 24 and 25 December 2026: cuti bersama and Christmas.
        let paid = at(datetime!(2026-12-23 09:00 +7));
        assert_eq!(
            policy.ship_by(cal, paid, None),
            at(datetime!(2026-12-29 23:59:59.999 +7))
        );
        // A 5-day pre-order paid on Monday 2026-11-30: 7 working days.
        let monday = at(datetime!(2026-11-30 09:00 +7));
        assert_eq!(
            policy.ship_by(cal, monday, Some(5)),
            at(datetime!(2026-12-09 23:59:59.999 +7))
        );
        assert_eq!(
            policy.ship_by(cal, monday, Some(0)),
            policy.ship_by(cal, monday, None)
        );
    }

    #[test]
    fn collection_delivery_and_completion_windows() {
        let policy = FulfilmentPolicy::default();
        let cal = calendar::indonesia();
        let friday = at(datetime!(2026-11-27 15:00 +7));
        assert_eq!(
            policy.collect_by(cal, friday),
            at(datetime!(2026-11-30 23:59:59.999 +7))
        );
        assert_eq!(policy.deliver_by(ShippingMode::Platform, friday), None);
        assert_eq!(
            policy.deliver_by(ShippingMode::Seller, friday),
            Some(friday.plus_seconds(15 * 86_400))
        );
        assert_eq!(policy.complete_by(friday), friday.plus_seconds(6 * 86_400));
        let ship_by = policy.ship_by(cal, friday, None);
        assert!(!policy.is_late_dispatch(ship_by, ship_by));
        assert!(policy.is_late_dispatch(ship_by, ship_by.plus_seconds(1)));
        assert!(policy.is_fast_dispatch(friday, friday.plus_seconds(24 * 3600)));
        assert!(!policy.is_fast_dispatch(friday, friday.plus_seconds(24 * 3600 + 1)));
    }
}
