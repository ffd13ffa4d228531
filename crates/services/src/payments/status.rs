//! What a gateway status means for a payment, and the one direction a
//! payment moves in: pending → failed/expired → paid → refunded. A status
//! older than the one known (a `pending` after `settlement`) changes
//! nothing; money the gateway says it took always counts, even after an
//! attempt was recorded as failed.

use etalase_store::payments::PaymentStatus;

/// The meaning of a gateway's `transaction_status` (with `fraud_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The money is taken: `settlement`, or `capture` the fraud check accepted.
    Paid,
    /// Waiting for the buyer (or a fraud review): nothing to change.
    Waiting,
    Failed,
    Expired,
    /// Money went back (through the platform's refund, or the gateway's
    /// dashboard): the platform's own refund records say how much.
    Refunded,
    /// A status this code does not know: nothing to change.
    Unknown,
}

pub(crate) fn verdict(transaction_status: &str, fraud_status: Option<&str>) -> Verdict {
    match transaction_status {
        "settlement" => Verdict::Paid,
        "capture" if fraud_status == Some("accept") => Verdict::Paid,
        "capture" | "pending" | "authorize" => Verdict::Waiting,
        "deny" | "cancel" | "failure" => Verdict::Failed,
        "expire" => Verdict::Expired,
        "refund" | "partial_refund" | "chargeback" | "partial_chargeback" => Verdict::Refunded,
        _ => Verdict::Unknown,
    }
}

/// Where a payment in `current` goes on `verdict`; `None` to stay.
pub(crate) fn next(current: PaymentStatus, verdict: Verdict) -> Option<PaymentStatus> {
    use PaymentStatus as S;
    match (verdict, current) {
        (Verdict::Paid, S::Pending | S::Failed | S::Expired) => Some(S::Paid),
        (Verdict::Failed, S::Pending) => Some(S::Failed),
        (Verdict::Expired, S::Pending) => Some(S::Expired),
        _ => None,
    }
}

/// The statuses from which a payment moves to `to` (for the conditional
/// update that makes the move happen once).
pub(crate) fn sources(to: PaymentStatus) -> &'static [PaymentStatus] {
    use PaymentStatus as S;
    match to {
        S::Paid => &[S::Pending, S::Failed, S::Expired],
        S::Failed | S::Expired => &[S::Pending],
        _ => &[],
    }
}

/// The gateway's `status_code` for a `transaction_status` (what the
/// sandbox sends; Midtrans's codes).
pub(crate) fn status_code(transaction_status: &str) -> &'static str {
    match transaction_status {
        "pending" => "201",
        "deny" => "202",
        "expire" => "407",
        _ => "200",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentStatus as S;

    #[test]
    fn only_settlement_or_an_accepted_capture_is_paid() {
        assert_eq!(verdict("settlement", None), Verdict::Paid);
        assert_eq!(verdict("capture", Some("accept")), Verdict::Paid);
        assert_eq!(verdict("capture", Some("challenge")), Verdict::Waiting);
        assert_eq!(verdict("capture", None), Verdict::Waiting);
        assert_eq!(verdict("pending", None), Verdict::Waiting);
        assert_eq!(verdict("deny", None), Verdict::Failed);
        assert_eq!(verdict("cancel", None), Verdict::Failed);
        assert_eq!(verdict("failure", None), Verdict::Failed);
        assert_eq!(verdict("expire", None), Verdict::Expired);
        assert_eq!(verdict("partial_refund", None), Verdict::Refunded);
        assert_eq!(verdict("SETTLEMENT", None), Verdict::Unknown);
    }

    #[test]
    fn statuses_never_go_backwards() {
        // A late `pending` or `expire` after the money arrived changes nothing.
        for late in [Verdict::Waiting, Verdict::Failed, Verdict::Expired] {
            assert_eq!(next(S::Paid, late), None);
            assert_eq!(next(S::Refunded, late), None);
            assert_eq!(next(S::PartiallyRefunded, late), None);
        }
        assert_eq!(next(S::Paid, Verdict::Paid), None, "paid once");
        assert_eq!(next(S::Failed, Verdict::Expired), None);
        assert_eq!(next(S::Expired, Verdict::Failed), None);
        assert_eq!(next(S::Pending, Verdict::Waiting), None);
        assert_eq!(next(S::Pending, Verdict::Unknown), None);
        assert_eq!(next(S::Pending, Verdict::Refunded), None);
    }

    #[test]
    fn money_taken_counts_whatever_was_recorded_before() {
        assert_eq!(next(S::Pending, Verdict::Paid), Some(S::Paid));
        assert_eq!(next(S::Failed, Verdict::Paid), Some(S::Paid));
        assert_eq!(next(S::Expired, Verdict::Paid), Some(S::Paid));
        assert_eq!(next(S::Pending, Verdict::Failed), Some(S::Failed));
        assert_eq!(next(S::Pending, Verdict::Expired), Some(S::Expired));
        for to in [S::Paid, S::Failed, S::Expired] {
            for from in sources(to) {
                assert!(
                    next(*from, verdict_for(to)) == Some(to),
                    "{from:?} → {to:?}"
                );
            }
        }
    }

    fn verdict_for(to: PaymentStatus) -> Verdict {
        match to {
            S::Paid => Verdict::Paid,
            S::Failed => Verdict::Failed,
            _ => Verdict::Expired,
        }
    }

    #[test]
    fn status_codes_follow_the_gateway() {
        assert_eq!(status_code("settlement"), "200");
        assert_eq!(status_code("pending"), "201");
        assert_eq!(status_code("deny"), "202");
        assert_eq!(status_code("expire"), "407");
    }
}
