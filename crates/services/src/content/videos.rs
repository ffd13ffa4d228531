//! A seller's short videos: upload (streamed to the object store, checked by
//! its container, never by its name), caption and tagged products, publish,
//! hide and delete.

use etalase_domain::ErrorCode;
use etalase_domain::content::container::{self, ContainerKind, VideoFacts};
use etalase_domain::content::video::{
    Caption, ProductTags, VideoLimits, VideoState, container_error_code,
};
use etalase_domain::id::{ProductId, VideoId};
use etalase_domain::listing::Reason;
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::audit;
use etalase_store::catalog;
use etalase_store::objects::StagedObject;
use etalase_store::videos::{self as store, Video};

use super::claims::{self, Consistency};
use crate::teams::SellerScope;
use crate::{FieldError, ServiceError, ServiceResult, Services, sync};

/// A video file arriving: written to the object store as it comes, stopped
/// as soon as it passes the size limit.
pub struct Upload {
    id: VideoId,
    key: String,
    limits: VideoLimits,
    staged: StagedObject,
}

/// The object key of a video's file.
fn object_key(scope: &SellerScope, id: VideoId) -> String {
    format!("videos/{}/{}", scope.seller_id, id).to_lowercase()
}

/// Starts an upload for the scope's shop.
pub async fn begin_upload(svc: &Services, scope: &SellerScope) -> ServiceResult<Upload> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let id = VideoId::generate();
    begin(svc, id, object_key(scope, id), svc.config.video_limits).await
}

/// Starts an upload of a file kept at `key`, within `limits`.
pub(crate) async fn begin(
    svc: &Services,
    id: VideoId,
    key: String,
    limits: VideoLimits,
) -> ServiceResult<Upload> {
    let staged = svc
        .objects
        .stage(&key)
        .await
        .map_err(ServiceError::internal)?;
    Ok(Upload {
        id,
        key,
        limits,
        staged,
    })
}

/// A video file that passed its checks, kept in the object store: what is
/// left is to record it (or, when that fails, to delete it).
pub(crate) struct Kept {
    pub id: VideoId,
    pub key: String,
    pub bytes: u64,
    pub facts: VideoFacts,
}

impl Kept {
    pub fn container(&self) -> &'static str {
        container_name(&self.facts)
    }
}

impl Upload {
    /// The largest file this upload takes.
    pub fn max_bytes(&self) -> u64 {
        self.limits.max_bytes
    }

    /// Appends a piece of the file; past the size limit the upload is
    /// refused (and what was written is removed when it is dropped).
    pub async fn write(&mut self, chunk: &[u8]) -> ServiceResult<()> {
        if !self
            .limits
            .admits_size(self.staged.len() + chunk.len() as u64)
        {
            return Err(ServiceError::field("file", ErrorCode::VideoTooLarge));
        }
        self.staged
            .write(chunk)
            .await
            .map_err(ServiceError::internal)
    }

    /// Checks the whole file by its container (never by its name) and the
    /// duration limit, and keeps it.
    pub(crate) async fn keep(mut self) -> ServiceResult<Kept> {
        if self.staged.is_empty() {
            return Err(ServiceError::field("file", ErrorCode::VideoFileRequired));
        }
        let facts = self
            .staged
            .inspect(|reader| container::probe(reader).and_then(accepted))
            .await
            .map_err(ServiceError::internal)?
            .map_err(|e| ServiceError::field("file", container_error_code(&e)))?;
        self.limits
            .check_duration(&facts)
            .map_err(|code| ServiceError::field("file", code))?;
        let bytes = self.staged.commit().await.map_err(ServiceError::internal)?;
        Ok(Kept {
            id: self.id,
            key: self.key,
            bytes,
            facts,
        })
    }

    /// Checks the whole file and keeps it as a draft.
    pub async fn finish(self, svc: &Services, scope: &SellerScope) -> ServiceResult<Video> {
        let kept = self.keep().await?;
        let facts = &kept.facts;
        let bytes = kept.bytes;
        let now = svc.now();
        let video = Video {
            id: kept.id,
            seller_id: scope.seller_id,
            uploaded_by: scope.actor().as_text(),
            state: VideoState::Draft,
            caption: String::new(),
            object_key: kept.key.clone(),
            cover_key: None,
            bytes: bytes as i64,
            container: kept.container().to_owned(),
            video_codec: facts.video.name().to_owned(),
            audio_codec: facts.audio.as_ref().map(|a| a.name().to_owned()),
            duration_ms: facts.duration_ms as i64,
            width: facts.width as i32,
            height: facts.height as i32,
            version: 1,
            created_at: now,
            updated_at: now,
            published_at: None,
            products: Vec::new(),
        };
        let written = async {
            let mut tx = svc.store.write().await?;
            store::insert_video(&mut tx, &video).await?;
            let id = video.id.to_string();
            let mut entry = scope.audit("content.video_uploaded", "video", &id);
            entry.after = Some(format!(
                "{} {}x{} {} ms {} bytes",
                video.container, video.width, video.height, video.duration_ms, video.bytes
            ));
            audit::record(&mut tx, entry, now).await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = written {
            // Nothing refers to the file: it must not stay behind.
            let _ = svc.objects.delete(&kept.key).await;
            return Err(e.into());
        }
        Ok(framed(svc, scope, video).await)
    }
}

/// The new `video` with a frame of itself as its cover, when ffmpeg can
/// take one; as it is otherwise (the upload stands either way).
async fn framed(svc: &Services, scope: &SellerScope, mut video: Video) -> Video {
    let Some(jpeg) = super::frame::extract(svc, &video.object_key, video.duration_ms as u64).await
    else {
        return video;
    };
    let key = match super::cover::store(svc, &object_key(scope, video.id), jpeg).await {
        Ok(key) => key,
        Err(e) => {
            tracing::warn!(video = %video.id, code = ?e.code, "the video's frame is no cover");
            return video;
        }
    };
    video.cover_key = Some(key.clone());
    let written = write(svc, scope, video.clone(), "content.video_cover_framed").await;
    match super::cover::settle(svc, written, &key, None).await {
        Ok(framed) => framed,
        Err(_) => {
            video.cover_key = None;
            video
        }
    }
}

fn accepted(facts: VideoFacts) -> Result<VideoFacts, container::ContainerError> {
    container::check_accepted(&facts).map(|()| facts)
}

fn container_name(facts: &VideoFacts) -> &'static str {
    match facts.kind {
        ContainerKind::Mp4 => "mp4",
        ContainerKind::WebM => "webm",
    }
}

/// The media type a video is served with.
pub fn content_type(video: &Video) -> &'static str {
    media_type(&video.container)
}

/// The media type of a video file in `container` (as stored).
pub fn media_type(container: &str) -> &'static str {
    match container {
        "webm" => "video/webm",
        _ => "video/mp4",
    }
}

/// A tagged product as its seller sees it: whether buyers can reach it,
/// and if not, why.
#[derive(Debug, Clone)]
pub struct TagView {
    pub product: ProductId,
    pub title: String,
    pub reachable: bool,
    pub reasons: Vec<Reason>,
    /// What buyers pay now for its cheapest SKU (the one pricing function),
    /// when it is in the Shop: what a caption may truthfully name.
    pub price: Option<i64>,
}

/// A video with what the Seller Center shows beside it.
#[derive(Debug, Clone)]
pub struct VideoView {
    pub video: Video,
    pub tags: Vec<TagView>,
    pub consistency: Consistency,
}

impl VideoView {
    /// Tagged products buyers can no longer reach (the seller is warned).
    pub fn unavailable_tags(&self) -> impl Iterator<Item = &TagView> {
        self.tags.iter().filter(|t| !t.reachable)
    }
}

/// The seller's products among `ids`, with their titles (a product no
/// longer in the catalog keeps an empty title: its tag shows as unavailable).
pub(crate) async fn titled(
    svc: &Services,
    scope: &SellerScope,
    ids: &[ProductId],
) -> ServiceResult<Vec<(ProductId, String)>> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        match catalog::get_product(&svc.store, scope.seller_id, *id).await {
            Ok(p) => found.push((*id, p.title)),
            Err(etalase_store::StoreError::NotFound) => found.push((*id, String::new())),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(found)
}

/// What the seller sees of products already read: in the Shop or why not,
/// and what buyers pay now.
pub(crate) async fn tag_views(
    svc: &Services,
    scope: &SellerScope,
    products: &[(ProductId, String)],
) -> ServiceResult<Vec<TagView>> {
    let ids: Vec<ProductId> = products.iter().map(|(id, _)| *id).collect();
    let statuses = sync::statuses(svc, scope, &ids).await?;
    let listed = crate::storefront::products(svc, &ids).await?;
    Ok(products
        .iter()
        .map(|(product, title)| {
            let status = statuses.get(product);
            TagView {
                product: *product,
                title: title.clone(),
                reachable: status
                    .and_then(|s| s.visibility)
                    .is_some_and(|v| v.reachable()),
                reasons: status.map(|s| s.reasons.clone()).unwrap_or_default(),
                price: listed
                    .iter()
                    .find(|p| p.listing.product_id == *product)
                    .and_then(|p| p.prices_now(svc).iter().map(|u| u.unit).min()),
            }
        })
        .collect())
}

async fn view_of(svc: &Services, scope: &SellerScope, video: Video) -> ServiceResult<VideoView> {
    let tags = tag_views(svc, scope, &titled(svc, scope, &video.products).await?).await?;
    let consistency = claims::of_video(svc, &video).await?;
    Ok(VideoView {
        video,
        tags,
        consistency,
    })
}

pub async fn list(svc: &Services, scope: &SellerScope) -> ServiceResult<Vec<VideoView>> {
    scope.authorize(SellerAction::read(Area::Content))?;
    let mut views = Vec::new();
    for video in store::videos_of(&svc.store, scope.seller_id).await? {
        views.push(view_of(svc, scope, video).await?);
    }
    Ok(views)
}

pub async fn get(svc: &Services, scope: &SellerScope, id: VideoId) -> ServiceResult<VideoView> {
    scope.authorize(SellerAction::read(Area::Content))?;
    let video = store::video_of(&svc.store, scope.seller_id, id).await?;
    view_of(svc, scope, video).await
}

/// What a seller changes of a video.
#[derive(Debug, Clone, Default)]
pub struct Details {
    pub caption: String,
    pub products: Vec<ProductId>,
}

/// Checks the tags: the seller's own products, each one buyers can reach
/// now. Each refused tag is a field error named `tags.<product id>`.
async fn checked_tags(
    svc: &Services,
    scope: &SellerScope,
    products: &[ProductId],
) -> ServiceResult<ProductTags> {
    let tags = ProductTags::parse(products.iter().copied())
        .map_err(|code| ServiceError::field("tags", code))?;
    let problems = refused_products(svc, scope, tags.as_slice(), "tags").await?;
    if problems.is_empty() {
        Ok(tags)
    } else {
        Err(ServiceError::fields(problems))
    }
}

/// Why each of `products` cannot be shown to buyers with content: not the
/// seller's own, or not reachable in the Shop now. Each is a field error
/// named `<field>.<product id>`.
pub(crate) async fn refused_products(
    svc: &Services,
    scope: &SellerScope,
    products: &[ProductId],
    field: &str,
) -> ServiceResult<Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut own = Vec::new();
    for product in products {
        match catalog::get_product(&svc.store, scope.seller_id, *product).await {
            Ok(p) => own.push((*product, p.title)),
            Err(etalase_store::StoreError::NotFound) => problems.push(FieldError::new(
                format!("{field}.{product}"),
                ErrorCode::VideoTagForeign,
            )),
            Err(e) => return Err(e.into()),
        }
    }
    for view in tag_views(svc, scope, &own).await? {
        if !view.reachable {
            problems.push(FieldError::new(
                format!("{field}.{}", view.product),
                ErrorCode::VideoTagNotListed,
            ));
        }
    }
    Ok(problems)
}

/// Saves a video's caption and tags (`version` is the one the seller saw).
pub async fn save(
    svc: &Services,
    scope: &SellerScope,
    id: VideoId,
    version: i32,
    details: &Details,
) -> ServiceResult<Video> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let caption =
        Caption::parse(&details.caption).map_err(|code| ServiceError::field("caption", code))?;
    let tags = checked_tags(svc, scope, &details.products).await?;
    let mut video = store::video_of(&svc.store, scope.seller_id, id).await?;
    if video.version != version {
        return Err(ErrorCode::VersionConflict.into());
    }
    if video.state == VideoState::Published && tags.is_empty() {
        return Err(ServiceError::field("tags", ErrorCode::VideoTagRequired));
    }
    video.caption = caption.as_str().to_owned();
    video.products = tags.as_slice().to_vec();
    write(svc, scope, video, "content.video_saved").await
}

/// Publishes a video. A caption whose price claims the pricing function
/// does not charge is refused until the seller confirms it
/// ([`ErrorCode::VideoClaimsUnconfirmed`]); it then stays on the video's
/// "Konsistensi harga" panel until fixed.
pub async fn publish(
    svc: &Services,
    scope: &SellerScope,
    id: VideoId,
    version: i32,
    confirm_claims: bool,
) -> ServiceResult<Video> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let mut video = store::video_of(&svc.store, scope.seller_id, id).await?;
    if video.version != version {
        return Err(ErrorCode::VersionConflict.into());
    }
    let tags = checked_tags(svc, scope, &video.products).await?;
    video.state = video.state.publish(&tags)?;
    if !confirm_claims && !claims::of_video(svc, &video).await?.is_consistent() {
        return Err(ErrorCode::VideoClaimsUnconfirmed.into());
    }
    video.published_at = Some(svc.now());
    write(svc, scope, video, "content.video_published").await
}

pub async fn hide(
    svc: &Services,
    scope: &SellerScope,
    id: VideoId,
    version: i32,
) -> ServiceResult<Video> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let mut video = store::video_of(&svc.store, scope.seller_id, id).await?;
    if video.version != version {
        return Err(ErrorCode::VersionConflict.into());
    }
    video.state = video.state.hide()?;
    write(svc, scope, video, "content.video_hidden").await
}

/// Deletes a video and its file.
pub async fn delete(svc: &Services, scope: &SellerScope, id: VideoId) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let video = store::video_of(&svc.store, scope.seller_id, id).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    store::delete_video(&mut tx, scope.seller_id, id).await?;
    let id_text = id.to_string();
    audit::record(
        &mut tx,
        scope.audit("content.video_deleted", "video", &id_text),
        now,
    )
    .await?;
    tx.commit().await?;
    svc.shop_cache.forget_videos();
    if let Some(cover) = &video.cover_key {
        let _ = svc.objects.delete(cover).await;
    }
    svc.objects
        .delete(&video.object_key)
        .await
        .map_err(ServiceError::internal)
}

async fn write(
    svc: &Services,
    scope: &SellerScope,
    mut video: Video,
    action: &str,
) -> ServiceResult<Video> {
    let now = svc.now();
    video.version += 1;
    video.updated_at = now;
    let mut tx = svc.store.write().await?;
    if !store::update_video(&mut tx, &video).await? {
        return Err(ErrorCode::VersionConflict.into());
    }
    let id = video.id.to_string();
    let mut entry = scope.audit(action, "video", &id);
    entry.after = Some(summary(&video));
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    svc.shop_cache.forget_videos();
    Ok(video)
}

fn summary(video: &Video) -> String {
    let tags: Vec<String> = video.products.iter().map(|p| p.to_string()).collect();
    format!(
        "state={} tags={} caption={}",
        video.state.as_str(),
        tags.join(","),
        video.caption.chars().take(80).collect::<String>()
    )
}

/// The tags of several videos, for the warnings on a product that left
/// the Shop: which of the seller's videos show it.
pub async fn tagging(
    svc: &Services,
    scope: &SellerScope,
    product: ProductId,
) -> ServiceResult<Vec<Video>> {
    scope.authorize(SellerAction::read(Area::Content))?;
    Ok(store::videos_tagging(&svc.store, scope.seller_id, product).await?)
}

/// A draft's or hidden video's file is its team's only: the key for the
/// Seller Center's player.
pub async fn file_of(svc: &Services, scope: &SellerScope, id: VideoId) -> ServiceResult<Video> {
    scope.authorize(SellerAction::read(Area::Content))?;
    Ok(store::video_of(&svc.store, scope.seller_id, id).await?)
}

/// The shop's products (most recently changed first, drafts included),
/// each with whether buyers can reach it now and, if not, why — so the
/// seller sees what to fix before a product can be tagged.
pub async fn tag_candidates(svc: &Services, scope: &SellerScope) -> ServiceResult<Vec<TagView>> {
    scope.authorize(SellerAction::read(Area::Content))?;
    let filter = catalog::ProductFilter::default();
    let products = catalog::list_products(&svc.store, scope.seller_id, &filter, None, 60).await?;
    let titled: Vec<(ProductId, String)> = products.into_iter().map(|p| (p.id, p.title)).collect();
    tag_views(svc, scope, &titled).await
}

/// Sets a video's cover (the picture shown before it plays): a JPEG, PNG
/// or WebP checked and re-encoded as the product photos are. The earlier
/// cover's file is removed once the new one is recorded.
pub async fn set_cover(
    svc: &Services,
    scope: &SellerScope,
    id: VideoId,
    bytes: Vec<u8>,
) -> ServiceResult<Video> {
    scope.authorize(SellerAction::write(Area::Content))?;
    let mut video = store::video_of(&svc.store, scope.seller_id, id).await?;
    let key = super::cover::store(svc, &object_key(scope, id), bytes).await?;
    let previous = video.cover_key.replace(key.clone());
    let written = write(svc, scope, video, "content.video_cover_set").await;
    super::cover::settle(svc, written, &key, previous).await
}

/// A video's cover picture (JPEG), when it has one: any of the seller's
/// videos for its team, a published one for anyone (`scope` is `None`).
pub async fn cover(
    svc: &Services,
    scope: Option<&SellerScope>,
    id: VideoId,
) -> ServiceResult<Option<Vec<u8>>> {
    let video = match scope {
        Some(scope) => {
            scope.authorize(SellerAction::read(Area::Content))?;
            Some(store::video_of(&svc.store, scope.seller_id, id).await?)
        }
        None => store::published(&svc.store, id).await?,
    };
    let Some(key) = video.and_then(|v| v.cover_key) else {
        return Ok(None);
    };
    svc.objects.get(&key).await.map_err(ServiceError::internal)
}
