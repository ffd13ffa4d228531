//! The languages etalase speaks: Bahasa Indonesia first, English second.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Id, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "id" | "in" | "id-id" => Some(Lang::Id),
            "en" | "en-us" | "en-gb" | "en-id" => Some(Lang::En),
            other if other.starts_with("en-") => Some(Lang::En),
            other if other.starts_with("id-") => Some(Lang::Id),
            _ => None,
        }
    }

    /// Picks the best language from an `Accept-Language` header, honouring
    /// q-values; Indonesian when nothing we speak is asked for.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(Lang, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("");
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::parse(tag)
                && quality > 0.0
                && best.is_none_or(|(_, q)| quality > q)
            {
                best = Some((lang, quality));
            }
        }
        best.map(|(lang, _)| lang).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honours_quality_values() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=0.5, id;q=0.8"), Lang::Id);
        assert_eq!(Lang::from_accept_language("fr-FR, de"), Lang::Id);
        assert_eq!(Lang::from_accept_language(""), Lang::Id);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Id);
    }
}
