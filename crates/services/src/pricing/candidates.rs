//! What a promotion can be put on: the shop's active products and their
//! priced SKUs.

use etalase_domain::id::{ProductId, SkuId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::catalog;

use crate::teams::SellerScope;
use crate::{ServiceResult, Services};

/// A product a promotion can be put on, with its priced SKUs.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub product: ProductId,
    pub title: String,
    pub skus: Vec<CandidateSku>,
}

#[derive(Debug, Clone)]
pub struct CandidateSku {
    pub id: SkuId,
    pub label: String,
    pub price: i64,
    pub stock: i64,
}

/// The shop's active products (matching `query`, when given) and their
/// priced SKUs, for choosing what a promotion covers.
pub async fn candidates(
    svc: &Services,
    scope: &SellerScope,
    query: Option<&str>,
) -> ServiceResult<Vec<Candidate>> {
    scope.authorize(SellerAction::read(Area::Promotions))?;
    let filter = catalog::ProductFilter {
        status: Some(etalase_domain::catalog::lifecycle::ProductStatus::Active),
        query: query.map(str::to_owned).filter(|q| !q.trim().is_empty()),
        ..Default::default()
    };
    let products = catalog::list_products(&svc.store, scope.seller_id, &filter, None, 30).await?;
    let mut out = Vec::with_capacity(products.len());
    for product in products {
        let skus = catalog::skus_of(&svc.store, scope.seller_id, product.id).await?;
        out.push(Candidate {
            product: product.id,
            skus: skus
                .into_iter()
                .filter_map(|s| {
                    Some(CandidateSku {
                        id: s.id,
                        label: if s.combination.is_empty() {
                            "—".to_owned()
                        } else {
                            s.combination.join(" / ")
                        },
                        price: s.price?,
                        stock: s.stock,
                    })
                })
                .collect(),
            title: product.title,
        });
    }
    Ok(out)
}
