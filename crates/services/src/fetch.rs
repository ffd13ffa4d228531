//! Downloads of what sellers point the platform at (the photo addresses of
//! a catalog sheet), made safe against server-side request forgery: a
//! seller must not be able to make the platform read its own internal
//! services, the cloud's metadata address, or the office network.
//!
//! Every address a host name resolves to is checked, and the connection
//! goes to a checked address (the resolver hands the client nothing
//! else), so a name that resolves differently the second time gains
//! nothing. Addresses written as IP literals, and every redirect, are
//! checked the same way. Proxies from the environment are not used (they
//! would connect on our behalf). Bodies are read up to a limit, with time
//! limits on connecting and on the whole download.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{StatusCode, Url};

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 5;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(20);

/// Why a download did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchError {
    /// The address is not `http(s)`, or it leads into a private network.
    Refused,
    /// Not found, no answer, too slow, or an error status.
    Failed,
    /// The body is larger than allowed.
    TooLarge,
}

/// Downloads over HTTP(S) from public addresses only, and from the
/// address ranges the operator allows (an image server on the office
/// network, or 127.0.0.1 in tests).
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    allowed: Arc<[IpNet]>,
}

impl Fetcher {
    pub fn new(allowed: &[IpNet]) -> Result<Fetcher, reqwest::Error> {
        let allowed: Arc<[IpNet]> = allowed.into();
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(CheckedResolver {
                allowed: allowed.clone(),
            }))
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TOTAL_TIMEOUT)
            .user_agent(concat!(
                "etalase/",
                env!("CARGO_PKG_VERSION"),
                " (photo import)"
            ))
            .build()?;
        Ok(Fetcher { client, allowed })
    }

    /// The body at `url`, at most `max_bytes` long.
    pub async fn get(&self, url: &str, max_bytes: usize) -> Result<Vec<u8>, FetchError> {
        let mut url = Url::parse(url).map_err(|_| FetchError::Refused)?;
        for _ in 0..=MAX_REDIRECTS {
            self.check(&url)?;
            let mut response = self
                .client
                .get(url.clone())
                .header(reqwest::header::ACCEPT, "image/*")
                .send()
                .await
                .map_err(classify)?;
            if response.status().is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .ok_or(FetchError::Failed)?;
                url = url.join(location).map_err(|_| FetchError::Failed)?;
                continue;
            }
            if response.status() != StatusCode::OK {
                return Err(FetchError::Failed);
            }
            if response
                .content_length()
                .is_some_and(|n| n > max_bytes as u64)
            {
                return Err(FetchError::TooLarge);
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(classify)? {
                if body.len() + chunk.len() > max_bytes {
                    return Err(FetchError::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            return Ok(body);
        }
        Err(FetchError::Failed)
    }

    /// The scheme, and an address written as an IP literal (the resolver
    /// sees only names).
    fn check(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Refused);
        }
        // The parser has already normalised `2130706433` or `0x7f.1` to
        // `127.0.0.1`; IPv6 literals come in brackets.
        let host = url.host_str().ok_or(FetchError::Refused)?;
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        let Ok(ip) = literal.parse::<IpAddr>() else {
            return Ok(());
        };
        if permitted(ip, &self.allowed) {
            Ok(())
        } else {
            Err(FetchError::Refused)
        }
    }
}

/// A download refused because of where it would connect.
#[derive(Debug)]
struct AddressRefused;

impl std::fmt::Display for AddressRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the host resolves only to addresses that are not allowed")
    }
}

impl std::error::Error for AddressRefused {}

fn classify(error: reqwest::Error) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(e) = source {
        if e.is::<AddressRefused>() {
            return FetchError::Refused;
        }
        source = e.source();
    }
    FetchError::Failed
}

/// Resolves a host name and keeps only the addresses that may be reached.
struct CheckedResolver {
    allowed: Arc<[IpNet]>,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allowed = self.allowed.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| permitted(a.ip(), &allowed))
                .collect();
            if found.is_empty() {
                return Err(Box::new(AddressRefused) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

/// Whether a download may connect to `ip`.
pub fn permitted(ip: IpAddr, allowed: &[IpNet]) -> bool {
    allowed.iter().any(|net| net.contains(&ip)) || is_public(ip)
}

/// Whether `ip` is a public unicast address: not loopback, private,
/// shared (carrier NAT), link-local (which holds clouds' metadata
/// service), documentation, benchmarking, multicast or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let special = a == 0
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || ip.is_documentation()
        || (a == 198 && (b == 18 || b == 19))
        || a >= 224;
    !special
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address.
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_public_v4(Ipv4Addr::from((u32::from(s[6]) << 16) | u32::from(s[7])));
    }
    if s[0] == 0x2002 {
        return is_public_v4(Ipv4Addr::from((u32::from(s[1]) << 16) | u32::from(s[2])));
    }
    let special = ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] == 0x2001 && s[1] == 0x0db8)
        || s[..5] == [0, 0, 0, 0, 0] // IPv4-compatible and other ::/80 forms
        || (s[0] & 0xe000) != 0x2000; // outside global unicast 2000::/3
    !special
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn internal_addresses_are_not_public() {
        for text in [
            "0.0.0.0",
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip(text)), "{text}");
        }
    }

    #[test]
    fn public_addresses_are_public() {
        for text in [
            "8.8.8.8",
            "103.10.20.30",
            "172.32.0.1",
            "100.128.0.1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2606:4700::1111",
            "2404:6800:4003::200e",
        ] {
            assert!(is_public(ip(text)), "{text}");
        }
    }

    #[test]
    fn allowed_ranges_open_internal_addresses() {
        let office: IpNet = "10.20.0.0/16".parse().unwrap();
        assert!(permitted(ip("10.20.3.4"), &[office]));
        assert!(!permitted(ip("10.21.3.4"), &[office]));
        assert!(!permitted(ip("127.0.0.1"), &[office]));
    }

    #[tokio::test]
    async fn names_and_literals_that_lead_inside_are_refused_unconnected() {
        let fetcher = Fetcher::new(&[]).unwrap();
        for url in [
            "http://127.0.0.1:9/a.jpg",
            "http://[::1]:9/a.jpg",
            "http://localhost:9/a.jpg",
            "http://169.254.169.254/latest/meta-data/",
            "http://2130706433/a.jpg",
            "http://0x7f.1/a.jpg",
            "file:///etc/passwd",
            "ftp://example.com/a.jpg",
        ] {
            assert_eq!(
                fetcher.get(url, 1024).await,
                Err(FetchError::Refused),
                "{url}"
            );
        }
    }
}
