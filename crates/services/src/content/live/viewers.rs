//! A live as its viewers meet it: the page's state, the chat (paced per
//! viewer, screened by the word list, moderated by the seller) and the
//! console's counters.

use std::sync::Mutex;

use etalase_domain::attribution::EventKind;
use etalase_domain::checkout::Source;
use etalase_domain::content::live::{
    BlockedWords, CommentAuthor, CommentLimiter, CommentText, LimiterConfig, Moderation,
};
use etalase_domain::id::{LiveCommentId, LiveId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::audit;
use etalase_store::lives::comments::{self as store, Comment};
use etalase_store::lives::{self as lives_store, Live};
use serde::Serialize;

use super::basket::{self, Basket};
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

/// Comments shown when a viewer opens a live.
const LATEST: i64 = 50;

/// The chat's rules on this node: the pace per viewer and the word list.
pub struct Chat {
    limiter: Mutex<CommentLimiter>,
    words: BlockedWords,
}

impl Default for Chat {
    fn default() -> Self {
        Chat::new(LimiterConfig::default(), BlockedWords::defaults())
    }
}

impl Chat {
    pub fn new(pace: LimiterConfig, words: BlockedWords) -> Chat {
        Chat {
            limiter: Mutex::new(CommentLimiter::new(pace)),
            words,
        }
    }
}

/// A comment as a viewer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    pub id: LiveCommentId,
    pub author: String,
    pub body: String,
    /// Milliseconds since the epoch.
    pub at: i64,
    /// Hidden from others (the author still sees their own).
    pub hidden: bool,
}

impl CommentView {
    fn of(c: &Comment) -> CommentView {
        CommentView {
            id: c.id,
            author: c.author.clone(),
            body: c.body.clone(),
            at: c.created_at.unix_millis(),
            hidden: c.moderation != Moderation::Shown,
        }
    }
}

/// A live opened by a viewer.
pub struct Opened {
    pub live: Live,
    pub basket: Basket,
    pub comments: Vec<CommentView>,
    /// The shop's name and slug (from a featured product in the Shop).
    pub shop: Option<(String, String)>,
}

/// A live buyers may open (never a cancelled one), with what it offers
/// and the latest comments `viewer` may see.
pub async fn open(svc: &Services, id: LiveId, viewer: &str) -> ServiceResult<Option<Opened>> {
    let Some(live) = lives_store::visible(&svc.store, id).await? else {
        return Ok(None);
    };
    let basket = basket::basket(svc, &live, svc.now()).await?;
    let comments = store::latest(&svc.store, id, LATEST)
        .await?
        .iter()
        .filter(|c| c.moderation.visible_to(c.viewer == viewer))
        .map(CommentView::of)
        .collect();
    let shop = crate::storefront::products(svc, &live.products)
        .await?
        .first()
        .map(|p| (p.listing.shop_name.clone(), p.listing.shop_slug.clone()));
    Ok(Some(Opened {
        live,
        basket,
        comments,
        shop,
    }))
}

/// The video a live plays as its stream, while buyers may open the live.
pub async fn recording(
    svc: &Services,
    id: LiveId,
) -> ServiceResult<Option<etalase_store::videos::Video>> {
    let Some(live) = lives_store::visible(&svc.store, id).await? else {
        return Ok(None);
    };
    let etalase_domain::content::live::StreamSource::Recorded(video) = live.stream else {
        return Ok(None);
    };
    match etalase_store::videos::video_of(&svc.store, live.seller_id, video).await {
        Ok(v) => Ok(Some(v)),
        Err(etalase_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Lives on air, then those announced (the Shop's list).
pub async fn listed(svc: &Services) -> ServiceResult<Vec<Live>> {
    Ok(lives_store::on_air_and_upcoming(&svc.store, 30).await?)
}

/// The current state event of a live, for a viewer joining (built and
/// kept by this node's channel when it has none yet).
pub async fn state_event(
    svc: &Services,
    id: LiveId,
) -> ServiceResult<Option<std::sync::Arc<super::hub::LiveEvent>>> {
    let channel = svc.lives.channel(id);
    if let Some(state) = channel.state() {
        return Ok(Some(state));
    }
    // A crowd joining a channel without a state (a live's first viewers on
    // this node, or after its channel was dropped) must not each build and
    // broadcast one: each broadcast goes to all the others.
    let _building = channel.building().await;
    if let Some(state) = channel.state() {
        return Ok(Some(state));
    }
    let Some(live) = lives_store::visible(&svc.store, id).await? else {
        return Ok(None);
    };
    Ok(Some(super::tell(svc, &live).await?))
}

/// What a viewer writes.
pub struct NewComment<'a> {
    pub live: LiveId,
    /// The viewer's digest (see `Ctx::event` in the web crate).
    pub viewer: &'a str,
    pub author: &'a str,
    pub text: &'a str,
}

/// What became of a comment.
#[derive(Debug, Clone)]
pub enum Posted {
    Posted(CommentView),
    /// The viewer comments faster than the chat's pace: nothing was
    /// written; they may try again after this many seconds.
    TooFast {
        seconds: i64,
    },
}

/// Posts a comment on a live on air. Too fast is refused with how long to
/// wait; a blocked word or a muted author hides it from everyone else
/// (its author still sees it, and is not told).
pub async fn comment(svc: &Services, new: NewComment<'_>) -> ServiceResult<Posted> {
    let author =
        CommentAuthor::parse(new.author).map_err(|code| ServiceError::field("author", code))?;
    let text = CommentText::parse(new.text).map_err(|code| ServiceError::field("text", code))?;
    let live = lives_store::visible(&svc.store, new.live)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    if !live.state.is_on() {
        return Err(ErrorCode::LiveNotOnAir.into());
    }
    let now = svc.now();
    if let Err(seconds) = admit(svc, new.viewer, now)? {
        return Ok(Posted::TooFast { seconds });
    }
    let muted = store::is_muted(&svc.store, live.id, new.viewer).await?;
    let comment = Comment {
        id: LiveCommentId::generate(),
        live_id: live.id,
        viewer: new.viewer.to_owned(),
        author: author.as_str().to_owned(),
        body: text.as_str().to_owned(),
        moderation: Moderation::of_new(&text, &svc.live_chat.words, muted),
        created_at: now,
    };
    let mut tx = svc.store.write().await?;
    store::insert(&mut tx, &comment).await?;
    tx.commit().await?;
    let view = CommentView::of(&comment);
    if comment.moderation == Moderation::Shown {
        let data = serde_json::to_string(&view).map_err(ServiceError::internal)?;
        svc.lives.publish_comment(live.id, data);
    }
    Ok(Posted::Posted(view))
}

/// Whether the viewer may comment now; if not, the seconds to wait.
fn admit(svc: &Services, viewer: &str, now: Timestamp) -> ServiceResult<Result<(), i64>> {
    let mut limiter = svc
        .live_chat
        .limiter
        .lock()
        .map_err(|_| ServiceError::from(ErrorCode::Internal))?;
    Ok(limiter.admit(viewer, now).map_err(|wait| wait.seconds()))
}

/// The seller's chat view: the latest comments, each with where it stands.
pub async fn moderation_view(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
) -> ServiceResult<Vec<Comment>> {
    scope.authorize(SellerAction::read(Area::Content))?;
    let live = lives_store::live_of(&svc.store, scope.seller_id, id).await?;
    Ok(store::latest(&svc.store, live.id, 200).await?)
}

/// The seller deletes a comment: nobody sees it any more.
pub async fn delete_comment(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
    comment: LiveCommentId,
) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let live = lives_store::live_of(&svc.store, scope.seller_id, id).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let found = store::get(&mut tx, live.id, comment).await?;
    let moderation = found.moderation.delete()?;
    store::set_moderation(&mut tx, comment, moderation).await?;
    let live_id = live.id.to_string();
    let mut entry = scope.audit("content.live_comment_deleted", "live", &live_id);
    entry.after = Some(format!("comment={comment}"));
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    removed(svc, live.id, &[comment]);
    Ok(())
}

/// The seller mutes a comment's author on this live: what they wrote is
/// hidden from others, and so is what they write next.
pub async fn mute_author(
    svc: &Services,
    scope: &SellerScope,
    id: LiveId,
    comment: LiveCommentId,
) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let live = lives_store::live_of(&svc.store, scope.seller_id, id).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let found = store::get(&mut tx, live.id, comment).await?;
    let by = scope.actor().as_text();
    store::mute(&mut tx, live.id, &found.viewer, &by, now).await?;
    let hidden = store::hide_of_viewer(&mut tx, live.id, &found.viewer).await?;
    let live_id = live.id.to_string();
    let mut entry = scope.audit("content.live_viewer_muted", "live", &live_id);
    entry.after = Some(format!("author={:?} comment={comment}", found.author));
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    removed(svc, live.id, &hidden);
    Ok(())
}

fn removed(svc: &Services, live: LiveId, comments: &[LiveCommentId]) {
    for id in comments {
        let data = serde_json::json!({ "id": id }).to_string();
        svc.lives.publish(live, "comment_removed", data);
    }
}

/// The console's counters.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub viewers: i64,
    pub peak: i64,
    pub comments: i64,
    pub add_to_carts: i64,
    pub orders: i64,
    pub units: i64,
    /// Rupiah of order lines from this live, after their discounts.
    pub gmv: i64,
}

/// How a live is doing: viewers now and at the peak, comments, and the
/// add-to-carts, orders and sales attributed to it.
pub async fn stats(svc: &Services, scope: &SellerScope, id: LiveId) -> ServiceResult<Stats> {
    scope.authorize(SellerAction::read(Area::Content))?;
    let live = lives_store::live_of(&svc.store, scope.seller_id, id).await?;
    let (viewers, peak_here) = svc.lives.existing(id).map_or((0, 0), |c| {
        let viewers = c.viewers(svc.now().unix_millis());
        (viewers, c.peak().max(viewers))
    });
    if peak_here > live.peak_viewers {
        let mut tx = svc.store.write().await?;
        lives_store::raise_peak(&mut tx, id, peak_here).await?;
        tx.commit().await?;
    }
    let source = Source::Live(id);
    let carts = etalase_store::attribution::tally(&svc.store, source, EventKind::AddToCart).await?;
    let orders = etalase_store::attribution::tally(&svc.store, source, EventKind::Order).await?;
    Ok(Stats {
        viewers,
        peak: live.peak_viewers.max(peak_here),
        comments: store::count(&svc.store, id).await?,
        add_to_carts: carts.events,
        orders: orders.events,
        units: orders.quantity,
        gmv: orders.amount,
    })
}
