//! The counters behind `GET /metrics`, written in the Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds of the run duration histogram, in seconds.
const BUCKETS: [f64; 14] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0];

/// The service's counters.
#[derive(Default)]
pub struct Metrics {
    /// Finished runs by (status, source).
    finished: Mutex<BTreeMap<(String, String), u64>>,
    /// Accepted runs by source.
    accepted: Mutex<BTreeMap<String, u64>>,
    /// Duration histogram: counts per bucket (cumulative when written), sum, count.
    durations: Mutex<([u64; BUCKETS.len()], f64, u64)>,
    /// Runs accepted and waiting for a slot.
    pub queued: AtomicU64,
    /// Runs executing.
    pub running: AtomicU64,
}

impl Metrics {
    /// Counts an accepted run.
    pub fn accepted(&self, source: &str) {
        if let Ok(mut map) = self.accepted.lock() {
            *map.entry(source.to_string()).or_default() += 1;
        }
    }

    /// Counts a finished run and its duration.
    pub fn finished(&self, status: &str, source: &str, seconds: f64) {
        if let Ok(mut map) = self.finished.lock() {
            *map.entry((status.to_string(), source.to_string())).or_default() += 1;
        }
        if let Ok(mut d) = self.durations.lock() {
            if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
                d.0[i] += 1;
            }
            d.1 += seconds;
            d.2 += 1;
        }
    }

    /// The text of `GET /metrics`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP symbi_runs_accepted_total Runs accepted, by source.\n");
        out.push_str("# TYPE symbi_runs_accepted_total counter\n");
        for (source, n) in self.accepted.lock().map(|m| m.clone()).unwrap_or_default() {
            let _ = writeln!(out, "symbi_runs_accepted_total{{source=\"{source}\"}} {n}");
        }
        out.push_str("# HELP symbi_runs_total Finished runs, by status and source.\n");
        out.push_str("# TYPE symbi_runs_total counter\n");
        for ((status, source), n) in self.finished.lock().map(|m| m.clone()).unwrap_or_default() {
            let _ = writeln!(out, "symbi_runs_total{{status=\"{status}\",source=\"{source}\"}} {n}");
        }
        out.push_str("# HELP symbi_run_duration_seconds Wall time of finished runs.\n");
        out.push_str("# TYPE symbi_run_duration_seconds histogram\n");
        let (counts, sum, count) = self.durations.lock().map(|d| *d).unwrap_or_default();
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(counts) {
            cumulative += n;
            let _ = writeln!(out, "symbi_run_duration_seconds_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "symbi_run_duration_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "symbi_run_duration_seconds_sum {sum}");
        let _ = writeln!(out, "symbi_run_duration_seconds_count {count}");
        out.push_str("# HELP symbi_queue_depth Runs accepted and waiting for a slot.\n");
        out.push_str("# TYPE symbi_queue_depth gauge\n");
        let _ = writeln!(out, "symbi_queue_depth {}", self.queued.load(Ordering::Relaxed));
        out.push_str("# HELP symbi_runs_in_flight Runs executing.\n");
        out.push_str("# TYPE symbi_runs_in_flight gauge\n");
        let _ = writeln!(out, "symbi_runs_in_flight {}", self.running.load(Ordering::Relaxed));
        out
    }
}
