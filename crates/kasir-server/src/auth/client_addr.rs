//! The client's address: the peer's, or, only when the peer is one of `KASIR_TRUSTED_PROXIES`,
//! the nearest address in `X-Forwarded-For` that is not itself a trusted proxy. A header from
//! anyone else is ignored, so a client cannot choose the address its failed logins count against.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};

use crate::AppState;

/// Addresses and networks (`10.0.0.0/8`, `::1`) whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses comma-separated addresses and CIDR networks.
    pub fn parse(raw: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (addr, bits) = match item.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (item, None),
            };
            let addr: IpAddr = addr.parse().map_err(|_| format!("`{item}` is not an address or network"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                Some(b) => {
                    b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(|| format!("`{item}` has a bad prefix"))?
                }
                None => max,
            };
            nets.push((addr, bits));
        }
        Ok(TrustedProxies(nets))
    }

    /// Whether `ip` lies in one of the trusted networks.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, bits)| match (canonical(*net), ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), *bits),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), *bits),
            _ => false,
        })
    }
}

/// The client of a request that came from `peer` with these `X-Forwarded-For` values.
pub fn client_addr<'a>(
    peer: IpAddr,
    forwarded_for: impl DoubleEndedIterator<Item = &'a str>,
    trusted: &TrustedProxies,
) -> IpAddr {
    let mut client = canonical(peer);
    if !trusted.contains(client) {
        return client;
    }
    // Walk from the nearest hop outwards; the first hop we do not trust is the client.
    let hops: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).map(str::trim).collect();
    for hop in hops.into_iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = canonical(ip);
                if !trusted.contains(client) {
                    break;
                }
            }
            // A hop that is no address ends what can be believed.
            Err(_) => break,
        }
    }
    client
}

/// The client's address as [`client_addr`] finds it, for handlers and extractors.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

/// Middleware: works out the client's address once per request.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let forwarded = req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
        let addr = client_addr(peer.ip(), forwarded, &state.config.trusted_proxies);
        req.extensions_mut().insert(ClientAddr(addr));
    }
    next.run(req).await
}

/// IPv4 addresses mapped into IPv6 (`::ffff:1.2.3.4`) compare as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (whole, rest) = ((bits / 8) as usize, bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || (a[whole] ^ b[whole]) >> (8 - rest) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        let xff = |v: &'static str| std::iter::once(v);
        // From a stranger the header is ignored.
        assert_eq!(client_addr(ip("198.51.100.7"), xff("203.0.113.9"), &trusted), ip("198.51.100.7"));
        // From a proxy: the nearest untrusted hop, whatever the client put before it.
        assert_eq!(client_addr(ip("127.0.0.1"), xff("1.1.1.1, 203.0.113.9"), &trusted), ip("203.0.113.9"));
        assert_eq!(client_addr(ip("127.0.0.1"), xff("203.0.113.9, 10.1.2.3"), &trusted), ip("203.0.113.9"));
        // Nothing forwarded, or a hop that is no address: the last believable one.
        assert_eq!(client_addr(ip("127.0.0.1"), std::iter::empty(), &trusted), ip("127.0.0.1"));
        assert_eq!(client_addr(ip("127.0.0.1"), xff("203.0.113.9, junk"), &trusted), ip("127.0.0.1"));
        assert_eq!(client_addr(ip("::ffff:127.0.0.1"), xff("203.0.113.9"), &trusted), ip("203.0.113.9"));
        // With no trusted proxies nobody's header counts.
        assert_eq!(client_addr(ip("127.0.0.1"), xff("203.0.113.9"), &TrustedProxies::default()), ip("127.0.0.1"));
    }

    #[test]
    fn networks_parse_and_match_by_prefix() {
        let t = TrustedProxies::parse("192.168.0.0/23,fd00::/8").unwrap();
        assert!(t.contains(ip("192.168.1.200")) && !t.contains(ip("192.168.2.1")));
        assert!(t.contains(ip("fd12::1")) && !t.contains(ip("fe80::1")));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert_eq!(TrustedProxies::parse(" ").unwrap(), TrustedProxies::default());
    }
}
