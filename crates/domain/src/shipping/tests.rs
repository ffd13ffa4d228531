use proptest::prelude::*;

use super::*;
use crate::catalog::sku::{Dimensions, WeightGrams};
use crate::regions::regions;

fn grams(g: i64) -> WeightGrams {
    WeightGrams::new(g).unwrap()
}

fn cm(l: i64, w: i64, h: i64) -> Option<Dimensions> {
    Some(Dimensions::new(l, w, h).unwrap())
}

fn kg(service: Service, g: i64) -> u64 {
    chargeable_kg(service, &Parcel::single(grams(g), None))
}

#[test]
fn jne_forgives_three_hundred_grams_past_a_kilogram() {
    assert_eq!(kg(Service::JneReg, 1), 1);
    assert_eq!(kg(Service::JneReg, 1000), 1);
    assert_eq!(kg(Service::JneReg, 1300), 1);
    assert_eq!(kg(Service::JneReg, 1310), 2);
    assert_eq!(kg(Service::JneReg, 2300), 2);
    assert_eq!(kg(Service::JneReg, 2310), 3);
    assert_eq!(kg(Service::JneYes, 1300), 1);
}

#[test]
fn other_couriers_charge_every_started_kilogram() {
    for service in [
        Service::JntEz,
        Service::SicepatReg,
        Service::AnterajaReg,
        Service::PosKilat,
    ] {
        assert_eq!(kg(service, 1000), 1, "{service}");
        assert_eq!(kg(service, 1001), 2, "{service}");
        assert_eq!(kg(service, 1300), 2, "{service}");
    }
}

#[test]
fn a_light_bulky_box_is_charged_by_its_volume() {
    // 30 × 20 × 20 cm = 12,000 cm³ ÷ 6000 = 2 kg, four times the 500 g.
    let parcel = Parcel::single(grams(500), cm(30, 20, 20));
    assert_eq!(parcel.volumetric_grams(6000), 2000);
    assert_eq!(chargeable_kg(Service::JntEz, &parcel), 2);
    assert_eq!(chargeable_kg(Service::JneReg, &parcel), 2);
    // One more centimetre tips J&T to 3 kg; JNE's tolerance keeps it at 2.
    let parcel = Parcel::single(grams(500), cm(31, 20, 20));
    assert_eq!(chargeable_kg(Service::JntEz, &parcel), 3);
    assert_eq!(chargeable_kg(Service::JneReg, &parcel), 2);
}

#[test]
fn cargo_has_a_ten_kilogram_minimum_and_a_smaller_divisor() {
    assert_eq!(kg(Service::JneJtr, 3000), 10);
    // 50 × 40 × 40 cm: 20 kg at ÷4000 for trucking, 13.33 → 14 kg at ÷6000.
    let parcel = Parcel::single(grams(5000), cm(50, 40, 40));
    assert_eq!(chargeable_kg(Service::JneJtr, &parcel), 20);
    assert_eq!(chargeable_kg(Service::JntEz, &parcel), 14);
    assert_eq!(Service::JneJtr.volumetric_divisor(), 4000);
    assert_eq!(Service::JneJtr.minimum_kg(), 10);
}

#[test]
fn a_parcel_adds_up_its_items_weights_and_volumes() {
    let shirts = ParcelItem::new(grams(400), cm(20, 15, 10), 2).unwrap();
    let mug = ParcelItem::new(grams(1000), None, 1).unwrap();
    let parcel = Parcel::new(vec![shirts, mug]).unwrap();
    assert_eq!(parcel.actual_grams(), 1800);
    assert_eq!(parcel.volume_cm3(), 6000);
    assert_eq!(parcel.volumetric_grams(6000), 1000);
    assert_eq!(chargeable_kg(Service::JneReg, &parcel), 2);
}

#[test]
fn a_parcel_needs_items_in_range() {
    assert_eq!(Parcel::new(vec![]), Err(ParcelError::Empty));
    for quantity in [0, -1, i64::from(ParcelItem::MAX_QUANTITY) + 1] {
        assert_eq!(
            ParcelItem::new(grams(100), None, quantity),
            Err(ParcelError::QuantityOutOfRange)
        );
    }
}

#[test]
fn every_province_and_regency_has_a_zone() {
    let r = regions();
    assert_eq!(r.provinces().len(), 38);
    for province in r.provinces() {
        assert!(
            Zone::of_province(province.code).is_some(),
            "{}",
            province.code
        );
        for regency in r.regencies_of(province.code) {
            let code = RegencyCode::parse(regency.code).unwrap();
            assert_eq!(code.province(), province.code);
        }
    }
    let zone = |p| Zone::of_province(p).unwrap();
    assert_eq!(zone("19"), Zone::Sumatera);
    assert_eq!(zone("21"), Zone::Sumatera);
    assert_eq!(zone("31"), Zone::Jawa);
    assert_eq!(zone("36"), Zone::Jawa);
    assert_eq!(zone("53"), Zone::BaliNusaTenggara);
    assert_eq!(zone("65"), Zone::Kalimantan);
    assert_eq!(zone("76"), Zone::Sulawesi);
    assert_eq!(zone("82"), Zone::MalukuPapua);
    assert_eq!(zone("96"), Zone::MalukuPapua);
    assert_eq!(Zone::of_province("41"), None);
    assert_eq!(Zone::of_province("3"), None);
}

#[test]
fn routes_tell_city_province_and_zones_apart() {
    let at = |code| RegencyCode::parse(code).unwrap();
    assert_eq!(Route::between(at("3171"), at("3171")), Route::SameRegency);
    assert_eq!(Route::between(at("3171"), at("3174")), Route::SameProvince);
    let surabaya = Route::between(at("3171"), at("3578"));
    assert_eq!(surabaya.to_string(), "jawa-jawa");
    let nabire = Route::between(at("3171"), at("9401"));
    assert_eq!(nabire.to_string(), "jawa-maluku_papua");
    assert_eq!(Route::all().count(), 38);
    for route in Route::all() {
        assert_eq!(Route::parse(&route.to_string()), Ok(route));
    }
    assert!(RegencyCode::parse("3199").is_err());
    assert!(RegencyCode::parse("31").is_err());
}

#[test]
fn jakarta_to_papua_costs_more_and_takes_longer_than_within_jakarta() {
    let table = RateTable::default_table();
    let parcel = Parcel::single(grams(1000), None);
    let within_city = table.quote("3171", "3171", &parcel).unwrap();
    let within_jakarta = table.quote("3171", "3174", &parcel).unwrap();
    let to_papua = table.quote("3171", "9401", &parcel).unwrap();
    assert_eq!(to_papua.len(), Service::ALL.len());
    for far in &to_papua {
        for near in within_city.iter().chain(&within_jakarta) {
            if near.service == far.service {
                assert!(far.cost > near.cost, "{}", far.service);
                assert!(far.eta_max_days > near.eta_max_days, "{}", far.service);
            }
        }
    }
    let reg = |options: &[ShippingOption]| {
        options
            .iter()
            .find(|o| o.service == Service::JneReg)
            .unwrap()
            .cost
    };
    assert!((8_000..=12_000).contains(&reg(&within_city)));
    assert!(reg(&to_papua) >= 90_000);
}

#[test]
fn options_come_cheapest_first_with_their_cod_flags() {
    let parcel = Parcel::single(grams(1500), None);
    let options = RateTable::default_table()
        .quote("3273", "3578", &parcel)
        .unwrap();
    assert!(
        options
            .windows(2)
            .all(|w| { (w[0].cost, w[0].service.code()) <= (w[1].cost, w[1].service.code()) })
    );
    for option in &options {
        assert_eq!(
            option.cost,
            option.price_per_kg * option.chargeable_kg as i64
        );
        assert_eq!(option.cod_available, option.service.cod_available());
    }
    let jtr = options
        .iter()
        .find(|o| o.service == Service::JneJtr)
        .unwrap();
    assert_eq!(jtr.chargeable_kg, 10);
    let cod: Vec<&str> = Service::ALL
        .into_iter()
        .filter(|s| s.cod_available())
        .map(Service::code)
        .collect();
    assert_eq!(
        cod,
        [
            "jne_reg",
            "jnt_ez",
            "sicepat_reg",
            "anteraja_reg",
            "pos_kilat"
        ]
    );
}

#[test]
fn unknown_places_are_errors_not_panics() {
    let table = RateTable::default_table();
    let parcel = Parcel::single(grams(1000), None);
    assert!(matches!(
        table.quote("9999", "3171", &parcel),
        Err(QuoteError::UnknownOrigin(_))
    ));
    assert!(matches!(
        table.quote("3171", "", &parcel),
        Err(QuoteError::UnknownDestination(_))
    ));
}

#[test]
fn an_option_survives_a_trip_through_json() {
    let parcel = Parcel::single(grams(1000), None);
    let options = RateTable::default_table()
        .quote("3171", "9401", &parcel)
        .unwrap();
    let json = serde_json::to_value(&options[0]).unwrap();
    assert_eq!(json["route"], "jawa-maluku_papua");
    assert_eq!(json["service"], options[0].service.code());
    let back: ShippingOption = serde_json::from_value(json).unwrap();
    assert_eq!(back, options[0]);
    for service in Service::ALL {
        assert_eq!(serde_json::to_value(service).unwrap(), service.code());
        assert_eq!(Service::parse(service.code()), Some(service));
    }
}

proptest! {
    #[test]
    fn chargeable_kg_never_drops_below_whole_actual_kg_nor_one(
        service in proptest::sample::select(Service::ALL.to_vec()),
        g in 1i64..=WeightGrams::MAX as i64,
        quantity in 1i64..=20,
    ) {
        let item = ParcelItem::new(grams(g), None, quantity).unwrap();
        let parcel = Parcel::new(vec![item]).unwrap();
        let charged = chargeable_kg(service, &parcel);
        prop_assert!(charged >= 1);
        prop_assert!(charged >= parcel.actual_grams() / 1000);
    }

    #[test]
    fn cost_never_falls_as_weight_grows(
        light in 1i64..=100_000,
        extra in 0i64..=100_000,
        side in 1i64..=100,
    ) {
        let table = RateTable::default_table();
        let quote = |g: i64| {
            let parcel = Parcel::single(grams(g), cm(side, side, side));
            table.quote("3171", "6471", &parcel).unwrap()
        };
        let (before, after) = (quote(light), quote(light + extra));
        for service in Service::ALL {
            let cost = |options: &[ShippingOption]| {
                options.iter().find(|o| o.service == service).map(|o| o.cost)
            };
            prop_assert!(cost(&before) <= cost(&after), "{}", service);
        }
    }
}
