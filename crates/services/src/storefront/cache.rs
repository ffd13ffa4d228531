//! What the Shop's pages read most, kept in this process: listings with
//! their parsed documents, shops' join dates, shops' claimable vouchers,
//! and which products make each feed page (what the search index finds,
//! "related products" included, the index keeps itself: `search::answers`).
//!
//! Freshness is the sync's promise, not a time-to-live: every projection
//! this process commits drops the products it touched as it commits, and
//! one another process commits does so when this process's follower of the
//! sync states finds it (`sync::spawn_notice_follower`). A read that raced a notice is not
//! kept: each notice moves an epoch, and a listing read from the database is
//! kept only if no notice came while it was being read (it is inserted, then
//! the epoch is checked again, so a notice is either seen or removes it).
//! The ages below are backstops for what no notice covers, not the
//! freshness rule.

use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::Standing;
use etalase_domain::Timestamp;
use etalase_domain::id::{ProductId, SellerId};
use etalase_store::pricing::StoredVoucher;
use etalase_store::product_videos::ProductVideo;
use etalase_store::reviews::StoredReview;
use etalase_store::videos::Video;
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::ShopProduct;
use super::flights::Flights;

/// A listing is read again after this long even without a notice (a read
/// model rebuilt by another process, say).
const LISTING_MAX_AGE: Duration = Duration::from_secs(60);
/// Claimable vouchers change with claims made on other nodes and with the
/// clock (a voucher starts); no notice covers those, so they are read
/// again after a second. Claiming checks the voucher itself.
const VOUCHERS_MAX_AGE: Duration = Duration::from_secs(1);
/// The newest videos change when a seller publishes or hides one on any
/// node; no notice covers that, so they are read again after a second (the
/// node that made the change forgets them at once).
const VIDEOS_MAX_AGE: Duration = Duration::from_secs(1);
/// A shop's rating moves with each review of any of its products, its
/// response rate with each chat; a minute late on a seller card is fine
/// (a reply written on this node forgets it at once).
const STANDING_MAX_AGE: Duration = Duration::from_secs(60);
/// A product's newest reviews change with a review of it, whose event the
/// projection follows (forgetting them with the listing); read again after
/// as long as a listing.
const REVIEWS_MAX_AGE: Duration = LISTING_MAX_AGE;
/// Bytes a cached listing costs besides its document.
const LISTING_OVERHEAD: u64 = 512;

#[derive(Clone)]
struct Entry<T> {
    value: T,
    read_at: Instant,
    weight: u64,
}

impl<T> Entry<T> {
    fn fresh(&self, max_age: Duration) -> bool {
        self.read_at.elapsed() < max_age
    }
}

/// What `cache` holds for `key`, unless older than `max_age`.
fn fresh<K, T, W>(cache: &Cache<K, Entry<T>, W>, key: &K, max_age: Duration) -> Option<T>
where
    K: Eq + Hash + Clone,
    T: Clone,
    W: Weighter<K, Entry<T>> + Clone,
{
    cache.get(key).filter(|e| e.fresh(max_age)).map(|e| e.value)
}

#[derive(Clone)]
struct ByWeight;

impl<K, T> Weighter<K, Entry<T>> for ByWeight {
    fn weight(&self, _: &K, entry: &Entry<T>) -> u64 {
        entry.weight
    }
}

/// The epoch when a read from the database began; see [`ShopCache::ticket`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ticket(u64);

pub struct ShopCache {
    listings: Cache<ProductId, Entry<Arc<ShopProduct>>, ByWeight>,
    /// A seller's join date never changes.
    joined: Cache<SellerId, Timestamp>,
    vouchers: Cache<SellerId, Entry<Arc<Vec<StoredVoucher>>>>,
    /// A shop's rating and chat response rate (a product page's seller
    /// card).
    standings: Cache<SellerId, Entry<Standing>>,
    /// The public free-shipping vouchers running (the search's filter).
    free_shipping: Cache<(), Entry<Arc<Vec<StoredVoucher>>>>,
    /// The newest published videos (the home feed's and the video feed's
    /// first page).
    videos: Cache<(), Entry<Arc<Vec<Video>>>>,
    /// A product page's videos: those tagging the product, and its own.
    media: Cache<ProductId, Entry<Arc<ProductMedia>>>,
    /// A product page's newest reviews.
    reviews: Cache<ProductId, Entry<Arc<Vec<StoredReview>>>>,
    /// Feed pages (which products, in which order), as of an epoch: any
    /// notice may move a product into, out of or along a feed.
    feeds: Cache<String, (u64, Arc<FeedIds>)>,
    epoch: AtomicU64,
    /// Reads under way of what a page needs and the cache misses, shared by
    /// the buyers who open the page at the same instant, by what they read
    /// and the epoch they began in.
    pub(crate) listing_reads: Flights<(ProductId, Ticket), Option<Arc<ShopProduct>>>,
    pub(crate) media_reads: Flights<(ProductId, Ticket), Arc<ProductMedia>>,
    pub(crate) voucher_reads: Flights<(SellerId, Ticket), Arc<Vec<StoredVoucher>>>,
    pub(crate) standing_reads: Flights<(SellerId, Ticket), Standing>,
    pub(crate) review_reads: Flights<(ProductId, Ticket), Arc<Vec<StoredReview>>>,
}

/// The videos a product page shows: published ones tagging the product
/// (newest first, a few), and the product's own video.
#[derive(Debug, Clone, Default)]
pub struct ProductMedia {
    pub tagging: Vec<Video>,
    pub own: Option<ProductVideo>,
}

/// A feed page's products in order, and whether another page follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedIds {
    pub ids: Vec<ProductId>,
    pub has_next: bool,
}

impl ShopCache {
    /// A cache holding up to `bytes` of listings (0: none kept).
    pub fn new(bytes: u64) -> ShopCache {
        let estimated = (bytes / 4096).max(16) as usize;
        ShopCache {
            listings: Cache::with_weighter(estimated, bytes.max(1), ByWeight),
            joined: Cache::new(20_000),
            vouchers: Cache::new(20_000),
            standings: Cache::new(20_000),
            free_shipping: Cache::new(1),
            videos: Cache::new(1),
            media: Cache::new(20_000),
            reviews: Cache::new(20_000),
            feeds: Cache::new(10_000),
            epoch: AtomicU64::new(0),
            listing_reads: Flights::default(),
            media_reads: Flights::default(),
            voucher_reads: Flights::default(),
            standing_reads: Flights::default(),
            review_reads: Flights::default(),
        }
    }

    /// Take before reading what will be kept: a notice after it keeps the
    /// read out of the cache.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.epoch.load(Ordering::SeqCst))
    }

    pub fn listing(&self, id: ProductId) -> Option<Arc<ShopProduct>> {
        fresh(&self.listings, &id, LISTING_MAX_AGE)
    }

    /// Keeps a listing read since `ticket` (unless a notice came meanwhile).
    pub fn keep_listing(&self, ticket: Ticket, product: Arc<ShopProduct>, document_bytes: usize) {
        let id = product.listing.product_id;
        let weight = document_bytes as u64 + LISTING_OVERHEAD;
        self.keep(&self.listings, ticket, id, product, weight);
    }

    pub fn joined(&self, seller: SellerId) -> Option<Timestamp> {
        self.joined.get(&seller)
    }

    pub fn keep_joined(&self, seller: SellerId, at: Timestamp) {
        self.joined.insert(seller, at);
    }

    pub fn vouchers(&self, seller: SellerId) -> Option<Arc<Vec<StoredVoucher>>> {
        fresh(&self.vouchers, &seller, VOUCHERS_MAX_AGE)
    }

    pub fn keep_vouchers(
        &self,
        ticket: Ticket,
        seller: SellerId,
        vouchers: Arc<Vec<StoredVoucher>>,
    ) {
        self.keep(&self.vouchers, ticket, seller, vouchers, 1);
    }

    pub fn reviews(&self, product: ProductId) -> Option<Arc<Vec<StoredReview>>> {
        fresh(&self.reviews, &product, REVIEWS_MAX_AGE)
    }

    pub fn keep_reviews(
        &self,
        ticket: Ticket,
        product: ProductId,
        reviews: Arc<Vec<StoredReview>>,
    ) {
        self.keep(&self.reviews, ticket, product, reviews, 1);
    }

    pub fn standing(&self, seller: SellerId) -> Option<Standing> {
        fresh(&self.standings, &seller, STANDING_MAX_AGE)
    }

    pub fn keep_standing(&self, ticket: Ticket, seller: SellerId, standing: Standing) {
        self.keep(&self.standings, ticket, seller, standing, 1);
    }

    /// The shop's team answered a chat here. The epoch stays: moving it
    /// would drop every kept feed page at each chat reply, and a read begun
    /// before the reply keeping the old standing is a minute late at most,
    /// which the seller card allows.
    pub fn forget_standing(&self, seller: SellerId) {
        self.standings.remove(&seller);
    }

    pub fn free_shipping(&self) -> Option<Arc<Vec<StoredVoucher>>> {
        fresh(&self.free_shipping, &(), VOUCHERS_MAX_AGE)
    }

    pub fn keep_free_shipping(&self, ticket: Ticket, vouchers: Arc<Vec<StoredVoucher>>) {
        self.keep(&self.free_shipping, ticket, (), vouchers, 1);
    }

    pub fn videos(&self) -> Option<Arc<Vec<Video>>> {
        fresh(&self.videos, &(), VIDEOS_MAX_AGE)
    }

    pub fn keep_videos(&self, ticket: Ticket, videos: Arc<Vec<Video>>) {
        self.keep(&self.videos, ticket, (), videos, 1);
    }

    /// A video was published, changed, hidden or deleted here.
    pub fn forget_videos(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.videos.clear();
        self.media.clear();
    }

    /// A product page's videos, read within the last second (another node's
    /// change shows within it; this node's forgets them at once).
    pub fn media(&self, product: ProductId) -> Option<Arc<ProductMedia>> {
        fresh(&self.media, &product, VIDEOS_MAX_AGE)
    }

    pub fn keep_media(&self, ticket: Ticket, product: ProductId, media: Arc<ProductMedia>) {
        self.keep(&self.media, ticket, product, media, 1);
    }

    /// A product's own video was uploaded or removed here.
    pub fn forget_media(&self, product: ProductId) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.media.remove(&product);
    }

    /// A feed page, if no notice came since it was read.
    pub fn feed(&self, key: &str) -> Option<Arc<FeedIds>> {
        let now = self.epoch.load(Ordering::SeqCst);
        self.feeds
            .get(key)
            .filter(|(epoch, _)| *epoch == now)
            .map(|(_, ids)| ids)
    }

    /// Keeps a feed page read since `ticket` (it is only ever found while
    /// the epoch is still the ticket's).
    pub fn keep_feed(&self, ticket: Ticket, key: String, ids: Arc<FeedIds>) {
        self.feeds.insert(key, (ticket.0, ids));
    }

    /// A product changed in the Shop (or its promotions, or its seller).
    pub fn forget_product(&self, seller: SellerId, product: ProductId) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.listings.remove(&product);
        // A review's event moves the listing's rating: its text goes too.
        self.reviews.remove(&product);
        // Vouchers are announced per product they cover.
        self.vouchers.remove(&seller);
    }

    /// A voucher was made, changed or claimed: any shop's list may change
    /// (the platform's vouchers are in every shop's).
    pub fn forget_vouchers(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.vouchers.clear();
        self.free_shipping.clear();
    }

    /// The feeds' order moved (the ranking pass): every kept page goes.
    pub fn forget_feeds(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// Notices were missed: nothing kept can be trusted.
    pub fn forget_all(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.listings.clear();
        self.vouchers.clear();
        self.free_shipping.clear();
        self.videos.clear();
        self.media.clear();
        self.reviews.clear();
    }

    fn keep<K, T, W>(
        &self,
        cache: &Cache<K, Entry<T>, W>,
        ticket: Ticket,
        key: K,
        value: T,
        weight: u64,
    ) where
        K: Eq + Hash + Clone,
        T: Clone,
        W: Weighter<K, Entry<T>> + Clone,
    {
        if self.epoch.load(Ordering::SeqCst) != ticket.0 {
            return;
        }
        let entry = Entry {
            value,
            read_at: Instant::now(),
            weight,
        };
        cache.insert(key.clone(), entry);
        // A notice between the check and the insert would not have seen this
        // entry: look again, and take it back if one came.
        if self.epoch.load(Ordering::SeqCst) != ticket.0 {
            cache.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing_document::ListingDocument;

    fn product(seller: SellerId, id: ProductId) -> Arc<ShopProduct> {
        let listing = etalase_store::shop::ShopListing {
            product_id: id,
            seller_id: seller,
            shop_slug: "toko".into(),
            shop_name: "Toko".into(),
            shop_regency: None,
            slug: "kaos".into(),
            title: "Kaos".into(),
            visibility: etalase_domain::listing::Visibility::Listed,
            category: None,
            brand: None,
            min_price: 10_000,
            max_price: 10_000,
            original_price: None,
            total_stock: 1,
            primary_image: None,
            quality_score: 50,
            sold_count: 0,
            rating: Default::default(),
            rank_score: 0,
            published_at: Timestamp::from_unix_millis(0),
            product_version: 1,
            cod_allowed: false,
            document: String::new(),
            product_updated_at: Timestamp::from_unix_millis(0),
        };
        let document = ListingDocument::described("");
        Arc::new(ShopProduct { listing, document })
    }

    #[test]
    fn a_listing_read_before_a_notice_is_not_kept() {
        let cache = ShopCache::new(1 << 20);
        let (seller, id) = (SellerId::generate(), ProductId::generate());
        let ticket = cache.ticket();
        cache.forget_product(seller, id);
        cache.keep_listing(ticket, product(seller, id), 100);
        assert!(cache.listing(id).is_none());
        let ticket = cache.ticket();
        cache.keep_listing(ticket, product(seller, id), 100);
        assert!(cache.listing(id).is_some());
    }

    #[test]
    fn a_notice_drops_the_listing_and_the_shops_vouchers() {
        let cache = ShopCache::new(1 << 20);
        let (seller, id) = (SellerId::generate(), ProductId::generate());
        let ticket = cache.ticket();
        cache.keep_listing(ticket, product(seller, id), 100);
        cache.keep_vouchers(ticket, seller, Arc::new(Vec::new()));
        assert!(cache.vouchers(seller).is_some());
        cache.forget_product(seller, id);
        assert!(cache.listing(id).is_none());
        assert!(cache.vouchers(seller).is_none());
    }

    /// A product's kept reviews go with a notice of that product and when
    /// notices were missed; a video's change (any product's page) keeps them.
    #[test]
    fn kept_reviews_go_with_their_product_and_with_missed_notices() {
        let cache = ShopCache::new(1 << 20);
        let (seller, id, other) = (
            SellerId::generate(),
            ProductId::generate(),
            ProductId::generate(),
        );
        let keep = |product| cache.keep_reviews(cache.ticket(), product, Arc::new(Vec::new()));
        keep(id);
        keep(other);
        cache.forget_product(seller, id);
        assert!(cache.reviews(id).is_none());
        assert!(cache.reviews(other).is_some());
        cache.forget_videos();
        assert!(cache.reviews(other).is_some());
        cache.forget_all();
        assert!(cache.reviews(other).is_none());
    }

    #[test]
    fn a_feed_page_holds_until_the_next_notice() {
        let cache = ShopCache::new(1 << 20);
        let page = Arc::new(FeedIds {
            ids: vec![ProductId::generate()],
            has_next: false,
        });
        let ticket = cache.ticket();
        cache.keep_feed(ticket, "ranked|1".into(), page.clone());
        assert_eq!(cache.feed("ranked|1"), Some(page.clone()));
        cache.forget_product(SellerId::generate(), ProductId::generate());
        assert!(cache.feed("ranked|1").is_none());
        // A page read before the notice is never found after it.
        cache.keep_feed(ticket, "ranked|1".into(), page);
        assert!(cache.feed("ranked|1").is_none());
    }

    #[test]
    fn listings_past_the_byte_budget_are_evicted() {
        let cache = ShopCache::new(10_000);
        let seller = SellerId::generate();
        let ids: Vec<ProductId> = (0..100).map(|_| ProductId::generate()).collect();
        for id in &ids {
            let ticket = cache.ticket();
            cache.keep_listing(ticket, product(seller, *id), 1_000);
        }
        let kept = ids
            .iter()
            .filter(|id| cache.listing(**id).is_some())
            .count();
        assert!(kept < 10, "{kept} listings of 1.5 kB kept in 10 kB");
    }
}
