//! Whether a product is in the Shop — and, when it is not, every reason
//! why, each with a stable code and the place where the seller fixes it.
//! Never just "not eligible": the article's first failure story is a
//! product that silently never appears.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;
use crate::catalog::Problem;
use crate::catalog::lifecycle::ProductStatus;
use crate::catalog::product::ProductDraft;
use crate::seller::SellerStatus;

/// How the Shop shows a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// In search, feeds and at its address.
    Listed,
    /// Every SKU ran out: reachable at its address as "Stok habis", but
    /// out of search and feeds.
    SoldOut,
    /// Not in the Shop at all.
    Hidden,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [Visibility::Listed, Visibility::SoldOut, Visibility::Hidden];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Listed => "listed",
            Visibility::SoldOut => "sold_out",
            Visibility::Hidden => "hidden",
        }
    }

    pub fn parse(text: &str) -> Option<Visibility> {
        Self::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// Whether the product's page can be opened in the Shop.
    pub fn reachable(self) -> bool {
        self != Visibility::Hidden
    }
}

/// One reason a product is not (fully) in the Shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// The shop's verification is not approved (yet, or was rejected).
    SellerNotVerified,
    /// The platform suspended the shop.
    SellerSuspended,
    /// Never published.
    ProductDraft,
    /// The seller took it out of the Shop.
    ProductInactive,
    /// A moderator took it down; the seller fixes it and asks for review.
    ProductDeactivated,
    ProductDeleted,
    /// Something publishing requires is missing or out of bounds (a photo,
    /// a price, a weight, the package size, a required attribute …); the
    /// field says where, the code what.
    Incomplete {
        field: String,
        problem: ErrorCode,
    },
    /// No SKU has stock.
    OutOfStock,
}

/// Where the seller goes to fix a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// The verification wizard.
    Verification,
    /// The product page, at a field when there is one.
    Product { field: Option<String> },
    /// The product page's publish button.
    Publish,
    /// The product page's "ask for review" after fixing what moderation said.
    RequestReview,
    /// Stock of the product's SKUs.
    Stock,
    /// Nothing the seller can do (a deleted product, a suspended shop:
    /// the platform's support).
    Support,
}

impl Reason {
    /// The stable code (API, stored sync state, i18n keys).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::SellerNotVerified => "seller_not_verified",
            Reason::SellerSuspended => "seller_suspended",
            Reason::ProductDraft => "product_draft",
            Reason::ProductInactive => "product_inactive",
            Reason::ProductDeactivated => "product_deactivated",
            Reason::ProductDeleted => "product_deleted",
            Reason::Incomplete { .. } => "incomplete",
            Reason::OutOfStock => "out_of_stock",
        }
    }

    pub fn fix(&self) -> Fix {
        match self {
            Reason::SellerNotVerified => Fix::Verification,
            Reason::SellerSuspended | Reason::ProductDeleted => Fix::Support,
            Reason::ProductDraft | Reason::ProductInactive => Fix::Publish,
            Reason::ProductDeactivated => Fix::RequestReview,
            Reason::Incomplete { field, .. } => Fix::Product {
                field: Some(field.clone()),
            },
            Reason::OutOfStock => Fix::Stock,
        }
    }
}

/// The verdict on one product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub visibility: Visibility,
    /// Every reason, in the order a seller best fixes them; empty when listed.
    pub reasons: Vec<Reason>,
}

/// What the rules look at.
pub struct ListingFacts<'a> {
    pub seller: SellerStatus,
    pub status: ProductStatus,
    /// The stored product read back under today's rules, or what those
    /// rules refuse in it (a limit that changed since it was saved).
    pub draft: Result<&'a ProductDraft, &'a [Problem]>,
    pub images: usize,
}

/// THE rules of the Shop: a product is listed only if its seller is
/// approved and not suspended, it is active and not taken down, it has a
/// photo, every SKU has a price in bounds, a weight and a package size,
/// its category's required attributes are filled, and some SKU has stock.
/// A product lacking only stock stays reachable as sold out.
pub fn eligibility(facts: &ListingFacts<'_>) -> Eligibility {
    let mut reasons = Vec::new();
    match facts.seller {
        SellerStatus::Approved => {}
        SellerStatus::Suspended => reasons.push(Reason::SellerSuspended),
        SellerStatus::Pending | SellerStatus::Rejected => reasons.push(Reason::SellerNotVerified),
    }
    match facts.status {
        ProductStatus::Active => {}
        ProductStatus::Draft => reasons.push(Reason::ProductDraft),
        ProductStatus::Inactive => reasons.push(Reason::ProductInactive),
        ProductStatus::PlatformDeactivated => reasons.push(Reason::ProductDeactivated),
        ProductStatus::Deleted => reasons.push(Reason::ProductDeleted),
    }
    let incomplete = |p: Problem| Reason::Incomplete {
        field: p.field,
        problem: p.code,
    };
    match facts.draft {
        _ if facts.status == ProductStatus::Deleted => {}
        Ok(draft) => {
            reasons.extend(
                draft
                    .publish_problems(facts.images)
                    .into_iter()
                    .map(incomplete),
            );
            if !draft.skus.iter().any(|s| s.stock.units() > 0) {
                reasons.push(Reason::OutOfStock);
            }
        }
        Err(problems) => reasons.extend(problems.iter().cloned().map(incomplete)),
    }
    let visibility = if reasons.is_empty() {
        Visibility::Listed
    } else if reasons == [Reason::OutOfStock] {
        Visibility::SoldOut
    } else {
        Visibility::Hidden
    };
    Eligibility {
        visibility,
        reasons,
    }
}

/// The readable part of a product's Shop address (`/p/<slug>-<id>`):
/// lower-case letters and digits joined by `-`, accents folded, at most
/// 80 characters, cut at a word.
pub fn slug_of(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.len() > 80 {
        match slug[..80].rfind('-') {
            Some(cut) if cut > 0 => slug.truncate(cut),
            _ => slug.truncate(80),
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "produk".into()
    } else {
        slug
    }
}

/// Latin letters with accents as their plain letter (Indonesian titles
/// borrow `é`, `ü`, `ñ` …).
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ñ' | 'Ñ' => 'n',
        'ç' | 'Ç' => 'c',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::product::tests::complete as complete_input;
    use crate::catalog::product::{ProductInput, SkuInput};

    fn draft(input: &ProductInput) -> ProductDraft {
        ProductDraft::parse(input).unwrap()
    }

    fn facts(d: &ProductDraft) -> ListingFacts<'_> {
        ListingFacts {
            seller: SellerStatus::Approved,
            status: ProductStatus::Active,
            draft: Ok(d),
            images: 1,
        }
    }

    #[test]
    fn a_complete_active_product_of_an_approved_seller_is_listed() {
        let d = draft(&complete_input());
        let e = eligibility(&facts(&d));
        assert_eq!(e.visibility, Visibility::Listed);
        assert!(e.reasons.is_empty());
    }

    #[test]
    fn every_reason_is_given_at_once() {
        let mut input = complete_input();
        input.attributes.clear();
        input.skus = vec![SkuInput {
            combination: input.skus[0].combination.clone(),
            code: "X-1".into(),
            price: String::new(),
            stock: "0".into(),
            ..SkuInput::default()
        }];
        input.options.truncate(input.skus[0].combination.len());
        let d = draft(&input);
        let e = eligibility(&ListingFacts {
            seller: SellerStatus::Pending,
            status: ProductStatus::Inactive,
            draft: Ok(&d),
            images: 0,
        });
        assert_eq!(e.visibility, Visibility::Hidden);
        let codes: Vec<String> = e
            .reasons
            .iter()
            .map(|r| match r {
                Reason::Incomplete { field, problem } => format!("{field}:{}", problem.code()),
                other => other.code().to_owned(),
            })
            .collect();
        for expected in [
            "seller_not_verified",
            "product_inactive",
            "images:image_required",
            "skus[0].price:price_required",
            "skus[0].weight_grams:weight_required",
            "skus[0].dimensions:dimensions_required",
            "out_of_stock",
        ] {
            assert!(
                codes.iter().any(|c| c == expected),
                "{expected} in {codes:?}"
            );
        }
        assert!(
            codes.iter().any(|c| c.starts_with("attributes.")),
            "{codes:?}"
        );
    }

    #[test]
    fn a_product_out_of_stock_only_stays_reachable_as_sold_out() {
        let mut input = complete_input();
        for sku in &mut input.skus {
            sku.stock = "0".into();
        }
        let d = draft(&input);
        let e = eligibility(&facts(&d));
        assert_eq!(e.visibility, Visibility::SoldOut);
        assert_eq!(e.reasons, [Reason::OutOfStock]);
        assert!(e.visibility.reachable());
        assert_eq!(e.reasons[0].fix(), Fix::Stock);
    }

    #[test]
    fn each_state_of_seller_and_product_hides_it_with_its_own_reason() {
        let d = draft(&complete_input());
        for (seller, reason) in [
            (SellerStatus::Pending, Reason::SellerNotVerified),
            (SellerStatus::Rejected, Reason::SellerNotVerified),
            (SellerStatus::Suspended, Reason::SellerSuspended),
        ] {
            let e = eligibility(&ListingFacts {
                seller,
                ..facts(&d)
            });
            assert_eq!(
                (e.visibility, e.reasons),
                (Visibility::Hidden, vec![reason])
            );
        }
        for (status, reason) in [
            (ProductStatus::Draft, Reason::ProductDraft),
            (ProductStatus::Inactive, Reason::ProductInactive),
            (
                ProductStatus::PlatformDeactivated,
                Reason::ProductDeactivated,
            ),
            (ProductStatus::Deleted, Reason::ProductDeleted),
        ] {
            let e = eligibility(&ListingFacts {
                status,
                ..facts(&d)
            });
            assert_eq!(
                (e.visibility, e.reasons),
                (Visibility::Hidden, vec![reason])
            );
        }
    }

    #[test]
    fn a_stored_product_todays_rules_refuse_is_hidden_with_those_problems() {
        let d = draft(&complete_input());
        let problems = [Problem::new("skus[0].price", ErrorCode::PriceOutOfRange)];
        let e = eligibility(&ListingFacts {
            draft: Err(&problems),
            ..facts(&d)
        });
        assert_eq!(e.visibility, Visibility::Hidden);
        assert_eq!(
            e.reasons,
            [Reason::Incomplete {
                field: "skus[0].price".into(),
                problem: ErrorCode::PriceOutOfRange
            }]
        );
    }

    #[test]
    fn slugs_are_readable_and_short() {
        assert_eq!(
            slug_of("Kemeja Batik Tulis — Pria, Lengan Panjang (Katun) 100%"),
            "kemeja-batik-tulis-pria-lengan-panjang-katun-100"
        );
        assert_eq!(slug_of("Café Crème Brûlée"), "cafe-creme-brulee");
        assert_eq!(slug_of("!!!"), "produk");
        let long = slug_of(&"kata ".repeat(40));
        assert!(long.len() <= 80 && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn reasons_keep_their_codes_when_stored() {
        let reasons = vec![
            Reason::OutOfStock,
            Reason::Incomplete {
                field: "skus[1].price".into(),
                problem: ErrorCode::PriceRequired,
            },
        ];
        let text = serde_json::to_string(&reasons).unwrap();
        assert_eq!(
            text,
            r#"[{"code":"out_of_stock"},{"code":"incomplete","field":"skus[1].price","problem":"price_required"}]"#
        );
        let back: Vec<Reason> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, reasons);
    }
}
