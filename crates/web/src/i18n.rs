//! Every user-facing text, in Bahasa Indonesia and English. Messages live in
//! `locales/<lang>.toml` (flat `key = "text"`), embedded in the binary; tests
//! hold both files to the same keys and every key the code uses.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::CookieJar;
use etalase_domain::{Lang, Money, Timestamp};

/// The cookie that remembers a visitor's language choice.
pub const LANG_COOKIE: &str = "etalase_lang";

const ID: &str = include_str!("../locales/id.toml");
const EN: &str = include_str!("../locales/en.toml");

pub struct Catalog {
    messages: HashMap<Lang, HashMap<String, String>>,
}

impl Catalog {
    pub fn load() -> Catalog {
        let parse = |text: &str, lang: Lang| -> HashMap<String, String> {
            let table: toml::Table = text
                .parse()
                .unwrap_or_else(|e| panic!("locales/{}.toml is invalid: {e}", lang.code()));
            let mut flat = HashMap::new();
            flatten("", &table, &mut flat);
            flat
        };
        let messages = HashMap::from([
            (Lang::Id, parse(ID, Lang::Id)),
            (Lang::En, parse(EN, Lang::En)),
        ]);
        Catalog { messages }
    }

    pub fn keys(&self, lang: Lang) -> impl Iterator<Item = &String> {
        self.messages[&lang].keys()
    }

    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.messages
            .get(&lang)
            .is_some_and(|m| m.contains_key(key))
    }

    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        match self.messages.get(&lang).and_then(|m| m.get(key)) {
            Some(text) => text,
            None => {
                tracing::warn!(key, lang = lang.code(), "missing translation");
                key
            }
        }
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(text) => {
                out.insert(full, text.clone());
            }
            toml::Value::Table(inner) => flatten(&full, inner, out),
            other => panic!("translation {full} must be text, found {other}"),
        }
    }
}

/// A translator bound to one language, handed to templates as `t`.
#[derive(Clone)]
pub struct T {
    pub lang: Lang,
    catalog: Arc<Catalog>,
}

impl T {
    pub fn new(lang: Lang, catalog: Arc<Catalog>) -> T {
        T { lang, catalog }
    }

    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.catalog.get(self.lang, key)
    }

    /// A message with `{0}`, `{1}` … filled in.
    pub fn tf(&self, key: &str, args: &[&dyn std::fmt::Display]) -> String {
        let mut text = self.t(key).to_owned();
        for (i, arg) in args.iter().enumerate() {
            text = text.replace(&format!("{{{i}}}"), &arg.to_string());
        }
        text
    }

    pub fn tf1(&self, key: &str, a: &str) -> String {
        self.tf(key, &[&a])
    }

    pub fn tf2(&self, key: &str, a: &str, b: &str) -> String {
        self.tf(key, &[&a, &b])
    }

    /// A notice named in a redirect's `?notice=` (only known ones are shown).
    pub fn notice(&self, name: &str) -> Option<String> {
        let key = format!("notice.{name}");
        self.catalog
            .has(self.lang, &key)
            .then(|| self.t(&key).to_owned())
    }

    pub fn rupiah(&self, amount: i64) -> String {
        Money::idr(amount).format(self.lang)
    }

    pub fn time(&self, at: &Timestamp) -> String {
        at.format_wib(self.lang)
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// The message of an error code.
    pub fn error(&self, code: etalase_domain::ErrorCode) -> String {
        self.t(&code.message_key()).to_owned()
    }
}

/// The language from the `lang` cookie, else `Accept-Language`.
pub fn lang_from_headers(headers: &HeaderMap) -> Lang {
    let jar = CookieJar::from_headers(headers);
    jar.get(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .unwrap_or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
                .unwrap_or_default()
        })
}
