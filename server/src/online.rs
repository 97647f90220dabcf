//! Who is connected now, by principal, so that a change of access takes
//! effect at once: when a device is revoked, an account disabled, a member
//! removed or a plan deleted, the affected connections are closed. They may
//! reconnect, and then their session and membership are checked afresh.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

/// Each principal's open connections: (registration number, its token).
type ByPrincipal = HashMap<String, Vec<(u64, CancellationToken)>>;

/// Open connections by principal id.
#[derive(Debug, Clone, Default)]
pub struct Online {
    connections: Arc<Mutex<ByPrincipal>>,
    next: Arc<AtomicU64>,
}

/// Removes its connection from [`Online`] when dropped.
#[derive(Debug)]
pub struct OnlineGuard {
    online: Online,
    principal: String,
    id: u64,
}

impl Online {
    /// Register a connection of `principal`, closed by cancelling `token`.
    pub fn register(&self, principal: &str, token: CancellationToken) -> OnlineGuard {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let mut connections = self.connections.lock().unwrap_or_else(|p| p.into_inner());
        connections.entry(principal.to_string()).or_default().push((id, token));
        OnlineGuard { online: self.clone(), principal: principal.to_string(), id }
    }

    /// Close every connection of these principals; returns how many.
    pub fn disconnect<'a>(&self, principals: impl IntoIterator<Item = &'a str>) -> usize {
        let connections = self.connections.lock().unwrap_or_else(|p| p.into_inner());
        let mut closed = 0;
        for principal in principals {
            for (_, token) in connections.get(principal).into_iter().flatten() {
                token.cancel();
                closed += 1;
            }
        }
        closed
    }
}

impl Drop for OnlineGuard {
    fn drop(&mut self) {
        let mut connections = self.online.connections.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tokens) = connections.get_mut(&self.principal) {
            tokens.retain(|(id, _)| *id != self.id);
            if tokens.is_empty() {
                connections.remove(&self.principal);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disconnecting_a_principal_closes_only_its_connections() {
        let online = Online::default();
        let (a1, a2, b) = (CancellationToken::new(), CancellationToken::new(), CancellationToken::new());
        let _g1 = online.register("device:1", a1.clone());
        let g2 = online.register("device:1", a2.clone());
        let _g3 = online.register("user:1", b.clone());
        drop(g2);
        assert_eq!(online.disconnect(["device:1"]), 1, "the dropped connection is gone");
        assert!(a1.is_cancelled() && !a2.is_cancelled() && !b.is_cancelled());
    }
}
