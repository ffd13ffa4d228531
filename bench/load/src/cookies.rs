//! A per-connection cookie jar, just enough to keep a signed-in session.
//!
//! Every connection targets one local host, so Domain and Path are ignored
//! and every cookie is sent with every request. Expires is ignored too: it
//! needs date parsing, and servers that delete cookies (etalase included) also
//! send `Max-Age=0` or an empty value, which are honoured.

#[derive(Clone, Debug, Default)]
pub struct CookieJar {
    /// Insertion order is kept so the Cookie header is stable between requests.
    cookies: Vec<(String, String)>,
}

impl CookieJar {
    /// Applies one `Set-Cookie` header value.
    pub fn store(&mut self, set_cookie: &str) {
        let mut parts = set_cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
            // RFC 6265 §5.2: a pair without `=` is ignored.
            return;
        };
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let value = unquote(value.trim());
        let expired = parts.any(|attribute| {
            attribute
                .split_once('=')
                .filter(|(key, _)| key.trim().eq_ignore_ascii_case("max-age"))
                .and_then(|(_, seconds)| seconds.trim().parse::<i64>().ok())
                .is_some_and(|seconds| seconds <= 0)
        });
        if expired || value.is_empty() {
            self.cookies.retain(|(existing, _)| existing != name);
        } else if let Some(slot) = self.cookies.iter_mut().find(|(n, _)| n == name) {
            slot.1 = value.to_owned();
        } else {
            self.cookies.push((name.to_owned(), value.to_owned()));
        }
    }

    /// The `Cookie` request header, or `None` when the jar is empty.
    pub fn header(&self) -> Option<String> {
        if self.cookies.is_empty() {
            return None;
        }
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        Some(pairs.join("; "))
    }

    #[cfg(test)]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// RFC 6265 allows a value in double quotes; the quotes are not part of it.
fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_and_sends_cookies() {
        let mut jar = CookieJar::default();
        assert_eq!(jar.header(), None);
        jar.store("etalase_v=01HXYZ; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000");
        jar.store("etalase_session=abc.def; Path=/; HttpOnly");
        assert_eq!(jar.get("etalase_v"), Some("01HXYZ"));
        assert_eq!(
            jar.header().as_deref(),
            Some("etalase_v=01HXYZ; etalase_session=abc.def")
        );
    }

    #[test]
    fn replaces_a_cookie_in_place() {
        let mut jar = CookieJar::default();
        jar.store("a=1");
        jar.store("b=2");
        jar.store("a=3; Path=/");
        assert_eq!(jar.header().as_deref(), Some("a=3; b=2"));
    }

    #[test]
    fn honours_removal() {
        let mut jar = CookieJar::default();
        jar.store("a=1");
        jar.store("b=2");
        jar.store("c=3");
        jar.store("a=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        jar.store("b=gone; max-age=-1");
        jar.store("c=");
        assert_eq!(jar.header(), None);
        // Removing a cookie the jar never had is harmless.
        jar.store("d=; Max-Age=0");
        assert_eq!(jar.header(), None);
    }

    #[test]
    fn a_positive_or_unparsable_max_age_keeps_the_cookie() {
        let mut jar = CookieJar::default();
        jar.store("a=1; Max-Age=60");
        jar.store("b=2; Max-Age=soon");
        assert_eq!(jar.header().as_deref(), Some("a=1; b=2"));
    }

    #[test]
    fn ignores_malformed_pairs_and_unquotes_values() {
        let mut jar = CookieJar::default();
        jar.store("novalue");
        jar.store("=orphan");
        jar.store("  spaced  =  v  ; Path=/");
        jar.store("quoted=\"x y\"");
        jar.store("eq=a=b");
        assert_eq!(jar.get("spaced"), Some("v"));
        assert_eq!(jar.get("quoted"), Some("x y"));
        assert_eq!(jar.get("eq"), Some("a=b"));
        assert_eq!(jar.get("novalue"), None);
        assert_eq!(jar.get(""), None);
    }
}
