//! Buyer–seller chat: a buyer asks a shop (from a product page or the shop's
//! page), the shop's team answers from Seller Center. Each message is one
//! transaction with its conversation's newest-message row and its turn (what
//! the shop's response rate counts), so the inboxes, the unread counts and
//! the rate on the seller card always agree with the messages.

use etalase_domain::ErrorCode;
use etalase_domain::Timestamp;
use etalase_domain::id::{ConversationId, ProductId, SellerId, UserId};
use etalase_domain::messaging::{self, RateWindow, ResponseRate, Side};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::seller::SellerStatus;
use etalase_store::messaging::{self as store, Conversation, Message, NewMessage, Party};
use etalase_store::sellers;

use crate::error::Validation;
use crate::teams::{SellerPrincipal, SellerScope};
use crate::{ServiceResult, Services};

/// How many of a conversation's newest messages a thread shows.
pub const SHOWN_MESSAGES: i64 = 100;
/// How many conversations an inbox page lists.
pub const INBOX_PAGE: i64 = 30;

/// A conversation and its newest messages.
#[derive(Debug, Clone)]
pub struct Thread {
    pub conversation: Conversation,
    pub messages: Vec<Message>,
}

/// Where an inbox page begins: after the previous page's last conversation.
pub type InboxCursor = (Timestamp, ConversationId);

/// What a buyer may ask a shop about: the shop, and the product asked
/// from, which must be one of the shop's in the Shop.
pub async fn askable(
    svc: &Services,
    buyer: UserId,
    seller: SellerId,
    product: Option<ProductId>,
) -> ServiceResult<Option<ProductId>> {
    let shop = sellers::get_seller(&svc.store, seller)
        .await
        .map_err(|_| ErrorCode::NotFound)?;
    if shop.status != SellerStatus::Approved {
        return Err(ErrorCode::NotFound.into());
    }
    let own = sellers::find_membership(&svc.store, buyer).await?;
    if own.is_some_and(|m| m.seller_id == seller) {
        return Err(ErrorCode::ChatOwnShop.into());
    }
    match product {
        None => Ok(None),
        Some(id) => match crate::storefront::product(svc, id).await? {
            Some(p) if p.listing.seller_id == seller => Ok(Some(id)),
            _ => Err(ErrorCode::NotFound.into()),
        },
    }
}

/// A buyer writes to a shop (beginning their conversation, or going on
/// with it), maybe about one of its products.
pub async fn ask(
    svc: &Services,
    buyer: UserId,
    seller: SellerId,
    product: Option<ProductId>,
    text: &str,
) -> ServiceResult<ConversationId> {
    let body = checked(text)?;
    let product = askable(svc, buyer, seller, product).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let conversation = store::conversation_between(&mut tx, seller, buyer, now).await?;
    store::append(
        &mut tx,
        &NewMessage {
            conversation,
            side: Side::Buyer,
            author: buyer,
            body: &body,
            product,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(conversation)
}

/// A buyer writes in one of their conversations, maybe about one of the
/// shop's products: as [`ask`] (the shop must still be in the Shop), once
/// the conversation is found to be theirs.
pub async fn say(
    svc: &Services,
    buyer: UserId,
    conversation: ConversationId,
    product: Option<ProductId>,
    text: &str,
) -> ServiceResult<()> {
    let found = store::conversation_of_buyer(&svc.store, buyer, conversation)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    ask(svc, buyer, found.seller, product, text).await?;
    Ok(())
}

/// A member of the shop's team answers in one of its conversations.
pub async fn reply(
    svc: &Services,
    scope: &SellerScope,
    conversation: ConversationId,
    text: &str,
) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Chat))?;
    // A message names the person who wrote it; a key has no name to show.
    let SellerPrincipal::Member { user, .. } = scope.principal else {
        return Err(ErrorCode::Forbidden.into());
    };
    let body = checked(text)?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    store::conversation_of_seller(&mut tx, scope.seller_id, conversation)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    store::append(
        &mut tx,
        &NewMessage {
            conversation,
            side: Side::Seller,
            author: user,
            body: &body,
            product: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    // The seller card shows the answer's effect here at once.
    svc.shop_cache.forget_standing(scope.seller_id);
    Ok(())
}

/// A buyer opens one of their conversations (reading what the shop wrote).
pub async fn buyer_thread(
    svc: &Services,
    buyer: UserId,
    id: ConversationId,
) -> ServiceResult<Thread> {
    let conversation = store::conversation_of_buyer(&svc.store, buyer, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    open(svc, conversation, Side::Buyer).await
}

/// The shop's team opens one of its conversations.
pub async fn seller_thread(
    svc: &Services,
    scope: &SellerScope,
    id: ConversationId,
) -> ServiceResult<Thread> {
    scope.authorize(SellerAction::read(Area::Chat))?;
    let conversation = store::conversation_of_seller(&svc.store, scope.seller_id, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    open(svc, conversation, Side::Seller).await
}

async fn open(
    svc: &Services,
    mut conversation: Conversation,
    reader: Side,
) -> ServiceResult<Thread> {
    let unread = match reader {
        Side::Buyer => &mut conversation.buyer_unread,
        Side::Seller => &mut conversation.seller_unread,
    };
    // Only a conversation with something new costs a write.
    if *unread > 0 {
        let mut tx = svc.store.write().await?;
        store::mark_read(&mut tx, conversation.id, reader).await?;
        tx.commit().await?;
        *unread = 0;
    }
    let messages = store::messages(&svc.store, conversation.id, SHOWN_MESSAGES).await?;
    Ok(Thread {
        conversation,
        messages,
    })
}

/// The buyer's conversation with a shop, if they have one.
pub async fn conversation_with(
    svc: &Services,
    buyer: UserId,
    seller: SellerId,
) -> ServiceResult<Option<ConversationId>> {
    Ok(store::conversation_id_between(&svc.store, seller, buyer).await?)
}

/// A buyer's conversations, newest message first.
pub async fn buyer_inbox(
    svc: &Services,
    buyer: UserId,
    before: Option<InboxCursor>,
) -> ServiceResult<Vec<Conversation>> {
    Ok(store::conversations_of(&svc.store, Party::Buyer(buyer), false, before, INBOX_PAGE).await?)
}

/// A shop's conversations, newest message first; only the unread ones
/// when asked.
pub async fn seller_inbox(
    svc: &Services,
    scope: &SellerScope,
    unread_only: bool,
    before: Option<InboxCursor>,
) -> ServiceResult<Vec<Conversation>> {
    scope.authorize(SellerAction::read(Area::Chat))?;
    let party = Party::Seller(scope.seller_id);
    Ok(store::conversations_of(&svc.store, party, unread_only, before, INBOX_PAGE).await?)
}

/// How many of a buyer's conversations have something unread.
pub async fn buyer_unread(svc: &Services, buyer: UserId) -> ServiceResult<i64> {
    Ok(store::unread_conversations(&svc.store, Party::Buyer(buyer)).await?)
}

/// How many of a shop's conversations wait for its team.
pub async fn seller_unread(svc: &Services, scope: &SellerScope) -> ServiceResult<i64> {
    scope.authorize(SellerAction::read(Area::Chat))?;
    Ok(store::unread_conversations(&svc.store, Party::Seller(scope.seller_id)).await?)
}

/// The shop's response rate as of now (Seller Center reads it fresh; the
/// Shop's seller card reads [`crate::storefront::standing`]).
pub async fn response_rate(svc: &Services, scope: &SellerScope) -> ServiceResult<ResponseRate> {
    scope.authorize(SellerAction::read(Area::Chat))?;
    let window = RateWindow::at(svc.now());
    Ok(store::response_rate(&svc.store, scope.seller_id, window).await?)
}

/// A message's text, or the form's error on its `body` field.
fn checked(text: &str) -> ServiceResult<String> {
    let mut validation = Validation::default();
    let body = validation.check("body", messaging::message_text(text));
    validation.finish()?;
    body.ok_or_else(|| ErrorCode::ValidationFailed.into())
}
