//! Product cards, as feeds, shop pages (and later search) show them, and
//! the pagination under them that works without JavaScript.

use etalase_services::storefront::{Card, CardPage};

use super::price_tag::PriceTag;
use crate::i18n::T;

/// A card ready for a template.
pub struct CardView {
    pub href: String,
    pub title: String,
    /// The card photo's address without its size (`…/images/<id>`): the
    /// template offers 160 and 480 px and lets the browser pick by width.
    pub image: Option<String>,
    pub tag: PriceTag,
    pub shop_name: String,
    pub shop_href: String,
    /// Where the shop ships from ("Kota Bandung"), when known.
    pub city: Option<String>,
    pub cod: bool,
    pub stock_hint: Option<String>,
    /// "127 terjual", "1,2 rb+ terjual"; none before the first sale.
    pub sold: Option<String>,
    /// The buyers' average ("4,8"); none before the first review.
    pub rating: Option<String>,
}

pub fn card_view(t: &T, card: &Card) -> CardView {
    let l = &card.listing;
    CardView {
        href: format!("/p/{}-{}", l.slug, l.product_id),
        title: l.title.clone(),
        image: l
            .primary_image
            .map(|i| format!("/p/{}/images/{i}", l.product_id)),
        tag: PriceTag::new(t, &card.headline.cheapest, Some(card.headline.highest)),
        shop_name: l.shop_name.clone(),
        shop_href: format!("/s/{}", l.shop_slug),
        city: l
            .shop_regency
            .as_deref()
            .and_then(|r| etalase_domain::regions::regions().regency_label(r)),
        cod: l.cod_allowed,
        stock_hint: (l.total_stock <= 5)
            .then(|| t.tf1("shop.product.stock_left", &l.total_stock.to_string())),
        sold: (l.sold_count > 0).then(|| sold_label(t, l.sold_count)),
        rating: rating_label(t, l.rating),
    }
}

/// A rating's average as the page's language writes it ("4,8", "4.8").
pub fn rating_label(t: &T, rating: etalase_domain::reviews::Rating) -> Option<String> {
    let point = t
        .t("shop.product.decimal_point")
        .chars()
        .next()
        .unwrap_or(',');
    rating.label(point)
}

/// Units sold as marketplaces show them: exact under a thousand, then in
/// thousands rounded down to a tenth ("1,2 rb+"), so the label stays short
/// and never claims more than was sold.
pub fn sold_label(t: &T, units: i64) -> String {
    if units < 1000 {
        return t.tf1("shop.product.sold", &units.to_string());
    }
    let tenths = units / 100;
    let (whole, tenth) = (tenths / 10, tenths % 10);
    let number = if tenth == 0 {
        whole.to_string()
    } else {
        let point = t.t("shop.product.decimal_point");
        format!("{whole}{point}{tenth}")
    };
    t.tf1("shop.product.sold_thousands", &number)
}

/// Links to the pages before and after, keeping the other parameters.
pub struct Pager {
    pub page: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// No page links (a short list under something else).
    pub fn none() -> Pager {
        Pager {
            page: 1,
            prev: None,
            next: None,
        }
    }

    /// `base` is the path with any other query (`/s/toko?q=kaos`).
    pub fn new(base: &str, page: &CardPage) -> Pager {
        let join = if base.contains('?') { '&' } else { '?' };
        let link = |n: i64| {
            if n == 1 {
                base.to_owned()
            } else {
                format!("{base}{join}page={n}")
            }
        };
        Pager {
            page: page.page,
            prev: (page.page > 1).then(|| link(page.page - 1)),
            next: page.has_next.then(|| link(page.page + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use etalase_domain::Lang;

    use super::*;
    use crate::i18n::Catalog;

    #[test]
    fn units_sold_read_short_and_never_more_than_sold() {
        let catalog = Arc::new(Catalog::load());
        let id = T::new(Lang::Id, catalog.clone());
        let en = T::new(Lang::En, catalog);
        assert_eq!(sold_label(&id, 1), "1 terjual");
        assert_eq!(sold_label(&id, 999), "999 terjual");
        assert_eq!(sold_label(&id, 1000), "1 rb+ terjual");
        assert_eq!(sold_label(&id, 1299), "1,2 rb+ terjual");
        assert_eq!(sold_label(&id, 10_050), "10 rb+ terjual");
        assert_eq!(sold_label(&en, 1299), "1.2k+ sold");
        assert_eq!(sold_label(&en, 12), "12 sold");
    }
}
