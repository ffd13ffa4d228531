//! `etalase serve`: the web server with its background work — the mail
//! dispatcher, interrupted imports, and the sync for this process's role.

use std::time::Duration;

use anyhow::Context;
use etalase_services::{Services, demo, mail};
use etalase_store::{Backend, Store};
use etalase_web::{Application, Secret, ServeRole, WebConfig};

use crate::{
    ServeArgs, Settings, config, default_public_url, init_logging, open_store, print_demo_logins,
    services,
};

pub async fn serve(args: ServeArgs, mut settings: Settings) -> anyhow::Result<()> {
    // A demo pays through the built-in sandbox gateway (never in production).
    settings.payment_sandbox |= args.demo && !settings.production;
    init_logging(args.log_json || settings.file.log_format.as_deref() == Some("json"));
    let listen = args
        .listen
        .or_else(|| settings.file.listen.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    // Bound first, so links in pages, e-mails and payment redirects carry
    // the real port even when port 0 asked for any free one.
    let listener = etalase_web::listener::bind(&listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let bound = listener.local_addr()?.to_string();
    let public_url = args
        .public_url
        .or_else(|| settings.file.public_url.clone())
        .unwrap_or_else(|| default_public_url(&bound));
    let secret = config::secret_key(
        args.secret_key.or_else(|| settings.file.secret_key.clone()),
        &settings.data_dir,
    )?;
    let store = open_store(&settings, args.max_connections).await?;
    let svc = services(store.clone(), &settings, public_url.clone())?
        .with_search(&settings.data_dir.join("search"))
        .map_err(|e| anyhow::anyhow!("search index: {e}"))?;
    // Mail queued by a use case (or left from before a restart) goes out in
    // the background, retried until the relay takes it.
    let (svc, mail_dispatcher) = mail::spawn_dispatcher(svc);
    tracing::info!(transport = %svc.mailer.describe(), "mail dispatcher started");
    // The sync: the Shop's read model follows every committed change, in
    // this process or through NATS.
    let role = ServeRole::parse(&args.role).unwrap_or_default();
    let workers = sync_workers(
        &svc,
        role,
        args.event_bus.as_deref(),
        &args.event_bus_prefix,
    )?;
    // Lives: viewer counts, overdue lives, and with an event bus their
    // events reach the viewers on every node.
    let mut workers = workers;
    workers.extend(etalase_services::content::live::spawn_workers(&svc));
    if let Some(url) = args.event_bus.as_deref() {
        let hub = svc.lives.clone();
        workers.push(
            etalase_services::content::live::hub::join_bus(hub, url, &args.event_bus_prefix)
                .await
                .map_err(|e| anyhow::anyhow!("live events over {url}: {e}"))?,
        );
        tracing::info!(%url, "live events over NATS");
    }
    // The search index catches up with the read model in the background
    // (a first start, or a `rebuild-shop` run beside a stopped server).
    let indexing = svc.clone();
    tokio::spawn(async move {
        match etalase_services::search::ensure_built(&indexing).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(products = n, "search index rebuilt from the Shop"),
            Err(e) => tracing::warn!(error = %e, "search index not rebuilt"),
        }
    });
    // Imports a restart interrupted run again from their files.

    match etalase_services::catalog::import::resume(&svc).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(jobs = n, "resumed interrupted imports"),
        Err(e) => tracing::warn!(error = %e, "cannot resume imports"),
    }

    // Refunds the payment gateway has not confirmed are sent again; the
    // refund key makes the gateway refund once, whichever node sends it.
    let refunds =
        etalase_services::payments::spawn_refund_retries(svc.clone(), Duration::from_secs(300));
    // Where buyers came from: recorded in memory by each page, appended
    // here in batches so no page waits for it.
    let attribution =
        etalase_services::attribution::spawn_writer(svc.clone(), Duration::from_millis(500));
    // Sessions' idle clocks: refreshed in batches, not by the requests.
    let session_touches =
        etalase_services::session_touches::spawn_writer(svc.clone(), Duration::from_secs(1));
    // The planner's statistics follow the tables as they grow while the
    // server runs (SQLite keeps what it read when it opened).
    let statistics =
        etalase_services::statistics::spawn(store.clone(), Duration::from_secs(10 * 60));

    let mut demo_loaded = false;
    if args.demo {
        let empty = etalase_store::accounts::count_users(&store).await? == 0;
        let has_demo = etalase_store::sellers::find_seller_by_slug(&store, demo::DEMO_SHOP_SLUG)
            .await?
            .is_some();
        if empty || has_demo {
            demo::load_for_visitors(&svc)
                .await
                .map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
            demo_loaded = true;
        } else {
            tracing::warn!("--demo ignored: the database already holds other data");
        }
    }
    // Orders past a deadline (unpaid, not shipped, not collected, not
    // delivered, return window closed) are acted on. Every node may run
    // this: each act is conditional, so none happens twice. Started after
    // the demo data, so its first pass already sees the demo's orders.
    let expiry =
        etalase_services::fulfilment::scheduler::spawn(svc.clone(), Duration::from_secs(30));
    // The Shop's ranking: recent orders and visits counted again every
    // hour (and now, so the demo's orders already count).
    let ranking =
        etalase_services::storefront::ranking::spawn(svc.clone(), Duration::from_secs(60 * 60));

    let web = WebConfig {
        secret_key: Secret::new(secret),
        secure_cookies: public_url.starts_with("https://"),
        request_timeout: Duration::from_secs(settings.file.request_timeout_secs.unwrap_or(30)),
        body_limit: settings.file.body_limit_bytes.unwrap_or(1024 * 1024),
        behind_proxy: args.behind_proxy || settings.file.behind_proxy.unwrap_or(false),
        role: ServeRole::parse(&args.role).unwrap_or_default(),
        public_api_per_minute: settings.file.public_api_per_minute.unwrap_or(300),
    };
    let app = Application::with_listener(svc.clone(), web, listener);
    let address = app.local_addr()?;
    println!();
    println!(
        "etalase is running on {} ({})",
        config::redact_url(&settings.database_url),
        backend_name(&store)
    );
    println!("  Shop           http://{address}/");
    println!("  Seller Center  http://{address}/seller");
    println!("  Admin          http://{address}/admin");
    println!("  API reference  http://{address}/api/docs");
    if demo_loaded {
        print_demo_logins();
    }
    println!("Press Ctrl+C to stop.");
    app.run_until(shutdown_signal()).await?;
    mail_dispatcher.abort();
    expiry.abort();
    ranking.abort();
    refunds.abort();
    for worker in workers {
        worker.abort();
    }
    attribution.abort();
    session_touches.abort();
    statistics.abort();
    // What pages recorded since the last batch is written before stopping.
    if let Err(e) = etalase_services::attribution::flush(&svc).await {
        tracing::warn!(error = %e, "attribution events lost at shutdown");
    }
    if let Err(e) = etalase_services::session_touches::flush(&svc).await {
        tracing::warn!(error = %e, "session refreshes lost at shutdown");
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

fn backend_name(store: &Store) -> &'static str {
    match store.backend() {
        Backend::Sqlite => "embedded SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// The sync's background work for this process's role.
fn sync_workers(
    svc: &Services,
    role: ServeRole,
    event_bus: Option<&str>,
    prefix: &str,
) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
    use etalase_services::sync::{self, bus};
    let seller_center = role != ServeRole::Shop;
    let shop = role != ServeRole::SellerCenter;
    let mut workers = Vec::new();
    match event_bus {
        None => {
            if shop {
                workers.push(sync::spawn(svc.clone()));
                tracing::info!("sync projector started (in-process)");
            } else {
                workers.push(sync::spawn_notice_follower(svc.clone()));
            }
        }
        Some(url) => {
            if !url.starts_with("nats://") {
                anyhow::bail!("--event-bus: {url} is not a nats:// address");
            }
            let config = bus::BusConfig {
                url: url.to_owned(),
                prefix: prefix.to_owned(),
            };
            if seller_center {
                workers.push(bus::spawn_relay(svc.clone(), config.clone()));
                tracing::info!(%url, "outbox relay to NATS started");
            }
            // The badges of this process's pages follow the Shop's sync; a
            // Shop node also learns what the other Shop nodes projected
            // (they share the consumer), for its cache and search index.
            workers.push(sync::spawn_notice_follower(svc.clone()));
            if shop {
                workers.push(bus::spawn_consumer(svc.clone(), config));
                tracing::info!(%url, "Shop consumer of NATS started");
            }
        }
    }
    Ok(workers)
}
