//! The client's network address, for the audit trail and the per-address sign-in counter.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

/// The peer's IP address, or, when the peer is a trusted proxy, the address that proxy says it
/// forwarded for (`X-Forwarded-For`). From anyone else the header is ignored: it would let the
/// client choose the address its failed sign-ins are counted under.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()) else {
            return Ok(ClientAddress(None));
        };
        let client = match parts.extensions.get::<TrustedProxies>() {
            Some(trusted) => trusted.client(peer, parts),
            None => peer,
        };
        Ok(ClientAddress(Some(client.to_string())))
    }
}

/// The proxies (addresses or networks such as `10.0.0.0/8`) whose `X-Forwarded-For` is
/// believed; none by default. Put into the request's extensions by the router.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[Network]>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn contains(self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.address, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 peer seen through an IPv6 socket (`::ffff:10.0.0.1`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

impl TrustedProxies {
    /// Reads a comma-separated list of addresses and networks (`127.0.0.1, 10.0.0.0/8, ::1`).
    /// Returns the entry that does not read as one.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut networks = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (address, prefix) = entry.split_once('/').map_or((entry, None), |(a, p)| (a, Some(p)));
            let address: IpAddr = address.parse().map_err(|_| entry.to_owned())?;
            let address = canonical(address);
            let max = if address.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| entry.to_owned())?,
                None => max,
            };
            networks.push(Network { address, prefix });
        }
        Ok(TrustedProxies(networks.into()))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client behind a chain of trusted proxies: the right-most forwarded address that is
    /// not itself a trusted proxy (addresses further left were written by the client and prove
    /// nothing). A header that does not read falls back to the last proxy.
    fn client(&self, peer: IpAddr, parts: &Parts) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = canonical(peer);
        let forwarded = parts.headers.get_all("x-forwarded-for");
        let hops: Vec<&str> =
            forwarded.iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).map(str::trim).collect();
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else { break };
            client = canonical(ip);
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// Whether the request came over HTTPS, which decides the cookie's `Secure` flag.
#[derive(Debug, Clone, Copy)]
pub struct Https(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for Https {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Https(crate::auth::session::is_https(parts)))
    }
}

/// This site's address as the client reached it (`http://127.0.0.1:8080`), for links in
/// messages and calendar entries that leave the browser.
#[derive(Debug, Clone)]
pub struct BaseUrl(pub String);

impl<S: Send + Sync> FromRequestParts<S> for BaseUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let scheme = if crate::auth::session::is_https(parts) { "https" } else { "http" };
        let host = parts
            .headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
            .unwrap_or("localhost");
        Ok(BaseUrl(format!("{scheme}://{host}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(forwarded: &[&str]) -> Parts {
        let mut request = axum::http::Request::builder();
        for value in forwarded {
            request = request.header("x-forwarded-for", *value);
        }
        request.body(()).unwrap().into_parts().0
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let trusted = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        let from = |peer: &str, headers: &[&str]| trusted.client(ip(peer), &parts(headers)).to_string();
        assert_eq!(from("127.0.0.1", &["203.0.113.7"]), "203.0.113.7");
        // Through two proxies of ours: the last address they did not write themselves.
        assert_eq!(from("10.1.2.3", &["198.51.100.1, 203.0.113.7, 10.0.0.9"]), "203.0.113.7");
        assert_eq!(from("10.1.2.3", &["198.51.100.1", "203.0.113.7"]), "203.0.113.7");
        // Without the header, or with one that does not read: the proxy itself.
        assert_eq!(from("127.0.0.1", &[]), "127.0.0.1");
        assert_eq!(from("127.0.0.1", &["nonsense"]), "127.0.0.1");
        assert_eq!(from("::ffff:127.0.0.1", &["203.0.113.7"]), "203.0.113.7");
    }

    #[test]
    fn anyone_else_cannot_choose_their_address() {
        let trusted = TrustedProxies::parse("127.0.0.1").unwrap();
        assert_eq!(trusted.client(ip("192.0.2.4"), &parts(&["203.0.113.7"])).to_string(), "192.0.2.4");
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("127.0.0.1"), &parts(&["203.0.113.7"])).to_string(), "127.0.0.1");
    }

    #[test]
    fn the_list_is_checked() {
        assert!(TrustedProxies::parse("").unwrap().0.is_empty());
        assert!(TrustedProxies::parse("::1, fd00::/8").unwrap().trusts(ip("fd12::1")));
        assert_eq!(TrustedProxies::parse("10.0.0.0/33").unwrap_err(), "10.0.0.0/33");
        assert_eq!(TrustedProxies::parse("127.0.0.1, proxy.local").unwrap_err(), "proxy.local");
        assert!(TrustedProxies::parse("0.0.0.0/0").unwrap().trusts(ip("192.0.2.4")));
    }
}
