//! Real-style captions, live titles and pinned messages, and the checks
//! against what is charged.

use proptest::prelude::*;

use super::ClaimKind::{FreeShipping, PercentOff, Price, StartingFrom, WasNow};
use super::*;
use crate::{Lang, Money};

fn kinds(text: &str) -> Vec<ClaimKind> {
    find_claims(text).into_iter().map(|c| c.kind).collect()
}

fn texts(text: &str) -> Vec<String> {
    find_claims(text).into_iter().map(|c| c.text).collect()
}

/// Each caption with the claims it makes, in order.
const CAPTIONS: &[(&str, &[ClaimKind])] = &[
    ("Kemeja batik cuma Rp99rb aja! 🔥 #batik", &[Price(99_000)]),
    ("DISKON 50% hari ini saja", &[PercentOff(50)]),
    ("harga mulai 49.000", &[StartingFrom(49_000)]),
    ("Promo 12.12 jam 19.00 cuma 149 ribu", &[Price(149_000)]),
    ("gratis ongkir se-Indonesia", &[FreeShipping]),
    (
        "dari 150rb jadi 99rb",
        &[WasNow {
            was: 150_000,
            now: 99_000,
        }],
    ),
    ("1,2jt dapat 3", &[Price(1_200_000)]),
    ("katun 100% original, ukuran 42", &[]),
    ("Rp 1.250.000,-", &[Price(1_250_000)]),
    ("IDR 75k", &[Price(75_000)]),
    ("hemat 20 persen", &[PercentOff(20)]),
    ("nomor WA 0812-3456-7890", &[]),
    ("cuma 49.000", &[Price(49_000)]),
    ("Rp 150.000,-", &[Price(150_000)]),
    ("harga 89K", &[Price(89_000)]),
    ("hanya 25rb aja", &[Price(25_000)]),
    ("potongan 30 %", &[PercentOff(30)]),
    ("50% off semua item", &[PercentOff(50)]),
    ("disc 15% khusus live", &[PercentOff(15)]),
    ("FREE ONGKIR seluruh Indonesia", &[FreeShipping]),
    ("bebas ongkir 😍", &[FreeShipping]),
    ("Free shipping!!", &[FreeShipping]),
    ("ongkir 0 ke Jawa", &[FreeShipping]),
    ("ongkir Rp0 hari ini", &[FreeShipping]),
    ("Tas kulit 2,5 juta", &[Price(2_500_000)]),
    ("HP second 1.2jt nego", &[Price(1_200_000)]),
    ("Rp.99.000 free gantungan", &[Price(99_000)]),
    ("Rp 150.000,00 per lusin", &[Price(150_000)]),
    ("3 pcs 100% katun", &[]),
    ("Koleksi 2026 cuma 79rb", &[Price(79_000)]),
    ("kode BTK-100 ready stock", &[]),
    ("#diskon50 #batik #ootd", &[PercentOff(50)]),
    ("cashback 10% pakai koin", &[]),
    ("diskon 50% + cashback 10%", &[PercentOff(50)]),
    ("gratis ongkir min. belanja 50rb", &[FreeShipping]),
    ("sudah terjual 10rb+ 🥳", &[]),
    ("10rb terjual bulan ini", &[]),
    (
        "150rb → 99rb khusus live",
        &[WasNow {
            was: 150_000,
            now: 99_000,
        }],
    ),
    (
        "dari Rp150.000 menjadi Rp99.000",
        &[WasNow {
            was: 150_000,
            now: 99_000,
        }],
    ),
    ("mulai dari Rp49rb", &[StartingFrom(49_000)]),
    ("Smart TV 4K cuma 3,5jt", &[Price(3_500_000)]),
    ("Samsung A52 harga 3jt", &[Price(3_000_000)]),
    ("ukuran 42", &[]),
    ("Flash sale 12.12! Diskon s.d. 70%", &[PercentOff(70)]),
    ("diskon hingga 50%", &[PercentOff(50)]),
    ("Sale! 100% original", &[]),
    ("SALE 100% ORIGINAL", &[]),
    (
        "harga 99rb-129rb tergantung ukuran",
        &[Price(99_000), Price(129_000)],
    ),
    ("cicilan 0% 12 bulan", &[]),
    ("tidak gratis ongkir ya kak", &[]),
    ("harga 1000an aja", &[]),
    ("harga 100 ribuan", &[]),
    ("followers 10k giveaway", &[]),
    ("Jam tangan 🕒 cuma Rp 250rb 😍😍", &[Price(250_000)]),
    ("harga:49.000", &[Price(49_000)]),
    (
        "Rp99rb/pcs, beli 2 cuma Rp180rb",
        &[Price(99_000), Price(180_000)],
    ),
    ("dari 99rb jadi 150rb mulai besok", &[Price(150_000)]),
    (
        "Harga normal Rp200.000, sekarang cuma Rp149.000!",
        &[WasNow {
            was: 200_000,
            now: 149_000,
        }],
    ),
    ("cek www.toko99rb.com dan https://shp.ee/99rb", &[]),
    ("follow @toko_99rb ya", &[]),
    ("hanya 2000 aja", &[Price(2_000)]),
    ("jam buka 19.00", &[]),
    ("Sepatu ukuran 39-43 cuma 189rb", &[Price(189_000)]),
    ("potongan harga 20rb", &[]),
    ("harga diskon 99rb", &[Price(99_000)]),
    ("diskon 50% dari harga 200rb", &[PercentOff(50)]),
    ("SALE -70% semua hijab", &[PercentOff(70)]),
    ("diskon 10-50%", &[PercentOff(50)]),
    ("HARGA 1.250.000", &[Price(1_250_000)]),
    ("price IDR 150,000 only", &[Price(150_000)]),
    ("TV 4K", &[]),
    ("#gratisongkir #fyp", &[FreeShipping]),
    ("diskon 12,5%", &[PercentOff(12)]),
    ("ready 2 in 1", &[]),
    ("harga 2 pcs 150.000", &[Price(150_000)]),
    ("hemat 50rb!", &[]),
    ("promo 12.12 gratis ongkos kirim", &[FreeShipping]),
    ("99 rb aja kak, stok 100", &[Price(99_000)]),
    ("Rp99.900", &[Price(99_900)]),
    ("cuma 99,9rb", &[Price(99_900)]),
    ("Rp 1,5jt 😱", &[Price(1_500_000)]),
    ("harga 149 ribu rupiah", &[Price(149_000)]),
    (
        "150.000 ➡️ 99.000",
        &[WasNow {
            was: 150_000,
            now: 99_000,
        }],
    ),
    ("Gamis 3 warna, 2 ukuran", &[]),
    ("Tanggal 12/12 jam 20:00", &[]),
    ("harga 2026", &[]),
    ("@Rp10.000 minimal 3", &[Price(10_000)]),
    ("voucher 20rb", &[]),
    (
        "mulai 49rb\ndiskon 30%\nfree ongkir",
        &[StartingFrom(49_000), PercentOff(30), FreeShipping],
    ),
    (
        "~Rp150.000~ Rp99.000",
        &[WasNow {
            was: 150_000,
            now: 99_000,
        }],
    ),
    ("~150rb~ habis", &[]),
    (
        "Rp99.000 (normal Rp150.000)",
        &[WasNow {
            was: 150_000,
            now: 99_000,
        }],
    ),
    ("Rp99.000 (isi 2)", &[Price(99_000)]),
    (
        "150rb -> 99rb",
        &[WasNow {
            was: 150_000,
            now: 99_000,
        }],
    ),
    (
        "Rp150.000 => Rp99.000",
        &[WasNow {
            was: 150_000,
            now: 99_000,
        }],
    ),
    ("Rp 50.000-an", &[]),
    ("upto 70% off", &[PercentOff(70)]),
    ("Potongan Rp20.000 pakai kode", &[]),
    ("ongkir 10rb ke Bali", &[]),
    ("1jt views dalam sehari", &[]),
    ("start from 49k", &[StartingFrom(49_000)]),
    ("Rp1,250,000.00", &[Price(1_250_000)]),
    ("Rp12.500.000,00", &[Price(12_500_000)]),
    ("Rp 99.99", &[]),
    ("Ready!!! 50%", &[]),
    ("50% cashback", &[]),
    ("diskon ongkir 50%", &[]),
    ("3 for 100k", &[Price(100_000)]),
    ("PROMO GAJIAN!! harga 79.900 aja", &[Price(79_900)]),
    (
        "Kemeja 99rb, celana 149rb",
        &[Price(99_000), Price(149_000)],
    ),
    ("diskon 10%-50%", &[PercentOff(10), PercentOff(50)]),
];

#[test]
fn reads_the_claims_of_real_captions() {
    for (caption, expected) in CAPTIONS {
        assert_eq!(kinds(caption), expected.to_vec(), "caption: {caption:?}");
    }
}

#[test]
fn every_claim_text_is_the_span_of_its_source() {
    for (caption, _) in CAPTIONS {
        for claim in find_claims(caption) {
            assert_eq!(
                &caption[claim.span.clone()],
                claim.text,
                "caption: {caption:?}"
            );
        }
    }
}

#[test]
fn highlights_the_figure_as_written() {
    assert_eq!(texts("Kemeja batik cuma Rp99rb aja! 🔥"), ["Rp99rb"]);
    assert_eq!(texts("Rp 1.250.000,- saja"), ["Rp 1.250.000,-"]);
    assert_eq!(texts("hanya 149 ribu rupiah"), ["149 ribu rupiah"]);
    assert_eq!(texts("gratis ongkir se-Indonesia"), ["gratis ongkir"]);
    assert_eq!(texts("DISKON 50% hari ini"), ["50%"]);
    assert_eq!(texts("SALE -70%"), ["-70%"]);
    assert_eq!(texts("diskon 10-50%"), ["50%"]);
    assert_eq!(texts("hemat 20 persen"), ["20 persen"]);
    assert_eq!(texts("#diskon50 ya"), ["#diskon50"]);
    assert_eq!(
        texts("yuk, dari 150rb jadi 99rb!"),
        ["dari 150rb jadi 99rb"]
    );
}

#[test]
fn spans_are_byte_offsets_past_emoji() {
    let caption = "🔥🔥 Gamis cantik 😍 cuma Rp149rb";
    let claims = find_claims(caption);
    assert_eq!(claims.len(), 1);
    assert_eq!(
        claims[0].span,
        caption.len() - "Rp149rb".len()..caption.len()
    );
}

#[test]
fn claims_serialize_flat_and_round_trip() {
    let claims = find_claims("cuma Rp99rb, dari 150rb jadi 99rb, gratis ongkir");
    let json = serde_json::to_value(&claims).unwrap();
    assert_eq!(json[0]["kind"], "price");
    assert_eq!(json[0]["value"], 99_000);
    assert_eq!(json[0]["span"]["start"], 5);
    assert_eq!(json[1]["kind"], "was_now");
    assert_eq!(json[1]["value"]["was"], 150_000);
    assert_eq!(json[2]["kind"], "free_shipping");
    let back: Vec<Claim> = serde_json::from_value(json).unwrap();
    assert_eq!(back, claims);
}

// ---- compare --------------------------------------------------------------

fn product(lowest: i64, highest: i64, original: i64) -> ChargedProduct {
    ChargedProduct {
        title: "Kemeja batik".into(),
        lowest_unit: lowest,
        highest_unit: highest,
        original,
        free_shipping: false,
    }
}

fn mismatches(text: &str, products: &[ChargedProduct]) -> Vec<Mismatch> {
    compare(&find_claims(text), products)
}

fn claim_of(text: &str) -> Claim {
    let mut claims = find_claims(text);
    assert_eq!(claims.len(), 1, "{text:?}");
    claims.remove(0)
}

#[test]
fn the_article_case_a_price_said_but_not_charged() {
    let products = [product(129_000, 129_000, 129_000)];
    assert_eq!(
        mismatches("Kemeja batik cuma Rp99rb aja! 🔥", &products),
        [Mismatch::PriceNotCharged {
            claim: claim_of("Kemeja batik cuma Rp99rb aja! 🔥"),
            cheapest_real: 129_000,
        }]
    );
}

#[test]
fn a_price_charged_by_any_product_or_variant_holds() {
    let products = [
        product(129_000, 129_000, 150_000),
        product(89_000, 99_000, 99_000),
    ];
    assert!(mismatches("cuma Rp99rb", &products).is_empty());
    assert!(mismatches("harga 89K", &products).is_empty());
    assert!(mismatches("Rp 129.000,-", &products).is_empty());
    assert_eq!(mismatches("cuma 79rb", &products).len(), 1);
}

#[test]
fn starting_from_must_be_the_cheapest_price() {
    let products = [
        product(59_000, 79_000, 79_000),
        product(49_000, 49_000, 60_000),
    ];
    assert!(mismatches("harga mulai 49.000", &products).is_empty());
    // 59.000 is charged, but it is not where prices start.
    assert_eq!(
        mismatches("mulai dari Rp59rb", &products),
        [Mismatch::PriceNotCharged {
            claim: claim_of("mulai dari Rp59rb"),
            cheapest_real: 49_000,
        }]
    );
    // The same figure as a plain price holds.
    assert!(mismatches("cuma Rp59rb", &products).is_empty());
}

#[test]
fn a_discount_holds_up_to_the_best_real_one_plus_a_point() {
    // 200.000 → 100.000 is 50 %; 150.000 → 99.000 is 34 %.
    let products = [
        product(100_000, 120_000, 200_000),
        product(99_000, 99_000, 150_000),
    ];
    assert!(mismatches("DISKON 50% hari ini saja", &products).is_empty());
    assert!(mismatches("diskon 51%", &products).is_empty());
    assert!(mismatches("hemat 20 persen", &products).is_empty());
    assert_eq!(
        mismatches("diskon 52%", &products),
        [Mismatch::DiscountNotGiven {
            claim: claim_of("diskon 52%"),
            best_real_percent: 50,
        }]
    );
}

#[test]
fn a_discount_with_no_price_change_is_flagged() {
    let products = [product(150_000, 150_000, 150_000)];
    assert_eq!(
        mismatches("#diskon50", &products),
        [Mismatch::DiscountNotGiven {
            claim: claim_of("#diskon50"),
            best_real_percent: 0,
        }]
    );
}

#[test]
fn the_real_discount_is_rounded_down() {
    assert_eq!(product(99_000, 99_000, 150_000).real_percent_off(), 34);
    assert_eq!(product(100_001, 100_001, 200_000).real_percent_off(), 49);
    assert_eq!(product(0, 0, 0).real_percent_off(), 0);
    assert_eq!(product(-5, 0, 10).real_percent_off(), 100);
}

#[test]
fn free_shipping_needs_one_product_with_it() {
    let without = [product(99_000, 99_000, 99_000)];
    let mut with = without.clone();
    with[0].free_shipping = true;
    assert!(mismatches("gratis ongkir se-Indonesia", &with).is_empty());
    assert_eq!(
        mismatches("gratis ongkir se-Indonesia", &without),
        [Mismatch::FreeShippingNotGiven {
            claim: claim_of("gratis ongkir se-Indonesia"),
        }]
    );
}

#[test]
fn was_now_needs_one_product_struck_at_was_and_charged_now() {
    let products = [product(99_000, 109_000, 150_000)];
    assert!(mismatches("dari 150rb jadi 99rb", &products).is_empty());
    assert_eq!(
        mismatches("dari 200rb jadi 99rb", &products),
        [Mismatch::WasNowNotTrue {
            claim: claim_of("dari 200rb jadi 99rb"),
            real_original: 150_000,
            real_lowest: 99_000,
        }]
    );
    let elsewhere = [
        product(129_000, 129_000, 150_000),
        product(89_000, 89_000, 99_000),
    ];
    assert_eq!(
        mismatches("150rb → 99rb", &elsewhere),
        [Mismatch::WasNowNotTrue {
            claim: claim_of("150rb → 99rb"),
            real_original: 99_000,
            real_lowest: 89_000,
        }]
    );
}

#[test]
fn was_now_split_over_two_products_does_not_hold() {
    // One is struck at 150.000, the other charged 99.000: no product is both.
    let products = [
        product(129_000, 129_000, 150_000),
        product(99_000, 99_000, 99_000),
    ];
    assert_eq!(mismatches("dari 150rb jadi 99rb", &products).len(), 1);
}

#[test]
fn without_products_every_claim_is_unchecked() {
    let text = "cuma Rp99rb, diskon 50%, gratis ongkir";
    let found = mismatches(text, &[]);
    assert_eq!(found.len(), 3);
    assert!(
        found
            .iter()
            .all(|m| matches!(m, Mismatch::NothingToCheck { .. }))
    );
}

#[test]
fn a_caption_of_true_claims_has_no_mismatch() {
    let mut kemeja = product(99_000, 129_000, 198_000);
    kemeja.free_shipping = true;
    let caption = "Kemeja batik diskon 50%! Dari Rp198.000 jadi Rp99.000 🔥\n\
                   mulai 99rb, gratis ongkir. Nomor WA 0812-3456-7890 #batik";
    assert_eq!(find_claims(caption).len(), 4);
    assert!(compare(&find_claims(caption), &[kemeja]).is_empty());
}

#[test]
fn mismatches_serialize_with_their_kind() {
    let found = mismatches("diskon 50%", &[product(100_000, 100_000, 100_000)]);
    let json = serde_json::to_value(&found).unwrap();
    assert_eq!(json[0]["kind"], "discount_not_given");
    assert_eq!(json[0]["best_real_percent"], 0);
    assert_eq!(json[0]["claim"]["kind"], "percent_off");
    let back: Vec<Mismatch> = serde_json::from_value(json).unwrap();
    assert_eq!(back, found);
}

// ---- properties -----------------------------------------------------------

/// Pieces captions are made of, to reach the parser's corners more often
/// than random text does.
fn caption_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Rp".to_owned()),
        Just("Rp.".to_owned()),
        Just("IDR".to_owned()),
        Just("rb".to_owned()),
        Just("jt".to_owned()),
        Just("k".to_owned()),
        Just("%".to_owned()),
        Just("persen".to_owned()),
        Just("diskon".to_owned()),
        Just("mulai".to_owned()),
        Just("dari".to_owned()),
        Just("jadi".to_owned()),
        Just("gratis ongkir".to_owned()),
        Just("ongkir".to_owned()),
        Just("→".to_owned()),
        Just("🔥".to_owned()),
        Just("#".to_owned()),
        Just("@".to_owned()),
        Just(",-".to_owned()),
        Just("-".to_owned()),
        Just("é".to_owned()),
        Just("\n".to_owned()),
        "[ .,]{0,2}".prop_map(|s| s.to_owned()),
        "[0-9]{1,16}".prop_map(|s| s.to_owned()),
        "[0-9]{1,3}([.,][0-9]{1,3}){0,4}".prop_map(|s| s.to_owned()),
    ]
}

proptest! {
    #[test]
    fn never_panics_and_spans_slice_the_input(text in "\\PC{0,80}") {
        check_spans(&text)?;
    }

    #[test]
    fn never_panics_on_caption_like_text(pieces in prop::collection::vec(caption_piece(), 0..24)) {
        check_spans(&pieces.concat())?;
        check_spans(&pieces.join(" "))?;
    }

    #[test]
    fn reads_etalase_own_price_format(rupiah in 1i64..1_000_000_000_000) {
        for lang in [Lang::Id, Lang::En] {
            let text = format!("cuma {}", Money::idr(rupiah).format(lang));
            prop_assert_eq!(kinds(&text), vec![Price(rupiah)], "{}", text);
        }
    }

    #[test]
    fn reads_thousands_written_with_rb(thousands in 1i64..1_000_000) {
        prop_assert_eq!(kinds(&format!("{thousands}rb")), vec![Price(thousands * 1_000)]);
    }
}

fn check_spans(text: &str) -> Result<(), TestCaseError> {
    let claims = find_claims(text);
    let mut end = 0;
    for claim in claims {
        prop_assert!(text.is_char_boundary(claim.span.start));
        prop_assert!(text.is_char_boundary(claim.span.end));
        prop_assert_eq!(text.get(claim.span.clone()), Some(claim.text.as_str()));
        prop_assert!(claim.span.start >= end, "claims overlap in {:?}", text);
        end = claim.span.end;
    }
    Ok(())
}
