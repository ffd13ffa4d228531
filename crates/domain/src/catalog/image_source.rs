//! Where a product photo named in a catalog sheet comes from: a web address
//! the platform downloads, or a file sent along with the sheet. Only the
//! name is judged here; fetching it safely is the services' work.

use crate::ErrorCode;

/// The most photos a product has.
pub const MAX_IMAGES: usize = 9;
/// The longest web address accepted (browsers and CDNs stop near here too).
pub const MAX_URL_LEN: usize = 2048;
/// The longest file name accepted.
pub const MAX_FILE_NAME_LEN: usize = 255;

/// A photo named in a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// An `http://` or `https://` address.
    Url(String),
    /// A file sent with the sheet, known by its name without folders
    /// (browsers send only that name).
    File(String),
}

impl ImageSource {
    /// Reads one entry of the photos column.
    pub fn parse(text: &str) -> Result<ImageSource, ErrorCode> {
        let text = text.trim();
        if text.is_empty() || text.chars().any(char::is_control) {
            return Err(ErrorCode::ImageFileNameInvalid);
        }
        match scheme_of(text) {
            Some(scheme) if scheme == "http" || scheme == "https" => {
                let rest = &text[scheme.len() + 1..];
                let host = rest
                    .strip_prefix("//")
                    .map(|r| r.split(['/', '?', '#']).next().unwrap_or_default())
                    .unwrap_or_default();
                // The host part, without any user info or port.
                let host = host.rsplit('@').next().unwrap_or_default();
                let name = host.split(':').next().unwrap_or_default();
                let name = if host.starts_with('[') { host } else { name };
                if name.is_empty() || text.len() > MAX_URL_LEN || text.contains(char::is_whitespace)
                {
                    return Err(ErrorCode::ImageUrlInvalid);
                }
                Ok(ImageSource::Url(text.to_owned()))
            }
            // ftp:, file:, data:, javascript: and the like are never fetched.
            Some(_) => Err(ErrorCode::ImageUrlInvalid),
            None => {
                let name = text.rsplit(['/', '\\']).next().unwrap_or_default().trim();
                if name.is_empty()
                    || name == "."
                    || name == ".."
                    || name.chars().count() > MAX_FILE_NAME_LEN
                {
                    return Err(ErrorCode::ImageFileNameInvalid);
                }
                Ok(ImageSource::File(name.to_owned()))
            }
        }
    }

    /// What identifies this photo on the product, so importing the same
    /// sheet again adds nothing: the address, or the file's name (case
    /// does not matter in file names on sellers' computers).
    pub fn key(&self) -> String {
        match self {
            ImageSource::Url(url) => url.clone(),
            ImageSource::File(name) => format!("file:{}", name.to_lowercase()),
        }
    }
}

/// `https` in `https://…`; none for a file name, including a Windows path
/// such as `C:\foto\a.jpg` (a one-letter "scheme" is a drive).
fn scheme_of(text: &str) -> Option<String> {
    let (scheme, _) = text.split_once(':')?;
    let valid = scheme.len() >= 2
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_addresses_are_urls() {
        assert_eq!(
            ImageSource::parse(" https://cdn.example.id/a.jpg "),
            Ok(ImageSource::Url("https://cdn.example.id/a.jpg".into()))
        );
        assert!(matches!(
            ImageSource::parse("HTTP://[2001:db8::1]:8080/x.png"),
            Ok(ImageSource::Url(_))
        ));
    }

    #[test]
    fn other_schemes_and_hostless_addresses_are_refused() {
        for text in [
            "ftp://example.id/a.jpg",
            "file:///etc/passwd",
            "data:image/png;base64,AAAA",
            "javascript:alert(1)",
            "https:///a.jpg",
            "https://",
            "http://user@/a.jpg",
            "https://example.id/a b.jpg",
        ] {
            assert_eq!(
                ImageSource::parse(text),
                Err(ErrorCode::ImageUrlInvalid),
                "{text}"
            );
        }
        let long = format!("https://example.id/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(ImageSource::parse(&long), Err(ErrorCode::ImageUrlInvalid));
    }

    #[test]
    fn file_names_lose_their_folders() {
        assert_eq!(
            ImageSource::parse("foto/Kemeja-1.JPG"),
            Ok(ImageSource::File("Kemeja-1.JPG".into()))
        );
        assert_eq!(
            ImageSource::parse(r"C:\Users\sari\Foto\kemeja 2.png"),
            Ok(ImageSource::File("kemeja 2.png".into()))
        );
        assert_eq!(
            ImageSource::parse("foto/Kemeja-1.JPG").unwrap().key(),
            "file:kemeja-1.jpg"
        );
    }

    #[test]
    fn empty_and_folder_only_names_are_refused() {
        for text in ["", "  ", "foto/", "..", "a\u{7}b.jpg"] {
            assert_eq!(
                ImageSource::parse(text),
                Err(ErrorCode::ImageFileNameInvalid),
                "{text:?}"
            );
        }
        let long = "a".repeat(MAX_FILE_NAME_LEN + 1);
        assert_eq!(
            ImageSource::parse(&long),
            Err(ErrorCode::ImageFileNameInvalid)
        );
    }
}
