//! 2,000 buyers claim one voucher with a quota of 500 at the same moment:
//! exactly 500 claims succeed (the run fails otherwise), on SQLite and on
//! PostgreSQL, and the throughput and latencies are printed.
//!
//! Run: `ETALASE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//!       cargo bench -p etalase-services --bench voucher_claims`
//! (PostgreSQL is skipped when the variable is not set.)

use std::sync::Arc;
use std::time::{Duration, Instant};

use etalase_domain::account::Email;
use etalase_domain::id::UserId;
use etalase_domain::{ErrorCode, Lang};
use etalase_services::accounts::{self, ClientInfo, ShopDetails, SignUp};
use etalase_services::clock::SystemClock;
use etalase_services::mail::MemoryMailer;
use etalase_services::pricing::vouchers::{self, BenefitInput, Owner, VoucherInput};
use etalase_services::teams::SellerScope;
use etalase_services::{ServiceConfig, Services};
use etalase_store::accounts::{NewUser, insert_user};
use etalase_store::sellers;
use etalase_testkit::{Backend, database};

const BUYERS: usize = 2_000;
const QUOTA: i64 = 500;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut backends = vec![Backend::Sqlite];
    if std::env::var(etalase_testkit::POSTGRES_URL_VAR).is_ok() {
        backends.push(Backend::Postgres);
    } else {
        println!(
            "(PostgreSQL skipped: {} is not set)",
            etalase_testkit::POSTGRES_URL_VAR
        );
    }
    for backend in backends {
        run(backend).await;
    }
}

async fn run(backend: Backend) {
    let db = database(backend).await;
    let svc = Services::new(
        db.store.clone(),
        Arc::new(SystemClock),
        Arc::new(MemoryMailer::default()),
        Arc::new(etalase_services::vault::Vault::ephemeral()),
        etalase_store::objects::ObjectStore::memory(),
        ServiceConfig::default(),
    );
    let scope = seller(&svc).await;
    let now = svc.now();
    let voucher = vouchers::create(
        &svc,
        Owner::Seller(&scope),
        &VoucherInput {
            name: "Voucher Serbu".into(),
            code: "SERBU500".into(),
            benefit: BenefitInput::Amount(10_000),
            min_spend: 50_000,
            starts_at: now,
            ends_at: now.plus_seconds(3600),
            products: None,
            quota: QUOTA,
            per_buyer_limit: 1,
            public: true,
        },
        true,
        true,
    )
    .await
    .expect("the voucher")
    .voucher
    .voucher
    .id;
    let buyers = buyers(&svc).await;

    let svc = Arc::new(svc);
    let start = Instant::now();
    let tasks: Vec<_> = buyers
        .into_iter()
        .map(|buyer| {
            let svc = svc.clone();
            tokio::spawn(async move {
                let began = Instant::now();
                let outcome = vouchers::claim(&svc, buyer, voucher).await.map(|_| ());
                (outcome, began.elapsed())
            })
        })
        .collect();
    let (mut claimed, mut used_up, mut other) = (0, 0, 0);
    let mut latencies: Vec<Duration> = Vec::with_capacity(BUYERS);
    for task in tasks {
        let (outcome, took) = task.await.expect("a claim task");
        latencies.push(took);
        match outcome {
            Ok(()) => claimed += 1,
            Err(e) if e.code == ErrorCode::VoucherUsedUp => used_up += 1,
            Err(e) => {
                other += 1;
                eprintln!("unexpected: {e:?}");
            }
        }
    }
    let wall = start.elapsed();
    latencies.sort();
    let stored = vouchers::get(&svc, Owner::Seller(&scope), voucher)
        .await
        .expect("the voucher")
        .voucher
        .claimed;
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "{:<10} {} claims, quota {}: claimed {} (stored {}), used up {}, other {} | {:.2} s, {:.0} claims/s | latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        backend.name(),
        BUYERS,
        QUOTA,
        claimed,
        stored,
        used_up,
        other,
        wall.as_secs_f64(),
        BUYERS as f64 / wall.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
    );
    assert_eq!(claimed, QUOTA, "exactly the quota is claimed");
    assert_eq!(stored, QUOTA);
    assert_eq!(other, 0);
}

async fn seller(svc: &Services) -> SellerScope {
    let signed_in = accounts::sign_up_seller(
        svc,
        SignUp {
            email: "penjual@contoh.id",
            name: "Penjual",
            password: "kopi susu gula aren",
            password_confirmation: "kopi susu gula aren",
            lang: Lang::Id,
        },
        ShopDetails {
            shop_name: "Toko Serbu",
            shop_slug: "toko-serbu",
        },
        &ClientInfo::default(),
    )
    .await
    .expect("a seller");
    let member = sellers::find_membership(&svc.store, signed_in.user.id)
        .await
        .expect("read")
        .expect("the owner");
    SellerScope::for_member(&member)
}

/// 2,000 buyer accounts, written directly (no password hashing: they never
/// sign in here).
async fn buyers(svc: &Services) -> Vec<UserId> {
    let mut tx = svc.store.write().await.expect("a transaction");
    let mut ids = Vec::with_capacity(BUYERS);
    for n in 0..BUYERS {
        let id = UserId::generate();
        let email = Email::parse(&format!("pembeli{n}@contoh.id")).expect("an e-mail");
        insert_user(
            &mut tx,
            NewUser {
                id,
                email: &email,
                name: "Pembeli",
                password_hash: "-",
                is_admin: false,
                lang: None,
            },
            svc.now(),
        )
        .await
        .expect("a buyer");
        ids.push(id);
    }
    tx.commit().await.expect("commit");
    ids
}
