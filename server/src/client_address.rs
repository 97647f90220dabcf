//! The client's address behind the reverse proxies this server trusts.
//!
//! Why: limits per address (sign-in attempts, invitation attempts, open
//! connections) and the access log key on the client. Behind a reverse
//! proxy every request comes from the proxy, so one client's junk would
//! shut every client out; and `X-Forwarded-For` is written by whoever
//! sends the request, so taken from anyone it lets a client be whoever it
//! likes. It is read only when the request comes from a configured proxy
//! (`--trusted-proxy`, addresses or networks such as `10.0.0.0/8`), and
//! then right to left: the first address that is not a trusted proxy is
//! the client (what the client wrote itself stands further left).

use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;

use axum::http::HeaderMap;

/// One trusted address or network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn contains(&self, address: IpAddr) -> bool {
        match (self.address, address) {
            (IpAddr::V4(net), IpAddr::V4(addr)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(addr) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(addr)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(addr) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Network {
    type Err = String;

    /// `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`.
    fn from_str(text: &str) -> Result<Network, String> {
        let wrong =
            || format!("inte en adress eller ett nät: {text} (skriv t.ex. 10.0.0.1 eller 10.0.0.0/8)");
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text.trim(), None),
        };
        let address: IpAddr = address.parse().map_err(|_| wrong())?;
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix.parse::<u8>().ok().filter(|p| *p <= bits).ok_or_else(wrong)?,
            None => bits,
        };
        Ok(Network { address, prefix })
    }
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[Network]>);

impl TrustedProxies {
    /// Trust `networks`.
    pub fn new(networks: Vec<Network>) -> TrustedProxies {
        TrustedProxies(networks.into())
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(address))
    }

    /// The client's address of a request from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            // Something the proxy would not write: stop at the proxy we know.
            let Ok(address) = hop.parse::<IpAddr>() else { return client };
            client = address;
            if !self.trusts(address) {
                return address;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(value).expect("header"));
        headers
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy_and_read_from_the_right() {
        let proxies =
            TrustedProxies::new(vec!["10.0.0.0/8".parse().expect("net"), "::1".parse().expect("ip")]);
        let proxy: IpAddr = [10, 1, 2, 3].into();
        let stranger: IpAddr = [198, 51, 100, 7].into();
        let client: IpAddr = [203, 0, 113, 5].into();
        assert_eq!(proxies.client(stranger, &forwarded("203.0.113.5")), stranger, "not from a proxy");
        assert_eq!(proxies.client(proxy, &forwarded("203.0.113.5")), client);
        assert_eq!(
            proxies.client(proxy, &forwarded("1.2.3.4, 203.0.113.5, 10.9.9.9")),
            client,
            "the client's own claim is left of it"
        );
        assert_eq!(proxies.client(proxy, &forwarded("skräp")), proxy);
        assert_eq!(proxies.client(proxy, &HeaderMap::new()), proxy);
        assert!("10.0.0.0/33".parse::<Network>().is_err());
        assert!("0.0.0.0/0".parse::<Network>().expect("all").contains(client));
    }
}
