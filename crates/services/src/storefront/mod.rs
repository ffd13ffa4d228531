//! The Shop's reads for buyers: only the read model the sync keeps (never
//! the Seller Center's tables), so what a buyer sees is what the sync
//! decided, and a product that left the Shop is simply not found.

use std::sync::Arc;

use etalase_domain::ErrorCode;
use etalase_domain::id::{ImageId, ProductId, SellerId};
use etalase_store::reviews::StoredReview;
use etalase_store::shop::{self, ShopListing};

use crate::catalog::media;
use crate::listing_document::{ListingDocument, ListingSku};
use crate::search::{ShippingCover, Suggestion};
use crate::{ServiceError, ServiceResult, Services};
use etalase_domain::Timestamp;
use etalase_domain::pricing::{BuyerContext, Channel, Pricer, SkuPricing, UnitPrice};

mod cache;
pub(crate) mod flights;
pub mod ranking;
pub mod shipping;
pub use cache::{ProductMedia, ShopCache};

/// A product as its Shop page shows it.
#[derive(Debug, Clone)]
pub struct ShopProduct {
    /// Its row; the document's JSON is not kept (it is parsed below).
    pub listing: ShopListing,
    pub document: ListingDocument,
}

impl ShopProduct {
    /// Each SKU's price for a buyer on `channel` at `at`, by the one
    /// pricing function over the offers the projection carried.
    pub fn prices(
        &self,
        pricer: &Pricer,
        buyer: &BuyerContext,
        channel: Channel,
        at: Timestamp,
    ) -> Vec<UnitPrice> {
        self.document
            .skus
            .iter()
            .map(|s| pricer.price(&pricing_of(s), buyer, channel, at))
            .collect()
    }

    /// Each SKU's price now for any buyer in the Shop (what its page, its
    /// card and the public API show).
    pub fn prices_now(&self, svc: &Services) -> Vec<UnitPrice> {
        prices_now(svc, &self.document.skus)
    }

    /// The price a card or the page head shows: the cheapest SKU's (the
    /// first one on a tie) and the highest unit price, for a range.
    pub fn headline(&self, prices: &[UnitPrice]) -> Option<Headline> {
        headline_of(prices)
    }
}

/// These SKUs' prices now for any buyer in the Shop.
fn prices_now(svc: &Services, skus: &[ListingSku]) -> Vec<UnitPrice> {
    let (now, anyone) = (svc.now(), BuyerContext::anonymous());
    skus.iter()
        .map(|s| {
            svc.config
                .pricer
                .price(&pricing_of(s), &anyone, Channel::Shop, now)
        })
        .collect()
}

fn headline_of(prices: &[UnitPrice]) -> Option<Headline> {
    let cheapest = prices.iter().min_by_key(|p| p.unit)?.clone();
    let highest = prices.iter().map(|p| p.unit).max().unwrap_or(cheapest.unit);
    Some(Headline { cheapest, highest })
}

/// The part of a listing's document a card reads.
#[derive(serde::Deserialize)]
struct SkusOnly {
    skus: Vec<ListingSku>,
}

/// The price at the head of a product page or on its card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headline {
    pub cheapest: UnitPrice,
    pub highest: i64,
}

/// A listed SKU as the pricing function sees it.
pub fn pricing_of(sku: &ListingSku) -> SkuPricing {
    SkuPricing {
        sku: sku.id,
        base: sku.price,
        compare_at: sku.original_price,
        offers: sku.offers.clone(),
    }
}

/// The product, if buyers can open it (listed or sold out).
pub async fn product(svc: &Services, id: ProductId) -> ServiceResult<Option<Arc<ShopProduct>>> {
    if let Some(kept) = svc.shop_cache.listing(id) {
        return Ok(Some(kept));
    }
    let ticket = svc.shop_cache.ticket();
    let read = || async {
        let Some(listing) = shop::get(&svc.store, id).await? else {
            return Ok(None);
        };
        Ok(Some(keep(svc, ticket, listing)?))
    };
    svc.shop_cache.listing_reads.once((id, ticket), read).await
}

/// The listed products among `ids` (in no particular order): those kept
/// in the cache, and the rest read in one statement.
pub async fn products(svc: &Services, ids: &[ProductId]) -> ServiceResult<Vec<Arc<ShopProduct>>> {
    let mut found = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        match svc.shop_cache.listing(*id) {
            Some(kept) => found.push(kept),
            None => missing.push(*id),
        }
    }
    if !missing.is_empty() {
        let ticket = svc.shop_cache.ticket();
        for listing in shop::get_many(&svc.store, &missing).await? {
            found.push(keep(svc, ticket, listing)?);
        }
    }
    Ok(found)
}

/// The listed products among `ids`, in the order of `ids` (a ranked page).
async fn products_in_order(
    svc: &Services,
    ids: &[ProductId],
) -> ServiceResult<Vec<Arc<ShopProduct>>> {
    let mut found = products(svc, ids).await?;
    found.sort_by_key(|p| ids.iter().position(|id| *id == p.listing.product_id));
    Ok(found)
}

/// A listing read since `ticket`, parsed and kept.
fn keep(
    svc: &Services,
    ticket: cache::Ticket,
    mut listing: ShopListing,
) -> ServiceResult<Arc<ShopProduct>> {
    let document = serde_json::from_str(&listing.document).map_err(ServiceError::internal)?;
    let bytes = std::mem::take(&mut listing.document).len();
    let product = Arc::new(ShopProduct { listing, document });
    svc.shop_cache.keep_listing(ticket, product.clone(), bytes);
    Ok(product)
}

/// When the seller joined (the shop page and the product page's seller
/// card say "Bergabung sejak …").
pub async fn shop_joined(svc: &Services, seller: SellerId) -> ServiceResult<Timestamp> {
    if let Some(at) = svc.shop_cache.joined(seller) {
        return Ok(at);
    }
    let at = etalase_store::sellers::get_seller(&svc.store, seller)
        .await?
        .created_at;
    svc.shop_cache.keep_joined(seller, at);
    Ok(at)
}

/// What a seller card says of a shop besides its name: its rating over all
/// its products' reviews and how reliably its team answers chats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    pub rating: etalase_domain::reviews::Rating,
    pub response: etalase_domain::messaging::ResponseRate,
}

/// A product's newest reviews, for its page: kept until the projection
/// carries a change of the product (a review's event is one), and shared
/// by the buyers who open the page at the same instant.
pub async fn reviews(svc: &Services, product: ProductId) -> ServiceResult<Arc<Vec<StoredReview>>> {
    if let Some(reviews) = svc.shop_cache.reviews(product) {
        return Ok(reviews);
    }
    let ticket = svc.shop_cache.ticket();
    let read = || async {
        let reviews = Arc::new(crate::reviews::of_product(svc, product).await?);
        svc.shop_cache
            .keep_reviews(ticket, product, reviews.clone());
        Ok(reviews)
    };
    svc.shop_cache
        .review_reads
        .once((product, ticket), read)
        .await
}

/// A shop's standing (kept a minute; the buyers who open its pages at the
/// same instant share one read).
pub async fn standing(svc: &Services, seller: SellerId) -> ServiceResult<Standing> {
    if let Some(standing) = svc.shop_cache.standing(seller) {
        return Ok(standing);
    }
    let ticket = svc.shop_cache.ticket();
    let read = || async {
        let window = etalase_domain::messaging::RateWindow::at(svc.now());
        let standing = Standing {
            rating: etalase_store::reviews::shop_rating(&svc.store, seller).await?,
            response: etalase_store::messaging::response_rate(&svc.store, seller, window).await?,
        };
        svc.shop_cache.keep_standing(ticket, seller, standing);
        Ok(standing)
    };
    svc.shop_cache
        .standing_reads
        .once((seller, ticket), read)
        .await
}

/// A photo of a product buyers can open (the full image or a thumbnail).
pub async fn image(
    svc: &Services,
    id: ProductId,
    image: ImageId,
    size: Option<u32>,
) -> ServiceResult<Vec<u8>> {
    let found = product(svc, id).await?.ok_or(ErrorCode::NotFound)?;
    if !found.document.images.contains(&image) {
        return Err(ErrorCode::NotFound.into());
    }
    media::stored_bytes(svc, found.listing.seller_id, id, image, size).await
}

/// A product as a feed card shows it: its listing and headline price.
#[derive(Debug, Clone)]
pub struct Card {
    pub listing: ShopListing,
    pub headline: Headline,
}

/// One page of cards, and whether another follows.
#[derive(Debug, Clone)]
pub struct CardPage {
    pub cards: Vec<Card>,
    pub page: i64,
    pub has_next: bool,
}

/// Cards per page.
pub const PAGE_SIZE: i64 = 24;
/// Pages past this are clamped to it (no one scrolls 500 pages; a crawler
/// asking for page 10^9 gets the last allowed one, not a slow query).
pub const MAX_PAGE: i64 = 500;

/// What a feed page shows.
#[derive(Debug, Clone)]
pub struct Feed<'a> {
    pub order: shop::FeedOrder,
    pub seller: Option<etalase_domain::id::SellerId>,
    /// A category id (and everything under it).
    pub category: Option<&'a str>,
    /// Words typed into a shop's search box.
    pub query: &'a str,
    pub page: i64,
    pub per_page: i64,
}

/// Products as cards, each priced now for anyone by the one pricing
/// function (a product without a priced SKU has no card).
fn cards_of(svc: &Services, products: &[Arc<ShopProduct>]) -> Vec<Card> {
    products
        .iter()
        .filter_map(|p| {
            let headline = headline_of(&p.prices_now(svc))?;
            Some(Card {
                listing: p.listing.clone(),
                headline,
            })
        })
        .collect()
}

/// Listings as cards, each priced now for anyone by the one pricing
/// function (a listing without a priced SKU has no card).
fn priced_cards(svc: &Services, listings: Vec<ShopListing>) -> ServiceResult<Vec<Card>> {
    let mut cards = Vec::with_capacity(listings.len());
    for listing in listings {
        // A card needs the SKUs only: the rest of the document (description,
        // attributes) is skipped over, not copied.
        let skus: SkusOnly =
            serde_json::from_str(&listing.document).map_err(ServiceError::internal)?;
        if let Some(headline) = headline_of(&prices_now(svc, &skus.skus)) {
            cards.push(Card { listing, headline });
        }
    }
    Ok(cards)
}

/// A page of listed products as cards, each priced now by the one pricing
/// function. Which products make the page is kept until the next sync
/// notice; the products themselves come from the listing cache.
pub async fn cards(svc: &Services, feed: &Feed<'_>) -> ServiceResult<CardPage> {
    let page = feed.page.clamp(1, MAX_PAGE);
    let per_page = feed.per_page.clamp(1, 60);
    let words: Vec<String> = feed
        .query
        .split_whitespace()
        .take(8)
        .map(|w| w.chars().take(40).collect())
        .collect();
    let key = format!(
        "{:?}|{}|{}|{}|{page}|{per_page}",
        feed.order,
        feed.seller.map(|s| s.to_string()).unwrap_or_default(),
        feed.category.unwrap_or_default(),
        words.join(" "),
    );
    if let Some(kept) = svc.shop_cache.feed(&key) {
        let found = products_in_order(svc, &kept.ids).await?;
        return Ok(CardPage {
            cards: cards_of(svc, &found),
            page,
            has_next: kept.has_next,
        });
    }
    let ticket = svc.shop_cache.ticket();
    let mut listings = shop::feed(
        &svc.store,
        &shop::FeedQuery {
            order: feed.order,
            seller: feed.seller,
            category: feed.category,
            words: &words,
            offset: (page - 1) * per_page,
            limit: per_page + 1,
        },
    )
    .await?;
    let has_next = listings.len() as i64 > per_page;
    listings.truncate(per_page as usize);
    let ids = listings.iter().map(|l| l.product_id).collect();
    svc.shop_cache
        .keep_feed(ticket, key, Arc::new(cache::FeedIds { ids, has_next }));
    let cards = priced_cards(svc, listings)?;
    Ok(CardPage {
        cards,
        page,
        has_next,
    })
}

/// Up to `n` other listed products of the same category, highest rank
/// first: read from the search index when there is one (a category's best
/// are found without reading the read model's rows one by one), else from
/// the read model's ranked feed.
pub async fn related(svc: &Services, of: &ShopListing, n: usize) -> ServiceResult<Vec<Card>> {
    let Some(category) = of.category.as_deref() else {
        return Ok(Vec::new());
    };
    let page = if let Some(index) = svc.search.as_ref() {
        // On this thread, as a search: the index keeps a category's best
        // until it changes, so this is mostly a lookup.
        let mut query = crate::search::SearchQuery::words("");
        query.category = Some(category.to_owned());
        query.limit = n + 1;
        query.facets = false;
        let ids = index.search(&query)?.ids;
        let found = products_in_order(svc, &ids).await?;
        CardPage {
            cards: cards_of(svc, &found),
            page: 1,
            has_next: false,
        }
    } else {
        let feed = Feed {
            order: shop::FeedOrder::Ranked,
            seller: None,
            category: Some(category),
            query: "",
            page: 1,
            per_page: n as i64 + 1,
        };
        cards(svc, &feed).await?
    };
    Ok(page
        .cards
        .into_iter()
        .filter(|c| c.listing.product_id != of.product_id)
        .take(n)
        .collect())
}

/// A search's page of cards, with the count and the category facets.
#[derive(Debug, Clone)]
pub struct SearchResults {
    pub page: CardPage,
    pub total: usize,
    /// Top-level categories of all hits, with counts (most first).
    pub categories: Vec<(String, u64)>,
    /// Provinces the hits' shops ship from, with counts (most first).
    pub provinces: Vec<(String, u64)>,
    /// Hits rated 4 stars and up.
    pub rated_four_up: u64,
    /// The words corrected, when some word is in no title.
    pub did_you_mean: Option<Suggestion>,
}

/// What the running public free-shipping vouchers cover, for the search's
/// "Gratis ongkir" filter.
pub async fn free_shipping_covers(svc: &Services) -> ServiceResult<Vec<ShippingCover>> {
    let running = match svc.shop_cache.free_shipping() {
        Some(kept) => kept,
        None => {
            let ticket = svc.shop_cache.ticket();
            let found =
                etalase_store::pricing::running_free_shipping(&svc.store, svc.now()).await?;
            let found = Arc::new(found);
            svc.shop_cache.keep_free_shipping(ticket, found.clone());
            found
        }
    };
    Ok(running
        .iter()
        .map(|v| ShippingCover {
            seller: v.seller(),
            products: v.products.clone(),
            min_spend: v.min_spend,
        })
        .collect())
}

/// Phrases completing what a buyer is typing (at most `limit`).
pub async fn suggest(svc: &Services, typed: &str, limit: usize) -> ServiceResult<Vec<Suggestion>> {
    let Some(index) = svc.search.clone() else {
        return Ok(Vec::new());
    };
    let typed: String = typed.chars().take(100).collect();
    tokio::task::spawn_blocking(move || index.suggest(&typed, limit.clamp(1, 10)))
        .await
        .map_err(ServiceError::internal)?
}

/// Searches the Shop: hits from the index, read and priced from the read
/// model (a hit whose product has just left the Shop is dropped).
pub async fn search(
    svc: &Services,
    query: &crate::search::SearchQuery,
    page: i64,
) -> ServiceResult<SearchResults> {
    let page = page.clamp(1, MAX_PAGE);
    let Some(index) = svc.search.clone() else {
        return Ok(SearchResults {
            page: CardPage {
                cards: Vec::new(),
                page,
                has_next: false,
            },
            total: 0,
            categories: Vec::new(),
            provinces: Vec::new(),
            rated_four_up: 0,
            did_you_mean: None,
        });
    };
    let per_page = query.limit.clamp(1, 60);
    let asked = crate::search::SearchQuery {
        offset: (page as usize - 1) * per_page,
        limit: per_page,
        ..query.clone()
    };
    // On this thread: a search is a fraction of a millisecond of CPU over
    // an index the OS keeps in memory, less than handing it to another
    // thread and back costs under load.
    let hits = index.search(&asked)?;
    let did_you_mean = if asked.text.trim().is_empty() {
        None
    } else {
        index.did_you_mean(&asked.text)?
    };
    // One read for the page (what the cache lacks); the index's order kept.
    let found = products_in_order(svc, &hits.ids).await?;
    let cards = cards_of(svc, &found);
    Ok(SearchResults {
        page: CardPage {
            cards,
            page,
            has_next: (page as usize) * per_page < hits.total
                && (page as usize) < MAX_PAGE as usize,
        },
        total: hits.total,
        categories: hits.categories,
        provinces: hits.provinces,
        rated_four_up: hits.rated_four_up,
        did_you_mean,
    })
}
