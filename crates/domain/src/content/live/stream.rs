//! What viewers watch: an HLS stream from the seller's streaming setup, or
//! one of the seller's recorded videos played as the live (a rehearsal or a
//! demo).

use serde::{Deserialize, Serialize};

use crate::ErrorCode;
use crate::id::VideoId;

/// The stream of a live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "source", rename_all = "snake_case")]
pub enum StreamSource {
    Hls(HlsUrl),
    /// A video of the seller's (the service checks whose it is). Pages
    /// should say it is a recording: a buyer takes "live" to mean now.
    Recorded(VideoId),
}

impl StreamSource {
    pub fn parse_hls(url: &str) -> Result<StreamSource, ErrorCode> {
        HlsUrl::parse(url).map(StreamSource::Hls)
    }

    /// The stable name of the kind (`hls`, `recorded`).
    pub fn kind(&self) -> &'static str {
        match self {
            StreamSource::Hls(_) => "hls",
            StreamSource::Recorded(_) => "recorded",
        }
    }

    pub fn is_recorded(&self) -> bool {
        matches!(self, StreamSource::Recorded(_))
    }
}

/// The playlist address of an HLS stream, checked so a viewer's player may
/// be pointed at it: `http(s)://host[:port]/path….m3u8[?query][#fragment]`,
/// at most 2,000 characters.
///
/// Refused: other schemes (`javascript:`, `data:`, `file:`, `rtmp:` — the
/// last is what OBS pushes to, not what viewers pull), credentials in the
/// address (every viewer would see them), whitespace, control and
/// unsafe characters, a path not ending in `.m3u8`, and hosts no viewer
/// can reach (`localhost`, `*.local`, loopback, private and link-local IP
/// addresses — a seller pasting the address of their own machine).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HlsUrl(String);

impl HlsUrl {
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(url: &str) -> Result<HlsUrl, ErrorCode> {
        let invalid = ErrorCode::LiveStreamUrlInvalid;
        let url = url.trim();
        if url.chars().count() > Self::MAX_CHARS || url.chars().any(is_unsafe) {
            return Err(invalid);
        }
        let rest = strip_scheme(url).ok_or(invalid)?;
        let (authority, path) = rest.split_at(rest.find('/').ok_or(invalid)?);
        if !host_is_public(authority) || !playlist_path(path) {
            return Err(invalid);
        }
        Ok(HlsUrl(url.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for HlsUrl {
    type Error = ErrorCode;
    fn try_from(url: String) -> Result<Self, Self::Error> {
        HlsUrl::parse(&url)
    }
}

impl From<HlsUrl> for String {
    fn from(url: HlsUrl) -> String {
        url.0
    }
}

/// Characters never valid unescaped in a URL (RFC 3986), and non-ASCII:
/// a pasted address with them is broken or disguised.
fn is_unsafe(c: char) -> bool {
    !c.is_ascii_graphic() || matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}')
}

/// What follows `http://` or `https://` (any case).
fn strip_scheme(url: &str) -> Option<&str> {
    ["https://", "http://"].into_iter().find_map(|scheme| {
        url.get(..scheme.len())
            .filter(|s| s.eq_ignore_ascii_case(scheme))
            .map(|_| &url[scheme.len()..])
    })
}

/// `host[:port]` with a host viewers can reach, and no `user:pass@`.
fn host_is_public(authority: &str) -> bool {
    let (host, port) = split_port(authority);
    if port.is_some_and(|p| p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ipv6_public(&ip));
    }
    if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
        return ipv4_public(&ip);
    }
    domain_is_public(host)
}

/// The host and the port after its last `:` (an IPv6 literal's colons sit
/// inside brackets).
fn split_port(authority: &str) -> (&str, Option<&str>) {
    match authority.rfind(':') {
        Some(at) if !authority[at..].contains(']') => {
            (&authority[..at], Some(&authority[at + 1..]))
        }
        _ => (authority, None),
    }
}

fn ipv4_public(ip: &std::net::Ipv4Addr) -> bool {
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.octets()[0] == 0)
}

fn ipv6_public(ip: &std::net::Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    !(ip.is_loopback() || ip.is_unspecified() || unique_local || link_local)
}

/// A dotted name of letters, digits and hyphens, not a local-only one.
/// (`@` is not in the set, so credentials are refused here.)
fn domain_is_public(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let labels_ok = host.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    let local = host == "localhost" || host.ends_with(".localhost") || host.ends_with(".local");
    labels_ok && host.contains('.') && !local
}

/// Whether the path (before any `?` or `#`) names a playlist.
fn playlist_path(path: &str) -> bool {
    let end = path.find(['?', '#']).unwrap_or(path.len());
    let path = &path[..end];
    let name = &path[path.rfind('/').map_or(0, |at| at + 1)..];
    name.len() > ".m3u8".len()
        && name
            .get(name.len() - ".m3u8".len()..)
            .is_some_and(|ext| ext.eq_ignore_ascii_case(".m3u8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_http_and_https_playlists_with_a_query() {
        for url in [
            "https://cdn.example.co.id/live/toko-batik/index.m3u8",
            "  HTTPS://CDN.EXAMPLE.COM/a/b/INDEX.M3U8  ",
            "http://stream.example.com:8080/hls/abc.m3u8?token=x1y2&exp=99",
            "https://203.0.113.9/live.m3u8#t=0",
            "https://[2001:db8::1]:443/live.m3u8",
        ] {
            let parsed = StreamSource::parse_hls(url);
            assert!(parsed.is_ok(), "{url}");
            assert_eq!(parsed.unwrap().kind(), "hls");
        }
        assert_eq!(
            HlsUrl::parse(" https://a.example.com/x.m3u8 ")
                .unwrap()
                .as_str(),
            "https://a.example.com/x.m3u8"
        );
    }

    #[test]
    fn refuses_other_schemes_files_and_unreachable_hosts() {
        for url in [
            "javascript:alert(1)//x.m3u8",
            "JavaScript://example.com/%0Aalert(1)//x.m3u8",
            "data:application/x-mpegurl,x.m3u8",
            "rtmp://live.example.com/app/key.m3u8",
            "ftp://example.com/x.m3u8",
            "//example.com/x.m3u8",
            "https://example.com/video.mp4",
            "https://example.com/live.m3u8.mp4",
            "https://example.com/.m3u8",
            "https://example.com/live.m3u",
            "https://example.com",
            "https://example.com?x=.m3u8",
            "https://user:pass@example.com/x.m3u8",
            "https://example.com/a b.m3u8",
            "https://example.com/a\u{0}.m3u8",
            "https://example.com/\"onerror=.m3u8",
            "https://exämple.com/x.m3u8",
            "https://localhost/x.m3u8",
            "http://obs.local:8080/x.m3u8",
            "http://127.0.0.1/x.m3u8",
            "http://192.168.1.5:8080/x.m3u8",
            "http://10.0.0.2/x.m3u8",
            "http://[::1]/x.m3u8",
            "http://[fe80::1]/x.m3u8",
            "https://example.com:/x.m3u8",
            "https://example.com:99999999/x.m3u8",
            "https://-bad-.com/x.m3u8",
            "https://intranet/x.m3u8",
            "",
        ] {
            assert_eq!(
                HlsUrl::parse(url),
                Err(ErrorCode::LiveStreamUrlInvalid),
                "{url}"
            );
        }
    }

    #[test]
    fn is_at_most_two_thousand_characters() {
        let prefix = "https://example.com/";
        let fill = |n: usize| format!("{prefix}{}.m3u8", "a".repeat(n - prefix.len() - 5));
        assert!(HlsUrl::parse(&fill(2000)).is_ok());
        assert!(HlsUrl::parse(&fill(2001)).is_err());
    }

    #[test]
    fn a_recorded_video_is_a_source_too_and_serde_checks_urls() {
        let recorded = StreamSource::Recorded(VideoId::generate());
        assert!(recorded.is_recorded());
        assert_eq!(recorded.kind(), "recorded");
        let hls = StreamSource::parse_hls("https://a.example.com/x.m3u8").unwrap();
        let json = serde_json::to_string(&hls).unwrap();
        assert_eq!(
            json,
            r#"{"type":"hls","source":"https://a.example.com/x.m3u8"}"#
        );
        assert_eq!(serde_json::from_str::<StreamSource>(&json).unwrap(), hls);
        let forged = r#"{"type":"hls","source":"javascript:alert(1)"}"#;
        assert!(serde_json::from_str::<StreamSource>(forged).is_err());
    }
}
