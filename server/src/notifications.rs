//! Notifications: telling a member by e-mail (or Web Push) that something
//! in a plan needs them, instead of waiting until they open it.
//!
//! Why: in today's SIP systems staff are told to log in and look. Here the
//! relay sees every change as it stores it, so it can say so, as 1177
//! does: only that something in "a plan in Samplan" needs them, and a
//! link; no names, no plan text (the message crosses mail servers the
//! region does not run).
//!
//! - [`events`]: which events are new. A stored change marks its document
//!   ([`Watch::changed`]); a task reads the plan and its self-report
//!   document again, asks `shared::notices` for the events, and puts the
//!   new ones in the outbox for each recipient and channel, in one
//!   transaction with remembering them as told. Due dates are found by the
//!   same reading once an hour for every plan.
//! - [`outbox`]: the durable outbox table and its states.
//! - [`mail`]: the e-mail itself (lettre), with the meeting's calendar file.
//! - [`sender`]: the task that sends what is due, retries with backoff, and
//!   writes each sending and its outcome in the audit log.
//! - [`push`]: Web Push (RFC 8030, 8291, 8292) to devices that allowed it.
//! - [`settings`]: what each member wants (at once, daily, none; push), and
//!   the devices that allowed push.
//!
//! With neither an SMTP server nor a VAPID key configured none of it runs,
//! and nothing is stored.

pub mod events;
pub mod mail;
pub mod outbox;
pub mod push;
pub mod sender;
pub mod settings;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use shared::swedish_time::ClockTime;
use shared::DocumentId;
use tokio::sync::Notify;

/// The principal of the notifier in the audit log.
pub const NOTIFIER: &str = "system:notifications";

/// How notifications go out; nothing goes out without an SMTP server.
#[derive(Debug, Clone)]
pub struct NotificationConfig {
    /// `smtp://host:port`, `smtps://user:pass@host` or `smtp://host?tls=required`
    /// (lettre's URL form); `None`: no e-mail is sent.
    pub smtp_url: Option<String>,
    /// The sender address (`Samplan <noreply@kommun.se>`).
    pub smtp_from: String,
    /// The VAPID private key (PKCS#8 PEM, P-256) for Web Push; `None`: no push.
    pub vapid_key_file: Option<PathBuf>,
    /// Who runs this server, told to push services (`mailto:…`).
    pub vapid_subject: String,
    /// Accept push endpoints on `http://` and on loopback or private
    /// addresses (`push::endpoint_allowed`): for tests with a local push
    /// service only.
    pub push_to_local: bool,
    /// The first retry after a failed sending; each next waits twice as
    /// long, at most [`MAX_RETRY_WAIT`].
    pub retry_after: Duration,
    /// When daily summaries go out.
    pub digest: DigestSchedule,
    /// How often every plan is read for due dates.
    pub sweep_every: Duration,
    /// A sending claimed longer ago than this belongs to a relay that
    /// stopped mid-send, and is sent again (`outbox::CLAIM_TIMEOUT`).
    pub claim_timeout: Duration,
}

impl Default for NotificationConfig {
    fn default() -> NotificationConfig {
        NotificationConfig {
            smtp_url: None,
            smtp_from: "Samplan <noreply@localhost>".into(),
            vapid_key_file: None,
            vapid_subject: "mailto:noreply@localhost".into(),
            push_to_local: false,
            retry_after: Duration::from_secs(30),
            digest: DigestSchedule::Daily(DEFAULT_DIGEST_AT),
            sweep_every: Duration::from_secs(3600),
            claim_timeout: outbox::CLAIM_TIMEOUT,
        }
    }
}

impl NotificationConfig {
    /// Whether anything is to be sent at all.
    pub fn enabled(&self) -> bool {
        self.smtp_url.is_some() || self.vapid_key_file.is_some()
    }
}

/// The daily summary's default time: 07:00 on the Swedish clock.
pub const DEFAULT_DIGEST_AT: ClockTime = ClockTime { hour: 7, minute: 0 };

/// When daily summaries go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestSchedule {
    /// Each day at this time on the Swedish clock (`--digest-at`): the same
    /// hour on the wall in winter (CET) and in summer (CEST).
    Daily(ClockTime),
    /// Once per `period`, at `offset` into it (from 1970-01-01 00:00 UTC):
    /// for tests, where a "day" is a few seconds.
    Every {
        /// How often.
        period: Duration,
        /// When in the period.
        offset: Duration,
    },
}

/// What this server can send, as the settings tell members.
#[derive(Debug, Clone, Default)]
pub struct Available {
    /// E-mail: an SMTP server is configured.
    pub email: bool,
    /// Web Push: this server's VAPID public key, for the browser's
    /// `applicationServerKey`.
    pub push_key: Option<String>,
    /// Push endpoints may be local (`NotificationConfig::push_to_local`).
    pub push_to_local: bool,
}

/// The longest wait between two tries of one sending.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(3600);

/// The documents changed since the notifier last looked; given to the
/// document tasks, which mark what they stored. Does nothing when
/// notifications are off.
#[derive(Clone, Debug, Default)]
pub struct Watch {
    inner: Option<Arc<WatchInner>>,
}

#[derive(Debug, Default)]
struct WatchInner {
    /// A `std` mutex: held only to insert or take the set, never across an `.await`.
    changed: Mutex<HashSet<DocumentId>>,
    wake: Notify,
}

impl Watch {
    /// A watch that collects changes (notifications are on).
    pub fn on() -> Watch {
        Watch { inner: Some(Arc::default()) }
    }

    /// `document` was stored with a change.
    pub fn changed(&self, document: DocumentId) {
        if let Some(inner) = &self.inner {
            inner.changed.lock().unwrap_or_else(|p| p.into_inner()).insert(document);
            inner.wake.notify_one();
        }
    }

    /// The documents changed since the last call; waits until there is one.
    async fn next(&self) -> Vec<DocumentId> {
        let Some(inner) = &self.inner else { return std::future::pending().await };
        loop {
            let taken = self.take();
            if !taken.is_empty() {
                return taken;
            }
            inner.wake.notified().await;
        }
    }

    /// The documents changed since the last call, without waiting.
    fn take(&self) -> Vec<DocumentId> {
        let Some(inner) = &self.inner else { return Vec::new() };
        inner.changed.lock().unwrap_or_else(|p| p.into_inner()).drain().collect()
    }
}
