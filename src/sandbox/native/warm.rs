//! What the first native call of a process would otherwise do first, done beside the run's
//! own start-up instead.
//!
//! Once per process the runner learns whether calls get their own namespaces (a probe
//! starts one whole init: `pidns`), which cgroup hierarchies it may use (and collects the
//! groups a killed symbi left: `cgroup`). A `symbi run` of one call paid both before its
//! call, after parsing and checking, and `symbi up` in its first run; started on a thread of
//! its own as soon as native execution is consented, they overlap with that work on another
//! core, and the probe's fork copies the smaller address space of a process that has not
//! yet parsed anything.
//! Both are `OnceLock`s: a call that comes first waits for the thread's answer, never
//! computes a second one.

use super::{cgroup, pidns};

/// Starts the once-per-process probes on a thread of its own (at most once).
pub fn warm_up() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // No thread to spare: the first call probes, as it would have anyway.
        let _ = std::thread::Builder::new().name("symbi-warm-up".into()).spawn(|| {
            pidns::available();
            cgroup::host();
        });
    });
}
