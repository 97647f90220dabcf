//! Who is connected now, by principal, so that a change of access takes
//! effect at once.
//!
//! - Access taken away (a device shut out, a member removed, a plan
//!   deleted, a sign-out): the affected connections are **closed**. They
//!   may reconnect, and then their session and membership are checked
//!   afresh. Closing is needed because a document keeps sending its peers
//!   what changes.
//! - Access changed but reading kept (an invitation redeemed, the
//!   self-report document linked to its plan, a relative let write
//!   reports or stopped): the connections stay open and **check again**
//!   ([`Online::recheck`]) what they may do with each document, before
//!   their next message. Closing them would cut every other tab and device
//!   of the same account off for seconds, and a client that is asking for
//!   a document at that moment is told it is unavailable (the JS
//!   automerge-repo client gives up on a document when its last peer goes).
//!
//! With several relays on one PostgreSQL, each change of access is also
//! told to the others ([`elsewhere`]), which act on their own connections
//! and loaded documents the same way.

pub mod elsewhere;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use shared::DocumentId;
use tokio_util::sync::CancellationToken;

use elsewhere::{News, Others};

/// One open connection: its registration number, its token, and its flag
/// "access changed, decide again".
#[derive(Debug)]
struct Connection {
    id: u64,
    close: CancellationToken,
    recheck: Arc<AtomicBool>,
}

/// Each principal's open connections.
type ByPrincipal = HashMap<String, Vec<Connection>>;

/// Open connections by principal id.
#[derive(Debug, Clone, Default)]
pub struct Online {
    connections: Arc<Mutex<ByPrincipal>>,
    next: Arc<AtomicU64>,
    /// The other relays on the same PostgreSQL; none on SQLite.
    others: Option<Others>,
}

/// Removes its connection from [`Online`] when dropped.
#[derive(Debug)]
pub struct OnlineGuard {
    online: Online,
    principal: String,
    id: u64,
    recheck: Arc<AtomicBool>,
}

impl OnlineGuard {
    /// Whether this connection's access changed since it last asked
    /// (asking clears it): if so, forget what was decided.
    pub fn access_changed(&self) -> bool {
        self.recheck.swap(false, Ordering::AcqRel)
    }
}

impl Online {
    /// Register a connection of `principal`, closed by cancelling `token`.
    pub fn register(&self, principal: &str, token: CancellationToken) -> OnlineGuard {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let recheck = Arc::new(AtomicBool::new(false));
        let mut connections = self.connections.lock().unwrap_or_else(|p| p.into_inner());
        connections.entry(principal.to_string()).or_default().push(Connection {
            id,
            close: token,
            recheck: recheck.clone(),
        });
        OnlineGuard { online: self.clone(), principal: principal.to_string(), id, recheck }
    }

    /// Connections here, and every change of access told to `others` too.
    pub fn telling(others: Option<Others>) -> Online {
        Online { others, ..Online::default() }
    }

    /// Close every connection of these principals, on this relay and the
    /// others; returns how many were closed here.
    pub async fn disconnect<'a>(&self, principals: impl IntoIterator<Item = &'a str>) -> usize {
        let principals: Vec<String> = principals.into_iter().map(str::to_string).collect();
        let closed = self.disconnect_here(principals.iter().map(String::as_str));
        self.tell(News::Disconnect(principals)).await;
        closed
    }

    /// Make every connection of these principals, on this relay and the
    /// others, decide again what it may do with each document, before its
    /// next message; returns how many were told here.
    pub async fn recheck<'a>(&self, principals: impl IntoIterator<Item = &'a str>) -> usize {
        let principals: Vec<String> = principals.into_iter().map(str::to_string).collect();
        let told = self.recheck_here(principals.iter().map(String::as_str));
        self.tell(News::Recheck(principals)).await;
        told
    }

    /// Tell the other relays that these documents were deleted (this
    /// relay's [`crate::documents::DocumentRegistry::delete`] dropped them here).
    pub async fn deleted(&self, documents: &[DocumentId]) {
        self.tell(News::Deleted(documents.to_vec())).await;
    }

    async fn tell(&self, news: News) {
        if let Some(others) = &self.others {
            others.tell(&news).await;
        }
    }

    /// Close every connection of these principals on this relay; returns how many.
    pub fn disconnect_here<'a>(&self, principals: impl IntoIterator<Item = &'a str>) -> usize {
        let connections = self.connections.lock().unwrap_or_else(|p| p.into_inner());
        let mut closed = 0;
        for principal in principals {
            for connection in connections.get(principal).into_iter().flatten() {
                connection.close.cancel();
                closed += 1;
            }
        }
        closed
    }

    /// Make every connection of these principals on this relay decide
    /// again what it may do with each document, before its next message;
    /// returns how many.
    pub fn recheck_here<'a>(&self, principals: impl IntoIterator<Item = &'a str>) -> usize {
        let connections = self.connections.lock().unwrap_or_else(|p| p.into_inner());
        let mut told = 0;
        for principal in principals {
            for connection in connections.get(principal).into_iter().flatten() {
                connection.recheck.store(true, Ordering::Release);
                told += 1;
            }
        }
        told
    }
}

impl Drop for OnlineGuard {
    fn drop(&mut self) {
        let mut connections = self.online.connections.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tokens) = connections.get_mut(&self.principal) {
            tokens.retain(|connection| connection.id != self.id);
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
        assert_eq!(online.disconnect_here(["device:1"]), 1, "the dropped connection is gone");
        assert!(a1.is_cancelled() && !a2.is_cancelled() && !b.is_cancelled());
    }

    #[test]
    fn a_recheck_keeps_the_connections_open_and_is_seen_once() {
        let online = Online::default();
        let (a, b) = (CancellationToken::new(), CancellationToken::new());
        let ga = online.register("user:1", a.clone());
        let gb = online.register("user:2", b.clone());
        assert!(!ga.access_changed(), "nothing changed yet");
        assert_eq!(online.recheck_here(["user:1"]), 1);
        assert!(!a.is_cancelled(), "still open");
        assert!(ga.access_changed(), "told to decide again");
        assert!(!ga.access_changed(), "once");
        assert!(!gb.access_changed(), "another principal is not told");
    }
}
