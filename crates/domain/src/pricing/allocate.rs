//! Splitting a whole-Rupiah amount over weights, so that shares add up to
//! the amount exactly and no share exceeds its weight.

/// Splits `amount` over `weights` in proportion (largest remainder: each
/// gets the rounded-down share, and the Rupiah left go one each to the
/// largest remainders, the earlier line first on a tie). `amount` must not
/// exceed the weights' sum; shares then never exceed their weight.
pub fn proportional(amount: i64, weights: &[i64]) -> Vec<i64> {
    let total: i128 = weights.iter().map(|w| *w as i128).sum();
    if total <= 0 || amount <= 0 {
        return vec![0; weights.len()];
    }
    let amount = (amount as i128).min(total);
    let mut shares = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = amount * *w as i128;
        shares.push((exact / total) as i64);
        remainders.push((exact % total, i));
    }
    let mut left = (amount - shares.iter().map(|s| *s as i128).sum::<i128>()) as usize;
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_by_weight_and_gives_leftovers_to_the_largest_remainders() {
        assert_eq!(proportional(100, &[100, 100, 100]), vec![34, 33, 33]);
        assert_eq!(
            proportional(9, &[1, 2]),
            vec![1, 2],
            "capped at the weights"
        );
        assert_eq!(proportional(10, &[30, 70]), vec![3, 7]);
        assert_eq!(proportional(0, &[5, 5]), vec![0, 0]);
        assert_eq!(proportional(5, &[0, 0]), vec![0, 0]);
    }

    proptest! {
        #[test]
        fn shares_add_up_and_stay_within_their_weight(
            weights in prop::collection::vec(0i64..10_000_000, 1..20),
            fraction in 0.0f64..=1.0,
        ) {
            let total: i64 = weights.iter().sum();
            let amount = (total as f64 * fraction) as i64;
            let shares = proportional(amount, &weights);
            prop_assert_eq!(shares.iter().sum::<i64>(), if total > 0 { amount } else { 0 });
            for (s, w) in shares.iter().zip(&weights) {
                prop_assert!(*s >= 0 && s <= w);
            }
        }
    }
}
