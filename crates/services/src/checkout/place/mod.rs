//! Placing a checkout: one write transaction that re-reads and re-prices
//! everything against the system of record, compares it with the version
//! the buyer confirmed, and then takes stock (a conditional decrement that
//! never goes below zero), flash-sale units and voucher uses, writes one
//! order per shop with its lines and holds, the audit lines and the outbox
//! events — all of it, or nothing.
//!
//! Exactly once: the checkout's id is the one-time token the checkout form
//! carried. A second submit meets the stored checkout and gets its orders
//! back instead of new ones.

use std::sync::Arc;

use etalase_domain::ErrorCode;
use etalase_domain::id::{CheckoutId, ProductId, SellerId, UserId};
use etalase_store::checkout::{self as store, StoredCheckout, StoredOrder};
use etalase_store::{Reader, Tx, catalog};

use super::buyer_reads::BuyerReads;
use super::summary::{self, CheckoutChoice, CheckoutSummary, Purpose, summary_with};
use crate::batch::{ActsFor, Done, Shared};
use crate::{FieldError, ServiceError, ServiceResult, Services, attribution, idempotency};

mod write;

pub(crate) use write::announce;
use write::{Stop, write_orders};

#[derive(Debug, Clone)]
pub struct PlaceRequest {
    pub checkout: CheckoutToken,
    /// The version of the summary the buyer confirmed.
    pub confirmed_version: String,
    pub choice: CheckoutChoice,
}

/// A checkout's one-time token: the id its checkout is stored under.
#[derive(Debug, Clone, Copy)]
pub enum CheckoutToken {
    /// Made for this request (the API, whose retries go by
    /// `Idempotency-Key`): nothing can have been placed under it yet, so
    /// there is no earlier result to look for.
    New(CheckoutId),
    /// Carried by a checkout form: a second submit of the same form meets
    /// the first one's checkout and gets its orders back.
    Carried(CheckoutId),
}

impl CheckoutToken {
    pub fn new() -> Self {
        CheckoutToken::New(CheckoutId::generate())
    }

    pub fn id(self) -> CheckoutId {
        match self {
            CheckoutToken::New(id) | CheckoutToken::Carried(id) => id,
        }
    }
}

impl Default for CheckoutToken {
    fn default() -> Self {
        CheckoutToken::new()
    }
}

#[derive(Debug, Clone)]
pub struct PlacedCheckout {
    pub checkout: StoredCheckout,
    pub orders: Vec<StoredOrder>,
    /// The same token was placed before: these are the first result.
    pub replayed: bool,
    /// The products whose stock it moved (their stock totals and the
    /// sync's events are written once per batch; see `after_orders`).
    pub products: Vec<(SellerId, ProductId)>,
}

#[derive(Debug, Clone)]
pub enum PlaceOutcome {
    Placed(PlacedCheckout),
    /// Something the buyer pays changed since they confirmed: nothing was
    /// written; here is the new summary to confirm.
    Changed(Box<CheckoutSummary>),
}

/// How a placing's answer is kept under an idempotency key: the caller
/// renders the outcome as replays will send it (status and body); `None`
/// for a failure on our side, which keeps nothing and frees the key.
pub type Render =
    Arc<dyn Fn(Result<&PlaceOutcome, &ServiceError>) -> Option<(u16, String)> + Send + Sync>;

/// An idempotency key whose answer is kept in the same transaction as the
/// orders it guards: no durable commit of its own, and the key and the
/// orders are stored together or not at all.
pub struct KeptAnswer {
    pub keyed: idempotency::Keyed,
    pub render: Render,
}

/// What a placing under an idempotency key came to.
pub enum KeyedPlacing {
    /// This request ran; its answer is kept with the key (unless it failed
    /// on our side).
    Ran(ServiceResult<PlaceOutcome>),
    /// Another request with the same key (on another node) answered first.
    Replay { status: u16, body: String },
}

pub async fn place(
    svc: &Services,
    buyer: UserId,
    request: &PlaceRequest,
) -> ServiceResult<PlaceOutcome> {
    match run(svc, buyer, request, None).await? {
        Ran::Outcome(outcome) => Ok(outcome),
        // Without a key there is no answer kept to meet.
        Ran::KeyAnswered | Ran::Replay { .. } => Err(ErrorCode::IdempotencyInProgress.into()),
    }
}

/// [`place`] under an idempotency key (the buyer API's `Idempotency-Key`).
pub async fn place_keyed(
    svc: &Services,
    buyer: UserId,
    request: &PlaceRequest,
    kept: KeptAnswer,
) -> ServiceResult<KeyedPlacing> {
    let kept = Arc::new(kept);
    match run(svc, buyer, request, Some(kept.clone())).await {
        Ok(Ran::Outcome(outcome)) => Ok(KeyedPlacing::Ran(Ok(outcome))),
        Ok(Ran::Replay { status, body }) => Ok(KeyedPlacing::Replay { status, body }),
        Ok(Ran::KeyAnswered) => {
            let (status, body) = idempotency::answer_of(svc, &kept.keyed).await?;
            Ok(KeyedPlacing::Replay { status, body })
        }
        Err(e) => Ok(KeyedPlacing::Ran(Err(e))),
    }
}

enum Ran {
    Outcome(PlaceOutcome),
    /// Another request with the key answered while this one ran: read it.
    KeyAnswered,
    /// The key's earlier answer, as the batch read it.
    Replay {
        status: u16,
        body: String,
    },
}

async fn run(
    svc: &Services,
    buyer: UserId,
    request: &PlaceRequest,
    kept: Option<Arc<KeptAnswer>>,
) -> ServiceResult<Ran> {
    if let CheckoutToken::Carried(id) = request.checkout
        && let Some(placed) = replay(svc, buyer, id).await?
    {
        return Ok(Ran::Outcome(PlaceOutcome::Placed(placed)));
    }
    let (unit_svc, unit_request) = (svc.clone(), request.clone());
    let acts_for = ActsFor {
        buyer: Some(buyer),
        key: kept
            .as_ref()
            .map(|k| (k.keyed.principal.clone(), k.keyed.key.clone())),
    };
    let attempt = svc
        .orders
        .run(acts_for, move |tx, shared| {
            Box::pin(async move {
                if let Some(kept) = &kept
                    && let Some(earlier) =
                        idempotency::earlier_answer(&shared.keys, &kept.keyed, shared.at)
                {
                    // A retry (or a different request under a used key):
                    // answered from the key; nothing runs.
                    return Done {
                        keep: false,
                        value: earlier.map(|(status, body)| Attempt::Replay { status, body }),
                        products: Vec::new(),
                    };
                }
                let mut value = attempt(&unit_svc, tx, shared, buyer, &unit_request).await;
                let placed = matches!(value, Ok(Attempt::Answer(PlaceOutcome::Placed(_))));
                let keep = match &kept {
                    None => placed,
                    Some(kept) => {
                        match keep_answer(&unit_svc, tx, shared, kept, &value, placed).await {
                            Ok(KeyFate::Kept) => true,
                            Ok(KeyFate::Nothing) if placed => {
                                // Orders whose answer cannot be kept would be
                                // placed again by a retry: none at all.
                                value = Err(ServiceError::from(ErrorCode::Internal));
                                false
                            }
                            Ok(KeyFate::Nothing) => false,
                            Ok(KeyFate::AnsweredElsewhere) => {
                                value = Ok(Attempt::KeyAnswered);
                                false
                            }
                            Err(e) => {
                                value = Err(e);
                                false
                            }
                        }
                    }
                };
                let products = match &value {
                    Ok(Attempt::Answer(PlaceOutcome::Placed(p))) if keep => p.products.clone(),
                    _ => Vec::new(),
                };
                Done {
                    keep,
                    value,
                    products,
                }
            })
        })
        .await??;
    match attempt {
        Attempt::Answer(PlaceOutcome::Placed(placed)) => {
            if placed
                .orders
                .iter()
                .any(|o| o.discount > 0 || o.shipping_discount > 0)
            {
                // Their quotas moved.
                svc.shop_cache.forget_vouchers();
            }
            if !placed.replayed {
                crate::content::live::after_orders(svc, &placed.orders, &placed.products);
            }
            svc.attribution
                .record_orders(placed.orders.iter().map(|o| attribution::PlacedOrder {
                    order: o.id,
                    seller: o.seller,
                    buyer: o.buyer,
                }));
            Ok(Ran::Outcome(PlaceOutcome::Placed(placed)))
        }
        Attempt::Answer(changed) => {
            // What the buyer was shown no longer holds: the next summary
            // here reads afresh rather than show it again.
            svc.kept_sku_reads.forget();
            Ok(Ran::Outcome(changed))
        }
        Attempt::TokenTaken => {
            // The same token committed in a concurrent batch.
            let placed = replay(svc, buyer, request.checkout.id()).await?;
            placed
                .map(|p| Ran::Outcome(PlaceOutcome::Placed(p)))
                .ok_or_else(|| ServiceError::from(ErrorCode::IdempotencyInProgress))
        }
        Attempt::Raced => {
            // Not kept under a key: the retry is priced afresh.
            svc.kept_sku_reads.forget();
            let fresh = summary::summary(svc, buyer, &request.choice).await?;
            Ok(Ran::Outcome(PlaceOutcome::Changed(Box::new(fresh))))
        }
        Attempt::KeyAnswered => Ok(Ran::KeyAnswered),
        Attempt::Replay { status, body } => Ok(Ran::Replay { status, body }),
    }
}

/// What became of a keyed placing's answer.
enum KeyFate {
    /// Kept with the key (and, when placed, with the orders).
    Kept,
    /// Nothing to keep: a failure on our side, or a race priced again.
    Nothing,
    /// Another request with the key answered first.
    AnsweredElsewhere,
}

/// Keeps a keyed placing's answer with its work, inside the unit's
/// savepoint: a placed checkout keeps its orders and the key; a refusal
/// (or a changed quote) undoes whatever the attempt wrote and keeps only
/// the key with that answer. Unless kept, the unit is rolled back.
async fn keep_answer(
    svc: &Services,
    tx: &mut Tx,
    shared: &mut Shared,
    kept: &KeptAnswer,
    value: &ServiceResult<Attempt>,
    placed: bool,
) -> ServiceResult<KeyFate> {
    let answer = match value {
        Ok(Attempt::Answer(outcome)) => (kept.render)(Ok(outcome)),
        Err(e) => (kept.render)(Err(e)),
        Ok(
            Attempt::TokenTaken | Attempt::Raced | Attempt::KeyAnswered | Attempt::Replay { .. },
        ) => None,
    };
    let Some((status, body)) = answer else {
        return Ok(KeyFate::Nothing);
    };
    if !placed {
        tx.undo_to_savepoint().await?;
    }
    Ok(
        if idempotency::keep_answer(
            tx,
            &mut shared.keys,
            &kept.keyed,
            (status, &body),
            svc.now(),
        )
        .await?
        {
            KeyFate::Kept
        } else {
            KeyFate::AnsweredElsewhere
        },
    )
}

/// How one placing went inside its batch.
enum Attempt {
    /// Placed, or the quote changed (nothing written).
    Answer(PlaceOutcome),
    /// The token was placed already (by a concurrent request).
    TokenTaken,
    /// A flash quota or voucher ran out between the read and the write.
    Raced,
    /// Another request with the same idempotency key answered first.
    KeyAnswered,
    /// The idempotency key was answered before this batch: its answer.
    Replay { status: u16, body: String },
}

/// One placing, inside the batch's transaction: re-price everything
/// against the system of record, compare with the confirmed version, then
/// write (or leave nothing: the batch rolls this unit back).
async fn attempt(
    svc: &Services,
    tx: &mut Tx,
    shared: &mut Shared,
    buyer: UserId,
    request: &PlaceRequest,
) -> ServiceResult<Attempt> {
    let now = shared.at;
    let summary = {
        let mut reader = Reader::from(&mut *tx);
        let purpose = Purpose::Placing(shared);
        summary_with(svc, &mut reader, buyer, &request.choice, now, purpose).await?
    };
    if summary.version != request.confirmed_version {
        return Ok(Attempt::Answer(PlaceOutcome::Changed(Box::new(summary))));
    }
    if !summary.problems.is_empty() {
        let fields = summary
            .problems
            .iter()
            .map(|(field, code)| FieldError::new(field.clone(), *code))
            .collect();
        return Err(ServiceError::fields(fields));
    }
    match write_orders(svc, tx, buyer, request.checkout, &summary).await {
        Ok(Some(placed)) => Ok(Attempt::Answer(PlaceOutcome::Placed(placed))),
        Ok(None) => Ok(Attempt::TokenTaken),
        Err(Stop::Raced) => Ok(Attempt::Raced),
        Err(Stop::Failed(e)) => Err(e),
    }
}

/// The first result of a token placed before (none when it is new).
async fn replay(
    svc: &Services,
    buyer: UserId,
    id: CheckoutId,
) -> ServiceResult<Option<PlacedCheckout>> {
    let Some(checkout) = store::checkout_by_id(&svc.store, id).await? else {
        return Ok(None);
    };
    if checkout.buyer != buyer {
        return Err(ErrorCode::NotFound.into());
    }
    let orders = store::orders_of_checkout(&svc.store, id).await?;
    Ok(Some(PlacedCheckout {
        checkout,
        orders,
        replayed: true,
        products: Vec::new(),
    }))
}

/// A batch of orders' first reads: its buyers' carts, addresses and
/// flash-sale counts, and its idempotency keys, for all of them at once.
pub(crate) fn before_orders() -> crate::batch::Prologue {
    std::sync::Arc::new(move |tx, shared, acts_for| {
        Box::pin(async move {
            let buyers: Vec<UserId> = acts_for.iter().filter_map(|a| a.buyer).collect();
            let keys: Vec<(String, String)> = acts_for.into_iter().filter_map(|a| a.key).collect();
            if !buyers.is_empty() {
                shared.buyers = BuyerReads::read(tx, &buyers).await?;
            }
            shared.keys = idempotency::read_batch_keys(tx, &keys, shared.at).await?;
            Ok(())
        })
    })
}

/// A batch of orders' follow-up: each moved product's stock total and one
/// sync event, once per product however many orders moved it.
pub(crate) fn after_orders() -> crate::batch::Epilogue {
    std::sync::Arc::new(move |tx, products, now| {
        Box::pin(async move {
            for (seller, product) in products {
                catalog::refresh_total_stock(tx, product).await?;
                crate::catalog::records::product_changed(tx, seller, product, now)
                    .await
                    .map_err(|e| etalase_store::StoreError::Corrupt(e.to_string()))?;
            }
            Ok(())
        })
    })
}
