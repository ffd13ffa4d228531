//! The words of a listing: title, description, bullet points, tags, brand.
//! Each parses to a value that is always within the catalog limits
//! (domain-facts: title 25–255 characters, description ≤ 10,000).

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::ErrorCode;

/// Collapses runs of whitespace (including newlines) to one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// A product title as buyers see it. A draft may keep a short one; only a
/// published product needs [`Title::MIN_TO_PUBLISH`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub const MIN_TO_PUBLISH: usize = 25;
    pub const MAX: usize = 255;

    pub fn parse(text: &str) -> Result<Title, ErrorCode> {
        let title = one_line(text);
        let length = title.chars().count();
        if length == 0 {
            return Err(ErrorCode::TitleRequired);
        }
        if length > Self::MAX || has_control(&title) {
            return Err(ErrorCode::TitleTooLong);
        }
        Ok(Title(title))
    }

    pub fn long_enough_to_publish(&self) -> bool {
        self.0.chars().count() >= Self::MIN_TO_PUBLISH
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A description in the little formatting the Shop shows: paragraphs, line
/// breaks, lists, bold, italic and underline. Anything else — scripts,
/// links, images, styles, attributes — is removed, keeping the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    html: String,
    plain: String,
}

impl Description {
    /// Characters of text (formatting not counted).
    pub const MAX_CHARS: usize = 10_000;

    pub fn parse(input: &str) -> Result<Description, ErrorCode> {
        let html = if looks_like_html(input) {
            sanitizer().clean(input).to_string()
        } else {
            paragraphs_from_plain_text(input)
        };
        let plain = plain_text(&html);
        if plain.chars().count() > Self::MAX_CHARS {
            return Err(ErrorCode::DescriptionTooLong);
        }
        Ok(Description { html, plain })
    }

    pub fn empty() -> Description {
        Description {
            html: String::new(),
            plain: String::new(),
        }
    }

    /// Safe to put into a page as it is.
    pub fn html(&self) -> &str {
        &self.html
    }

    /// The text without formatting (for word counts, search and similarity).
    pub fn plain(&self) -> &str {
        &self.plain
    }

    pub fn word_count(&self) -> usize {
        self.plain.split_whitespace().count()
    }

    pub fn is_empty(&self) -> bool {
        self.plain.trim().is_empty()
    }
}

fn looks_like_html(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("</") || lower.contains("<br") || lower.contains("<p>")
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = ammonia::Builder::empty();
        builder
            .add_tags(["p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "u"])
            .clean_content_tags(HashSet::from(["script", "style"]));
        builder
    })
}

/// Plain text typed into a form: blank lines separate paragraphs, single
/// newlines are line breaks; `<`, `>` and `&` are escaped.
fn paragraphs_from_plain_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let lines: Vec<String> = p.lines().map(|l| escape(l.trim())).collect();
            format!("<p>{}</p>", lines.join("<br>"))
        })
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The text of sanitized HTML: tags become spaces, entities are decoded.
fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    one_line(&decoded)
}

/// Short selling points shown as a list above the description.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bullets(Vec<String>);

impl Bullets {
    pub const MAX: usize = 8;
    pub const MAX_CHARS: usize = 200;

    /// One bullet per line; empty lines are ignored.
    pub fn parse_lines(text: &str) -> Result<Bullets, ErrorCode> {
        Self::parse(text.lines())
    }

    pub fn parse<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Bullets, ErrorCode> {
        let bullets: Vec<String> = items
            .into_iter()
            .map(|b| one_line(b.trim_start_matches(['-', '*', '•', ' '])))
            .filter(|b| !b.is_empty())
            .collect();
        if bullets.len() > Self::MAX {
            return Err(ErrorCode::TooManyBullets);
        }
        if bullets
            .iter()
            .any(|b| b.chars().count() > Self::MAX_CHARS || has_control(b))
        {
            return Err(ErrorCode::BulletTooLong);
        }
        Ok(Bullets(bullets))
    }

    pub fn items(&self) -> &[String] {
        &self.0
    }
}

/// Search words the seller adds (lower case, unique).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tags(Vec<String>);

impl Tags {
    pub const MAX: usize = 10;

    /// Tags separated by commas or new lines; `#` in front is dropped.
    pub fn parse(text: &str) -> Result<Tags, ErrorCode> {
        let mut tags: Vec<String> = Vec::new();
        for raw in text.split([',', '\n']) {
            let tag = one_line(raw.trim().trim_start_matches('#')).to_lowercase();
            if tag.is_empty() {
                continue;
            }
            let valid = (2..=30).contains(&tag.chars().count())
                && tag
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
            if !valid {
                return Err(ErrorCode::InvalidTag);
            }
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if tags.len() > Self::MAX {
            return Err(ErrorCode::TooManyTags);
        }
        Ok(Tags(tags))
    }

    pub fn items(&self) -> &[String] {
        &self.0
    }

    pub fn joined(&self) -> String {
        self.0.join(", ")
    }
}

/// The brand, or none ("Tanpa Merek" is written as no brand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand(String);

impl Brand {
    pub fn parse(text: &str) -> Result<Option<Brand>, ErrorCode> {
        let brand = one_line(text);
        let lower = brand.to_lowercase();
        if brand.is_empty() || lower == "tanpa merek" || lower == "no brand" || lower == "-" {
            return Ok(None);
        }
        if brand.chars().count() > 60 || has_control(&brand) {
            return Err(ErrorCode::InvalidBrand);
        }
        Ok(Some(Brand(brand)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_one_line_and_bounded() {
        let title = Title::parse("  Kemeja   Batik\nPria  ").unwrap();
        assert_eq!(title.as_str(), "Kemeja Batik Pria");
        assert!(!title.long_enough_to_publish());
        assert!(
            Title::parse("Kemeja Batik Pria Lengan Panjang Katun")
                .unwrap()
                .long_enough_to_publish()
        );
        assert_eq!(Title::parse("   "), Err(ErrorCode::TitleRequired));
        assert_eq!(Title::parse(&"a".repeat(256)), Err(ErrorCode::TitleTooLong));
        assert!(
            Title::parse(&"é".repeat(255)).is_ok(),
            "characters, not bytes"
        );
    }

    #[test]
    fn descriptions_keep_only_simple_formatting() {
        let d = Description::parse(
            "<p onclick=\"x()\">Bahan <b>katun</b> <script>alert(1)</script><a href=\"http://x\">adem</a></p>\
             <ul><li><i>Nyaman</i></li><li><u>Awet</u></li></ul><img src=x><h1>Besar</h1>",
        )
        .unwrap();
        assert_eq!(
            d.html(),
            "<p>Bahan <b>katun</b> adem</p><ul><li><i>Nyaman</i></li><li><u>Awet</u></li></ul>Besar"
        );
        assert_eq!(d.plain(), "Bahan katun adem Nyaman Awet Besar");
        assert_eq!(d.word_count(), 6);
    }

    #[test]
    fn plain_text_becomes_paragraphs_and_is_escaped() {
        let d = Description::parse("Baris satu\nbaris <dua> & tiga\n\nParagraf dua").unwrap();
        assert_eq!(
            d.html(),
            "<p>Baris satu<br>baris &lt;dua&gt; &amp; tiga</p><p>Paragraf dua</p>"
        );
        assert_eq!(d.plain(), "Baris satu baris <dua> & tiga Paragraf dua");
    }

    #[test]
    fn descriptions_are_limited_by_their_text() {
        assert!(Description::parse(&"kata ".repeat(2000)).is_ok());
        assert_eq!(
            Description::parse(&"x".repeat(10_001)),
            Err(ErrorCode::DescriptionTooLong)
        );
        // Formatting does not count against the limit.
        let formatted = format!("<p><b>{}</b></p>", "x".repeat(9_990));
        assert!(Description::parse(&formatted).is_ok());
    }

    #[test]
    fn bullets_tags_and_brand() {
        let b = Bullets::parse_lines("- Bahan katun\n\n• Adem dipakai\n* Jahitan rapi").unwrap();
        assert_eq!(b.items(), ["Bahan katun", "Adem dipakai", "Jahitan rapi"]);
        assert_eq!(
            Bullets::parse_lines(&"x\n".repeat(9)),
            Err(ErrorCode::TooManyBullets)
        );
        assert_eq!(
            Bullets::parse_lines(&"x".repeat(201)),
            Err(ErrorCode::BulletTooLong)
        );
        let t = Tags::parse("#Batik, kemeja pria,batik\nKATUN").unwrap();
        assert_eq!(t.items(), ["batik", "kemeja pria", "katun"]);
        assert_eq!(Tags::parse("a"), Err(ErrorCode::InvalidTag));
        assert_eq!(Tags::parse("diskon!!!"), Err(ErrorCode::InvalidTag));
        assert_eq!(
            Tags::parse(
                &(0..11)
                    .map(|n| format!("tag{n}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Err(ErrorCode::TooManyTags)
        );
        assert_eq!(Brand::parse("Tanpa Merek"), Ok(None));
        assert_eq!(
            Brand::parse(" Batik  Keris ").unwrap().unwrap().as_str(),
            "Batik Keris"
        );
    }
}
