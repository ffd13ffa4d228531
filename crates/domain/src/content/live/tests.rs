//! The live's life, its title and products, and its prices as the one
//! pricing function charges them.

use super::*;
use crate::id::{LiveId, PromotionId, SkuId};
use crate::pricing::{BuyerContext, Channel, OfferKind, Pricer, SkuPricing, Window};

fn at(s: i64) -> Timestamp {
    Timestamp::from_unix_millis(s * 1000)
}

fn products(n: usize) -> Vec<ProductId> {
    (0..n).map(|_| ProductId::generate()).collect()
}

#[test]
fn every_pair_of_states_is_either_one_transition_or_refused() {
    use LiveState::*;
    let allowed = [(Scheduled, Live), (Live, Ended), (Scheduled, Cancelled)];
    for from in LiveState::ALL {
        for to in LiveState::ALL {
            let moves = [from.go_live(), from.end(), from.cancel()];
            let reaches = moves.iter().filter(|m| **m == Ok(to)).count();
            let expected = usize::from(allowed.contains(&(from, to)));
            assert_eq!(reaches, expected, "{from:?} -> {to:?}");
        }
        for m in [from.go_live(), from.end(), from.cancel()] {
            assert!(m.is_ok() || m == Err(ErrorCode::IllegalTransition));
        }
    }
    assert_eq!(Scheduled.go_live(), Ok(Live));
    assert_eq!(Live.end(), Ok(Ended));
    assert_eq!(Scheduled.cancel(), Ok(Cancelled));
    assert_eq!(Live.cancel(), Err(ErrorCode::IllegalTransition));
    assert_eq!(Ended.go_live(), Err(ErrorCode::IllegalTransition));
    assert_eq!(Scheduled.end(), Err(ErrorCode::IllegalTransition));
}

#[test]
fn only_a_live_not_yet_over_changes_and_only_one_on_air_pins() {
    use LiveState::*;
    assert!(Scheduled.accepts_changes() && Live.accepts_changes());
    assert!(!Ended.accepts_changes() && !Cancelled.accepts_changes());
    assert_eq!(
        LiveState::ALL.map(LiveState::is_on),
        [false, true, false, false]
    );
    for state in LiveState::ALL {
        assert_eq!(LiveState::parse(state.as_str()), Some(state));
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(json, format!("\"{}\"", state.as_str()));
    }
    assert_eq!(LiveState::parse("Live"), None);
}

#[test]
fn a_title_is_five_to_a_hundred_characters_on_one_line() {
    let title = LiveTitle::parse("  Live   Batik\nSolo 12.12  ").unwrap();
    assert_eq!(title.as_str(), "Live Batik Solo 12.12");
    assert!(
        LiveTitle::parse("🔥🔥🔥🔥🔥").is_ok(),
        "emoji are characters"
    );
    assert!(LiveTitle::parse("🔥🔥🔥🔥").is_err());
    assert!(LiveTitle::parse("   abcd    ").is_err());
    assert!(LiveTitle::parse("a   b c").is_ok(), "five after collapsing");
    assert!(LiveTitle::parse(&"é".repeat(100)).is_ok());
    assert_eq!(
        LiveTitle::parse(&"é".repeat(101)),
        Err(ErrorCode::LiveTitleTooLong)
    );
    for bad in ["Live\u{0} batik", "Live \u{1b}batik", "Live \u{202E}kitab"] {
        assert_eq!(LiveTitle::parse(bad), Err(ErrorCode::LiveTitleInvalid));
    }
    let json = serde_json::to_string(&title).unwrap();
    assert_eq!(serde_json::from_str::<LiveTitle>(&json).unwrap(), title);
    assert!(serde_json::from_str::<LiveTitle>("\"abc\"").is_err());
}

#[test]
fn a_live_is_announced_for_the_next_thirty_days() {
    let now = at(1_000_000);
    assert!(check_planned_start(now.plus_seconds(3600), now).is_ok());
    assert!(check_planned_start(now.plus_seconds(-299), now).is_ok());
    assert!(check_planned_start(now.plus_seconds(-301), now).is_err());
    assert!(check_planned_start(now.plus_seconds(30 * 86_400), now).is_ok());
    assert!(check_planned_start(now.plus_seconds(30 * 86_400 + 1), now).is_err());
    assert_eq!(auto_end_at(at(0)), at(12 * 3600));
}

#[test]
fn featured_products_are_one_to_twenty_distinct() {
    let p = products(21);
    let featured = FeaturedProducts::parse([p[0], p[1], p[0], p[2]]).unwrap();
    assert_eq!(featured.as_slice(), &[p[0], p[1], p[2]]);
    assert!(FeaturedProducts::parse(p[..20].to_vec()).is_ok());
    let twenty_with_repeats = p[..20].iter().chain(&p[..5]).copied();
    assert!(FeaturedProducts::parse(twenty_with_repeats).is_ok());
    assert_eq!(
        FeaturedProducts::parse(p.clone()),
        Err(ErrorCode::LiveTooManyProducts)
    );
    assert_eq!(
        FeaturedProducts::parse([]),
        Err(ErrorCode::LiveProductRequired)
    );
    let json = serde_json::to_string(&featured).unwrap();
    assert_eq!(
        serde_json::from_str::<FeaturedProducts>(&json).unwrap(),
        featured
    );
    assert!(serde_json::from_str::<FeaturedProducts>("[]").is_err());
}

#[test]
fn only_a_featured_product_is_pinned_and_only_on_air() {
    let p = products(3);
    let featured = FeaturedProducts::parse([p[0], p[1]]).unwrap();
    let pinned = pin(LiveState::Live, &featured, p[1], at(5)).unwrap();
    assert_eq!(
        pinned,
        Pin {
            product: p[1],
            at: at(5)
        }
    );
    assert_eq!(
        pin(LiveState::Live, &featured, p[2], at(5)),
        Err(ErrorCode::LivePinNotFeatured)
    );
    for state in [LiveState::Scheduled, LiveState::Ended, LiveState::Cancelled] {
        assert_eq!(
            pin(state, &featured, p[0], at(5)),
            Err(ErrorCode::IllegalTransition)
        );
    }
    assert!(pinned.survives(&featured));
    let without = FeaturedProducts::parse([p[0]]).unwrap();
    assert!(!pinned.survives(&without));
}

#[test]
fn a_live_price_is_at_or_above_the_floor_and_below_the_base() {
    let floor = Pricer::DEFAULT_FLOOR;
    assert_eq!(check_live_price(80_000, 100_000, floor), Ok(()));
    assert_eq!(check_live_price(2_000, 100_000, floor), Ok(()));
    assert_eq!(check_live_price(99_999, 100_000, floor), Ok(()));
    assert_eq!(
        check_live_price(1_999, 100_000, floor),
        Err(ErrorCode::PromotionBelowFloor)
    );
    assert_eq!(
        check_live_price(100_000, 100_000, floor),
        Err(ErrorCode::PromotionNotBelowBase)
    );
    assert_eq!(
        check_live_price(120_000, 100_000, floor),
        Err(ErrorCode::PromotionNotBelowBase)
    );
    assert_eq!(
        check_live_price(0, 100_000, 0),
        Err(ErrorCode::PriceOutOfRange)
    );
    assert!(
        check_live_price(1_500, 1_800, floor).is_err(),
        "a base under the floor has no live price"
    );
}

#[test]
fn a_live_window_opens_on_air_and_closes_at_the_end() {
    let open = live_window(at(100), None);
    assert!(open.contains(at(100)) && open.contains(at(1_000_000)));
    assert!(!open.contains(at(99)));
    let closed = live_window(at(100), Some(at(200)));
    assert_eq!(closed, Window::new(at(100), at(200)).unwrap());
    for glitch in [at(100), at(50)] {
        let empty = live_window(at(100), Some(glitch));
        assert!(!empty.contains(at(100)) && !empty.contains(at(50)));
    }
}

#[test]
fn a_live_maps_to_one_stable_promotion() {
    let live = LiveId::generate();
    let id = live_promotion_id(live);
    assert_eq!(id, live_promotion_id(live));
    assert_eq!(id.ulid(), live.ulid());
    assert_eq!(id.to_string()[4..], live.to_string()[4..]);
    assert!(id.to_string().starts_with("prm_"));
    assert_ne!(id, live_promotion_id(LiveId::generate()));
    let offer = live_offer(live, 80_000, live_window(at(0), None));
    assert_eq!(offer.promotion, id);
    assert_eq!(offer.kind, OfferKind::Live { live });
}

fn sku(base: i64, offers: Vec<crate::pricing::Offer>) -> SkuPricing {
    SkuPricing {
        sku: SkuId::generate(),
        base,
        compare_at: None,
        offers,
    }
}

#[test]
fn the_pricer_charges_a_live_price_only_on_its_live_and_while_it_is_on() {
    let pricer = Pricer::default();
    let buyer = BuyerContext::anonymous();
    let live = LiveId::generate();
    let on_air = sku(
        100_000,
        vec![live_offer(live, 80_000, live_window(at(100), None))],
    );
    let unit = |s: &SkuPricing, channel, t| pricer.price(s, &buyer, channel, at(t)).unit;
    assert_eq!(unit(&on_air, Channel::Live(live), 150), 80_000);
    assert_eq!(unit(&on_air, Channel::Live(live), 1_000_000), 80_000);
    assert_eq!(unit(&on_air, Channel::Shop, 150), 100_000);
    assert_eq!(
        unit(&on_air, Channel::Live(LiveId::generate()), 150),
        100_000
    );
    assert_eq!(unit(&on_air, Channel::Live(live), 99), 100_000, "before");
    let priced = pricer.price(&on_air, &buyer, Channel::Live(live), at(150));
    let applied = priced.applied.unwrap();
    assert_eq!(applied.promotion, live_promotion_id(live));
    assert_eq!(applied.ends_at, None, "no countdown: it ends with the live");
    assert_eq!(priced.strike, Some(100_000));

    let ended = sku(
        100_000,
        vec![live_offer(
            live,
            80_000,
            live_window(at(100), Some(at(200))),
        )],
    );
    assert_eq!(unit(&ended, Channel::Live(live), 199), 80_000);
    assert_eq!(unit(&ended, Channel::Live(live), 200), 100_000, "after");
}

#[test]
fn the_promotion_guard_agrees_with_the_live_price_check() {
    use crate::pricing::guard::SkuFacts;
    let pricer = Pricer::default();
    let live = LiveId::generate();
    let facts = SkuFacts {
        sku: SkuId::generate(),
        base: 100_000,
        cost: None,
        lowest_recent: None,
        others: &[],
        vouchers: &[],
    };
    for price in [1_000, 100_000, 80_000] {
        let offer = live_offer(live, price, live_window(at(0), None));
        let refused = pricer
            .check_offer(&offer, &facts)
            .iter()
            .find(|f| f.refuses())
            .map(|f| f.code());
        assert_eq!(
            refused,
            check_live_price(price, 100_000, pricer.floor).err(),
            "{price}"
        );
    }
}

#[test]
fn a_flash_deal_is_a_checked_price_for_a_short_countdown_on_air() {
    use LiveState::*;
    let now = at(1_000);
    let deal =
        |state, price, quota, ends| flash_deal(state, price, 100_000, 2_000, quota, now, ends);
    let ok = deal(Live, 50_000, 10, now.plus_seconds(600)).unwrap();
    assert_eq!(ok.starts_at, now);
    assert_eq!(ok.seconds_left(now.plus_seconds(1)), 599);
    assert_eq!(ok.seconds_left(now.plus_seconds(601)), 0);
    assert!(deal(Live, 50_000, 10_000, now.plus_seconds(3_600)).is_ok());
    let refused = [
        (Scheduled, 50_000, 10, 600, ErrorCode::IllegalTransition),
        (Ended, 50_000, 10, 600, ErrorCode::IllegalTransition),
        (Live, 100_000, 10, 600, ErrorCode::PromotionNotBelowBase),
        (Live, 1_000, 10, 600, ErrorCode::PromotionBelowFloor),
        (Live, 50_000, 0, 600, ErrorCode::FlashQuotaOutOfRange),
        (Live, 50_000, 10_001, 600, ErrorCode::FlashQuotaOutOfRange),
        (Live, 50_000, -1, 600, ErrorCode::FlashQuotaOutOfRange),
        (Live, 50_000, 10, 0, ErrorCode::EndsInPast),
        (Live, 50_000, 10, -5, ErrorCode::EndsInPast),
        (Live, 50_000, 10, 3_601, ErrorCode::FlashDealTooLong),
    ];
    for (state, price, quota, seconds, code) in refused {
        let got = deal(state, price, quota, now.plus_seconds(seconds));
        assert_eq!(got, Err(code), "{state:?} {price} {quota} {seconds}");
    }
}

#[test]
fn a_flash_deal_beats_the_live_price_until_its_quota_or_time_runs_out() {
    let pricer = Pricer::default();
    let buyer = BuyerContext::anonymous();
    let live = LiveId::generate();
    let started = at(100);
    let standing = live_offer(live, 80_000, live_window(started, None));
    let deal = flash_deal(LiveState::Live, 60_000, 100_000, 2_000, 5, at(200), at(500)).unwrap();
    let price_with = |sold: i64, t: i64| {
        let offers = std::iter::once(standing)
            .chain(deal.offer(live, None, sold))
            .collect();
        pricer.price(&sku(100_000, offers), &buyer, Channel::Live(live), at(t))
    };
    let during = price_with(0, 300);
    assert_eq!(during.unit, 60_000);
    let applied = during.applied.unwrap();
    assert_eq!(applied.promotion, deal.promotion(live));
    assert_eq!(applied.beaten, vec![live_promotion_id(live)]);
    assert_eq!(applied.ends_at, Some(at(500)), "the countdown");
    assert_eq!(price_with(4, 300).unit, 60_000);
    assert_eq!(price_with(5, 300).unit, 80_000, "quota sold out");
    assert_eq!(price_with(0, 500).unit, 80_000, "countdown over");
    assert_eq!(deal.left(3), 2);
    assert_eq!(deal.left(9), 0);
    let shop = sku(100_000, deal.offer(live, None, 0).into_iter().collect());
    assert_eq!(
        pricer.price(&shop, &buyer, Channel::Shop, at(300)).unit,
        100_000
    );
}

#[test]
fn a_flash_deal_ends_with_its_live_and_has_its_own_stable_promotion() {
    let live = LiveId::generate();
    let deal = flash_deal(LiveState::Live, 60_000, 100_000, 2_000, 5, at(200), at(500)).unwrap();
    assert_eq!(
        deal.window(Some(at(300))),
        Window::new(at(200), at(300)).ok()
    );
    assert_eq!(
        deal.window(Some(at(900))),
        Window::new(at(200), at(500)).ok()
    );
    assert_eq!(deal.window(Some(at(150))), None);
    assert!(deal.offer(live, Some(at(150)), 0).is_none());
    let id = deal.promotion(live);
    assert_eq!(id, deal.promotion(live));
    assert_ne!(id, live_promotion_id(live));
    assert_eq!(id.ulid().random(), live.ulid().random());
    let other: PromotionId = deal.promotion(LiveId::generate());
    assert_ne!(id, other);
}
