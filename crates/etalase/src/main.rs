//! `etalase`: the whole platform in one binary.

mod commands;
mod config;
mod setup;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use etalase_services::demo;
use etalase_services::vault::Vault;
use etalase_store::Backend;

use crate::setup::settings;
pub(crate) use crate::setup::{Settings, offline, open_store, services};

/// etalase — social commerce for Indonesian sellers: the Shop, the Seller
/// Center, the sync between them, an Admin and an integration API, in one
/// binary. Runs on an embedded SQLite file with no other service; scales out
/// on PostgreSQL.
///
/// Every option can also be given as an environment variable (shown in
/// brackets) or in the TOML file named by --config. Flags win over the
/// environment, which wins over the file.
#[derive(Parser)]
#[command(name = "etalase", version, max_term_width = 100)]
struct Cli {
    /// A TOML config file with the same settings as the flags (listen,
    /// database_url, data_dir, public_url, secret_key, …).
    #[arg(long, global = true, env = "ETALASE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(flatten)]
    storage: StorageArgs,

    #[command(flatten)]
    mail: MailArgs,

    #[command(flatten)]
    payments: config::PaymentArgs,

    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct StorageArgs {
    /// Where the data lives: `sqlite://PATH` or `postgres://USER@HOST/DB`.
    /// Default: a SQLite file `etalase.db` in the data directory.
    #[arg(
        long,
        global = true,
        env = "ETALASE_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,

    /// Directory for the SQLite file, uploaded files, outgoing mail and the
    /// secret key [default: ./data].
    #[arg(long, global = true, env = "ETALASE_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// The key file that encrypts personal data (NIK, NPWP, bank accounts,
    /// KYC documents); see `etalase keys`. Default: <data-dir>/keys/pii.keys,
    /// created on first start — except in production, which requires it.
    #[arg(long, global = true, env = "ETALASE_PII_KEY_FILE", value_name = "FILE")]
    pii_key_file: Option<PathBuf>,

    /// Holidays to add to the built-in ones (2026), in the same CSV format
    /// (`date,kind,name_id,name_en`): a year's decree published after this
    /// build, or a correction.
    #[arg(
        long,
        global = true,
        env = "ETALASE_HOLIDAYS_FILE",
        value_name = "FILE"
    )]
    holidays_file: Option<PathBuf>,

    /// Address ranges besides the public internet that photo downloads
    /// (the photo addresses of an imported sheet) may reach, e.g.
    /// `10.20.0.0/16` for an image server on the office network. Internal
    /// addresses are refused otherwise.
    #[arg(
        long,
        global = true,
        env = "ETALASE_FETCH_ALLOW",
        value_name = "CIDR",
        value_delimiter = ','
    )]
    fetch_allow: Vec<String>,

    /// Production mode: refuse to start without an explicit key file.
    #[arg(long, global = true, env = "ETALASE_PRODUCTION")]
    production: bool,
}

#[derive(Args)]
struct MailArgs {
    /// The SMTP relay for outgoing e-mail: `smtps://USER:PASS@HOST:465`
    /// (TLS), `smtp://USER:PASS@HOST:587?tls=required` (STARTTLS) or
    /// `smtp://HOST:25` (a relay on this machine). Without it, messages are
    /// written as .eml files into <data-dir>/mail.
    #[arg(
        long,
        global = true,
        env = "ETALASE_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    smtp_url: Option<String>,

    /// The sender of outgoing e-mail [default: etalase <noreply@etalase.local>].
    #[arg(long, global = true, env = "ETALASE_MAIL_FROM", value_name = "ADDRESS")]
    mail_from: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Shop (/), Seller Center (/seller), Admin (/admin) and the API (/api/v1).
    Serve(ServeArgs),
    /// Apply database migrations that are not applied yet, then exit.
    Migrate,
    /// Load the demo data (idempotent) and print the demo logins.
    Demo,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Create or rotate the key file that encrypts personal data.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Import products from a CSV sheet into a shop (as the shop's owner),
    /// with a progress bar. Rows are matched by SKU code, so importing the
    /// same file again changes nothing.
    Import {
        /// The shop's address (slug), as in /toko/<slug>.
        #[arg(long)]
        seller: String,
        /// Import nothing if any row has a problem (default: import the
        /// valid rows and list the others).
        #[arg(long)]
        all_or_nothing: bool,
        /// Where the photo files the sheet names are (searched with its
        /// folders) [default: the CSV file's folder].
        #[arg(long, value_name = "DIR")]
        photos: Option<PathBuf>,
        /// The CSV file (UTF-8; `,` or `;` between fields).
        file: PathBuf,
    },
    /// Rebuild the Shop's read model from the system of record: every
    /// product judged and projected again. The Shop keeps serving meanwhile.
    RebuildShop {
        /// Empty the read model first (a product the rebuild does not reach
        /// again would otherwise stay as it was).
        #[arg(long)]
        from_scratch: bool,
    },
    /// Generate a large catalog (shops across Indonesia, products of 3 SKUs
    /// with photos, published) for benchmarks and trying the Shop at scale.
    /// Owners sign in as penjualNNNN@toko.etalase.test with the demo
    /// password. Running it again adds only the shops still missing.
    GenerateShop {
        /// Shops to create.
        #[arg(long, default_value_t = 1000)]
        shops: usize,
        /// Products in all, spread evenly over the shops.
        #[arg(long, default_value_t = 100_000)]
        products: usize,
        /// The same seed gives the same catalog.
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// More published videos in the demo shop (run `etalase demo` first),
    /// for a full video feed and for measuring it.
    GenerateVideos {
        /// Videos to add.
        #[arg(long, default_value_t = 40)]
        count: usize,
    },
    /// Years of order history for a shop (run `etalase demo` first: the
    /// history copies orders the checkout placed for its buyer), for
    /// benchmarks and trying Seller Center's order lists full. The command
    /// prints a resi and a recipient's name to search for.
    GenerateOrders {
        /// The shop's address (slug).
        #[arg(long, default_value = "shop")]
        seller: String,
        /// Orders to write.
        #[arg(long, default_value_t = 1_000_000)]
        orders: usize,
        /// Days back the first order was placed.
        #[arg(long, default_value_t = 730)]
        days: i64,
        /// The same seed gives the same history.
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// A flash sale to measure: prepare one SKU and many buyers with it in
    /// their carts, or check afterwards where every unit went.
    #[command(subcommand)]
    FlashSale(FlashCommand),
    /// Write a shop's catalog as CSV (the import's columns) to a file or stdout.
    Export {
        #[arg(long)]
        seller: String,
        /// Column headers in `id` (Bahasa Indonesia) or `en` [default: id].
        #[arg(long, default_value = "id")]
        lang: String,
        /// Where to write; standard output when omitted.
        file: Option<PathBuf>,
    },
    /// Outgoing e-mail: check the SMTP settings, see the queue.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Write a consistent copy of a SQLite database while etalase keeps
    /// running; for PostgreSQL, print the pg_dump command to use.
    Backup {
        /// The file to write; it must not exist yet.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum FlashCommand {
    /// A product of the demo shop with one SKU of `--units`, and `--buyers`
    /// signed-in buyers with an address and one unit in the cart; their
    /// `user_id token` lines go to `--out` (for etalase-flash).
    Prepare {
        #[arg(long, default_value_t = 5000)]
        buyers: usize,
        #[arg(long, default_value_t = 1000)]
        units: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Checks that stock + units in orders = `--units`, and that every
    /// checkout id in `--acked` exists.
    Check {
        #[arg(long)]
        seller: String,
        #[arg(long)]
        sku: String,
        #[arg(long)]
        units: i64,
        #[arg(long)]
        acked: Option<PathBuf>,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "ETALASE_LISTEN", value_name = "ADDR")]
    listen: Option<String>,

    /// The address people use to reach this server, for links in e-mails
    /// [default: http://<listen>]. An https URL also marks cookies Secure.
    #[arg(long, env = "ETALASE_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,

    /// The key that signs form tokens; the same on every node. Default: one
    /// generated once and kept in <data-dir>/secret.key.
    #[arg(
        long,
        env = "ETALASE_SECRET_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    secret_key: Option<String>,

    /// Load the demo data when the database is empty, and print the demo logins.
    #[arg(long, env = "ETALASE_DEMO")]
    demo: bool,

    /// Database connections (PostgreSQL) or reader connections (SQLite) [default: 8].
    #[arg(long, env = "ETALASE_MAX_CONNECTIONS", value_name = "N")]
    max_connections: Option<u32>,

    /// Served behind a reverse proxy: read the client address from the last
    /// X-Forwarded-For entry. Leave off when clients connect directly.
    #[arg(long, env = "ETALASE_BEHIND_PROXY")]
    behind_proxy: bool,

    /// Log as JSON lines instead of text.
    #[arg(long, env = "ETALASE_LOG_JSON")]
    log_json: bool,

    /// What this process serves: `all`, `seller-center` (Seller Center,
    /// Admin, API; relays the outbox to NATS) or `shop` (the buyers' pages;
    /// keeps the Shop's data current). Split roles share one PostgreSQL.
    #[arg(long, env = "ETALASE_ROLE", value_name = "ROLE", default_value = "all",
          value_parser = ["all", "seller-center", "shop"])]
    role: String,

    /// Carry the sync over NATS JetStream (`nats://127.0.0.1:4222`) instead
    /// of in-process: Seller Center processes publish the outbox, Shop
    /// processes consume it.
    #[arg(long, env = "ETALASE_EVENT_BUS", value_name = "URL")]
    event_bus: Option<String>,

    /// The name this installation's stream and subjects use on the NATS
    /// server (several installations can share one server).
    #[arg(
        long,
        env = "ETALASE_EVENT_BUS_PREFIX",
        value_name = "NAME",
        default_value = "etalase"
    )]
    event_bus_prefix: String,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Write a new key file with one fresh key (the file must not exist).
    New { file: PathBuf },
    /// Add a fresh key to a key file; new data is sealed with it, old data
    /// stays readable with the keys before it. Never remove the first key.
    Rotate { file: PathBuf },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Send a test message straight through the configured transport and
    /// say whether it went out (nothing is queued).
    Test {
        /// Where to send it.
        address: String,
    },
    /// Count the messages waiting to be sent and the ones given up on.
    Status,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from ETALASE_USER_PASSWORD or
    /// from the first line of standard input, never from a flag.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Make the account a platform admin.
        #[arg(long)]
        admin: bool,
    },
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ETALASE_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info,tantivy=warn")
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = settings(&cli)?;
    match cli.command {
        Command::Serve(args) => commands::serve::serve(args, settings).await,
        Command::Migrate => {
            init_logging(false);
            let store = open_store(&settings, None).await?;
            println!(
                "Database {} is up to date.",
                config::redact_url(&settings.database_url)
            );
            store.close().await;
            Ok(())
        }
        Command::Demo => {
            init_logging(false);
            let store = open_store(&settings, None).await?;
            let svc = services(store, &settings, default_public_url("127.0.0.1:8080"))?;
            demo::load_for_visitors(&svc)
                .await
                .map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
            print_demo_logins();
            Ok(())
        }
        Command::User(UserCommand::Create { email, name, admin }) => {
            init_logging(false);
            let password = read_password()?;
            let store = open_store(&settings, None).await?;
            let svc = services(store, &settings, default_public_url("127.0.0.1:8080"))?;
            let user =
                etalase_services::accounts::create_user(&svc, &email, &name, &password, admin)
                    .await
                    .map_err(|e| {
                        let fields: Vec<String> = e
                            .fields
                            .iter()
                            .map(|f| format!("{}: {}", f.field, f.code))
                            .collect();
                        anyhow::anyhow!("cannot create the user: {} {}", e.code, fields.join(", "))
                    })?;
            println!(
                "Created {} ({}){}.",
                user.email,
                user.id,
                if admin { ", a platform admin" } else { "" }
            );
            Ok(())
        }
        Command::Backup { file } => backup(&settings, &file).await,
        Command::Import {
            seller,
            all_or_nothing,
            photos,
            file,
        } => {
            init_logging(false);
            let photos = photos.unwrap_or_else(|| {
                file.parent()
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_default()
            });
            commands::catalog::catalog_import(&settings, &seller, all_or_nothing, &file, &photos)
                .await
        }
        Command::RebuildShop { from_scratch } => {
            init_logging(false);
            commands::shop::rebuild_shop(&settings, from_scratch).await
        }
        Command::GenerateShop {
            shops,
            products,
            seed,
        } => {
            init_logging(false);
            commands::shop::generate_shop(&settings, shops, products, seed).await
        }
        Command::GenerateOrders {
            seller,
            orders,
            days,
            seed,
        } => {
            init_logging(false);
            let plan = etalase_services::demo::history::HistoryPlan { orders, days, seed };
            commands::orders::generate_orders(&settings, &seller, plan).await
        }
        Command::GenerateVideos { count } => {
            init_logging(false);
            commands::shop::generate_videos(&settings, count).await
        }
        Command::FlashSale(FlashCommand::Prepare { buyers, units, out }) => {
            init_logging(false);
            commands::flash::prepare(&settings, buyers, units, &out).await
        }
        Command::FlashSale(FlashCommand::Check {
            seller,
            sku,
            units,
            acked,
        }) => {
            init_logging(false);
            commands::flash::check(&settings, &seller, &sku, units, acked.as_deref()).await
        }
        Command::Export { seller, lang, file } => {
            init_logging(false);
            commands::catalog::catalog_export(&settings, &seller, &lang, file.as_deref()).await
        }
        Command::Mail(command) => {
            init_logging(false);
            commands::mail::mail_command(&settings, command).await
        }
        Command::Keys(command) => keys(command),
    }
}

fn keys(command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::New { file } => {
            if file.exists() {
                bail!(
                    "{} already exists; use `etalase keys rotate` to add a key",
                    file.display()
                );
            }
            Vault::open_or_create(&file).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "Key file written to {} (readable by its owner only). Back it up: without it the personal data cannot be read.",
                file.display()
            );
        }
        KeysCommand::Rotate { file } => {
            let vault = Vault::from_key_file(&file).map_err(|e| anyhow::anyhow!("{e}"))?;
            let text = std::fs::read_to_string(&file)?;
            let next = (1..)
                .map(|n| format!("k{n}"))
                .find(|id| {
                    !text
                        .lines()
                        .any(|l| l.split_whitespace().next() == Some(id.as_str()))
                })
                .unwrap_or_else(|| "k".into());
            let mut updated = text.trim_end().to_owned();
            updated.push('\n');
            updated.push_str(&Vault::new_key_line(&next));
            updated.push('\n');
            Vault::from_key_file_text(&updated).map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(&file, updated)?;
            println!(
                "Added key {next} after {}; new data is sealed with {next}.",
                vault.current_key_id()
            );
        }
    }
    Ok(())
}

fn default_public_url(listen: &str) -> String {
    format!("http://{listen}")
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("ETALASE_USER_PASSWORD") {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password: set ETALASE_USER_PASSWORD or pipe it on standard input");
    }
    Ok(password)
}

async fn backup(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    if settings.database_url.starts_with("postgres") {
        println!(
            "PostgreSQL is backed up with its own tools, for example:\n  pg_dump --format=custom --file {} '{}'",
            file.display(),
            config::redact_url(&settings.database_url)
        );
        return Ok(());
    }
    if file.exists() {
        bail!("{} already exists; choose a new file", file.display());
    }
    let store = open_store(settings, None).await?;
    if store.backend() != Backend::Sqlite {
        bail!("unsupported database for backup");
    }
    let path = file
        .to_str()
        .context("the backup path must be valid UTF-8")?;
    store.backup_sqlite(path).await.context("backup failed")?;
    store.close().await;
    println!("Backup written to {}.", file.display());
    Ok(())
}

fn print_demo_logins() {
    println!("Demo logins (password for all: {}):", demo::DEMO_PASSWORD);
    for login in demo::DEMO_LOGINS {
        println!("  {:<28} {}", login.email, login.what);
    }
}
