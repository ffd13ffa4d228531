//! `etalase generate-orders`: years of order history for one shop (see
//! `etalase_services::demo::history`), for benchmarks and for trying Seller
//! Center's order lists full.

use etalase_services::demo::history::{HistoryPlan, MAX_ORDERS, generate};

use crate::{Settings, offline};

pub async fn generate_orders(
    settings: &Settings,
    slug: &str,
    plan: HistoryPlan,
) -> anyhow::Result<()> {
    if !(1..=MAX_ORDERS).contains(&plan.orders) || plan.days < 2 {
        anyhow::bail!("--orders must be from 1 to {MAX_ORDERS} and --days at least 2");
    }
    let (store, svc) = offline(settings).await?;
    let seller = etalase_store::sellers::find_seller_by_slug(&svc.store, slug)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no shop with the address {slug}"))?;
    let bar = indicatif::ProgressBar::new(plan.orders as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} {bar:30} {pos}/{len} orders ({per_sec})",
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    let started = std::time::Instant::now();
    let history = generate(&svc, seller.id, plan, |n| bar.set_position(n as u64))
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "generating orders failed: {} (the shop needs one order first: run `etalase demo`)",
                e.code
            )
        })?;
    bar.finish_and_clear();
    store.close().await;
    let by_status: Vec<String> = history
        .by_status
        .iter()
        .map(|(s, n)| format!("{} {n}", s.as_str()))
        .collect();
    println!(
        "Generated {} orders for {slug} over {} days in {:.1} s: {}.",
        history.written,
        plan.days,
        started.elapsed().as_secs_f64(),
        by_status.join(", ")
    );
    if let Some(resi) = &history.sample_resi {
        println!("sample resi: {resi}");
    }
    println!("sample recipient: {}", history.sample_recipient);
    Ok(())
}
