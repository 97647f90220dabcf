//! How much of its CPU this machine actually gets: a probe run before the
//! load, so that a slow run can be told apart from a slow host.
//!
//! On the project's virtual machine the host takes the CPU away from both
//! cores at once for 100–200 ms every two seconds or so, even when the
//! machine is idle (the guest sees no steal time). A fixed piece of
//! arithmetic that takes 0.4 ms then takes up to 5 ms (12 times as long). Latency under load
//! (`typing`) rises in exactly those moments, so the load check prints this
//! figure beside it.
//!
//! One thread per core repeats a fixed unit of work; for each 100-ms slot
//! the capacity is the work done against what the fastest unit allows.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// What the probe saw.
#[derive(Debug, Clone)]
pub struct HostReport {
    /// 100-ms slots measured (all cores together).
    pub slots: usize,
    /// Share of slots in which a core got less than half of its time, percent.
    pub below_half_pct: f64,
    /// Share of slots in which a core got less than 80 % of its time, percent.
    pub below_80_pct: f64,
    /// The worst slot's capacity, percent.
    pub worst_pct: f64,
}

const SLOT: Duration = Duration::from_millis(100);

/// Run the probe on every core for `duration`.
pub fn probe(duration: Duration) -> HostReport {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let threads: Vec<_> = (0..cores).map(|_| std::thread::spawn(move || one_core(duration))).collect();
    let mut capacities: Vec<f64> = Vec::new();
    for thread in threads {
        if let Ok(slots) = thread.join() {
            capacities.extend(slots);
        }
    }
    let share = |below: f64| {
        100.0 * capacities.iter().filter(|c| **c < below).count() as f64 / capacities.len().max(1) as f64
    };
    HostReport {
        slots: capacities.len(),
        below_half_pct: share(0.5),
        below_80_pct: share(0.8),
        worst_pct: 100.0 * capacities.iter().copied().fold(1.0, f64::min),
    }
}

/// Units of work per slot against the fastest unit: the core's capacity in each slot.
fn one_core(duration: Duration) -> Vec<f64> {
    let unit = |iterations: u64| {
        let mut x = 0u64;
        for _ in 0..iterations {
            x = black_box(x.wrapping_mul(1_103_515_245).wrapping_add(12_345));
        }
        x
    };
    // About 0.1 ms of work per unit on this machine: many units per slot.
    let iterations = 100_000;
    let start = Instant::now();
    let mut fastest = Duration::MAX;
    let mut slots = Vec::new();
    let mut slot_start = start;
    let mut units = 0u32;
    while start.elapsed() < duration {
        let began = Instant::now();
        black_box(unit(iterations));
        let took = began.elapsed();
        fastest = fastest.min(took);
        units += 1;
        if slot_start.elapsed() >= SLOT {
            slots.push((units, slot_start.elapsed()));
            slot_start = Instant::now();
            units = 0;
        }
    }
    slots
        .into_iter()
        .skip(2) // the first slots include the core waking up
        .map(|(units, length)| (fastest.as_secs_f64() * f64::from(units) / length.as_secs_f64()).min(1.0))
        .collect()
}
