//! Relevance, filters, facets and the folder index, on a small catalog of
//! real-style titles.

use etalase_domain::Timestamp;
use etalase_domain::id::SellerId;

use super::*;

fn listing(title: &str, category: &str, price: i64, cod: bool, description: &str) -> Change {
    let id = ProductId::generate();
    let l = ShopListing {
        product_id: id,
        seller_id: SellerId::generate(),
        shop_slug: "toko".into(),
        shop_name: "Toko Contoh".into(),
        shop_regency: None,
        slug: "x".into(),
        title: title.into(),
        visibility: Visibility::Listed,
        category: Some(category.into()),
        brand: None,
        min_price: price,
        max_price: price,
        original_price: None,
        total_stock: 10,
        primary_image: None,
        quality_score: 80,
        sold_count: 0,
        rating: Default::default(),
        rank_score: 0,
        published_at: Timestamp::from_unix_millis(0),
        product_version: 1,
        cod_allowed: cod,
        document: String::new(),
        product_updated_at: Timestamp::from_unix_millis(price),
    };
    let d = ListingDocument::described(description);
    (id, Some((l, d)))
}

/// The same listing, from a shop in this regency.
fn shipped_from(mut change: Change, regency: &str) -> Change {
    if let Some((l, _)) = change.1.as_mut() {
        l.shop_regency = Some(regency.into());
    }
    change
}

/// A small catalog of real-style titles.
fn catalog() -> (SearchIndex, Vec<(String, ProductId)>) {
    let items = vec![
        listing(
            "Kaos Polos Hitam Cotton Combed 30s",
            "fashion-pria/atasan/kaos-polo",
            59_000,
            true,
            "Kaos polos hitam yang adem.",
        ),
        listing(
            "Kaos Polos Putih Lengan Panjang",
            "fashion-pria/atasan/kaos-polo",
            65_000,
            false,
            "Kaos putih.",
        ),
        listing(
            "Kemeja Hitam Slim Fit Pria",
            "fashion-pria/atasan/kemeja",
            120_000,
            true,
            "Kemeja kerja.",
        ),
        listing(
            "Sepatu Lari Pria Ringan Running Shoes",
            "fashion-pria/sepatu",
            350_000,
            true,
            "Sepatu untuk berlari jarak jauh.",
        ),
        listing(
            "Sepatu Sandal Wanita",
            "fashion-wanita/sepatu",
            90_000,
            false,
            "Sandal santai.",
        ),
        shipped_from(
            listing(
                "Hijab Instan Jersey Premium",
                "fashion-muslim/hijab",
                45_000,
                true,
                "Hijab instan yang mudah dipakai.",
            ),
            "3273",
        ),
        shipped_from(
            listing(
                "Selendang Tenun Ikat Sumba",
                "batik-kain-tradisional/tenun",
                450_000,
                false,
                "Ditenun tangan.",
            ),
            "5311",
        ),
        shipped_from(
            listing(
                "Tas Ransel Hijau Army Anti Air",
                "tas/ransel",
                180_000,
                true,
                "Ransel hijau untuk sekolah.",
            ),
            "3201",
        ),
    ];
    let index = SearchIndex::in_memory();
    index.apply(&items).unwrap();
    let names = items
        .iter()
        .map(|(id, l)| (l.as_ref().unwrap().0.title.clone(), *id))
        .collect();
    (index, names)
}

fn query(text: &str) -> SearchQuery {
    SearchQuery {
        limit: 10,
        facets: true,
        ..SearchQuery::words(text)
    }
}

fn titles(index: &SearchIndex, names: &[(String, ProductId)], q: &SearchQuery) -> Vec<String> {
    index
        .search(q)
        .unwrap()
        .ids
        .iter()
        .map(|id| names.iter().find(|(_, i)| i == id).unwrap().0.clone())
        .collect()
}

#[test]
fn real_style_queries_find_what_a_buyer_means_first() {
    let (index, names) = catalog();
    let top = |q: &str| titles(&index, &names, &query(q));
    assert_eq!(
        top("kaos polos hitam")[0],
        "Kaos Polos Hitam Cotton Combed 30s"
    );
    assert_eq!(top("kaos polos hitam").len(), 1, "every word must match");
    assert_eq!(
        top("sepatu lari pria"),
        ["Sepatu Lari Pria Ringan Running Shoes"]
    );
    assert_eq!(top("hijab instan"), ["Hijab Instan Jersey Premium"]);
    // Another form of the same word, and a typo in a longer word.
    assert_eq!(
        top("sepatu berlari"),
        ["Sepatu Lari Pria Ringan Running Shoes"]
    );
    assert_eq!(top("selendnag sumba"), ["Selendang Tenun Ikat Sumba"]);
    assert_eq!(top("kemja hitam"), ["Kemeja Hitam Slim Fit Pria"]);
    assert!(top("laptop gaming").is_empty());
    // A word products have is taken as meant: "hijab" is not "hijau".
    assert_eq!(top("hijab"), ["Hijab Instan Jersey Premium"]);
    assert_eq!(top("hijau"), ["Tas Ransel Hijau Army Anti Air"]);
}

#[test]
fn completions_find_products_and_misspellings_get_a_correction() {
    let (index, _) = catalog();
    let texts = |typed: &str| -> Vec<String> {
        index
            .suggest(typed, 5)
            .unwrap()
            .into_iter()
            .map(|s| s.text)
            .collect()
    };
    assert_eq!(texts("kaos po"), ["kaos polos"]);
    assert_eq!(texts("sep"), ["sepatu"]);
    // Completions that would find nothing with the words before are left out.
    assert!(texts("hijab po").is_empty());
    assert!(texts("").is_empty());
    let suggestion = index.did_you_mean("hijab instn").unwrap().unwrap();
    assert_eq!(suggestion.text, "hijab instan");
    assert_eq!(suggestion.hits, 1);
    assert_eq!(
        index
            .did_you_mean("sepatu lair pira")
            .unwrap()
            .unwrap()
            .text,
        "sepatu lari pria"
    );
    assert_eq!(
        index.did_you_mean("kaos polos").unwrap(),
        None,
        "all words known"
    );
    assert_eq!(index.did_you_mean("xyzzyq").unwrap(), None, "nothing close");
}

#[test]
fn filters_and_facets_narrow_and_count() {
    let (index, names) = catalog();
    let mut q = query("");
    q.category = Some("fashion-pria".into());
    let hits = index.search(&q).unwrap();
    assert_eq!(hits.total, 4);
    q.category = Some("fashion-pria/atasan".into());
    assert_eq!(index.search(&q).unwrap().total, 3);
    q.cod_only = true;
    assert_eq!(index.search(&q).unwrap().total, 2);
    let mut q = query("sepatu");
    q.max_price = Some(100_000);
    assert_eq!(titles(&index, &names, &q), ["Sepatu Sandal Wanita"]);
    let all = index.search(&query("")).unwrap();
    assert_eq!(all.total, 8);
    assert_eq!(
        all.provinces,
        [("32".to_owned(), 2), ("53".to_owned(), 1)],
        "Kota Bandung and Kab. Bogor are in Jawa Barat"
    );
    let mut q = query("");
    q.province = Some("53".into());
    assert_eq!(titles(&index, &names, &q), ["Selendang Tenun Ikat Sumba"]);
    assert_eq!(all.categories[0], ("fashion-pria".into(), 4));
    let mut q = query("");
    q.sort = Sort::PriceLow;
    assert_eq!(titles(&index, &names, &q)[0], "Hijab Instan Jersey Premium");
}

#[test]
fn free_shipping_follows_the_running_vouchers() {
    let (index, names) = catalog();
    let id_of = |title: &str| names.iter().find(|(t, _)| t == title).unwrap().1;
    let mut q = query("");
    q.free_shipping = Some(Vec::new());
    assert_eq!(index.search(&q).unwrap().total, 0, "no voucher runs");
    // Every shop's products from Rp100.000 (one unit of the dearest SKU).
    q.free_shipping = Some(vec![ShippingCover {
        seller: None,
        products: None,
        min_spend: 100_000,
    }]);
    let mut found = titles(&index, &names, &q);
    found.sort();
    assert_eq!(
        found,
        [
            "Kemeja Hitam Slim Fit Pria",
            "Selendang Tenun Ikat Sumba",
            "Sepatu Lari Pria Ringan Running Shoes",
            "Tas Ransel Hijau Army Anti Air",
        ]
    );
    // A voucher for some products only, with another for everything dear.
    q.free_shipping = Some(vec![
        ShippingCover {
            seller: None,
            products: Some(vec![id_of("Hijab Instan Jersey Premium")]),
            min_spend: 0,
        },
        ShippingCover {
            seller: None,
            products: None,
            min_spend: 400_000,
        },
    ]);
    q.text = "hijab sumba".into();
    assert!(
        titles(&index, &names, &q).is_empty(),
        "every word still must match"
    );
    q.text = String::new();
    let mut found = titles(&index, &names, &q);
    found.sort();
    assert_eq!(
        found,
        ["Hijab Instan Jersey Premium", "Selendang Tenun Ikat Sumba"]
    );
}

#[test]
fn a_folder_index_survives_a_reopen_and_an_unreadable_one_starts_again() {
    let dir = std::env::temp_dir().join(format!("etalase-search-{}", ProductId::generate()));
    {
        let index = SearchIndex::open(&dir).unwrap();
        index
            .apply(&[listing(
                "Kaos Polos Hitam",
                "fashion-pria",
                59_000,
                true,
                "",
            )])
            .unwrap();
        assert_eq!(index.len(), 1);
    }
    assert_eq!(
        SearchIndex::open(&dir).unwrap().len(),
        1,
        "kept across a restart"
    );
    // Another schema's index (a future version's, say) in the folder.
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let mut other = tantivy::schema::Schema::builder();
    other.add_text_field("something_else", STRING);
    let directory = tantivy::directory::MmapDirectory::open(&dir).unwrap();
    Index::open_or_create(directory, other.build()).unwrap();
    let fresh = SearchIndex::open(&dir).unwrap();
    assert_eq!(fresh.len(), 0);
    fresh
        .apply(&[listing("Hijab Instan", "fashion-muslim", 45_000, true, "")])
        .unwrap();
    assert_eq!(fresh.len(), 1);
    drop(fresh);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The catalog's product whose title starts so.
fn id_of(names: &[(String, ProductId)], title_start: &str) -> ProductId {
    names
        .iter()
        .find(|(t, _)| t.starts_with(title_start))
        .unwrap()
        .1
}

#[test]
fn a_product_taken_out_is_no_longer_found_and_odd_queries_are_harmless() {
    let (index, names) = catalog();
    let hijab = id_of(&names, "Hijab");
    index.apply(&[(hijab, None)]).unwrap();
    assert!(titles(&index, &names, &query("hijab")).is_empty());
    for odd in [
        "",
        "   ",
        "\"\" AND OR NOT *:* ~~~ (((",
        &"kaos ".repeat(2_000),
    ] {
        index.search(&query(odd)).unwrap();
    }
}

/// Answers are kept for the next asker (`answers`), so each kind is asked
/// before and after changes: none may outlive a change to the index.
#[test]
fn answers_kept_for_the_next_asker_follow_every_change() {
    let (index, names) = catalog();
    let hijab = id_of(&names, "Hijab");
    let asked = query("hijab");
    let texts = |found: Vec<Suggestion>| found.into_iter().map(|s| s.text).collect::<Vec<_>>();
    // Asked twice: the second answer is the kept one.
    for _ in 0..2 {
        assert_eq!(index.search(&asked).unwrap().ids, [hijab]);
        assert_eq!(
            texts(index.suggest("hijab ins", 5).unwrap()),
            ["hijab instan"]
        );
        assert!(index.did_you_mean("hijab instn").unwrap().is_some());
    }
    index.apply(&[(hijab, None)]).unwrap();
    let gone = index.search(&asked).unwrap();
    assert!(gone.ids.is_empty());
    assert_eq!(gone.total, 0);
    assert!(gone.categories.is_empty());
    assert!(index.suggest("hijab ins", 5).unwrap().is_empty());
    assert_eq!(index.did_you_mean("hijab instn").unwrap(), None);
    // And back in under another id: found again, not the empty answer.
    let again = listing("Hijab Instan", "fashion-muslim", 45_000, true, "");
    let id = again.0;
    index.apply(&[again]).unwrap();
    assert_eq!(index.search(&asked).unwrap().ids, [id]);
    assert_eq!(
        texts(index.suggest("hijab ins", 5).unwrap()),
        ["hijab instan"]
    );
}

/// The same listing, rated by its buyers.
fn rated(mut change: Change, count: i64, stars: i64) -> Change {
    if let Some((l, _)) = change.1.as_mut() {
        l.rating = etalase_domain::reviews::Rating { count, stars };
    }
    change
}

#[test]
fn the_rating_filter_keeps_products_rated_at_least_so() {
    let items = vec![
        rated(
            listing(
                "Kaos Bintang Empat Koma Tujuh",
                "fashion-pria",
                50_000,
                true,
                "Kaos.",
            ),
            3,
            14,
        ),
        rated(
            listing(
                "Kaos Bintang Tiga Koma Lima",
                "fashion-pria",
                50_000,
                true,
                "Kaos.",
            ),
            2,
            7,
        ),
        rated(
            listing(
                "Kaos Bintang Empat Pas",
                "fashion-pria",
                50_000,
                true,
                "Kaos.",
            ),
            1,
            4,
        ),
        listing("Kaos Belum Diulas", "fashion-pria", 50_000, true, "Kaos."),
    ];
    let index = SearchIndex::in_memory();
    index.apply(&items).unwrap();
    let names: Vec<_> = items
        .iter()
        .map(|(id, l)| (l.as_ref().unwrap().0.title.clone(), *id))
        .collect();
    let mut q = query("kaos");
    assert_eq!(index.search(&q).unwrap().total, 4);
    q.facets = true;
    assert_eq!(index.search(&q).unwrap().rated_four_up, 2, "4.7 and 4.0");
    q.facets = false;
    q.min_rating = Some(40);
    let mut four_up = titles(&index, &names, &q);
    four_up.sort();
    assert_eq!(
        four_up,
        ["Kaos Bintang Empat Koma Tujuh", "Kaos Bintang Empat Pas"]
    );
    q.min_rating = Some(45);
    assert_eq!(
        titles(&index, &names, &q),
        ["Kaos Bintang Empat Koma Tujuh"]
    );
    q.min_rating = Some(10);
    assert_eq!(
        index.search(&q).unwrap().total,
        3,
        "not yet reviewed is not rated"
    );
}

/// A change the index does not hold (stock, which a flash sale changes
/// after every batch of orders) commits nothing, and keeps the answers;
/// any change it holds is written, whatever came before.
#[test]
fn a_change_to_nothing_the_index_holds_writes_nothing() {
    let index = SearchIndex::in_memory();
    let generation = || index.reader.searcher().generation().generation_id();
    let kaos = listing("Kaos Polos Hitam", "fashion-pria/kaos", 45_000, true, "");
    let id = kaos.0;
    index.apply(std::slice::from_ref(&kaos)).unwrap();
    let asked = query("kaos");
    assert_eq!(index.search(&asked).unwrap().ids, [id]);
    let before = generation();

    let mut fewer = kaos.clone();
    fewer.1.as_mut().unwrap().0.total_stock = 3;
    index.apply(&[fewer.clone(), fewer.clone()]).unwrap();
    assert_eq!(generation(), before, "a stock change committed");
    assert_eq!(index.search(&asked).unwrap().ids, [id]);

    // Each field the index holds is written when it changes.
    let edits: [fn(&mut ShopListing); 7] = [
        |l| l.title = "Kaos Polos Putih".into(),
        |l| l.min_price = 39_000,
        |l| l.sold_count = 7,
        |l| l.rank_score = 12,
        |l| l.cod_allowed = false,
        |l| l.shop_regency = Some("3273".into()),
        |l| l.category = Some("fashion-pria/kemeja".into()),
    ];
    let mut current = fewer;
    for (n, edit) in edits.iter().enumerate() {
        let at = generation();
        edit(&mut current.1.as_mut().unwrap().0);
        index.apply(std::slice::from_ref(&current)).unwrap();
        assert!(generation() > at, "edit {n} was not written");
    }
    let mut described = current.clone();
    described.1.as_mut().unwrap().1 = ListingDocument::described("Bahan katun combed.");
    let at = generation();
    index.apply(std::slice::from_ref(&described)).unwrap();
    assert!(generation() > at, "a new description was not written");
    assert_eq!(index.search(&query("katun")).unwrap().ids, [id]);

    // Out, out again (nothing to write), and back in.
    index.apply(&[(id, None)]).unwrap();
    let out = generation();
    assert!(index.search(&asked).unwrap().ids.is_empty());
    let mut hidden = described.clone();
    hidden.1.as_mut().unwrap().0.visibility = Visibility::SoldOut;
    index.apply(&[(id, None), hidden]).unwrap();
    assert_eq!(generation(), out, "taking out what is out committed");
    index.apply(std::slice::from_ref(&described)).unwrap();
    assert_eq!(index.search(&asked).unwrap().ids, [id]);
}

/// After a reopen the index knows nothing of what it wrote: the first
/// change of each product is written again, even an identical one.
#[test]
fn a_reopened_index_writes_each_product_again() {
    let dir = std::env::temp_dir().join(format!("etalase-search-{}", ProductId::generate()));
    let kaos = listing("Kaos Polos Hitam", "fashion-pria/kaos", 45_000, true, "");
    SearchIndex::open(&dir)
        .unwrap()
        .apply(std::slice::from_ref(&kaos))
        .unwrap();
    let index = SearchIndex::open(&dir).unwrap();
    let at = index.reader.searcher().generation().generation_id();
    index.apply(std::slice::from_ref(&kaos)).unwrap();
    assert!(index.reader.searcher().generation().generation_id() > at);
    assert_eq!(index.len(), 1);
    drop(index);
    std::fs::remove_dir_all(&dir).unwrap();
}
