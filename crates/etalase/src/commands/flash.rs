//! `etalase flash-sale`: prepare a flash sale to measure (one SKU, many
//! buyers with ready carts) and check where its units went afterwards.

use std::io::Write;
use std::path::Path;

use etalase_domain::id::{CheckoutId, SellerId, SkuId};
use etalase_services::demo::flash;

use crate::Settings;
use crate::offline;

pub async fn prepare(
    settings: &Settings,
    buyers: usize,
    units: i64,
    out: &Path,
) -> anyhow::Result<()> {
    if buyers == 0 || !(1..=999_999).contains(&units) {
        anyhow::bail!("--buyers must be at least 1 and --units 1 to 999999");
    }
    let (store, svc) = offline(settings).await?;
    let sale = flash::prepare(&svc, buyers, units)
        .await
        .map_err(|e| anyhow::anyhow!("preparing failed: {}", e.code))?;
    let mut file = std::fs::File::create(out)?;
    for (id, token) in &sale.buyers {
        writeln!(file, "{id} {token}")?;
    }
    store.close().await;
    println!(
        "seller={} product={} sku={} units={}",
        sale.seller, sale.product, sale.sku, sale.units
    );
    println!(
        "{} buyers with the SKU in their cart: {}",
        sale.buyers.len(),
        out.display()
    );
    Ok(())
}

/// Every acknowledged checkout exists, and every unit is either in stock
/// or in an order: stock + ordered = the units the sale started with.
pub async fn check(
    settings: &Settings,
    seller: &str,
    sku: &str,
    units: i64,
    acked: Option<&Path>,
) -> anyhow::Result<()> {
    let seller: SellerId = seller
        .parse()
        .map_err(|_| anyhow::anyhow!("not a seller id: {seller}"))?;
    let sku: SkuId = sku
        .parse()
        .map_err(|_| anyhow::anyhow!("not a SKU id: {sku}"))?;
    let (store, svc) = offline(settings).await?;
    let state = flash::state(&svc, seller, sku)
        .await
        .map_err(|e| anyhow::anyhow!("reading failed: {}", e.code))?;
    let mut missing = 0;
    let mut acknowledged = 0;
    if let Some(path) = acked {
        for line in std::fs::read_to_string(path)?
            .lines()
            .filter(|l| !l.is_empty())
        {
            acknowledged += 1;
            let id: CheckoutId = line
                .parse()
                .map_err(|_| anyhow::anyhow!("not a checkout id: {line}"))?;
            if etalase_store::checkout::checkout_by_id(&store, id)
                .await?
                .is_none()
            {
                missing += 1;
            }
        }
    }
    store.close().await;
    println!(
        "stock={} ordered={} orders={} acknowledged={} missing={}",
        state.stock, state.ordered, state.orders, acknowledged, missing
    );
    if state.stock + state.ordered != units || state.stock < 0 {
        anyhow::bail!(
            "units not conserved: {} in stock + {} ordered ≠ {units}",
            state.stock,
            state.ordered
        );
    }
    if missing > 0 {
        anyhow::bail!("{missing} acknowledged checkouts are missing");
    }
    println!(
        "conserved: every unit is in stock or in an order; every acknowledged checkout exists"
    );
    Ok(())
}
