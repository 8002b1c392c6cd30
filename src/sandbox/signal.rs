//! Signal names, as every report of symbi spells them (`SIGKILL`, `SIGXCPU`, ...).

/// The name of signal `number` (`SIGTERM`), or `signal N` for one without a name (a
/// real-time signal).
pub fn signal_name(number: i32) -> String {
    nix::sys::signal::Signal::try_from(number)
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|_| format!("signal {number}"))
}

#[cfg(test)]
mod tests {
    use super::signal_name;

    #[test]
    fn named_and_unnamed_signals() {
        assert_eq!(signal_name(libc::SIGKILL), "SIGKILL");
        assert_eq!(signal_name(libc::SIGXCPU), "SIGXCPU");
        assert_eq!(signal_name(libc::SIGRTMIN() + 1), format!("signal {}", libc::SIGRTMIN() + 1));
    }
}
