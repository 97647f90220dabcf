//! The task that sends what the outbox holds when it is due: each event
//! alone for members who want e-mail at once, one summary per member for
//! those who want it daily, and a push message per event to each device of
//! the member that allowed push (a push retried after a temporary failure
//! of one device may come twice to another). Temporary failures are tried again after
//! [`NotificationConfig::retry_after`], twice as long each time (at most
//! [`MAX_RETRY_WAIT`]); every sending and its outcome is in the audit log.
//!
//! Order of the steps, so that a crash cannot lose a notice or send one
//! twice except in the window SMTP itself leaves: the rows are claimed
//! (`sending`, committed) before the message goes out, and marked `sent`
//! after the server accepted it. A crash after the server's "250 OK" and
//! before that commit sends the message once more when the claim times out
//! (with the same Message-ID); a crash before it sends it for the first time.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use shared::notices::{meeting_calendar_file, NoticeKind};
use shared::DocumentId;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::mail::{self, CalendarFile, Delivery, Line, Smtp};
use super::outbox::{self, Outcome, Outgoing};
use super::push::{self, PushDelivery, Vapid};
use super::{settings, NotificationConfig, MAX_RETRY_WAIT};
use crate::access::now_millis;
use crate::storage::Store;

/// What the sender needs.
#[derive(Clone)]
pub struct Sender {
    /// The database and the plans (for calendar files).
    pub store: Store,
    /// Retry and summary timing, the sender address.
    pub config: NotificationConfig,
    /// The address people use to reach the app, for the links.
    pub public_url: String,
    /// This relay, in the outbox's claims.
    pub relay: String,
    /// The mail server, if e-mail is on.
    pub smtp: Option<Smtp>,
    /// This server's VAPID key, if push is on.
    pub vapid: Option<Arc<Vapid>>,
    /// The HTTP client push requests go through.
    pub http: reqwest::Client,
}

impl Sender {
    /// Send what is due whenever woken, and at least every few seconds,
    /// until `shutdown`.
    pub async fn run(self, wake: Arc<Notify>, shutdown: CancellationToken) {
        let tick = (self.config.retry_after / 2).clamp(Duration::from_millis(50), Duration::from_secs(5));
        loop {
            if let Err(error) = self.send_due(&shutdown).await {
                tracing::error!(%error, "could not send notifications; tried again shortly");
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = wake.notified() => {}
                () = tokio::time::sleep(tick) => {}
            }
        }
    }

    /// Send everything that is due now; once `shutdown` is cancelled, the
    /// message in flight is finished (sent and recorded) and the rest of
    /// the claimed ones are given back, not sent.
    pub async fn send_due(&self, shutdown: &CancellationToken) -> Result<(), sqlx::Error> {
        if self.smtp.is_some() {
            self.send_due_email(shutdown).await?;
        }
        if self.vapid.is_some() {
            self.send_due_push(shutdown).await?;
        }
        Ok(())
    }

    /// Send every push message that is due now: one per event, to each of
    /// the member's devices that allowed push.
    async fn send_due_push(&self, shutdown: &CancellationToken) -> Result<(), sqlx::Error> {
        let db = self.store.database();
        let due = outbox::due(&db, "push", self.config.claim_timeout).await?;
        if due.is_empty() {
            return Ok(());
        }
        let claimed = outbox::claim(&db, &self.relay, due, self.config.claim_timeout).await?;
        for (done, row) in claimed.iter().enumerate() {
            if shutdown.is_cancelled() {
                return outbox::release(&db, &self.relay, &claimed[done..]).await;
            }
            let outcome = self.push(row).await;
            outbox::finish(&db, std::slice::from_ref(row), &outcome).await?;
        }
        Ok(())
    }

    async fn push(&self, row: &Outgoing) -> Outcome {
        let Some(vapid) = &self.vapid else { return Outcome::Failed { error: "push är avstängt".into() } };
        let Some(kind) = NoticeKind::parse(&row.kind) else {
            return Outcome::Failed { error: format!("okänd händelse {}", row.kind) };
        };
        let db = self.store.database();
        let devices = match settings::subscriptions(&db, &row.principal).await {
            Ok(devices) => devices,
            Err(error) => return self.retry(row.attempts, error.to_string()),
        };
        // The same words as the e-mail, and the link; nothing else. The
        // tag (one notification per event on the device) is a digest of
        // the event's key, which may hold a meeting's day and time.
        let tag = {
            use sha2::Digest as _;
            let digest = sha2::Sha256::digest(format!("{}\n{}", row.document_id, row.event_key));
            digest.iter().take(8).map(|b| format!("{b:02x}")).collect::<String>()
        };
        let payload = serde_json::json!({
            "title": "Samplan",
            "body": kind.words(),
            "url": self.link(&row.principal, &row.document_id),
            "tag": tag,
        })
        .to_string();
        let (mut sent, mut temporary, mut refused) = (0, Vec::new(), Vec::new());
        for device in &devices {
            // One stored before the endpoint rule, or under another setting.
            if !push::endpoint_allowed(&device.endpoint, self.config.push_to_local) {
                let _ = settings::remove_subscription(&db, None, &device.endpoint).await;
                refused.push("push-adressen är inte tillåten".to_string());
                continue;
            }
            match push::send(&self.http, vapid, device, payload.as_bytes()).await {
                PushDelivery::Accepted => sent += 1,
                PushDelivery::Gone => {
                    let _ = settings::remove_subscription(&db, None, &device.endpoint).await;
                }
                PushDelivery::Temporary(error) => temporary.push(error),
                PushDelivery::Permanent(error) => refused.push(error),
            }
        }
        if !temporary.is_empty() {
            self.retry(row.attempts, temporary.join("; "))
        } else if sent > 0 {
            Outcome::Sent
        } else {
            let error =
                if refused.is_empty() { "ingen enhet tar emot push".into() } else { refused.join("; ") };
            Outcome::Failed { error }
        }
    }

    /// Send every e-mail that is due now.
    async fn send_due_email(&self, shutdown: &CancellationToken) -> Result<(), sqlx::Error> {
        let db = self.store.database();
        let due = outbox::due(&db, "email", self.config.claim_timeout).await?;
        if due.is_empty() {
            return Ok(());
        }
        let claimed = outbox::claim(&db, &self.relay, due, self.config.claim_timeout).await?;
        let mut messages: Vec<Vec<Outgoing>> = Vec::new();
        let mut digests: BTreeMap<String, Vec<Outgoing>> = BTreeMap::new();
        for row in claimed {
            if row.digest {
                digests.entry(row.principal.clone()).or_default().push(row);
            } else {
                messages.push(vec![row]);
            }
        }
        messages.extend(digests.into_values());
        for (done, rows) in messages.iter().enumerate() {
            if shutdown.is_cancelled() {
                let rest: Vec<Outgoing> = messages[done..].iter().flatten().cloned().collect();
                return outbox::release(&db, &self.relay, &rest).await;
            }
            let outcome = self.send(rows).await;
            outbox::finish(&db, rows, &outcome).await?;
        }
        Ok(())
    }

    /// Send one message of `rows` (all to one member).
    async fn send(&self, rows: &[Outgoing]) -> Outcome {
        let Some(first) = rows.first() else { return Outcome::Sent };
        let digest = first.digest;
        let address = match settings::read(&self.store.database(), &first.principal).await {
            Ok(settings) => settings.email.trim().to_string(),
            Err(error) => return self.retry(first.attempts, error.to_string()),
        };
        if address.is_empty() {
            return Outcome::Failed { error: "ingen e-postadress".into() };
        }
        let lines: Vec<Line> = rows
            .iter()
            .filter_map(|row| {
                Some(Line {
                    kind: NoticeKind::parse(&row.kind)?,
                    link: self.link(&row.principal, &row.document_id),
                })
            })
            .collect();
        let mut calendars = Vec::new();
        for row in rows.iter().filter(|row| !row.meeting.is_empty()) {
            if let Some(text) = self.calendar(row).await {
                calendars.push(CalendarFile { name: "mote.ics".into(), text });
            }
        }
        let ids: Vec<String> = rows.iter().map(|row| row.id.to_string()).collect();
        let id = format!("notice-{}", ids.join("-"));
        let message = match mail::message(&self.config.smtp_from, &address, &id, &lines, digest, &calendars) {
            Ok(message) => message,
            Err(error) => return Outcome::Failed { error: error.to_string() },
        };
        let Some(smtp) = &self.smtp else { return Outcome::Failed { error: "e-post är avstängt".into() } };
        match smtp.send(message).await {
            Delivery::Accepted => Outcome::Sent,
            Delivery::Temporary(error) => self.retry(first.attempts, error),
            Delivery::Permanent(error) => Outcome::Failed { error },
        }
    }

    fn retry(&self, attempts: i64, error: String) -> Outcome {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
        let wait = self.config.retry_after.saturating_mul(2u32.saturating_pow(doublings)).min(MAX_RETRY_WAIT);
        Outcome::Retry { error, retry_at: now_millis() + wait.as_millis() as i64 }
    }

    /// The plan's page for staff; Min plan for the person's device.
    fn link(&self, principal: &str, document: &str) -> String {
        let base = self.public_url.trim_end_matches('/');
        if principal.starts_with("device:") {
            format!("{base}/min-plan")
        } else {
            format!("{base}/plan/{document}")
        }
    }

    async fn calendar(&self, row: &Outgoing) -> Option<String> {
        let id = DocumentId::parse_url_or_id(&row.document_id).ok()?;
        let loaded = self.store.load(&id).await.ok()?;
        let plan = shared::plan::read_plan(&loaded.doc).ok()?;
        let link = self.link(&row.principal, &row.document_id);
        meeting_calendar_file(&plan, &row.document_id, &row.meeting, &link, now_millis())
    }
}
