//! Where load is sent. Only plain http on 127.0.0.1 or localhost is
//! accepted: a load generator pointed at a real host by a typo is an attack,
//! so the check happens before anything is sent, and `localhost` is mapped to
//! 127.0.0.1 here rather than resolved (a resolver could answer anything).

use std::net::{Ipv4Addr, SocketAddr};

use anyhow::{Context, Result, bail};
use hyper::Uri;

/// The hosts a URL may name.
const ALLOWED_HOSTS: [&str; 2] = ["127.0.0.1", "localhost"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Always 127.0.0.1, on the URL's port.
    pub addr: SocketAddr,
    /// The URL's authority as written (`localhost:8080`), sent as `Host`.
    pub host_header: String,
}

impl Target {
    /// `http://host:port`, for the report.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.host_header)
    }
}

/// A full URL for `get`: the target and the path (with query) to request.
pub fn parse_url(url: &str) -> Result<(Target, String)> {
    let uri: Uri = url
        .parse()
        .with_context(|| format!("`{url}` is not a valid URL"))?;
    let target = target_of(url, &uri)?;
    let path = uri
        .path_and_query()
        .map(|p| p.as_str())
        .filter(|p| !p.is_empty())
        .unwrap_or("/")
        .to_owned();
    Ok((target, path))
}

/// A base URL for `flow`: the target only, since every step has its own path.
pub fn parse_base(url: &str) -> Result<Target> {
    let (target, path) = parse_url(url)?;
    if path != "/" {
        bail!("the base URL `{url}` must not have a path or query; put them in the flow's steps");
    }
    Ok(target)
}

fn target_of(url: &str, uri: &Uri) -> Result<Target> {
    match uri.scheme_str() {
        Some("http") => {}
        Some(other) => bail!("`{url}`: only plain http:// is supported, not {other}://"),
        None => bail!("`{url}` needs a scheme and host, e.g. http://127.0.0.1:8080/"),
    }
    let Some(authority) = uri.authority() else {
        bail!("`{url}` has no host");
    };
    let host = authority.host().to_ascii_lowercase();
    if !ALLOWED_HOSTS.contains(&host.as_str()) {
        bail!(
            "refusing to send load to `{}`: etalase-load only targets 127.0.0.1 or localhost, \
             so load never leaves this machine",
            authority.host()
        );
    }
    // Credentials in the authority are a classic way to make a URL look like
    // it points somewhere it does not; nothing here needs them.
    if authority.as_str().contains('@') {
        bail!("`{url}`: user information in the URL is not supported");
    }
    let port = authority.port_u16().unwrap_or(80);
    if port == 0 {
        bail!("`{url}`: port 0 cannot be connected to");
    }
    Ok(Target {
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        host_header: authority.as_str().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_loopback_urls() {
        let (target, path) = parse_url("http://127.0.0.1:8080/healthz?x=1").expect("allowed");
        assert_eq!(target.addr, "127.0.0.1:8080".parse().expect("addr"));
        assert_eq!(target.host_header, "127.0.0.1:8080");
        assert_eq!(path, "/healthz?x=1");

        let (target, path) = parse_url("http://LocalHost:3000").expect("allowed");
        assert_eq!(target.addr, "127.0.0.1:3000".parse().expect("addr"));
        assert_eq!(target.host_header, "LocalHost:3000");
        assert_eq!(path, "/");

        let (target, _) = parse_url("http://localhost/").expect("allowed");
        assert_eq!(target.addr.port(), 80);
    }

    #[test]
    fn refuses_other_hosts() {
        for url in [
            "http://example.com/",
            "http://10.0.0.1:8080/",
            "http://127.0.0.2:8080/",
            "http://0.0.0.0:8080/",
            "http://[::1]:8080/",
            "http://localhost.example.com/",
            "http://127.0.0.1.nip.io/",
            "http://127.0.0.1:8080@example.com/",
        ] {
            let error = parse_url(url).expect_err(url).to_string();
            assert!(error.contains("refusing"), "{url}: {error}");
        }
    }

    #[test]
    fn refuses_other_schemes_credentials_and_relative_urls() {
        assert!(parse_url("https://127.0.0.1/").is_err());
        assert!(parse_url("ftp://127.0.0.1/").is_err());
        assert!(parse_url("/healthz").is_err());
        assert!(parse_url("127.0.0.1:8080").is_err());
        assert!(parse_url("http://user:pw@127.0.0.1/").is_err());
        assert!(parse_url("http://127.0.0.1:0/").is_err());
    }

    #[test]
    fn base_urls_have_no_path() {
        assert!(parse_base("http://127.0.0.1:8080").is_ok());
        assert!(parse_base("http://127.0.0.1:8080/").is_ok());
        assert!(parse_base("http://127.0.0.1:8080/shop").is_err());
        assert!(parse_base("http://example.com").is_err());
    }
}
