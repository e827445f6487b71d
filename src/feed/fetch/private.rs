//! Pages fetched on a feed's behalf (an article's full text, the feed a web page advertises)
//! stay off private addresses: this machine, the local network, link-local and the like. A
//! feed could otherwise make tidings read the user's router page, a local admin interface or a
//! cloud metadata service and keep what it found in the cache. The feed's own server is the
//! exception (a feed on an intranet host has its pages there), and so is
//! `refresh.allow_private_pages`.
//!
//! Each hop of a redirect chain is judged: an address written as an IP by [`is_private`], a
//! name through [`Resolver`], which hands the connection only the public addresses it resolves
//! to (so a name cannot resolve to something else between the check and the connection).
//! Through a proxy, names are resolved by the proxy and only IP addresses are judged here.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::{Host, Url};

/// Why a name was refused by [`Resolver`]: every address it resolves to is private.
#[derive(Debug, thiserror::Error)]
#[error("{name} resolves to a private address ({ip})")]
pub(super) struct PrivateName {
    /// The name.
    pub name: String,
    /// One of its addresses.
    pub ip: IpAddr,
}

/// Whether `ip` is not on the public internet: unspecified, loopback, private (RFC 1918),
/// shared (CGNAT, 100.64/10), link-local, benchmarking, reserved, broadcast or multicast; for
/// IPv6 also unique-local (fc00::/7), site-local, and any IPv4 address embedded in a mapped,
/// compatible, NAT64 or 6to4 one.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => private_v6(v6),
    }
}

fn private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    a == 0 // "this network", 0.0.0.0 included
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 224 // multicast, reserved, broadcast
}

fn private_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if let Some(v4) = ip.to_ipv4_mapped() {
        return private_v4(v4);
    }
    match segments {
        // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
        [0, 0, 0, 0, 0, 0, hi, lo] => hi == 0 || private_v4(embedded(hi, lo)),
        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16)
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] | [0x2002, hi, lo, ..] => private_v4(embedded(hi, lo)),
        [first, ..] => {
            (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (first & 0xff00) == 0xff00 // multicast
        }
    }
}

/// Whether `url` is served from the same host and port as `origin`.
pub(super) fn same_server(url: &Url, origin: &Url) -> bool {
    url.host_str().is_some_and(|host| Some(host) == origin.host_str())
        && url.port_or_known_default() == origin.port_or_known_default()
}

/// The address `url` names when it is written as an IP address.
pub(super) fn literal_ip(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        Host::Domain(_) => None,
    }
}

/// The DNS resolver of the client that fetches pages: the system's resolver, keeping only
/// public addresses. Names in `exempt` (the proxy's host) resolve as they are.
#[derive(Clone, Debug, Default)]
pub(super) struct Resolver {
    /// Host names resolved without the check.
    pub exempt: Vec<String>,
}

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let name = name.as_str().to_string();
        let exempt = self.exempt.iter().any(|e| e.eq_ignore_ascii_case(&name));
        Box::pin(async move {
            let all: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            if exempt {
                return Ok(Box::new(all.into_iter()) as reqwest::dns::Addrs);
            }
            let public: Vec<SocketAddr> = all.iter().copied().filter(|a| !is_private(a.ip())).collect();
            match (public.is_empty(), all.first()) {
                (true, Some(first)) => {
                    let refused: Box<dyn std::error::Error + Send + Sync> =
                        Box::new(PrivateName { name, ip: first.ip() });
                    Err(refused)
                }
                _ => Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs),
            }
        })
    }
}

/// The hosts of the proxies the client may use (from the config, else the environment), which
/// [`Resolver`] must resolve as they are.
pub(super) fn proxy_hosts(configured: Option<&crate::config::Proxy>) -> Vec<String> {
    use crate::config::Proxy;
    let from_env = || {
        ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
            .iter()
            .filter_map(|var| std::env::var(var).ok())
            .collect::<Vec<_>>()
    };
    let urls = match configured {
        Some(Proxy::None) => Vec::new(),
        Some(Proxy::Url(url)) => vec![url.clone()],
        None => from_env(),
    };
    urls.iter().filter_map(|u| Url::parse(u.trim()).ok()?.host_str().map(str::to_string)).collect()
}

/// The first [`PrivateName`] in an error's chain of causes.
pub(super) fn private_name<'e>(e: &'e (dyn std::error::Error + 'static)) -> Option<&'e PrivateName> {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if let Some(found) = c.downcast_ref::<PrivateName>() {
            return Some(found);
        }
        cause = c.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_public_addresses() {
        for private in [
            "0.0.0.0",
            "127.0.0.1",
            "127.0.0.2",
            "10.1.2.3",
            "100.64.0.1",
            "100.127.255.254",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "192.0.0.8",
            "198.18.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
        ] {
            assert!(is_private(private.parse().unwrap()), "{private}");
        }
        for public in [
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "192.0.2.1",
            "::ffff:8.8.8.8",
            "2001:4860::8888",
            "2002:0808:0808::1",
            "64:ff9b::808:808",
        ] {
            assert!(!is_private(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn the_same_server_is_host_and_port() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(same_server(&url("http://127.0.0.1:8080/a"), &url("http://127.0.0.1:8080/feed")));
        assert!(same_server(&url("https://Intranet/a"), &url("https://intranet:443/feed")));
        assert!(!same_server(&url("http://127.0.0.1:8081/a"), &url("http://127.0.0.1:8080/feed")));
        assert!(!same_server(&url("http://localhost:8080/a"), &url("http://127.0.0.1:8080/feed")));
        assert!(!same_server(&url("http://intranet/a"), &url("https://intranet/feed")));
        assert!(!same_server(&url("http://x/a"), &url("exec:make-feed")));
        assert_eq!(literal_ip(&url("http://2130706433/")), Some("127.0.0.1".parse().unwrap()));
        assert_eq!(literal_ip(&url("http://[::1]:80/")), Some("::1".parse().unwrap()));
        assert_eq!(literal_ip(&url("http://example.org/")), None);
    }

    #[test]
    fn proxies_are_exempt_by_host() {
        let configured = crate::config::Proxy::Url("socks5h://Proxy.lan:1080".into());
        assert_eq!(proxy_hosts(Some(&configured)), ["Proxy.lan"], "compared ignoring case");
        assert!(proxy_hosts(Some(&crate::config::Proxy::None)).is_empty());
    }
}
