//! Capturing the CSRF token from HTML forms so flows can POST like a browser.
//!
//! Pages put the token in `<input type="hidden" name="_csrf" value="...">`.
//! This is a byte search, not an HTML parser: it runs on every response of a
//! flow that uses `{csrf}`, so it must be cheap, and the markup is our own.

const NAME_ATTR: &[u8] = b"name=\"_csrf\"";
const VALUE_ATTR: &[u8] = b"value=\"";

/// The value of the last `_csrf` input in `body`, HTML-unescaped.
/// Attribute order inside the tag does not matter.
pub fn find_last_token(body: &[u8]) -> Option<String> {
    let mut found = None;
    let mut from = 0;
    while let Some(offset) = find(&body[from..], NAME_ATTR) {
        let at = from + offset;
        from = at + NAME_ATTR.len();
        let tag_start = body[..at].iter().rposition(|&b| b == b'<').unwrap_or(0);
        let tag_end = body[at..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(body.len(), |p| at + p);
        if let Some(value) = attribute_value(&body[tag_start..tag_end]) {
            found = Some(value);
        }
    }
    found
}

fn attribute_value(tag: &[u8]) -> Option<String> {
    let start = find(tag, VALUE_ATTR)? + VALUE_ATTR.len();
    let len = tag[start..].iter().position(|&b| b == b'"')?;
    let raw = std::str::from_utf8(&tag[start..start + len]).ok()?;
    Some(unescape_html(raw))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The entities a template engine writes inside an attribute value.
fn unescape_html(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Encodes a value for an application/x-www-form-urlencoded body (and, since
/// the result is plain ASCII without `/`, `?` or `#`, for a path too).
pub fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(byte as char);
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_token_of_a_hidden_input() {
        let page = br#"<form method="post"><input type="hidden" name="_csrf" value="AbC-_09"><input name="email"></form>"#;
        assert_eq!(find_last_token(page).as_deref(), Some("AbC-_09"));
    }

    #[test]
    fn takes_the_last_token_and_any_attribute_order() {
        let page = br#"<input name="_csrf" value="first">
            <p>name="_csrf" in text without a value</p>
            <input value="second" type="hidden" name="_csrf">"#;
        assert_eq!(find_last_token(page).as_deref(), Some("second"));
    }

    #[test]
    fn ignores_pages_without_a_token() {
        assert_eq!(find_last_token(b""), None);
        assert_eq!(find_last_token(b"<html>no form</html>"), None);
        assert_eq!(
            find_last_token(br#"<input name="_csrf" value="unterminated"#),
            None
        );
        assert_eq!(
            find_last_token(br#"<input name="csrf" value="other">"#),
            None
        );
    }

    #[test]
    fn unescapes_html_entities() {
        let page = br#"<input name="_csrf" value="a&amp;b&quot;c&#x27;d">"#;
        assert_eq!(find_last_token(page).as_deref(), Some("a&b\"c'd"));
    }

    #[test]
    fn form_encodes_values() {
        assert_eq!(form_encode("AbC-_09.*"), "AbC-_09.*");
        assert_eq!(form_encode("a b+c/d=e&f"), "a+b%2Bc%2Fd%3De%26f");
        assert_eq!(form_encode("é"), "%C3%A9");
    }
}
