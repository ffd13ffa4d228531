//! The `etalase` binary as an operator uses it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn etalase(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_etalase"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("ETALASE_DATABASE_URL")
        .env_remove("ETALASE_CONFIG")
        .output()
        .expect("etalase runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("etalase-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn help_explains_every_option_and_its_environment_variable() {
    let dir = temp_dir("help");
    let top = text(&etalase(&dir, &["--help"]));
    for needle in [
        "serve",
        "migrate",
        "demo",
        "user",
        "backup",
        "ETALASE_DATABASE_URL",
        "ETALASE_DATA_DIR",
        "ETALASE_CONFIG",
    ] {
        assert!(top.contains(needle), "--help mentions {needle}");
    }
    let serve = text(&etalase(&dir, &["serve", "--help"]));
    for needle in [
        "--listen",
        "ETALASE_LISTEN",
        "--demo",
        "--public-url",
        "--secret-key",
        "ETALASE_SECRET_KEY",
    ] {
        assert!(serve.contains(needle), "serve --help mentions {needle}");
    }
}

#[test]
fn migrate_demo_and_backup_on_sqlite() {
    let dir = temp_dir("sqlite");
    let migrated = etalase(&dir, &["migrate"]);
    assert!(migrated.status.success(), "{}", text(&migrated));
    assert!(dir.join("etalase.db").exists());

    for _ in 0..2 {
        let demo = etalase(&dir, &["demo"]);
        assert!(demo.status.success(), "{}", text(&demo));
        assert!(text(&demo).contains("pemilik@etalase.test"));
    }

    // Loaded twice, present once: every demo account once.
    let users = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let url = format!("sqlite://{}", dir.join("etalase.db").display());
        let store = etalase_store::Store::connect(&url, &Default::default())
            .await
            .unwrap();
        etalase_store::accounts::count_users(&store).await.unwrap()
    });
    assert_eq!(users, 7);

    let backup = dir.join("cadangan.db");
    let done = etalase(&dir, &["backup", backup.to_str().unwrap()]);
    assert!(done.status.success(), "{}", text(&done));
    // The copy is a working database with the demo data, loaded only once.
    let copy_dir = temp_dir("restored");
    std::fs::copy(&backup, copy_dir.join("etalase.db")).unwrap();
    let again = etalase(&copy_dir, &["demo"]);
    assert!(again.status.success(), "{}", text(&again));
    let refused = etalase(&dir, &["backup", backup.to_str().unwrap()]);
    assert!(
        !refused.status.success(),
        "an existing file is never overwritten"
    );
    assert!(text(&refused).contains("already exists"));
}

#[test]
fn user_create_makes_an_admin_without_the_password_on_the_command_line() {
    let dir = temp_dir("user");
    let output = Command::new(env!("CARGO_BIN_EXE_etalase"))
        .arg("--data-dir")
        .arg(&dir)
        .args([
            "user",
            "create",
            "--email",
            "ops@contoh.id",
            "--name",
            "Ops",
            "--admin",
        ])
        .env("ETALASE_USER_PASSWORD", "kata sandi operator")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("platform admin"));
    assert!(
        !text(&output).contains("kata sandi operator"),
        "secrets are never printed"
    );

    let weak = Command::new(env!("CARGO_BIN_EXE_etalase"))
        .arg("--data-dir")
        .arg(&dir)
        .args([
            "user",
            "create",
            "--email",
            "dua@contoh.id",
            "--name",
            "Dua",
        ])
        .env("ETALASE_USER_PASSWORD", "pendek")
        .output()
        .unwrap();
    assert!(!weak.status.success());
    assert!(text(&weak).contains("password_too_short"));

    let twice = Command::new(env!("CARGO_BIN_EXE_etalase"))
        .arg("--data-dir")
        .arg(&dir)
        .args([
            "user",
            "create",
            "--email",
            "ops@contoh.id",
            "--name",
            "Ops",
        ])
        .env("ETALASE_USER_PASSWORD", "kata sandi operator")
        .output()
        .unwrap();
    assert!(!twice.status.success());
    assert!(text(&twice).contains("email_taken"));
}

#[test]
fn postgres_backup_prints_pg_dump_without_the_password() {
    let dir = temp_dir("pg");
    let output = Command::new(env!("CARGO_BIN_EXE_etalase"))
        .args([
            "--database-url",
            "postgres://app:s3cret@db.internal:5432/etalase",
            "--data-dir",
        ])
        .arg(&dir)
        .args(["backup", "/tmp/etalase.dump"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    let shown = text(&output);
    assert!(shown.contains("pg_dump --format=custom --file /tmp/etalase.dump"));
    assert!(shown.contains("postgres://app:****@db.internal:5432/etalase"));
    assert!(!shown.contains("s3cret"));
}

#[test]
fn a_config_file_supplies_settings_and_typos_are_refused() {
    let dir = temp_dir("config");
    let config = dir.join("etalase.toml");
    let database = dir.join("dari-config.db");
    std::fs::write(
        &config,
        format!("database_url = \"sqlite://{}\"\n", database.display()),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_etalase"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(&dir)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(database.exists());

    std::fs::write(
        &config,
        format!(
            "database_url = \"sqlite://{}\"\nmax_shops_per_nik = 1\nverification_sla_working_days = 3\n",
            database.display()
        ),
    )
    .unwrap();
    let settings = Command::new(env!("CARGO_BIN_EXE_etalase"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(&dir)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(settings.status.success(), "{}", text(&settings));

    std::fs::write(&config, "databse_url = \"sqlite://x.db\"\n").unwrap();
    let typo = Command::new(env!("CARGO_BIN_EXE_etalase"))
        .arg("--config")
        .arg(&config)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!typo.status.success());
    assert!(text(&typo).contains("invalid"), "{}", text(&typo));
}

#[test]
fn production_refuses_to_start_without_a_key_file_and_keys_can_rotate() {
    let dir = temp_dir("keys");
    let refused = etalase(&dir, &["--production", "demo"]);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("etalase keys new"),
        "{}",
        text(&refused)
    );

    let keys = dir.join("pii.keys");
    let made = etalase(&dir, &["keys", "new", keys.to_str().unwrap()]);
    assert!(made.status.success(), "{}", text(&made));
    let again = etalase(&dir, &["keys", "new", keys.to_str().unwrap()]);
    assert!(
        !again.status.success(),
        "an existing key file is never overwritten"
    );
    let rotated = etalase(&dir, &["keys", "rotate", keys.to_str().unwrap()]);
    assert!(rotated.status.success(), "{}", text(&rotated));
    assert!(text(&rotated).contains("Added key k2"));
    let key_text = std::fs::read_to_string(&keys).unwrap();
    assert!(
        !text(&made).contains(key_text.lines().last().unwrap()),
        "keys are never printed"
    );

    let started = etalase(
        &dir,
        &[
            "--production",
            "--pii-key-file",
            keys.to_str().unwrap(),
            "demo",
        ],
    );
    assert!(started.status.success(), "{}", text(&started));
    // Without production, a development key is made in the data directory.
    let dev = temp_dir("dev-keys");
    assert!(etalase(&dev, &["demo"]).status.success());
    assert!(dev.join("keys").join("pii.keys").exists());
}

#[test]
fn mail_test_and_status_report_on_the_configured_transport() {
    let dir = temp_dir("mail");
    let sent = etalase(&dir, &["mail", "test", "operator@contoh.id"]);
    assert!(sent.status.success(), "{}", text(&sent));
    assert!(text(&sent).contains("files in"), "{}", text(&sent));
    let files: Vec<_> = std::fs::read_dir(dir.join("mail"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].contains("To: operator@contoh.id"), "{}", files[0]);
    assert!(
        files[0].contains("From: etalase <noreply@etalase.local>"),
        "{}",
        files[0]
    );

    let status = etalase(&dir, &["mail", "status"]);
    assert!(status.status.success(), "{}", text(&status));
    assert!(text(&status).contains("Waiting: 0"), "{}", text(&status));

    // A relay that does not answer: the error names it, without the password.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("smtp://etalase:rahasia@127.0.0.1:{port}");
    let failed = etalase(
        &dir,
        &["--smtp-url", &url, "mail", "test", "operator@contoh.id"],
    );
    assert!(!failed.status.success());
    let output = text(&failed);
    assert!(output.contains("temporary failure"), "{output}");
    assert!(output.contains("etalase:****@127.0.0.1"), "{output}");
    assert!(!output.contains("rahasia"), "{output}");

    let bad_sender = etalase(&dir, &["--mail-from", "bukan alamat", "mail", "status"]);
    assert!(!bad_sender.status.success());
    assert!(
        text(&bad_sender).contains("sender address"),
        "{}",
        text(&bad_sender)
    );
}

#[test]
fn a_holidays_file_extends_the_calendar_and_a_bad_one_is_refused_by_line() {
    let dir = temp_dir("holidays");
    let good = dir.join("holidays-2027.csv");
    std::fs::write(
        &good,
        "date,kind,name_id,name_en\n2027-01-01,holiday,Tahun Baru 2027 Masehi,New Year's Day 2027\n",
    )
    .unwrap();
    let ok = etalase(
        &dir,
        &["--holidays-file", good.to_str().unwrap(), "mail", "status"],
    );
    assert!(ok.status.success(), "{}", text(&ok));

    let bad = dir.join("holidays-bad.csv");
    std::fs::write(
        &bad,
        "date,kind,name_id,name_en\n2027-01-01,holiday,Tahun Baru,New Year\n2027-13-01,holiday,x,y\n",
    )
    .unwrap();
    let refused = etalase(&dir, &["--holidays-file", bad.to_str().unwrap(), "demo"]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("line 3"), "{}", text(&refused));

    let missing = etalase(
        &dir,
        &["--holidays-file", "/nonexistent/holidays.csv", "demo"],
    );
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("cannot read the holidays file"),
        "{}",
        text(&missing)
    );
}

#[test]
fn import_and_export_a_catalog_from_the_command_line() {
    let dir = temp_dir("import");
    assert!(etalase(&dir, &["demo"]).status.success());
    let sheet = dir.join("produk.csv");
    std::fs::write(
        &sheet,
        "Kunci Produk;Nama Produk;Kode SKU;Harga;Stok;Berat (gram)\n\
         K1;Kaos Polos Cotton Combed Lengan Pendek;CLI-1;59.000;10;180\n\
         K2;Kaos Polos Cotton Combed Lengan Panjang;CLI-2;0;10;200\n",
    )
    .unwrap();
    let refused = etalase(
        &dir,
        &[
            "import",
            "--seller",
            "shop",
            "--all-or-nothing",
            sheet.to_str().unwrap(),
        ],
    );
    assert!(!refused.status.success());
    let out = text(&refused);
    assert!(out.contains("0 products created"), "{out}");
    assert!(
        out.contains("row 3, column price: price_out_of_range"),
        "{out}"
    );

    let partial = etalase(
        &dir,
        &["import", "--seller", "shop", sheet.to_str().unwrap()],
    );
    assert!(
        text(&partial).contains("1 products created"),
        "{}",
        text(&partial)
    );

    let exported = etalase(&dir, &["export", "--seller", "shop", "--lang", "en"]);
    assert!(exported.status.success(), "{}", text(&exported));
    let csv = String::from_utf8_lossy(&exported.stdout);
    assert!(csv.starts_with("\u{feff}Product Key,Product Name"), "{csv}");
    assert!(csv.contains("CLI-1"));
    // Importing the export back changes nothing.
    let back = dir.join("export.csv");
    std::fs::write(&back, csv.as_bytes()).unwrap();
    let again = etalase(
        &dir,
        &["import", "--seller", "shop", back.to_str().unwrap()],
    );
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        text(&again).contains("0 products created, 0 updated"),
        "{}",
        text(&again)
    );
    let unknown = etalase(&dir, &["export", "--seller", "tidak-ada"]);
    assert!(text(&unknown).contains("no shop with the address tidak-ada"));
}

#[test]
fn an_import_takes_the_photo_files_its_sheet_names_from_beside_it() {
    let dir = temp_dir("import-photos");
    assert!(etalase(&dir, &["demo"]).status.success());
    let upload = dir.join("unggah");
    std::fs::create_dir_all(upload.join("foto").join("topi")).unwrap();
    std::fs::write(
        upload.join("foto").join("topi").join("Topi-Depan.png"),
        etalase_testkit::files::product_photo(600),
    )
    .unwrap();
    let sheet = upload.join("topi.csv");
    std::fs::write(
        &sheet,
        "Kunci Produk;Nama Produk;Kode SKU;Harga;Stok;Foto\n\
         T1;Topi Rajut;CLI-T1;45.000;10;foto/topi/topi-depan.png\n\
         T2;Topi Bucket;CLI-T2;45.000;10;tidak-ada.png\n",
    )
    .unwrap();
    let out = etalase(
        &dir,
        &["import", "--seller", "shop", sheet.to_str().unwrap()],
    );
    let said = text(&out);
    assert!(said.contains("1 products created"), "{said}");
    assert!(
        said.contains("row 3, column images: image_file_missing"),
        "{said}"
    );
    let refused = etalase(
        &dir,
        &["--fetch-allow", "10.0.0.0/8,kantor", "mail", "status"],
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("--fetch-allow: kantor"),
        "{}",
        text(&refused)
    );
    let allowed = etalase(
        &dir,
        &["--fetch-allow", "10.0.0.0/8, 192.168.1.5", "mail", "status"],
    );
    assert!(allowed.status.success(), "{}", text(&allowed));
    let exported = etalase(&dir, &["export", "--seller", "shop"]);
    let csv = String::from_utf8_lossy(&exported.stdout);
    let topi = csv.lines().find(|l| l.contains("CLI-T1")).unwrap();
    assert!(topi.ends_with(",topi-depan.png"), "{topi}");
}
