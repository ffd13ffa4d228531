//! Both languages say everything: the same keys in id and en, every error
//! code translated, every key used by templates and code present.

use std::collections::BTreeSet;

use etalase_domain::{ErrorCode, Lang};
use etalase_web::i18n::Catalog;

fn keys(catalog: &Catalog, lang: Lang) -> BTreeSet<String> {
    catalog.keys(lang).cloned().collect()
}

#[test]
fn both_languages_have_the_same_keys() {
    let catalog = Catalog::load();
    let id = keys(&catalog, Lang::Id);
    let en = keys(&catalog, Lang::En);
    let only_id: Vec<_> = id.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&id).collect();
    assert!(
        only_id.is_empty() && only_en.is_empty(),
        "only in id: {only_id:?}; only in en: {only_en:?}"
    );
}

#[test]
fn every_error_code_has_a_message() {
    let catalog = Catalog::load();
    for lang in Lang::ALL {
        for code in ErrorCode::ALL {
            assert!(
                catalog.has(lang, &code.message_key()),
                "{} lacks {}",
                lang.code(),
                code.message_key()
            );
        }
    }
}

/// Every literal key passed to `t(…)`, `tf1(…)`, `tf2(…)`, `notice(…)` or
/// written as a `*_key` string in templates and sources exists.
#[test]
fn every_key_the_code_uses_exists() {
    let catalog = Catalog::load();
    let root = concat!(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(
        std::path::Path::new(&format!("{root}/templates")),
        &mut files,
    );
    collect(std::path::Path::new(&format!("{root}/src")), &mut files);
    let mut missing = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for key in quoted_keys(&text) {
            if !catalog.has(Lang::Id, &key) {
                missing.push(format!("{}: {key}", file.display()));
            }
        }
    }
    assert!(missing.is_empty(), "missing translations: {missing:#?}");
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "html" || e == "rs") {
            out.push(path);
        }
    }
}

/// String literals that look like message keys: `section.name` made of
/// lower-case words, starting with a known top-level section.
fn quoted_keys(text: &str) -> Vec<String> {
    const SECTIONS: [&str; 12] = [
        "common.",
        "nav.",
        "auth.",
        "shop.",
        "account.",
        "seller.",
        "role.",
        "admin.",
        "error_page.",
        "notice.",
        "error.",
        "api.",
    ];
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| SECTIONS.iter().any(|p| s.starts_with(p)))
        .filter(|s| {
            s.chars()
                .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
        })
        .filter(|s| !s.ends_with('.') && !s.ends_with('_') && !s.ends_with(".html"))
        .map(str::to_owned)
        .collect()
}
