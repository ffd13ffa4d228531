//! What a batch of orders reads of its buyers, read for all of them at
//! once when the batch begins (three statements instead of three per
//! order): each buyer's cart with its lines, saved addresses and flash-sale
//! counts. A buyer's first order in the batch takes them; a second order of
//! the same buyer reads afresh, since the first one's writes (its bought
//! lines, its flash units) changed them. Different buyers' orders never
//! write what another buyer's order reads here.

use std::collections::HashMap;

use etalase_domain::id::UserId;
use etalase_store::checkout::{self as store, BuyerAtCheckout};
use etalase_store::pricing as pricing_store;
use etalase_store::{StoreResult, Tx};

#[derive(Default)]
pub struct BuyerReads(HashMap<UserId, BuyerAtCheckout>);

impl BuyerReads {
    /// Reads `buyers` inside the batch's transaction.
    pub async fn read(tx: &mut Tx, buyers: &[UserId]) -> StoreResult<BuyerReads> {
        let mut buyers = buyers.to_vec();
        buyers.sort();
        buyers.dedup();
        let mut carts = store::carts_of_buyers(&mut *tx, &buyers).await?;
        let mut addresses = store::addresses_of_buyers(&mut *tx, &buyers).await?;
        let mut flash = pricing_store::flash_units_bought_by(&mut *tx, &buyers).await?;
        Ok(BuyerReads(
            buyers
                .into_iter()
                .map(|buyer| {
                    let read = BuyerAtCheckout {
                        cart: carts.remove(&buyer),
                        addresses: addresses.remove(&buyer).unwrap_or_default(),
                        flash_bought: flash.remove(&buyer).unwrap_or_default(),
                    };
                    (buyer, read)
                })
                .collect(),
        ))
    }

    /// The buyer's reads, once: none when they were taken by an earlier
    /// order of the same buyer (or not read).
    pub fn take(&mut self, buyer: UserId) -> Option<BuyerAtCheckout> {
        self.0.remove(&buyer)
    }
}
