//! `etalase rebuild-shop`: the Shop's read model rebuilt from the system of
//! record (after a restore, a new Shop database, or to check the sync).

use crate::{Settings, offline};

pub async fn rebuild_shop(settings: &Settings, from_scratch: bool) -> anyhow::Result<()> {
    let (store, svc) = offline(settings).await?;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} {spinner} {pos} products ({per_sec})",
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    let report =
        etalase_services::sync::rebuild(&svc, from_scratch, |done| bar.set_position(done as u64))
            .await
            .map_err(|e| anyhow::anyhow!("rebuild failed: {}", e.code))?;
    bar.finish_and_clear();
    store.close().await;
    println!(
        "Rebuilt the Shop from {} products: {} listed, {} sold out, {} not shown, {} failed (see /admin/sync).",
        report.products, report.listed, report.sold_out, report.hidden, report.failed
    );
    Ok(())
}

/// `etalase generate-shop`: a generated catalog at scale (see
/// `etalase_services::demo::scale`).
pub async fn generate_shop(
    settings: &Settings,
    shops: usize,
    products: usize,
    seed: u64,
) -> anyhow::Result<()> {
    use etalase_services::demo::scale::{ScalePlan, generate};
    if shops == 0 || products < shops {
        anyhow::bail!("--shops must be at least 1 and --products at least --shops");
    }
    let (store, svc) = offline(settings).await?;
    let bar = indicatif::ProgressBar::new(products as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} {bar:30} {pos}/{len} products ({per_sec})",
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    let plan = ScalePlan {
        shops,
        products,
        seed,
    };
    let done = generate(&svc, plan, |n| bar.set_position(n as u64))
        .await
        .map_err(|e| anyhow::anyhow!("generating failed: {}", e.code))?;
    bar.finish_and_clear();
    store.close().await;
    println!(
        "Generated {} shops ({} were there already), {} products with {} SKUs; {} listed in the Shop.",
        done.shops,
        done.skipped(&plan),
        done.products,
        done.skus,
        done.listed
    );
    Ok(())
}

/// `etalase generate-videos`: published videos in the demo shop.
pub async fn generate_videos(settings: &Settings, count: usize) -> anyhow::Result<()> {
    if !(1..=10_000).contains(&count) {
        anyhow::bail!("--count must be from 1 to 10000");
    }
    let (store, svc) = offline(settings).await?;
    let made = async {
        let marketing = etalase_services::demo::marketing_scope(&svc).await?;
        etalase_services::demo::videos::generate(&svc, &marketing, count).await
    }
    .await
    .map_err(|e| {
        anyhow::anyhow!(
            "generating videos failed: {} (run `etalase demo` first)",
            e.code
        )
    })?;
    store.close().await;
    println!("{made} videos published in the demo shop.");
    Ok(())
}
