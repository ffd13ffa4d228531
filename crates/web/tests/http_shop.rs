//! The Shop's pages over HTTP on both backends, on the demo shop: the home
//! feed with prices from the pricing function, a shop's page with its
//! search and vouchers, the product page's SEO tags and JSON-LD, robots.txt
//! and the sitemaps; bad page numbers and slugs never give a 500.

mod common;

use common::TestApp;
use etalase_services::sync;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::Value;

async fn demo(app: &TestApp) {
    etalase_services::demo::load(&app.services).await.unwrap();
    sync::catch_up(&app.services).await.unwrap();
}

async fn text(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = app.get(&app.browser(), path).await;
    (response.status(), response.text().await.unwrap())
}

/// The `data-price` of each card, in page order.
fn card_prices(body: &str) -> Vec<i64> {
    body.match_indices("data-testid=\"product-card\"")
        .filter_map(|(i, _)| {
            let rest = &body[i..];
            let at = rest.find("data-price=\"")? + 12;
            rest[at..at + rest[at..].find('"')?].parse().ok()
        })
        .collect()
}

async fn the_home_feed_and_a_shop_page_show_listed_products_at_their_price(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    demo(&app).await;

    let (status, home) = text(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("data-testid=\"feed-newest\""));
    let feed = &home[home.find("data-testid=\"feed\"").unwrap()..];
    assert!(feed.contains("Batik Sari Kemeja"), "{feed}");
    assert!(feed.contains("Kaos Polos"));
    // Draft, deactivated and sold-out products are not in feeds.
    assert!(!feed.contains("Kopi Gayo"));
    assert!(!feed.contains("Tas Anyaman"));
    assert!(!feed.contains("Selendang"));
    // Prices from the one pricing function: 15% off the shirt, the
    // T-shirt's flash price.
    let prices = card_prices(feed);
    assert!(prices.contains(&297_500), "{prices:?}");
    assert!(prices.contains(&39_000), "{prices:?}");
    assert!(!feed.contains("data-testid=\"page-next\""));

    // Pages carry a validator: an unchanged page is answered 304.
    let browser = app.browser();
    app.get(&browser, "/").await;
    let first = app.get(&browser, "/").await;
    assert_eq!(first.headers()["cache-control"], "private, no-cache");
    let tag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = browser
        .get(app.url("/"))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // Photos never change under their address: cached for a year.
    let at = home.find("src=\"/p/prd_").unwrap() + 5;
    let photo = &home[at..at + home[at..].find('"').unwrap()];
    let response = app.get(&browser, photo).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );

    // Page numbers that are not numbers, or absurd, are clamped.
    for page in ["abc", "-3", "999999999999", "0"] {
        let (status, _) = text(&app, &format!("/?page={page}")).await;
        assert_eq!(status, StatusCode::OK, "page={page}");
    }

    // The shop's page: its profile, vouchers, products, and a search.
    let (status, shop) = text(&app, "/s/shop").await;
    assert_eq!(status, StatusCode::OK);
    assert!(shop.contains("data-testid=\"shop-profile\""));
    assert!(shop.contains("data-code=\"BATIKSARI10\""));
    assert_eq!(card_prices(&shop).len(), 2, "{shop}");
    let (_, found) = text(&app, "/s/shop?q=kaos").await;
    assert_eq!(card_prices(&found), vec![39_000]);
    let (status, none) = text(&app, "/s/shop?q=%25_%5C").await;
    assert_eq!(status, StatusCode::OK);
    assert!(none.contains("data-testid=\"shop-empty\""));
    let long = "kaos ".repeat(2_000);
    let (status, _) = text(&app, &format!("/s/shop?q={long}")).await;
    assert_eq!(status, StatusCode::OK);
    // A category page holds its own and its sub-categories' products.
    let (status, fashion) = text(&app, "/c/fashion-pria").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(card_prices(&fashion), vec![39_000], "{fashion}");
    assert!(fashion.contains("data-testid=\"subcategories\""));
    let (_, batik) = text(&app, "/c/batik-kain-tradisional/batik/kemeja").await;
    assert!(card_prices(&batik).contains(&297_500));
    let (status, _) = text(&app, "/c/tidak/ada").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for missing in ["/s/tidak-ada", "/s/kain-nusantara"] {
        let (status, body) = text(&app, missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert!(body.contains("tidak ada"), "{body}");
    }
}

fn json_ld(page: &str) -> Value {
    let start = page.find("data-testid=\"json-ld\">").unwrap() + 22;
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

async fn product_pages_carry_seo_tags_and_crawlers_find_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    demo(&app).await;
    let (_, home) = text(&app, "/").await;
    let at = home.find("href=\"/p/batik-sari-kemeja").unwrap() + 6;
    let path = &home[at..at + home[at..].find('"').unwrap()];
    let (status, page) = text(&app, path).await;
    assert_eq!(status, StatusCode::OK);
    // Photos in the sizes the layout needs: the browser picks by width.
    assert!(home.contains("/160 160w, /p/"), "{home}");
    assert!(
        page.contains("/480 480w, /p/") && page.contains("/960 960w\""),
        "{page}"
    );
    assert!(page.contains(&format!(
        "<link rel=\"canonical\" href=\"http://etalase.test{path}\">"
    )));
    assert!(
        page.contains("<meta name=\"description\" content=\"Kemeja batik tulis"),
        "{page}"
    );
    assert!(page.contains("<meta property=\"og:title\" content=\"Batik Sari Kemeja"));
    assert!(page.contains("<meta property=\"og:image\" content=\"http://etalase.test/p/"));
    assert!(page.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    assert!(page.contains("data-testid=\"seller-card\""));
    assert!(page.contains("href=\"/s/shop\""));
    // The seller card names the city the shop ships from, as the cards do.
    let city = home
        .split("data-testid=\"card-city\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the demo shop's city on its cards");
    assert!(
        page.contains(&format!("data-testid=\"seller-city\">{city}<")),
        "{city}"
    );
    assert!(
        page.contains("href=\"/c/batik-kain-tradisional\""),
        "the category path"
    );
    let ld = json_ld(&page);
    assert_eq!(ld["@type"], "Product");
    assert_eq!(ld["brand"]["name"], "Batik Sari");
    assert_eq!(ld["offers"]["price"], 297_500);
    assert_eq!(ld["offers"]["priceCurrency"], "IDR");
    assert_eq!(ld["offers"]["availability"], "https://schema.org/InStock");
    assert!(ld["offers"]["priceValidUntil"].is_string());

    let (status, robots) = text(&app, "/robots.txt").await;
    assert_eq!(status, StatusCode::OK);
    assert!(robots.contains("Disallow: /seller"));
    assert!(
        robots.contains("Disallow: /chat"),
        "conversations are no one else's"
    );
    assert!(robots.contains("Sitemap: http://etalase.test/sitemap.xml"));
    let (_, index) = text(&app, "/sitemap.xml").await;
    assert!(index.contains("<loc>http://etalase.test/sitemaps/products-1.xml</loc>"));
    assert!(!index.contains("products-2.xml"));
    let (status, products) = text(&app, "/sitemaps/products-1.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(products.contains(&format!("<loc>http://etalase.test{path}</loc>")));
    assert!(
        !products.contains("selendang"),
        "sold-out products stay out"
    );
    let (_, shops) = text(&app, "/sitemaps/shops.xml").await;
    assert!(shops.contains("<loc>http://etalase.test/s/shop</loc>"));
    for bad in [
        "/sitemaps/products-2.xml",
        "/sitemaps/products-x.xml",
        "/sitemaps/x.xml",
    ] {
        let (status, _) = text(&app, bad).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }
    for bad in [
        "/p/tidak-ada",
        "/p/prd_",
        "/p/x-prd_zzzzzzzzzzzzzzzzzzzzzzzzzz",
    ] {
        let (status, _) = text(&app, bad).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }
}

async fn search_finds_filters_sorts_and_never_fails_on_odd_input(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    demo(&app).await;
    let (status, found) = text(&app, "/search?q=kaos+hitam").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(card_prices(&found), vec![39_000], "{found}");
    assert!(found.contains("data-total=\"1\""));
    // Another word form and a typo in a longer word.
    let (_, shirt) = text(&app, "/search?q=kemeja+batikk").await;
    assert_eq!(card_prices(&shirt), vec![297_500], "{shirt}");
    // Facets count per top-level category; a category narrows.
    let (_, all) = text(&app, "/search?q=").await;
    assert!(all.contains("data-category=\"fashion-pria\""), "{all}");
    let (_, narrowed) = text(&app, "/search?category=fashion-pria").await;
    assert_eq!(card_prices(&narrowed), vec![39_000]);
    // Price range and order (the range reads the base price).
    let (_, cheap) = text(&app, "/search?max=100rb").await;
    assert_eq!(card_prices(&cheap), vec![39_000]);
    let (_, dear_first) = text(&app, "/search?sort=price_desc").await;
    assert_eq!(card_prices(&dear_first), vec![297_500, 39_000]);
    // The shop ships from Solo (Jawa Tengah): cards say so, and the
    // province filter and its counts follow.
    assert!(
        all.contains("data-testid=\"card-city\">Kota Surakarta<"),
        "{all}"
    );
    assert!(all.contains("data-province=\"33\""), "{all}");
    let (_, central_java) = text(&app, "/search?province=33").await;
    assert_eq!(card_prices(&central_java).len(), 2);
    let (_, west_java) = text(&app, "/search?province=32&q=kaos").await;
    assert!(west_java.contains("data-testid=\"search-empty\""));
    // "Gratis ongkir": the public free-shipping voucher (from Rp50.000)
    // covers both products; filters keep the others in their links.
    let (_, free) = text(&app, "/search?ongkir=1&sort=price_asc&q=kaos").await;
    assert_eq!(card_prices(&free), vec![39_000]);
    assert!(
        free.contains("href=\"/search?q=kaos&#38;ongkir=1&#38;sort=price_asc&#38;province=33\""),
        "{free}"
    );
    // A misspelling no title has gets a correction that finds products.
    let (_, typo) = text(&app, "/search?q=kemeja+batk").await;
    assert!(
        typo.contains("data-testid=\"did-you-mean\"") && typo.contains(">kemeja batik</a>"),
        "{typo}"
    );
    let (_, known) = text(&app, "/search?q=kemeja+batik").await;
    assert!(!known.contains("did-you-mean"));
    // Completions of the last word, as JSON for the search boxes.
    let response = app.get(&app.browser(), "/search/suggest?q=kaos+po").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["suggestions"][0]["text"], "kaos polos", "{body}");
    assert_eq!(body["suggestions"][0]["hits"], 1);
    let (status, _) = text(&app, &format!("/search/suggest?q={}", "x".repeat(5_000))).await;
    assert_eq!(status, StatusCode::OK);
    // Nothing found: a page that helps, with categories to try.
    let (status, none) = text(&app, "/search?q=laptop+gaming").await;
    assert_eq!(status, StatusCode::OK);
    assert!(none.contains("data-testid=\"search-empty\""));
    assert!(none.contains("href=\"/c/fashion-pria\""));
    // Odd input: no error.
    let long = "kaos%20".repeat(1_500);
    for odd in [
        "/search?q=%22%22+AND+OR+NOT+*%3A*+~~~+(((".to_owned(),
        format!("/search?q={long}"),
        "/search?min=abc&max=-5&category=tidak-ada&sort=x&page=99999999".to_owned(),
        "/search?province=99&ongkir=yes&cod=".to_owned(),
        "/search?province=..%2F&q=kaos".to_owned(),
    ] {
        let (status, _) = text(&app, &odd).await;
        assert_eq!(status, StatusCode::OK, "{odd}");
    }
}

async fn the_public_shop_api_reads_the_read_model_and_is_rate_limited(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        etalase_web::WebConfig {
            public_api_per_minute: 3,
            ..Default::default()
        },
    )
    .await;
    demo(&app).await;
    let get = |path: &str| {
        let url = app.url(path);
        async move { reqwest::get(url).await.unwrap() }
    };
    let list: Value = get("/api/v1/shop/products").await.json().await.unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{list}");
    let shirt = items
        .iter()
        .find(|i| {
            i["title"]
                .as_str()
                .unwrap()
                .starts_with("Batik Sari Kemeja Batik Tulis")
        })
        .unwrap();
    assert_eq!(shirt["price"]["amount"], 297_500);
    assert_eq!(shirt["price"]["promotion"], "discount");
    assert!(shirt["price"]["ends_at"].is_string());
    let detail: Value = get(&format!(
        "/api/v1/shop/products/{}",
        shirt["id"].as_str().unwrap()
    ))
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(detail["availability"], "listed");
    assert_eq!(detail["skus"].as_array().unwrap().len(), 6);
    assert_eq!(detail["skus"][0]["price"]["amount"], 297_500);
    let profile: Value = get("/api/v1/shop/shops/shop").await.json().await.unwrap();
    assert_eq!(profile["name"], "Shop Demo");
    // The fourth request of the minute from this address is refused.
    let refused = get("/api/v1/shop/shops/shop").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "too_many_requests");
    // Pages are not limited.
    assert_eq!(app.get(&app.browser(), "/").await.status(), StatusCode::OK);
}

async fn the_public_shop_api_refuses_what_is_not_there(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    demo(&app).await;
    for path in [
        "/api/v1/shop/products/prd_x",
        "/api/v1/shop/shops/tidak-ada",
        "/api/v1/shop/products?category=tidak-ada",
    ] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let clamped: Value = reqwest::get(app.url("/api/v1/shop/products?page=99999&per_page=100000"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clamped["page"], 500);
    assert_eq!(clamped["items"].as_array().unwrap().len(), 0);
    let bad = reqwest::get(app.url("/api/v1/shop/products?page=abc"))
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

async fn the_public_search_api_filters_counts_and_corrects(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    demo(&app).await;
    let get = |path: &str| {
        let url = app.url(path);
        async move {
            let response = reqwest::get(url).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.unwrap()
        }
    };
    let kaos = get("/api/v1/shop/search?q=kaos").await;
    assert_eq!(kaos["total"], 1, "{kaos}");
    assert_eq!(kaos["items"][0]["price"]["amount"], 39_000);
    assert_eq!(kaos["items"][0]["shop"]["city"], "Kota Surakarta");
    assert_eq!(kaos["items"][0]["shop"]["regency_code"], "3372");
    assert_eq!(kaos["provinces"][0]["id"], "33");
    assert_eq!(kaos["provinces"][0]["name"], "Jawa Tengah");
    assert_eq!(kaos["categories"][0]["id"], "fashion-pria");
    let both = get("/api/v1/shop/search?free_shipping=true&province=33&sort=price_desc").await;
    assert_eq!(both["total"], 2, "{both}");
    assert_eq!(both["items"][0]["price"]["amount"], 297_500);
    let west_java = get("/api/v1/shop/search?province=32").await;
    assert_eq!(west_java["total"], 0);
    let typo = get("/api/v1/shop/search?q=kemeja+batk").await;
    assert_eq!(typo["did_you_mean"], "kemeja batik", "{typo}");
    let odd =
        get("/api/v1/shop/search?q=%28%28%28&min_price=x&province=..&per_page=0&page=-4").await;
    assert_eq!(odd["page"], 1);
    let typed = get("/api/v1/shop/suggestions?q=kem").await;
    assert_eq!(typed["suggestions"][0]["text"], "kemeja", "{typed}");
    let nothing = get("/api/v1/shop/suggestions").await;
    assert_eq!(nothing["suggestions"].as_array().unwrap().len(), 0);
}

on_both_backends!(
    the_public_search_api_filters_counts_and_corrects,
    search_finds_filters_sorts_and_never_fails_on_odd_input,
    the_public_shop_api_reads_the_read_model_and_is_rate_limited,
    the_public_shop_api_refuses_what_is_not_there,
    the_home_feed_and_a_shop_page_show_listed_products_at_their_price,
    product_pages_carry_seo_tags_and_crawlers_find_them,
);
