//! Buyer–seller chat on both backends: a buyer asks, the shop's team
//! answers; the inboxes and unread counts follow; only the two parties see a
//! conversation and only the roles that work in chat answer; bad messages
//! are refused with nothing written; and the response rate the store adds
//! up is the one the domain's rule gives, turn by turn.

mod support;

use etalase_domain::ErrorCode;
use etalase_domain::Timestamp;
use etalase_domain::id::{ConversationId, MemberId, SellerId, UserId};
use etalase_domain::messaging::{RateWindow, ResponseRate, Side};
use etalase_domain::policy::Role;
use etalase_services::messaging;
use etalase_services::storefront;
use etalase_services::teams::{SellerPrincipal, SellerScope};
use etalase_store::messaging::{self as store, NewMessage};
use etalase_testkit::{Backend, on_both_backends};
use support::checkout::{buyer, shop_with_product};
use support::*;

const HOUR: i64 = 3600;

fn with_role(scope: &SellerScope, role: Role) -> SellerScope {
    SellerScope {
        seller_id: scope.seller_id,
        principal: SellerPrincipal::Member {
            user: UserId::generate(),
            member: MemberId::generate(),
            role,
        },
    }
}

/// The team member a scope acts as.
fn member_of(scope: &SellerScope) -> UserId {
    match scope.principal {
        SellerPrincipal::Member { user, .. } => user,
        SellerPrincipal::ApiKey { .. } => unreachable!("a member's scope"),
    }
}

async fn rate(w: &World, scope: &SellerScope) -> ResponseRate {
    messaging::response_rate(&w.svc, scope).await.unwrap()
}

async fn a_question_answered_in_time_counts_and_a_late_one_does_not(backend: Backend) {
    let w = world(backend).await;
    let (shop, product, _) = shop_with_product(&w, 5).await;
    let andi = buyer(&w.svc, 1).await;

    let id = messaging::ask(&w.svc, andi, shop.seller_id, Some(product), "  Ready kak? ")
        .await
        .unwrap();
    // Two more before an answer: still one question waiting.
    for text in ["Ukuran M", "Warna biru"] {
        messaging::say(&w.svc, andi, id, None, text).await.unwrap();
    }
    let inbox = messaging::seller_inbox(&w.svc, &shop, false, None)
        .await
        .unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!((inbox[0].seller_unread, inbox[0].buyer_unread), (3, 0));
    assert_eq!(inbox[0].last_body, "Warna biru");
    assert_eq!(inbox[0].product, Some(product), "the product asked about");
    assert_eq!(
        messaging::seller_unread(&w.svc, &shop).await.unwrap(),
        1,
        "one conversation waits"
    );
    // Not counted yet: it may still be answered in time.
    assert_eq!(rate(&w, &shop).await.percent(), None);

    // The team opens it (read) and answers within the hour.
    let thread = messaging::seller_thread(&w.svc, &shop, id).await.unwrap();
    let bodies: Vec<_> = thread.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["Ready kak?", "Ukuran M", "Warna biru"]);
    assert_eq!(
        thread.messages[0].product.as_ref().map(|p| p.0),
        Some(product)
    );
    assert!(
        thread.messages[0].product.as_ref().unwrap().1.is_some(),
        "the product's Shop title and slug come with it"
    );
    assert_eq!(messaging::seller_unread(&w.svc, &shop).await.unwrap(), 0);
    w.clock.advance_secs(HOUR - 1);
    messaging::reply(&w.svc, &shop, id, "Ready kak, silakan diorder")
        .await
        .unwrap();
    assert_eq!(
        rate(&w, &shop).await,
        ResponseRate {
            counted: 1,
            answered: 1
        }
    );
    // The buyer sees the answer unread, then read.
    assert_eq!(messaging::buyer_unread(&w.svc, andi).await.unwrap(), 1);
    let thread = messaging::buyer_thread(&w.svc, andi, id).await.unwrap();
    assert_eq!(thread.messages.len(), 4);
    assert_eq!(thread.messages[3].side, Side::Seller);
    assert_eq!(messaging::buyer_unread(&w.svc, andi).await.unwrap(), 0);
    // The seller card says so at once on this node.
    let standing = storefront::standing(&w.svc, shop.seller_id).await.unwrap();
    assert_eq!(standing.response.percent(), Some(100));

    // A second question left for more than half a day counts as missed,
    // and answering it late does not mend that.
    messaging::say(&w.svc, andi, id, None, "Kapan dikirim?")
        .await
        .unwrap();
    w.clock.advance_secs(12 * HOUR + 1);
    assert_eq!(
        rate(&w, &shop).await,
        ResponseRate {
            counted: 2,
            answered: 1
        }
    );
    messaging::reply(&w.svc, &shop, id, "Maaf kak, besok pagi")
        .await
        .unwrap();
    assert_eq!(rate(&w, &shop).await.percent(), Some(50));

    // Asking again from the product page goes on in the same conversation.
    let again = messaging::ask(&w.svc, andi, shop.seller_id, None, "Terima kasih")
        .await
        .unwrap();
    assert_eq!(again, id);
    assert_eq!(
        messaging::conversation_with(&w.svc, andi, shop.seller_id)
            .await
            .unwrap(),
        Some(id)
    );

    // Ninety days on, none of it counts any more.
    w.clock.advance_secs(91 * 86_400);
    assert_eq!(rate(&w, &shop).await.percent(), None);
}

async fn only_the_two_parties_see_a_chat_and_bad_messages_write_nothing(backend: Backend) {
    let w = world(backend).await;
    let (shop, product, _) = shop_with_product(&w, 5).await;
    let andi = buyer(&w.svc, 1).await;
    let budi = buyer(&w.svc, 2).await;
    let id = messaging::ask(&w.svc, andi, shop.seller_id, Some(product), "Halo")
        .await
        .unwrap();

    // Another buyer, another shop: not found.
    let e = messaging::buyer_thread(&w.svc, budi, id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = messaging::say(&w.svc, budi, id, None, "Halo juga")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let other = shop_of(&w, "lain@contoh.id", "toko-lain").await;
    let e = messaging::seller_thread(&w.svc, &other, id)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = messaging::reply(&w.svc, &other, id, "Bukan toko kami")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);

    // Marketing and finance do not work in chat; operations do.
    for role in [Role::Marketing, Role::Finance] {
        let scope = with_role(&shop, role);
        let e = messaging::seller_inbox(&w.svc, &scope, false, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{role}");
        let e = messaging::reply(&w.svc, &scope, id, "Halo")
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{role}");
    }
    let operations = with_role(&shop, Role::Operations);
    assert_eq!(
        messaging::seller_inbox(&w.svc, &operations, false, None)
            .await
            .unwrap()
            .len(),
        1
    );

    // The shop's own team does not chat with its shop as a buyer.
    let owner = member_of(&shop);
    let e = messaging::ask(&w.svc, owner, shop.seller_id, None, "Tes")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ChatOwnShop);
    // A product of another shop, a shop not in the Shop: not found.
    let e = messaging::ask(&w.svc, budi, other.seller_id, Some(product), "Ada?")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = messaging::ask(&w.svc, budi, SellerId::generate(), None, "Ada?")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);

    // Empty or too long: refused by field, nothing written.
    for (text, code) in [
        (" \r\n ".to_owned(), ErrorCode::ChatMessageRequired),
        ("a".repeat(1001), ErrorCode::ChatMessageTooLong),
    ] {
        let e = messaging::say(&w.svc, andi, id, None, &text)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec![("body".to_string(), code)]);
        let e = messaging::reply(&w.svc, &shop, id, &text)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec![("body".to_string(), code)]);
        let e = messaging::ask(&w.svc, budi, shop.seller_id, None, &text)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec![("body".to_string(), code)]);
    }
    let thread = messaging::buyer_thread(&w.svc, andi, id).await.unwrap();
    assert_eq!(thread.messages.len(), 1);
    assert_eq!(
        messaging::conversation_with(&w.svc, budi, shop.seller_id)
            .await
            .unwrap(),
        None,
        "a refused first message begins no conversation"
    );
    assert_eq!(
        messaging::seller_inbox(&w.svc, &shop, false, None)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// An approved shop of its own, without products.
async fn shop_of(w: &World, email: &str, slug: &str) -> SellerScope {
    let scope = shop(&w.svc, email, slug).await;
    // The reviewer `shop_with_product` made.
    let email = etalase_domain::account::Email::parse("reviewer@etalase.test").unwrap();
    let reviewer = etalase_store::accounts::find_user_by_email(&w.svc.store, &email)
        .await
        .unwrap()
        .unwrap();
    support::verification::approve(&w.svc, &scope, &reviewer).await;
    scope
}

/// A small deterministic generator (no dependency for a test's dice).
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: i64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as i64
    }
}

/// Writes one turn in the caller's transaction: the buyer's question at
/// `opened`, and the shop's answer when there is one.
async fn turn(
    tx: &mut etalase_store::Tx,
    (conversation, buyer, owner): (ConversationId, UserId, UserId),
    opened: Timestamp,
    answered: Option<Timestamp>,
) {
    let message = |side, author| NewMessage {
        conversation,
        side,
        author,
        body: "x",
        product: None,
    };
    store::append(tx, &message(Side::Buyer, buyer), opened)
        .await
        .unwrap();
    if let Some(at) = answered {
        store::append(tx, &message(Side::Seller, owner), at)
            .await
            .unwrap();
    }
}

/// Many conversations with turns opened and answered at random times over
/// four months, some never answered: at several moments, including the
/// rule's edges, the store's count equals the domain's judgement of each
/// turn.
async fn the_stores_rate_is_the_domains_rule(backend: Backend) {
    let w = world(backend).await;
    let (shop, _, _) = shop_with_product(&w, 5).await;
    let owner = member_of(&shop);
    let start = w.svc.now();
    let mut dice = Dice(7);
    // (opened, answered) of every turn, as written.
    let mut turns: Vec<(Timestamp, Option<Timestamp>)> = Vec::new();
    for n in 0..12 {
        let buyer = buyer(&w.svc, 10 + n).await;
        let mut at = start.plus_seconds(dice.below(20 * 86_400));
        let mut tx = w.svc.store.write().await.unwrap();
        let id: ConversationId = store::conversation_between(&mut tx, shop.seller_id, buyer, at)
            .await
            .unwrap();
        for _ in 0..6 {
            // Answered at once, around the half day, much later, or never.
            let wait = match dice.below(4) {
                0 => Some(dice.below(HOUR) * 1000),
                1 => Some((12 * HOUR - 2 + dice.below(5)) * 1000 + dice.below(1000)),
                2 => Some((13 * HOUR + dice.below(40 * 86_400)) * 1000),
                _ => None,
            };
            let answered = wait.map(|w| Timestamp::from_unix_millis(at.unix_millis() + w));
            turn(&mut tx, (id, buyer, owner), at, answered).await;
            turns.push((at, answered));
            match answered {
                Some(answered) => at = answered.plus_seconds(1 + dice.below(10 * 86_400)),
                None => break,
            }
        }
        tx.commit().await.unwrap();
    }
    // And the edges, to the millisecond: answered at exactly half a day and
    // a millisecond after, then a question after every other, never
    // answered.
    let edge = buyer(&w.svc, 99).await;
    let latest = turns
        .iter()
        .map(|(opened, answered)| answered.unwrap_or(*opened))
        .max()
        .unwrap();
    let mut tx = w.svc.store.write().await.unwrap();
    let id = store::conversation_between(&mut tx, shop.seller_id, edge, latest)
        .await
        .unwrap();
    let mut at = latest.plus_seconds(60);
    let half_day = 12 * HOUR * 1000;
    for wait in [Some(half_day), Some(half_day + 1), None] {
        let answered = wait.map(|w| Timestamp::from_unix_millis(at.unix_millis() + w));
        turn(&mut tx, (id, edge, owner), at, answered).await;
        turns.push((at, answered));
        at = answered.unwrap_or(at).plus_seconds(60);
    }
    tx.commit().await.unwrap();
    let last = turns.iter().map(|t| t.0).max().unwrap();
    let mut moments = vec![
        start,
        last,
        last.plus_seconds(12 * HOUR),
        last.plus_seconds(12 * HOUR + 1),
        start.plus_seconds(90 * 86_400),
        start.plus_seconds(100 * 86_400),
        start.plus_seconds(200 * 86_400),
    ];
    // Exactly where turns leave or enter the window.
    for (opened, _) in turns.iter().take(5) {
        moments.push(opened.plus_seconds(90 * 86_400));
        moments.push(opened.plus_seconds(90 * 86_400 + 1));
    }
    let mut seen_both = (false, false);
    for now in moments {
        let window = RateWindow::at(now);
        let mut expected = ResponseRate::default();
        for (opened, answered) in &turns {
            if let Some(in_time) = window.judge(*opened, *answered) {
                expected.counted += 1;
                expected.answered += i64::from(in_time);
                seen_both.0 |= in_time;
                seen_both.1 |= !in_time;
            }
        }
        let counted = store::response_rate(&w.svc.store, shop.seller_id, window)
            .await
            .unwrap();
        assert_eq!(counted, expected, "at {now:?}");
    }
    assert_eq!(seen_both, (true, true), "the turns cover both outcomes");
}

on_both_backends!(
    a_question_answered_in_time_counts_and_a_late_one_does_not,
    only_the_two_parties_see_a_chat_and_bad_messages_write_nothing,
    the_stores_rate_is_the_domains_rule,
);
