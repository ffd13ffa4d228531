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
            // A prefix is fine too: `label("kyc.state", state)` composes keys.
            let is_prefix = catalog
                .keys(Lang::Id)
                .any(|k| k.starts_with(&format!("{key}.")));
            if !catalog.has(Lang::Id, &key) && !is_prefix {
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

/// Keys composed from domain values at run time: every value has its text.
#[test]
fn every_composed_label_exists() {
    use etalase_domain::verification::*;
    let catalog = Catalog::load();
    let mut keys: Vec<String> = Vec::new();
    for state in VerificationState::ALL {
        keys.push(format!("kyc.state.{}", state.as_str()));
        keys.push(format!("kyc.state.{}_help", state.as_str()));
    }
    keys.extend(
        WizardStep::ALL
            .iter()
            .map(|s| format!("kyc.step.{}", s.as_str())),
    );
    keys.extend(
        DocumentSlot::ALL
            .iter()
            .map(|s| format!("kyc.slot.{}", s.as_str())),
    );
    keys.extend(
        ReviewField::ALL
            .iter()
            .map(|f| format!("kyc.field.{}", f.as_str())),
    );
    keys.extend(
        RejectionReason::ALL
            .iter()
            .map(|r| format!("kyc.reason.{}", r.as_str())),
    );
    keys.extend(
        etalase_services::kyc::wizard::CATEGORY_FOCUS
            .iter()
            .map(|c| format!("kyc.category.{c}")),
    );
    for item in etalase_domain::catalog::quality::CheckItem::ALL {
        keys.push(format!("quality.{}.ok", item.as_str()));
        keys.extend(
            item.reasons()
                .iter()
                .map(|r| format!("quality.{}.{r}", item.as_str())),
        );
    }
    for grade in ["a", "b", "c", "d"] {
        keys.push(format!("quality.grade.{grade}"));
    }
    keys.extend(
        etalase_domain::catalog::lifecycle::ProductStatus::ALL
            .iter()
            .map(|s| format!("catalog.status.{}", s.as_str())),
    );
    keys.extend(
        etalase_store::inventory::StockReason::ALL
            .iter()
            .map(|r| format!("stock.reason.{}", r.as_str())),
    );
    keys.extend(
        etalase_domain::notification::NotificationKind::ALL
            .iter()
            .map(|k| format!("notification.{}", k.as_str())),
    );
    for (prefix, names) in [
        (
            "kyc.decision",
            &["approved", "rejected", "suspended", "reinstated"][..],
        ),
        ("kyc.warning", &["blurry", "low_resolution"][..]),
        ("kyc.address", &["business", "pickup"][..]),
        ("kyc.business", &["individual", "company"][..]),
        (
            "admin.decide",
            &["start_review", "approve", "reject", "suspend", "reinstate"][..],
        ),
    ] {
        keys.extend(names.iter().map(|n| format!("{prefix}.{n}")));
    }
    for lang in Lang::ALL {
        let missing: Vec<_> = keys.iter().filter(|k| !catalog.has(lang, k)).collect();
        assert!(missing.is_empty(), "{}: {missing:?}", lang.code());
    }
}
