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
use etalase_store::{StoreResult, Tx};

#[derive(Default)]
pub struct BuyerReads(HashMap<UserId, BuyerAtCheckout>);

impl BuyerReads {
    /// Reads `buyers` inside the batch's transaction.
    pub async fn read(tx: &mut Tx, buyers: &[UserId]) -> StoreResult<BuyerReads> {
        let mut buyers = buyers.to_vec();
        buyers.sort();
        buyers.dedup();
        Ok(BuyerReads(store::buyers_at_checkout(tx, &buyers).await?))
    }

    /// The buyer's reads, once: none when they were taken by an earlier
    /// order of the same buyer (or not read).
    pub fn take(&mut self, buyer: UserId) -> Option<BuyerAtCheckout> {
        self.0.remove(&buyer)
    }
}
