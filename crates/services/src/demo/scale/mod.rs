//! `etalase generate-shop`: a large generated catalog, for benchmarks and
//! for trying the Shop at scale. Shops in cities across Indonesia (a pickup
//! address each), products of 3 SKUs in every kind of category, written
//! through the product editor's own code path (checked, scored, copy-checked,
//! stock ledger, revision, audit, outbox), each given a photo and published,
//! then the Shop's read model rebuilt. The same seed gives the same
//! catalog; running it again adds only the shops still missing.

use etalase_domain::ErrorCode;
use etalase_domain::account::Email;
use etalase_domain::catalog::category::{Category, tree};
use etalase_domain::catalog::lifecycle::ProductStatus;
use etalase_domain::catalog::product::{ProductDraft, ProductInput};
use etalase_domain::id::{ImageId, MemberId, ProductId, UserId};
use etalase_domain::policy::Role;
use etalase_domain::regions::regions;
use etalase_domain::seller::{SellerStatus, ShopName, ShopSlug};
use etalase_store::catalog;
use etalase_store::inventory::StockReason;
use etalase_store::kyc::{self, AddressRecord};
use etalase_store::{accounts as users, sellers};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::catalog::editor::create_in;
use crate::catalog::listing;
use crate::catalog::media::{self, ProcessedImage};
use crate::catalog::records::{SaveLog, product_changed};
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services, accounts, passwords};

mod products;

use products::{COLOURS, KINDS, Kind, product_input};

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct ScalePlan {
    pub shops: usize,
    /// In all, spread evenly over the shops.
    pub products: usize,
    pub seed: u64,
}

/// What a run wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Generated {
    pub shops: usize,
    pub products: usize,
    pub skus: usize,
    /// Listed in the Shop after the rebuild.
    pub listed: usize,
}

/// The slug of generated shop `n` (`sinar-abadi-0001`): its name's first
/// two words and its number, within the 30 characters a slug may have.
fn shop_slug(n: usize, name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().take(2).collect();
    format!(
        "{}-{n:04}",
        etalase_domain::listing::slug_of(&words.join(" "))
    )
}

/// The email of generated shop `n`'s owner (password: the demo password).
pub fn owner_email(n: usize) -> String {
    format!("penjual{n:04}@toko.etalase.test")
}

const SHOP_FIRST: [&str; 16] = [
    "Sinar", "Maju", "Berkah", "Cahaya", "Sumber", "Mitra", "Anugerah", "Jaya", "Karya", "Rumah",
    "Pusat", "Griya", "Dunia", "Galeri", "Toko", "Warung",
];
const SHOP_SECOND: [&str; 16] = [
    "Abadi",
    "Sentosa",
    "Makmur",
    "Lestari",
    "Mandiri",
    "Bersama",
    "Sejahtera",
    "Utama",
    "Nusantara",
    "Barokah",
    "Indah",
    "Murah",
    "Kita",
    "Asri",
    "Rejeki",
    "Sukses",
];
/// The generated shops' pickup districts: one per regency, the regencies
/// in code order, so every province has shops.
fn pickup_districts() -> Vec<&'static str> {
    let r = regions();
    r.provinces()
        .iter()
        .flat_map(|p| r.regencies_of(p.code))
        .filter_map(|regency| r.districts_of(regency.code).next().map(|d| d.code))
        .collect()
}

/// The photos products share: one per colour, processed once, stored under
/// `generated/`, then copied (hard-linked on disk) into each product.
async fn template_photos(svc: &Services) -> ServiceResult<Vec<(String, ProcessedImage)>> {
    let mut photos = Vec::new();
    for n in 0..COLOURS.len() as u32 {
        let tint = [
            (40 + n * 23) as u8,
            (180 - n * 13) as u8,
            (90 + n * 15) as u8,
        ];
        let png = super::catalog::photo(tint, true, n);
        let processed = media::process_off_thread(png)
            .await?
            .map_err(ServiceError::new)?;
        let folder = format!("generated/photos/{n}");
        svc.objects
            .put(&format!("{folder}/full.jpg"), processed.full.clone())
            .await
            .map_err(ServiceError::internal)?;
        for (size, bytes) in &processed.thumbnails {
            svc.objects
                .put(&format!("{folder}/{size}.jpg"), bytes.clone())
                .await
                .map_err(ServiceError::internal)?;
        }
        photos.push((folder, processed));
    }
    Ok(photos)
}

/// Generates what `plan` asks (the shops not there yet), then rebuilds the
/// Shop's read model. `progress(products written)` after every shop.
pub async fn generate(
    svc: &Services,
    plan: ScalePlan,
    progress: impl Fn(usize),
) -> ServiceResult<Generated> {
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let password = passwords::hash(
        &etalase_domain::account::NewPassword::parse(super::DEMO_PASSWORD)
            .map_err(ServiceError::new)?,
    )
    .await?;
    let photos = template_photos(svc).await?;
    let districts = pickup_districts();
    let kinds: Vec<(&Kind, &Category)> = KINDS
        .iter()
        .filter_map(|k| tree().leaf(k.category).ok().map(|c| (k, c)))
        .collect();
    let per_shop = plan.products.div_ceil(plan.shops.max(1));
    let mut done = Generated::default();
    for n in 1..=plan.shops {
        // Draw every shop's numbers, written or not, so a rerun that skips
        // the shops already there still gives the rest the same catalog.
        let name = format!(
            "{} {} {}",
            SHOP_FIRST[rng.random_range(0..SHOP_FIRST.len())],
            SHOP_SECOND[rng.random_range(0..SHOP_SECOND.len())],
            n
        );
        let district = districts[(n * 7) % districts.len()];
        let remaining = plan.products.saturating_sub((n - 1) * per_shop);
        let inputs: Vec<ProductInput> = (0..per_shop.min(remaining))
            .map(|i| {
                let (kind, category) = kinds[rng.random_range(0..kinds.len())];
                product_input(kind, category, i + 1, &mut rng)
            })
            .collect();
        let slug = shop_slug(n, &name);
        if sellers::find_seller_by_slug(&svc.store, &slug)
            .await?
            .is_some()
        {
            continue;
        }
        let written =
            write_shop(svc, n, &name, &slug, district, &password, &inputs, &photos).await?;
        done.shops += 1;
        done.products += written;
        // The tables grow from (nearly) empty: the planner's statistics
        // are refreshed as they double, so look-ups stay index look-ups.
        if done.shops.is_power_of_two() {
            svc.store.refresh_statistics().await?;
        }
        done.skus += inputs.iter().map(|i| i.skus.len()).sum::<usize>();
        progress(done.products);
    }
    svc.store.refresh_statistics().await?;
    let rebuilt = crate::sync::rebuild(svc, false, |_| {}).await?;
    done.listed = rebuilt.listed;
    svc.store.refresh_statistics().await?;
    Ok(done)
}

/// One shop, its owner, its pickup address and its products, in one
/// transaction.
#[allow(clippy::too_many_arguments)]
async fn write_shop(
    svc: &Services,
    n: usize,
    name: &str,
    slug: &str,
    district: &str,
    password_hash: &str,
    inputs: &[ProductInput],
    photos: &[(String, ProcessedImage)],
) -> ServiceResult<usize> {
    let now = svc.now();
    let email = Email::parse(&owner_email(n)).map_err(ServiceError::new)?;
    let owner = UserId::generate();
    let mut tx = svc.store.write().await?;
    users::insert_user(
        &mut tx,
        users::NewUser {
            id: owner,
            email: &email,
            name: &format!("Pemilik {name}"),
            password_hash,
            is_admin: false,
            lang: None,
        },
        now,
    )
    .await?;
    let seller = accounts::create_shop(
        &mut tx,
        owner,
        &ShopName::parse(name).map_err(ServiceError::new)?,
        &ShopSlug::parse(slug).map_err(ServiceError::new)?,
        SellerStatus::Approved,
        now,
    )
    .await?;
    let postal = regions()
        .postal_codes_of(district)
        .first()
        .copied()
        .ok_or(ErrorCode::Internal)?;
    for kind in ["business", "pickup"] {
        kyc::put_address(
            &mut tx,
            seller,
            &AddressRecord {
                kind: kind.into(),
                street: format!("Jl. Pasar Baru No. {n}"),
                district_code: district.into(),
                postal_code: postal.into(),
                phone: format!("+62812{n:08}"),
            },
            now,
        )
        .await?;
    }
    let scope = SellerScope::for_member(&sellers::Member {
        id: MemberId::generate(),
        seller_id: seller,
        user_id: owner,
        email: email.as_str().to_owned(),
        name: format!("Pemilik {name}"),
        role: Role::Owner,
        created_at: now,
    });
    let mut log = SaveLog::default();
    let mut ids = Vec::with_capacity(inputs.len());
    for input in inputs {
        let draft = ProductDraft::parse(input).map_err(|_| ErrorCode::ValidationFailed)?;
        let id = ProductId::generate();
        create_in(
            &mut tx,
            &scope,
            id,
            &draft,
            StockReason::Initial,
            now,
            &mut log,
        )
        .await?;
        ids.push(id);
    }
    log.flush(&mut tx, now).await?;
    for (k, id) in ids.iter().enumerate() {
        let (folder, processed) = &photos[(n + k) % photos.len()];
        let image = ImageId::generate();
        attach_photo(svc, seller, *id, image, folder, processed).await?;
        catalog::insert_image(
            &mut tx,
            seller,
            &media::image_row(image, *id, 0, processed, None),
            now,
        )
        .await?;
        catalog::set_status(&mut tx, seller, *id, ProductStatus::Active, None, now).await?;
        listing::refresh(&mut tx, seller, *id).await?;
        product_changed(&mut tx, seller, *id, now).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

/// A product's copy of a template photo and its thumbnails.
async fn attach_photo(
    svc: &Services,
    seller: etalase_domain::id::SellerId,
    product: ProductId,
    image: ImageId,
    folder: &str,
    processed: &ProcessedImage,
) -> ServiceResult<()> {
    let sizes = std::iter::once(None).chain(processed.thumbnails.iter().map(|(s, _)| Some(*s)));
    for size in sizes {
        let name = size.map_or_else(|| "full".to_owned(), |s| s.to_string());
        svc.objects
            .copy(
                &format!("{folder}/{name}.jpg"),
                &media::key(seller, product, image, size),
            )
            .await
            .map_err(ServiceError::internal)?;
    }
    Ok(())
}

impl Generated {
    /// Shops the plan had that were there already.
    pub fn skipped(&self, plan: &ScalePlan) -> usize {
        plan.shops - self.shops
    }
}
