//! The limits of a run in plain words, for the human transcript: sizes in MiB/GiB, a core
//! limit that the machine's CPUs make moot said to be no limit, and what is off said so.

use crate::sandbox::Limits;
use crate::syntax::spelling::format_duration;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// A byte count in the largest binary unit that divides it exactly (`10 MiB`, `4 KiB`,
/// `1000 bytes`).
pub fn bytes(n: u64) -> String {
    for (size, unit) in [(GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")] {
        if n >= size && n.is_multiple_of(size) {
            return format!("{} {unit}", n / size);
        }
    }
    if n == 1 { "1 byte".to_string() } else { format!("{n} bytes") }
}

/// A core count: `1 core`, `1.5 cores`, `4 cores`.
pub fn cores(c: f64) -> String {
    if c == 1.0 { "1 core".to_string() } else { format!("{c} cores") }
}

/// The limits of each command in one line. `cpus` is how many CPUs symbi may use (`None`
/// when unknown): a core limit of at least that many limits nothing, and the line says so
/// rather than promise a limit no runner applies. `verbose` adds the limits most runs never
/// meet (file size, open files).
pub fn describe_limits(l: &Limits, cpus: Option<usize>, verbose: bool) -> String {
    let mut parts = Vec::new();
    if l.enforce {
        parts.push(match l.max_memory_mb {
            Some(mb) => format!("memory {}", bytes(mb.saturating_mul(MIB))),
            None => "no memory limit".to_string(),
        });
        parts.push(match l.max_cpu_seconds {
            Some(s) => format!("CPU time {}", format_duration(s.saturating_mul(1000))),
            None => "no CPU time limit".to_string(),
        });
        parts.push(match (l.max_cpu_cores, cpus) {
            (Some(c), Some(n)) if c >= n as f64 => format!("no core limit ({c} ≥ {n} available)"),
            (Some(c), _) => cores(c),
            (None, _) => "no core limit".to_string(),
        });
    } else {
        parts.push(
            "no memory, CPU or process limit (native_execution.enforce_resource_limits = false)".to_string(),
        );
    }
    parts.push(format!("timeout {}", format_duration(l.timeout.as_millis() as u64)));
    parts.push(format!("output cap {} per stream", bytes(l.max_output_bytes)));
    if l.enforce {
        parts.push(match l.max_processes {
            Some(1) => "1 process".to_string(),
            Some(p) => format!("{p} processes"),
            None => "no process limit".to_string(),
        });
        if verbose {
            parts.push(match l.max_file_size_bytes {
                Some(b) => format!("files written up to {}", bytes(b)),
                None => "no file size limit".to_string(),
            });
            parts.push(match l.max_open_files {
                Some(n) => format!("{n} open files"),
                None => "no open file limit".to_string(),
            });
        }
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_read_plainly() {
        let l = Limits::default();
        assert_eq!(
            describe_limits(&l, Some(8), false),
            "memory 2 GiB, CPU time 5m, 4 cores, timeout 5m, output cap 10 MiB per stream, 256 processes"
        );
        assert_eq!(
            describe_limits(&l, Some(8), true),
            "memory 2 GiB, CPU time 5m, 4 cores, timeout 5m, output cap 10 MiB per stream, 256 processes, \
             files written up to 1 GiB, 1024 open files"
        );
    }

    #[test]
    fn a_core_limit_the_machine_cannot_exceed_is_called_no_limit() {
        let l = Limits { max_cpu_cores: Some(4.0), ..Limits::default() };
        assert!(describe_limits(&l, Some(2), false).contains("no core limit (4 ≥ 2 available)"));
        assert!(describe_limits(&l, Some(4), false).contains("no core limit (4 ≥ 4 available)"));
        let one = Limits { max_cpu_cores: Some(1.0), ..Limits::default() };
        assert!(describe_limits(&one, Some(2), false).contains(", 1 core,"));
        assert!(describe_limits(&one, None, false).contains(", 1 core,"));
    }

    #[test]
    fn what_is_off_is_said_to_be_off() {
        let off = Limits { enforce: false, ..Limits::default() };
        let text = describe_limits(&off, Some(2), true);
        assert!(text.starts_with("no memory, CPU or process limit"), "{text}");
        assert!(!text.contains("processes") && !text.contains("GiB,"), "{text}");
        let none = Limits { max_memory_mb: None, max_processes: None, ..Limits::default() };
        let text = describe_limits(&none, Some(2), false);
        assert!(text.contains("no memory limit") && text.contains("no process limit"), "{text}");
    }

    #[test]
    fn sizes_take_the_largest_exact_unit() {
        assert_eq!(bytes(10 * MIB), "10 MiB");
        assert_eq!(bytes(4096), "4 KiB");
        assert_eq!(bytes(1000), "1000 bytes");
        assert_eq!(bytes(1536 * MIB), "1536 MiB");
        assert_eq!(bytes(GIB), "1 GiB");
        assert_eq!(cores(1.5), "1.5 cores");
    }
}
