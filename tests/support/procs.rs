//! The host's processes as `/proc` shows them: which are alive, which carry a mark.

/// Every process id `/proc` lists, zombies included.
pub fn pids() -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok()).collect()
}

/// True while `pid` names a process that has not exited (zombies count as gone).
pub fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command's name, which may itself hold `)`.
        Ok(stat) => !stat.rsplit(')').next().unwrap_or("").trim_start().starts_with('Z'),
        Err(_) => false,
    }
}

/// The live processes for which `pick` holds.
pub fn live_where(mut pick: impl FnMut(i32) -> bool) -> Vec<i32> {
    pids().into_iter().filter(|pid| alive(*pid) && pick(*pid)).collect()
}

/// The command line of `pid`: its arguments, each ended by a NUL (empty once it is gone).
pub fn cmdline(pid: i32) -> Vec<u8> {
    std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default()
}

/// Live processes whose command line, its arguments joined by spaces, contains `mark`.
pub fn processes_with(mark: &str) -> Vec<i32> {
    live_where(|pid| String::from_utf8_lossy(&cmdline(pid)).replace('\0', " ").contains(mark))
}
