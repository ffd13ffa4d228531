//! The "Konsistensi harga" panel's sentences: each price claim that the
//! pricing function does not back, said in the seller's language.

use etalase_domain::content::claims::Mismatch;
use etalase_services::content::claims::Consistency;

use crate::i18n::T;

pub struct MismatchRow {
    /// The words of the caption that make the claim.
    pub quote: String,
    pub text: String,
}

pub fn rows(t: &T, consistency: &Consistency) -> Vec<MismatchRow> {
    consistency
        .mismatches
        .iter()
        .map(|m| MismatchRow {
            quote: claim_of(m).text.clone(),
            text: sentence(t, m),
        })
        .collect()
}

fn claim_of(m: &Mismatch) -> &etalase_domain::content::claims::Claim {
    match m {
        Mismatch::PriceNotCharged { claim, .. }
        | Mismatch::DiscountNotGiven { claim, .. }
        | Mismatch::FreeShippingNotGiven { claim }
        | Mismatch::NothingToCheck { claim }
        | Mismatch::WasNowNotTrue { claim, .. } => claim,
    }
}

fn sentence(t: &T, m: &Mismatch) -> String {
    match m {
        Mismatch::PriceNotCharged { cheapest_real, .. } => {
            t.tf1("videos.claims.price_not_charged", &t.rupiah(*cheapest_real))
        }
        Mismatch::DiscountNotGiven {
            best_real_percent, ..
        } => t.tf1(
            "videos.claims.discount_not_given",
            &best_real_percent.to_string(),
        ),
        Mismatch::FreeShippingNotGiven { .. } => {
            t.t("videos.claims.free_shipping_not_given").to_owned()
        }
        Mismatch::NothingToCheck { .. } => t.t("videos.claims.nothing_to_check").to_owned(),
        Mismatch::WasNowNotTrue { .. } => t.t("videos.claims.was_now_not_true").to_owned(),
    }
}
