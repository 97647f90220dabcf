//! Limits on what one peer or one address may ask of the server.
//!
//! A relay for many municipalities must not be starved by one buggy or
//! hostile client: each limit here ends in a clear `error` message (or an
//! HTTP 429 before the upgrade) and a closed socket, never in a stalled
//! server. The defaults fit people editing plans by hand with room to
//! spare; scripts and load tests set their own.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Limits on peer input.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest WebSocket frame accepted, in bytes.
    pub max_message_bytes: usize,
    /// The largest a document may grow in storage, in bytes.
    pub max_document_bytes: u64,
    /// Messages per second one connection may send, sustained.
    pub messages_per_second: u32,
    /// Messages one connection may send at once above the sustained rate
    /// (a client that opens many plans on connect sends a burst).
    pub message_burst: u32,
    /// Open WebSocket connections from one IP address.
    pub connections_per_address: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 16 * 1024 * 1024,
            max_document_bytes: 64 * 1024 * 1024,
            messages_per_second: 200,
            message_burst: 2000,
            connections_per_address: 64,
        }
    }
}

/// A token bucket: `rate` tokens per second up to `burst`.
#[derive(Debug)]
pub struct MessageRate {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl MessageRate {
    /// A full bucket.
    pub fn new(limits: &Limits) -> Self {
        let burst = f64::from(limits.message_burst.max(1));
        MessageRate {
            rate: f64::from(limits.messages_per_second),
            burst,
            tokens: burst,
            last: Instant::now(),
        }
    }

    /// Take one token at `now`; false when the peer sends faster than allowed.
    pub fn allow(&mut self, now: Instant) -> bool {
        if self.has_token(now) {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

impl MessageRate {
    /// Whether a token is there at `now` (none is taken).
    fn has_token(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.tokens >= 1.0
    }
}

/// Open connections per IP address.
#[derive(Debug, Clone, Default)]
pub struct AddressConnections {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// Holds one connection slot of an address; frees it when dropped.
#[derive(Debug)]
pub struct ConnectionSlot {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    address: IpAddr,
}

impl AddressConnections {
    /// Take a slot for `address`, or `None` if it already has `limit` open.
    pub fn try_open(&self, address: IpAddr, limit: usize) -> Option<ConnectionSlot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(address).or_insert(0);
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(ConnectionSlot { open: self.open.clone(), address })
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.address);
            }
        }
    }
}

/// Links that did not work, per client address: a few per minute, so that
/// no one can try links faster than by hand. Only failures count, so a
/// household that opens its own links is never held up; once an address
/// has failed too often, everything from it waits. Sign-in links and
/// invitations have a bucket each ([`crate::AppState`]), and the address
/// is the client's behind trusted proxies ([`crate::client_address`]).
#[derive(Debug, Clone)]
pub struct Attempts {
    per_minute: u32,
    buckets: Arc<Mutex<HashMap<IpAddr, MessageRate>>>,
}

impl Attempts {
    /// At most `per_minute` attempts per address (a burst of as many).
    pub fn new(per_minute: u32) -> Attempts {
        Attempts { per_minute, buckets: Arc::default() }
    }

    /// Whether `address` may try a link at `now` (nothing is counted).
    pub fn may_try(&self, address: IpAddr, now: Instant) -> bool {
        self.with_bucket(address, now, |bucket| bucket.has_token(now))
    }

    /// A link from `address` did not work at `now`: counted.
    pub fn failed(&self, address: IpAddr, now: Instant) {
        self.with_bucket(address, now, |bucket| bucket.allow(now));
    }

    fn with_bucket<T>(&self, address: IpAddr, now: Instant, f: impl FnOnce(&mut MessageRate) -> T) -> T {
        // One IPv6 host has a whole /64: count the network, not the address.
        let address = match address {
            IpAddr::V6(v6) => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
            v4 => v4,
        };
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > 100_000 {
            buckets.clear();
        }
        let per_minute = self.per_minute.max(1);
        let bucket = buckets.entry(address).or_insert_with(|| MessageRate {
            rate: f64::from(per_minute) / 60.0,
            burst: f64::from(per_minute),
            tokens: f64::from(per_minute),
            last: now,
        });
        f(bucket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_passes_then_the_sustained_rate_holds() {
        let limits = Limits { messages_per_second: 10, message_burst: 5, ..Limits::default() };
        let mut rate = MessageRate::new(&limits);
        let start = Instant::now();
        assert!((0..5).all(|_| rate.allow(start)), "the burst passes");
        assert!(!rate.allow(start), "the sixth at once is refused");
        assert!(rate.allow(start + Duration::from_millis(100)), "one token after 100 ms at 10/s");
        assert!(!rate.allow(start + Duration::from_millis(100)));
    }

    #[test]
    fn slots_per_address_are_counted_and_freed() {
        let connections = AddressConnections::default();
        let home: IpAddr = [10, 0, 0, 1].into();
        let other: IpAddr = [10, 0, 0, 2].into();
        let first = connections.try_open(home, 2);
        let second = connections.try_open(home, 2);
        assert!(first.is_some() && second.is_some());
        assert!(connections.try_open(home, 2).is_none(), "a third from the same address is refused");
        assert!(connections.try_open(other, 2).is_some(), "another address is not affected");
        drop(first);
        assert!(connections.try_open(home, 2).is_some(), "a closed connection frees its slot");
    }

    #[test]
    fn attempts_are_limited_per_address() {
        let attempts = Attempts::new(3);
        let home: IpAddr = [10, 0, 0, 1].into();
        let now = Instant::now();
        assert!((0..10).all(|_| attempts.may_try(home, now)), "trying alone counts nothing");
        for _ in 0..3 {
            attempts.failed(home, now);
        }
        assert!(!attempts.may_try(home, now), "after three failures within the minute it waits");
        assert!(attempts.may_try([10, 0, 0, 2].into(), now), "another address is not affected");
        assert!(attempts.may_try(home, now + Duration::from_secs(20)), "one more after 20 s at 3/min");
    }
}
