//! The demo shop's live, run by its marketing member: on air now, playing
//! the published demo video as its recording, featuring the video's three
//! products, the first pinned at a live-only price named in the title —
//! so a newcomer opening `/live` sees a pin, a live price and a chat.

use etalase_domain::content::live::CommentAuthor;
use etalase_store::lives as store;

use crate::content::live::{self as lives, Plan, StreamInput, viewers};
use crate::teams::SellerScope;
use crate::{ServiceResult, Services};

pub async fn load(svc: &Services, marketing: &SellerScope) -> ServiceResult<()> {
    let seller = marketing.seller_id;
    if !store::lives_of(&svc.store, seller).await?.is_empty() {
        return Ok(());
    }
    let published = etalase_store::videos::videos_of(&svc.store, seller)
        .await?
        .into_iter()
        .find(|v| v.state == etalase_domain::content::video::VideoState::Published);
    let Some(video) = published else {
        return Ok(());
    };
    let featured = video.products.clone();
    let Some(first) = featured.first().copied() else {
        return Ok(());
    };
    // The pinned product's cheapest SKU at 15% under its normal price.
    let sku = etalase_store::catalog::skus_of(&svc.store, seller, first)
        .await?
        .into_iter()
        .filter(|s| s.stock > 0)
        .filter_map(|s| Some((s.price?, s)))
        .min_by_key(|(price, _)| *price);
    let Some((base, sku)) = sku else {
        return Ok(());
    };
    let live_price = (base * 85 / 100 / 1000) * 1000;
    let shown = etalase_domain::Money::idr(live_price).format(etalase_domain::Lang::Id);
    let plan = Plan {
        title: format!("Live batik Solo: harga live cuma {shown}!"),
        planned_start: svc.now().plus_seconds(60),
        stream: StreamInput::Recorded(video.id),
        products: featured,
    };
    let live = lives::schedule(svc, marketing, &plan).await?;
    lives::set_price(svc, marketing, live.id, sku.id, Some(live_price)).await?;
    let live = lives::set_cover(
        svc,
        marketing,
        live.id,
        super::catalog::photo([150, 40, 60], false, 5),
    )
    .await?;
    let live = lives::go_live(svc, marketing, live.id, live.version, false).await?;
    lives::pin(svc, marketing, live.id, Some(first)).await?;
    for (viewer, author, text) in [
        ("demo-viewer-1", "Rina", "Kak, ukuran L masih ada?"),
        ("demo-viewer-2", "Budi", "Motifnya bagus banget 😍"),
        (
            "demo-viewer-3",
            "Sari",
            "Checkout dari live dapat harga live ya?",
        ),
    ] {
        CommentAuthor::parse(author).map_err(crate::ServiceError::new)?;
        viewers::comment(
            svc,
            viewers::NewComment {
                live: live.id,
                viewer,
                author,
                text,
            },
        )
        .await?;
    }
    Ok(())
}
