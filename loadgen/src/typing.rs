//! The typing scenario of automerge-repo issue 207, as in a SIP meeting:
//! plans of three participants, each typing six characters per second into
//! the same text, many plans at once. Every keystroke also bumps the
//! typist's counter in the document, so a peer that receives it knows which
//! keystrokes arrived and how long each took from the typist's edit to its
//! own screen (one process, one clock).
//!
//! The number of plans ramps up stage by stage; each stage reports
//! edit-to-peer latency p50/p99/max, edits per second and the servers' CPU
//! time per 1,000 edits, and the ramp stops at the first stage whose p99
//! passes the limit. The last stage within the limit is the maximum
//! sustained load. With several relays, the participants of a plan are
//! spread over them (one after the other), so that edits cross relays.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use shared::DocumentId;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::peer::{Event, Peer};

/// Participants per plan.
pub const PARTICIPANTS: usize = 3;
/// Keystrokes per second per participant.
pub const KEYSTROKES_PER_SECOND: u64 = 6;

/// The figures of one stage.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Plans typing at once.
    pub plans: usize,
    /// Keystrokes made per second during the window.
    pub edits_per_second: f64,
    /// Keystrokes that arrived at a peer during the window.
    pub deliveries: usize,
    /// Edit-to-peer latency, milliseconds.
    pub p50_ms: f64,
    /// Edit-to-peer latency, milliseconds.
    pub p99_ms: f64,
    /// Edit-to-peer latency, milliseconds.
    pub max_ms: f64,
    /// Peers that failed (connection lost, error from the server).
    pub failures: u64,
    /// Keystrokes made during the window.
    pub edits: u64,
    /// CPU time of the server processes during the window, seconds.
    pub server_cpu_seconds: Option<f64>,
    /// CPU time of the database's processes during the window (PostgreSQL), seconds.
    pub database_cpu_seconds: Option<f64>,
}

/// CPU time readings, seconds: the servers', the database's (if separate).
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuReading {
    pub server: Option<f64>,
    pub database: Option<f64>,
}

/// Milliseconds of CPU per 1,000 edits: `seconds` over `edits`.
pub fn cpu_ms_per_1000_edits(seconds: f64, edits: u64) -> Option<f64> {
    (edits > 0).then(|| seconds * 1000.0 / edits as f64 * 1000.0)
}

impl Stage {
    /// One line for the report.
    pub fn line(&self) -> String {
        format!(
            "{:>5} plans  {:>7.0} edits/s  p50 {:>8.2} ms  p99 {:>8.2} ms  max {:>8.2} ms  ({} deliveries, {} failures)",
            self.plans, self.edits_per_second, self.p50_ms, self.p99_ms, self.max_ms, self.deliveries, self.failures
        ) + &self.cpu_line()
    }

    /// The servers' CPU per 1,000 edits, milliseconds.
    pub fn server_cpu_ms_per_1000_edits(&self) -> Option<f64> {
        cpu_ms_per_1000_edits(self.server_cpu_seconds?, self.edits)
    }

    /// The database's CPU per 1,000 edits, milliseconds.
    pub fn database_cpu_ms_per_1000_edits(&self) -> Option<f64> {
        cpu_ms_per_1000_edits(self.database_cpu_seconds?, self.edits)
    }

    fn cpu_line(&self) -> String {
        let mut line = String::new();
        if let Some(server) = self.server_cpu_ms_per_1000_edits() {
            line += &format!("  server CPU {server:.0} ms/1000 edits");
        }
        if let Some(database) = self.database_cpu_ms_per_1000_edits() {
            line += &format!(" + PostgreSQL {database:.0}");
        }
        line
    }
}

/// Latencies and counts shared by every participant.
#[derive(Default)]
struct Recorder {
    measuring: AtomicBool,
    latencies_micros: Mutex<Vec<u32>>,
    /// With `LOADGEN_TIMELINE` set: (arrival, latency) of every delivery,
    /// printed as a timeline of 100-ms slots, to see whether slow
    /// deliveries come together (something shared) or alone.
    timeline: Mutex<Vec<(Instant, u32)>>,
    /// Whether `LOADGEN_TIMELINE` is set (read once, not per delivery).
    keep_timeline: bool,
    edits: AtomicU64,
    failures: AtomicU64,
}

impl Recorder {
    fn delivered(&self, latency: Duration) {
        if self.measuring.load(Ordering::Relaxed) {
            let micros = u32::try_from(latency.as_micros()).unwrap_or(u32::MAX);
            self.latencies_micros.lock().unwrap_or_else(|p| p.into_inner()).push(micros);
            if self.keep_timeline {
                self.timeline.lock().unwrap_or_else(|p| p.into_inner()).push((Instant::now(), micros));
            }
        }
    }

    fn edited(&self) {
        if self.measuring.load(Ordering::Relaxed) {
            self.edits.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn print_timeline(&self) {
        let timeline = std::mem::take(&mut *self.timeline.lock().unwrap_or_else(|p| p.into_inner()));
        let Some(start) = timeline.first().map(|(at, _)| *at) else { return };
        let start_unix = (std::time::SystemTime::now() - start.elapsed())
            .duration_since(std::time::UNIX_EPOCH)
            .map(|since| since.as_secs_f64())
            .unwrap_or(0.0);
        // Per 100-ms slot: deliveries, those over 20 ms, the slowest.
        let mut slots: Vec<(usize, usize, u32)> = Vec::new();
        for (at, micros) in timeline {
            let slot = (at.duration_since(start).as_millis() / 100) as usize;
            if slots.len() <= slot {
                slots.resize(slot + 1, (0, 0, 0));
            }
            let (count, slow, max) = &mut slots[slot];
            *count += 1;
            *slow += usize::from(micros > 20_000);
            *max = (*max).max(micros);
        }
        for (slot, (count, slow, max)) in slots.into_iter().enumerate() {
            if slow > 0 {
                eprintln!(
                    "  at {:.1} s (Unix time)  t={:>5} ms  {count:>4} deliveries  {slow:>4} over 20 ms  max {:>6.1} ms",
                    start_unix + slot as f64 * 0.1,
                    slot * 100,
                    f64::from(max) / 1000.0
                );
            }
        }
    }

    fn start_window(&self) {
        self.latencies_micros.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.edits.store(0, Ordering::Relaxed);
        self.failures.store(0, Ordering::Relaxed);
        self.measuring.store(true, Ordering::Relaxed);
    }

    fn end_window(&self, plans: usize, window: Duration, before: CpuReading, after: CpuReading) -> Stage {
        self.measuring.store(false, Ordering::Relaxed);
        let mut latencies =
            std::mem::take(&mut *self.latencies_micros.lock().unwrap_or_else(|p| p.into_inner()));
        latencies.sort_unstable();
        self.print_timeline();
        let at = |fraction: f64| -> f64 {
            if latencies.is_empty() {
                return f64::INFINITY;
            }
            let index = ((latencies.len() as f64 * fraction) as usize).min(latencies.len() - 1);
            f64::from(latencies[index]) / 1000.0
        };
        let edits = self.edits.load(Ordering::Relaxed);
        let spent = |before: Option<f64>, after: Option<f64>| Some(after? - before?);
        Stage {
            plans,
            edits,
            server_cpu_seconds: spent(before.server, after.server),
            database_cpu_seconds: spent(before.database, after.database),
            edits_per_second: edits as f64 / window.as_secs_f64(),
            deliveries: latencies.len(),
            p50_ms: at(0.50),
            p99_ms: at(0.99),
            max_ms: latencies.last().map(|m| f64::from(*m) / 1000.0).unwrap_or(f64::INFINITY),
            failures: self.failures.load(Ordering::Relaxed),
        }
    }
}

/// When each participant of one plan made each keystroke.
type Clock = Arc<Mutex<[Vec<Instant>; PARTICIPANTS]>>;

fn counter_key(participant: usize) -> String {
    format!("n{participant}")
}

fn counter(doc: &AutoCommit, participant: usize) -> u64 {
    match doc.get(ROOT, counter_key(participant)) {
        Ok(Some((Value::Scalar(value), _))) => match value.as_ref() {
            ScalarValue::Uint(n) => *n,
            ScalarValue::Int(n) => u64::try_from(*n).unwrap_or(0),
            _ => 0,
        },
        _ => 0,
    }
}

/// The relay participant `participant` of plan `plan` connects to: one
/// after the other, starting at a different relay for every plan.
fn relay_of(relays: usize, plan: usize, participant: usize) -> usize {
    (plan + participant) % relays.max(1)
}

/// Start one plan: the first participant creates it, the others fetch it,
/// then all three type until `stop`.
async fn start_plan(
    urls: Vec<String>,
    plan: usize,
    recorder: Arc<Recorder>,
    stop: CancellationToken,
) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let id = DocumentId::random();
    let mut created = AutoCommit::new();
    created.put_object(ROOT, "text", ObjType::Text)?;
    for participant in 0..PARTICIPANTS {
        created.put(ROOT, counter_key(participant), 0u64)?;
    }
    let url =
        |participant: usize| urls.get(relay_of(urls.len(), plan, participant)).cloned().unwrap_or_default();
    let mut creator =
        Peer::connect(&url(0), format!("plan{plan}-p0")).await.context("the first participant connects")?;
    creator.sync.open(id);
    creator.push(id, &mut created).await?;
    creator
        .until(&mut created, Duration::from_secs(30), |sync, doc| sync.is_synced(&id, doc))
        .await
        .with_context(|| format!("the server confirms plan {plan}"))?;
    let clock: Clock = Arc::default();
    let mut participants = vec![(creator, created)];
    for participant in 1..PARTICIPANTS {
        let mut peer = Peer::connect(&url(participant), format!("plan{plan}-p{participant}")).await?;
        let mut doc = AutoCommit::new();
        peer.sync.open(id);
        peer.push(id, &mut doc).await?;
        peer.until(&mut doc, Duration::from_secs(30), |_, doc| {
            doc.get(ROOT, "text").ok().flatten().is_some()
        })
        .await
        .with_context(|| format!("participant {participant} of plan {plan} gets the plan"))?;
        participants.push((peer, doc));
    }
    Ok(participants
        .into_iter()
        .enumerate()
        .map(|(me, (peer, doc))| {
            let typist = Typist {
                me,
                id,
                peer,
                doc,
                clock: clock.clone(),
                recorder: recorder.clone(),
                seen: [0; PARTICIPANTS],
            };
            tokio::spawn(typist.run(stop.clone()))
        })
        .collect())
}

struct Typist {
    me: usize,
    id: DocumentId,
    peer: Peer,
    doc: AutoCommit,
    clock: Clock,
    recorder: Arc<Recorder>,
    seen: [u64; PARTICIPANTS],
}

impl Typist {
    async fn run(mut self, stop: CancellationToken) {
        let period = Duration::from_micros(1_000_000 / KEYSTROKES_PER_SECOND);
        // Spread the participants' keystrokes over the period.
        let offset = period.mul_f64(spread_fraction(self.id, self.me));
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + offset, period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let result: anyhow::Result<()> = async {
            loop {
                tokio::select! {
                    () = stop.cancelled() => return Ok(()),
                    _ = tick.tick() => self.keystroke().await?,
                    message = self.peer.next_message() => {
                        let message = message?;
                        if let Event::Changed = self.peer.handle(message, &mut self.doc).await? {
                            self.note_arrivals();
                        }
                    }
                }
            }
        }
        .await;
        if let Err(error) = result {
            if !stop.is_cancelled() {
                eprintln!("participant {} failed: {error:#}", self.me);
                self.recorder.failures.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.peer.close().await;
    }

    async fn keystroke(&mut self) -> anyhow::Result<()> {
        let seq = counter(&self.doc, self.me) + 1;
        let text = match self.doc.get(ROOT, "text")? {
            Some((_, text)) => text,
            None => anyhow::bail!("the plan has no text"),
        };
        let at = self.doc.length(&text);
        self.doc.splice_text(&text, at, 0, "a")?;
        self.doc.put(ROOT, counter_key(self.me), seq)?;
        self.doc.commit();
        self.clock.lock().unwrap_or_else(|p| p.into_inner())[self.me].push(Instant::now());
        self.recorder.edited();
        self.peer.push(self.id, &mut self.doc).await
    }

    /// Record the latency of every keystroke of the others that just arrived.
    fn note_arrivals(&mut self) {
        let now = Instant::now();
        let clock = self.clock.lock().unwrap_or_else(|p| p.into_inner());
        for other in (0..PARTICIPANTS).filter(|p| *p != self.me) {
            let arrived = counter(&self.doc, other);
            for seq in self.seen[other] + 1..=arrived {
                if let Some(sent) = usize::try_from(seq - 1).ok().and_then(|i| clock[other].get(i)) {
                    self.recorder.delivered(now.saturating_duration_since(*sent));
                }
            }
            self.seen[other] = self.seen[other].max(arrived);
        }
    }
}

/// A fraction in [0, 1) from the plan id and participant, to spread keystrokes.
fn spread_fraction(id: DocumentId, participant: usize) -> f64 {
    let bytes = id.as_bytes();
    let n = u64::from(bytes[0]) << 8 | u64::from(bytes[1]);
    ((n + participant as u64 * 21_845) % 65_536) as f64 / 65_536.0
}

/// How long a plan may take to start (its peers connected and its
/// document confirmed) before it counts as failed.
const START_LIMIT: Duration = Duration::from_secs(60);

/// Ramp the number of plans through `stages` on the relays at `urls`,
/// measuring each for `window` after `warmup` (CPU time from `cpu`); stop
/// after the first stage whose p99 exceeds `stop_ms` (where the server has
/// broken down) or where a peer failed.
pub async fn ramp(
    urls: &[String],
    stages: &[usize],
    warmup: Duration,
    window: Duration,
    stop_ms: f64,
    cpu: &dyn Fn() -> CpuReading,
) -> anyhow::Result<Vec<Stage>> {
    let recorder = Arc::new(Recorder {
        keep_timeline: std::env::var_os("LOADGEN_TIMELINE").is_some(),
        ..Recorder::default()
    });
    let stop = CancellationToken::new();
    let mut tasks = Vec::new();
    let mut plans = 0;
    let mut results = Vec::new();
    for &target in stages {
        // Plans that could not start (the server refused or dropped their
        // peers, or died): counted as failures of this stage, which ends the ramp.
        let mut not_started = 0;
        while plans < target && not_started == 0 {
            let batch = (target - plans).min(20);
            // A server too busy to answer at all must not hold the run:
            // a plan not started within `START_LIMIT` counts as failed.
            let starting: Vec<_> = (plans..plans + batch)
                .map(|plan| {
                    tokio::time::timeout(
                        START_LIMIT,
                        start_plan(urls.to_vec(), plan, recorder.clone(), stop.clone()),
                    )
                })
                .collect();
            for started in futures::future::join_all(starting).await {
                match started {
                    Ok(Ok(typists)) => tasks.extend(typists),
                    Ok(Err(error)) => {
                        eprintln!("a plan did not start: {error:#}");
                        not_started += 1;
                    }
                    Err(_) => {
                        eprintln!("a plan did not start within {} s", START_LIMIT.as_secs());
                        not_started += 1;
                    }
                }
            }
            plans += batch;
        }
        tokio::time::sleep(warmup).await;
        let before = cpu();
        recorder.start_window();
        tokio::time::sleep(window).await;
        let mut stage = recorder.end_window(target, window, before, cpu());
        stage.failures += not_started;
        println!("  {}", stage.line());
        let over = stage.p99_ms > stop_ms || stage.failures > 0;
        results.push(stage);
        if over {
            break;
        }
    }
    stop.cancel();
    // Typists stop at the cancel; one stuck on a dead socket is left.
    let _ = tokio::time::timeout(START_LIMIT, futures::future::join_all(tasks)).await;
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_per_thousand_edits_is_milliseconds_per_thousand() {
        // 7.2 s of CPU over 14,400 keystrokes (100 plans for 8 s): 0.5 ms each.
        let per_1000 = cpu_ms_per_1000_edits(7.2, 14_400).expect("edits were made");
        assert!((per_1000 - 500.0).abs() < 1e-6, "{per_1000}");
        assert_eq!(cpu_ms_per_1000_edits(1.0, 0), None);
    }

    #[test]
    fn two_relays_share_every_plan_and_each_starts_plans() {
        for plan in 0..4 {
            let relays: Vec<usize> = (0..PARTICIPANTS).map(|p| relay_of(2, plan, p)).collect();
            assert!(relays.contains(&0) && relays.contains(&1), "plan {plan}: {relays:?}");
        }
        assert_ne!(relay_of(2, 0, 0), relay_of(2, 1, 0));
        assert!((0..PARTICIPANTS).all(|p| relay_of(1, 7, p) == 0));
    }
}
