//! Seller Center's order tabs: which statuses each shows, and which ones
//! ask the seller to act (those show a count).

use crate::checkout::OrderStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderTab {
    Unpaid,
    ToShip,
    ReadyToShip,
    Shipping,
    Done,
    Cancelled,
    All,
}

impl OrderTab {
    pub const ALL: [OrderTab; 7] = [
        OrderTab::ToShip,
        OrderTab::ReadyToShip,
        OrderTab::Shipping,
        OrderTab::Done,
        OrderTab::Cancelled,
        OrderTab::Unpaid,
        OrderTab::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderTab::Unpaid => "unpaid",
            OrderTab::ToShip => "to_ship",
            OrderTab::ReadyToShip => "ready_to_ship",
            OrderTab::Shipping => "shipping",
            OrderTab::Done => "done",
            OrderTab::Cancelled => "cancelled",
            OrderTab::All => "all",
        }
    }

    pub fn parse(text: &str) -> Option<OrderTab> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    pub fn statuses(self) -> &'static [OrderStatus] {
        use OrderStatus as S;
        match self {
            OrderTab::Unpaid => &[S::AwaitingPayment],
            OrderTab::ToShip => &[S::AwaitingShipment],
            OrderTab::ReadyToShip => &[S::AwaitingCollection],
            OrderTab::Shipping => &[S::InTransit],
            OrderTab::Done => &[S::Delivered, S::Completed],
            OrderTab::Cancelled => &[S::Cancelled],
            OrderTab::All => &OrderStatus::ALL,
        }
    }

    /// Tabs of orders waiting on the seller or the courier: their counts
    /// are shown (they stay small; finished orders only grow).
    pub fn is_counted(self) -> bool {
        matches!(
            self,
            OrderTab::Unpaid | OrderTab::ToShip | OrderTab::ReadyToShip | OrderTab::Shipping
        )
    }

    /// Orders to send are listed by deadline, the rest newest first.
    pub fn by_deadline(self) -> bool {
        matches!(self, OrderTab::ToShip | OrderTab::ReadyToShip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_is_in_exactly_one_tab_besides_all() {
        for status in OrderStatus::ALL {
            let tabs: Vec<_> = OrderTab::ALL
                .into_iter()
                .filter(|t| *t != OrderTab::All && t.statuses().contains(&status))
                .collect();
            assert_eq!(tabs.len(), 1, "{status:?} in {tabs:?}");
        }
        for tab in OrderTab::ALL {
            assert_eq!(OrderTab::parse(tab.as_str()), Some(tab));
        }
    }
}
