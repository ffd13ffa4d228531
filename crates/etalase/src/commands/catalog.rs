//! `etalase import` and `etalase export`: a shop's catalog as a CSV sheet.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use etalase_services::Services;
use etalase_services::teams::SellerScope;
use etalase_store::Store;

use crate::{Settings, offline};

/// The store, the services and a shop's first owner's scope, for commands
/// the operator runs on a shop's behalf.
async fn as_shop_owner(
    settings: &Settings,
    slug: &str,
) -> anyhow::Result<(Store, Services, SellerScope)> {
    let (store, svc) = offline(settings).await?;
    let scope = owner_scope(&svc, slug).await?;
    Ok((store, svc, scope))
}
/// The scope of a shop's first owner.
async fn owner_scope(svc: &Services, slug: &str) -> anyhow::Result<SellerScope> {
    let seller = etalase_store::sellers::find_seller_by_slug(&svc.store, slug)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no shop with the address {slug}"))?;
    let owner = etalase_store::sellers::list_members(&svc.store, seller.id)
        .await?
        .into_iter()
        .find(|m| m.role == etalase_domain::policy::Role::Owner)
        .ok_or_else(|| anyhow::anyhow!("the shop {slug} has no owner"))?;
    Ok(SellerScope::for_member(&owner))
}
pub async fn catalog_import(
    settings: &Settings,
    slug: &str,
    all_or_nothing: bool,
    file: &std::path::Path,
    photo_dir: &std::path::Path,
) -> anyhow::Result<()> {
    use etalase_services::catalog::import;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let photos = photo_files(&bytes, photo_dir)?;
    let (store, svc, scope) = as_shop_owner(settings, slug).await?;
    let mode = if all_or_nothing {
        etalase_store::imports::ImportMode::AllOrNothing
    } else {
        etalase_store::imports::ImportMode::ValidRows
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "produk.csv".into());
    let upload = import::Upload {
        file_name: name,
        sheet: bytes,
        photos,
    };
    let id = import::queue(&svc, &scope, upload, mode)
        .await
        .map_err(|e| anyhow::anyhow!("cannot import: {}", e.code))?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} rows ({per_sec}, {eta} left)",
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .progress_chars("=> "),
    );
    let job = import::run(&svc, &scope, id, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await
    .map_err(|e| anyhow::anyhow!("import failed: {}", e.code))?;
    bar.finish();
    store.close().await;
    if let Some(failure) = &job.failure {
        eprintln!("Import {id}: {failure}");
    }
    println!(
        "Import {id}: {} rows, {} products created, {} updated, {} rows with problems.",
        job.total_rows, job.created_count, job.updated_count, job.error_rows
    );
    for p in import::problems(&job) {
        println!("  row {}, column {}: {}", p.row, p.column, p.code);
    }
    if job.status == etalase_store::imports::ImportStatus::Failed || job.error_rows > 0 {
        bail!("some rows were not imported");
    }
    Ok(())
}
pub async fn catalog_export(
    settings: &Settings,
    slug: &str,
    lang: &str,
    file: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let lang =
        etalase_domain::Lang::parse(lang).ok_or_else(|| anyhow::anyhow!("--lang is id or en"))?;
    let (store, svc, scope) = as_shop_owner(settings, slug).await?;
    let text = etalase_services::catalog::export::csv(&svc, &scope, lang)
        .await
        .map_err(|e| anyhow::anyhow!("cannot export: {}", e.code))?;
    store.close().await;
    match file {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(())
}

/// The photo files a sheet names, found by name in `dir` or its folders
/// (a name the sheet gives that is not found is reported on its row by the
/// import, like a missing upload).
fn photo_files(sheet: &[u8], dir: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    use etalase_domain::catalog::image_source::ImageSource;
    let Ok(read) = etalase_domain::catalog::sheet::read(sheet) else {
        // The import reports why the file is not a sheet.
        return Ok(Vec::new());
    };
    let mut wanted: BTreeMap<String, String> = BTreeMap::new();
    for product in &read.products {
        for (_, source) in &product.images {
            if let ImageSource::File(name) = source {
                wanted.insert(name.to_lowercase(), name.clone());
            }
        }
    }
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
    find_files(dir, 0, &wanted, &mut found)?;
    found
        .into_iter()
        .map(|(key, path)| {
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            Ok((wanted[&key].clone(), bytes))
        })
        .collect()
}

/// Folders deep enough for `foto/produk/kemeja-1.jpg` beside the sheet.
const PHOTO_DEPTH: usize = 4;

fn find_files(
    dir: &Path,
    depth: usize,
    wanted: &BTreeMap<String, String>,
    found: &mut BTreeMap<String, PathBuf>,
) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    })
    .with_context(|| format!("cannot read the photo folder {}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_lowercase();
        if name.starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() && depth < PHOTO_DEPTH {
            find_files(&path, depth + 1, wanted, found)?;
        } else if kind.is_file() && wanted.contains_key(&name) {
            if let Some(other) = found.get(&name) {
                bail!(
                    "two photo files are named {name}: {} and {}; rename one",
                    other.display(),
                    path.display()
                );
            }
            found.insert(name, path);
        }
    }
    Ok(())
}
