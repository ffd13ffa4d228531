//! The demo shop's videos, uploaded by its marketing member: one published,
//! tagging three products, whose caption names the price buyers really pay;
//! one draft whose caption promises a discount no product gives, so the
//! "Konsistensi harga" panel has something to say.

use etalase_domain::id::{ProductId, SellerId};
use etalase_domain::pricing::{BuyerContext, Channel};
use etalase_store::catalog;
use etalase_store::videos as store;

use crate::content::product_video;
use crate::content::videos::{self, Details};
use crate::teams::SellerScope;
use crate::{ServiceResult, Services, storefront};

const VERTICAL: &[u8] = include_bytes!("media/batik-vertical.mp4");
const LANDSCAPE: &[u8] = include_bytes!("media/sarung-landscape.webm");

async fn upload(svc: &Services, scope: &SellerScope, bytes: &[u8]) -> ServiceResult<store::Video> {
    let mut upload = videos::begin_upload(svc, scope).await?;
    write_all(&mut upload, bytes).await?;
    upload.finish(svc, scope).await
}

/// Sends a file to an upload as a browser's form would, in pieces.
async fn write_all(upload: &mut videos::Upload, bytes: &[u8]) -> ServiceResult<()> {
    for chunk in bytes.chunks(64 * 1024) {
        upload.write(chunk).await?;
    }
    Ok(())
}

/// The batik shirt's own video, first in its page's gallery (uploaded by
/// the owner: a product's video is catalog work).
pub async fn load_product_video(svc: &Services, owner: &SellerScope) -> ServiceResult<()> {
    let Some(batik) = product(svc, owner.seller_id, "Batik Sari").await? else {
        return Ok(());
    };
    if product_video::of_product(svc, batik).await?.is_some() {
        return Ok(());
    }
    let uploaded = async {
        let mut upload = product_video::begin_upload(svc, owner, batik).await?;
        write_all(&mut upload, VERTICAL).await?;
        product_video::finish(upload, svc, owner, batik).await
    }
    .await;
    match uploaded {
        // Product-video limits set smaller than the demo's video (6 s,
        // 164 KB): the demo goes on without it.
        Err(e) if matches!(e.code.status(), 413 | 422) => {
            tracing::warn!(code = ?e.code, "the demo's product video is outside the product-video limits");
            Ok(())
        }
        other => other.map(|_| ()),
    }
}

/// The demo product whose title starts with `prefix`.
async fn product(
    svc: &Services,
    seller: SellerId,
    prefix: &str,
) -> ServiceResult<Option<ProductId>> {
    Ok(
        catalog::list_products(&svc.store, seller, &Default::default(), None, 100)
            .await?
            .into_iter()
            .find(|p| p.title.starts_with(prefix))
            .map(|p| p.id),
    )
}

/// The shop's products buyers can reach now (tags must be), once the sync
/// has listed everything loaded so far.
async fn reachable(svc: &Services, marketing: &SellerScope) -> ServiceResult<Vec<ProductId>> {
    crate::sync::catch_up(svc).await?;
    Ok(videos::tag_candidates(svc, marketing)
        .await?
        .into_iter()
        .filter(|t| t.reachable)
        .map(|t| t.product)
        .collect())
}

pub async fn load(svc: &Services, marketing: &SellerScope) -> ServiceResult<()> {
    let seller = marketing.seller_id;
    if !store::videos_of(&svc.store, seller).await?.is_empty() {
        return Ok(());
    }
    // Three products buyers can reach (a demo product waits outside the
    // Shop on purpose, to show its reasons).
    let reachable = reachable(svc, marketing).await?;
    let mut tags = Vec::new();
    for prefix in [
        "Batik Sari",
        "Selendang Tenun",
        "Tas Anyaman",
        "Kaos Polos",
        "Kopi Gayo",
    ] {
        if let Some(id) = product(svc, seller, prefix).await?
            && reachable.contains(&id)
            && tags.len() < 3
        {
            tags.push(id);
        }
    }
    let Some(batik) = tags.first().copied() else {
        return Ok(());
    };
    // The price the video's tag will show, from the one pricing function.
    let listed = storefront::products(svc, &[batik]).await?;
    let cheapest = listed
        .first()
        .and_then(|p| {
            p.prices(
                &svc.config.pricer,
                &BuyerContext::anonymous(),
                Channel::Shop,
                svc.now(),
            )
            .iter()
            .map(|u| u.unit)
            .min()
        })
        .unwrap_or_default();
    let shown = etalase_domain::Money::idr(cheapest).format(etalase_domain::Lang::Id);

    let published = upload(svc, marketing, VERTICAL).await?;
    let details = Details {
        caption: format!(
            "Kemeja batik tulis Solo, adem dipakai seharian. Cuma {shown}! Pilih motif dan ukuranmu di keranjang kuning 👇\n#batiksolo #batiktulis #ootdpria"
        ),
        products: tags.clone(),
    };
    let saved = videos::save(svc, marketing, published.id, published.version, &details).await?;
    // Its cover: a picture the seller chose (the feed shows it before playing).
    let saved = videos::set_cover(
        svc,
        marketing,
        saved.id,
        super::catalog::photo([120, 72, 40], false, 3),
    )
    .await?;
    videos::publish(svc, marketing, saved.id, saved.version, false).await?;

    let draft = upload(svc, marketing, LANDSCAPE).await?;
    let details = Details {
        caption: "Diskon 50% tas anyaman rotan dan kaos polos, hari ini saja! Gratis ongkir se-Indonesia. #tasrotan #kaospolos".into(),
        products: tags.iter().skip(1).copied().collect(),
    };
    videos::save(svc, marketing, draft.id, draft.version, &details).await?;
    Ok(())
}

/// `count` more published videos in the demo shop, each tagging up to three
/// of its products in the Shop and captioned without price claims (for a
/// full video feed, and for measuring it). Returns how many were made.
pub async fn generate(
    svc: &Services,
    marketing: &SellerScope,
    count: usize,
) -> ServiceResult<usize> {
    let reachable = reachable(svc, marketing).await?;
    if reachable.is_empty() {
        return Ok(0);
    }
    for n in 0..count {
        let file = if n % 2 == 0 { VERTICAL } else { LANDSCAPE };
        let uploaded = upload(svc, marketing, file).await?;
        let products: Vec<ProductId> = (0..3)
            .map(|k| reachable[(n + k) % reachable.len()])
            .collect();
        let details = Details {
            caption: format!(
                "Koleksi minggu ini, bagian {} #etalase #belanjaonline",
                n + 1
            ),
            products,
        };
        let saved = videos::save(svc, marketing, uploaded.id, uploaded.version, &details).await?;
        videos::publish(svc, marketing, saved.id, saved.version, false).await?;
    }
    Ok(count)
}
