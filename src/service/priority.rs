//! Runs below the service in priority: each run executes on a thread of its own whose nice
//! value is [`RUN_NICE`] above the service's, which its interpreter thread and every process
//! it starts inherit.
//!
//! On a busy machine (every core taken by runs and their processes), the threads that read
//! requests, commit the run store and write the 202 waited their turn among the runs: the
//! 202 took hundreds of milliseconds (docs/performance.md, "`symbi up`"). Below them, runs
//! still get every cycle the service does not need, so on an otherwise idle machine they lose
//! nothing; what they give up is the cycles the API needs to answer at once.
#![allow(unsafe_code, reason = "setpriority(2) for one thread; neither std nor nix wraps it")]

/// How much lower than the service's own nice value runs are (19 is the lowest).
pub const RUN_NICE: i32 = 10;

/// Runs `f` on a thread of its own, [`RUN_NICE`] lower in priority: not on the runtime's blocking pool, whose
/// threads serve the service too and could not get their priority back (raising it again
/// needs a privilege).
pub async fn on_run_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    let (done, outcome) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("symbi-run".into())
        .spawn(move || {
            lower_this_thread();
            let _ = done.send(f());
        })
        .map_err(|e| format!("cannot start the run's thread: {e}"))?;
    outcome.await.map_err(|_| "the run's thread ended without an outcome".to_string())
}

/// Lowers the calling thread's priority by [`RUN_NICE`] (to 19 at most); a failure leaves it
/// as it is. Also the start hook of the runtime that drives the runs' processes.
pub fn lower_this_thread() {
    // SAFETY: getpriority(2) and setpriority(2) take plain integers; with PRIO_PROCESS and a
    // thread id they read and change only that thread's priority (Linux keeps one per thread).
    unsafe {
        let tid = libc::gettid() as libc::id_t;
        let now = libc::getpriority(libc::PRIO_PROCESS, tid);
        libc::setpriority(libc::PRIO_PROCESS, tid, (now + RUN_NICE).min(19));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_thread_is_niced_and_the_caller_is_not() {
        let nice = || {
            std::fs::read_to_string("/proc/thread-self/stat").ok().and_then(|s| {
                s.rsplit(')')
                    .next()
                    .and_then(|rest| rest.split_whitespace().nth(16))
                    .and_then(|n| n.parse::<i32>().ok())
            })
        };
        let before = nice();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap_or_else(|e| panic!("{e}"));
        let inside = rt.block_on(on_run_thread(nice));
        assert_eq!(inside, Ok(before.map(|n| (n + RUN_NICE).min(19))));
        assert_eq!(nice(), before);
    }
}
