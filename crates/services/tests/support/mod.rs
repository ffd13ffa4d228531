//! What the catalog tests share: a world on one backend, a shop, a complete
//! 2 × 3 product, a photo.
#![allow(dead_code)]

pub mod checkout;
pub mod verification;

use std::collections::BTreeMap;
use std::sync::Arc;

use etalase_domain::catalog::category::tree;
use etalase_domain::catalog::product::{ProductInput, SkuInput};
use etalase_domain::{ErrorCode, Lang, Timestamp};
use etalase_services::accounts::{self, ClientInfo, ShopDetails, SignUp};
use etalase_services::catalog::ProductForm;
use etalase_services::clock::ManualClock;
use etalase_services::mail::MemoryMailer;
use etalase_services::teams::SellerScope;
use etalase_services::{ServiceConfig, ServiceError, Services};
use etalase_store::checkout::StoredOrder;
use etalase_store::sellers;
use etalase_testkit::{Backend, TestDatabase, database};

pub struct World {
    pub svc: Services,
    pub clock: Arc<ManualClock>,
    _db: TestDatabase,
}

pub async fn world(backend: Backend) -> World {
    world_with(backend, ServiceConfig::default()).await
}

pub async fn world_with(backend: Backend, config: ServiceConfig) -> World {
    let db = database(backend).await;
    let clock = Arc::new(ManualClock::new(Timestamp::from_unix_millis(
        1_795_000_000_000,
    )));
    let svc = Services::new(
        db.store.clone(),
        clock.clone(),
        Arc::new(MemoryMailer::default()),
        Arc::new(etalase_services::vault::Vault::ephemeral()),
        etalase_store::objects::ObjectStore::memory(),
        config,
    )
    .with_memory_search();
    World {
        svc,
        clock,
        _db: db,
    }
}

/// The demo's buyer and their orders (the demo loaded).
pub async fn demo_buyer(w: &World) -> (etalase_domain::id::UserId, Vec<StoredOrder>) {
    let email = etalase_domain::account::Email::parse("pembeli@etalase.test").unwrap();
    let buyer = etalase_store::accounts::find_user_by_email(&w.svc.store, &email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let orders = etalase_store::checkout::orders_of_buyer(&w.svc.store, buyer, None, 50)
        .await
        .unwrap();
    (buyer, orders)
}

pub async fn shop(svc: &Services, email: &str, slug: &str) -> SellerScope {
    let signed_in = accounts::sign_up_seller(
        svc,
        SignUp {
            email,
            name: "Pemilik",
            password: "kopi susu gula aren",
            password_confirmation: "kopi susu gula aren",
            lang: Lang::Id,
        },
        ShopDetails {
            shop_name: "Batik Sari",
            shop_slug: slug,
        },
        &ClientInfo::default(),
    )
    .await
    .unwrap();
    let member = sellers::find_membership(&svc.store, signed_in.user.id)
        .await
        .unwrap()
        .unwrap();
    SellerScope::for_member(&member)
}

/// A leaf category with required attributes, and values for them.
pub fn category() -> (&'static str, BTreeMap<String, String>) {
    let t = tree();
    let leaf = t
        .all()
        .iter()
        .find(|c| c.is_leaf && c.id.starts_with("batik-kain-tradisional/batik/"))
        .unwrap();
    let values = t
        .attributes(leaf.id)
        .into_iter()
        .filter(|a| a.required)
        .map(|a| {
            (
                a.key.to_string(),
                a.choices.first().copied().unwrap_or("Katun").to_string(),
            )
        })
        .collect();
    (leaf.id, values)
}

pub const DESCRIPTION: &str = "Kemeja batik tulis asli dari Solo dibuat oleh pengrajin \
    berpengalaman dengan bahan katun primisima yang adem dan nyaman dipakai seharian. Motif \
    parang klasik diwarnai dengan pewarna alami sehingga warnanya lembut dan tidak mudah \
    luntur. Cocok untuk acara kantor, kondangan, maupun santai di akhir pekan bersama keluarga.";

pub fn sku(colour: &str, size: &str, code: &str, stock: &str) -> SkuInput {
    SkuInput {
        combination: vec![colour.into(), size.into()],
        code: code.into(),
        price: "150.000".into(),
        stock: stock.into(),
        weight_grams: "300".into(),
        length_cm: "30".into(),
        width_cm: "20".into(),
        height_cm: "3".into(),
        ..SkuInput::default()
    }
}

/// A complete product with 2 colours × 3 sizes.
pub fn complete() -> ProductInput {
    let (category, attributes) = category();
    let skus = ["Merah", "Biru"]
        .iter()
        .flat_map(|c| ["M", "L", "XL"].iter().map(move |s| (*c, *s)))
        .map(|(c, s)| sku(c, s, &format!("KMJ-{}-{s}", &c[..1]), "5"))
        .collect();
    ProductInput {
        title: "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang Katun".into(),
        description: DESCRIPTION.into(),
        bullets: "Katun primisima\nPewarna alami\nJahitan rapi".into(),
        category: category.into(),
        brand: "Batik Sari".into(),
        attributes,
        tags: "batik, kemeja pria".into(),
        options: vec![
            ("Warna".into(), "Merah, Biru".into()),
            ("Ukuran".into(), "M, L, XL".into()),
        ],
        skus,
        ..ProductInput::default()
    }
}

pub fn form(input: ProductInput, base_version: Option<i32>) -> ProductForm {
    ProductForm {
        input,
        base_version,
        stock_loaded: Vec::new(),
    }
}

#[allow(unused_imports)]
pub use etalase_testkit::files::product_photo as photo;

pub fn fields(error: &ServiceError) -> Vec<(String, ErrorCode)> {
    error
        .fields
        .iter()
        .map(|f| (f.field.to_string(), f.code))
        .collect()
}

/// What the test web server answers on a path.
#[derive(Clone)]
pub enum Answer {
    Ok(Vec<u8>),
    Redirect(String),
    Status(u16),
}

/// A web server on 127.0.0.1 that serves photos (and failures) and counts
/// the requests for each path.
pub struct PhotoServer {
    pub port: u16,
    hits: Arc<std::sync::Mutex<BTreeMap<String, usize>>>,
}

impl PhotoServer {
    pub async fn start(answers: Vec<(&str, Answer)>) -> PhotoServer {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let answers: Arc<BTreeMap<String, Answer>> = Arc::new(
            answers
                .into_iter()
                .map(|(p, a)| (p.to_owned(), a))
                .collect(),
        );
        let hits = Arc::new(std::sync::Mutex::new(BTreeMap::new()));
        let counted = hits.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (answers, hits) = (answers.clone(), counted.clone());
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&request);
                    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    *hits.lock().unwrap().entry(path.clone()).or_insert(0) += 1;
                    let (status, headers, body) = match answers.get(&path) {
                        Some(Answer::Ok(body)) => (200, String::new(), body.clone()),
                        Some(Answer::Redirect(to)) => {
                            (302, format!("Location: {to}\r\n"), Vec::new())
                        }
                        Some(Answer::Status(code)) => (*code, String::new(), Vec::new()),
                        None => (404, String::new(), Vec::new()),
                    };
                    let head = format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
                        body.len()
                    );
                    let _ = socket.write_all(head.as_bytes()).await;
                    let _ = socket.write_all(&body).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        PhotoServer { port, hits }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}
