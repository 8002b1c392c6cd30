//! The numeric limit flags of `symbi run` refuse values that narrow nothing (0, `nan`,
//! `inf`, negatives) as usage errors naming the valid range, instead of ignoring them.

use crate::support::symbi;

const AGENT: &str = "tests/cases/check/w0001_unused_variable.symbi";

#[test]
fn zero_nan_inf_and_negative_limits_are_usage_errors() {
    let cases: &[(&str, &[&str], &str)] = &[
        ("--max-memory", &["0", "-1", "nan", "inf", "1.5", "0G", "1K"], "from 1 MiB"),
        ("--timeout", &["0", "-1", "nan", "inf", "604801", "0s", "8d", "500ms"], "from 1 second to 7 days"),
        ("--max-cpu", &["0", "-2", "nan", "inf", "-inf", "NaN", "1e999"], "greater than 0"),
    ];
    for (flag, values, range) in cases {
        for value in *values {
            let out = symbi(&["run", AGENT, &format!("{flag}={value}")]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{flag}={value}: {stderr}");
            assert!(stderr.contains(range), "{flag}={value}: {stderr}");
            assert!(stderr.contains(flag), "{flag}={value}: {stderr}");
        }
    }
}

/// Sizes and durations take units: `--max-memory 1G` is 1024 MiB, `--timeout 2s` two
/// seconds, and the run reports the limits it applied.
#[test]
fn limit_flags_take_units() {
    let out = symbi(&["run", AGENT, "--native", "--max-memory", "1G", "--timeout", "2m", "--format", "json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let started = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["event"] == "trigger_started")
        .unwrap_or_else(|| panic!("no trigger_started: {stdout}{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(started["limits"]["max_memory_mb"], 1024, "{started}");
    assert_eq!(started["limits"]["timeout"], 120_000, "{started}");
}

/// `--quiet` and `--verbose` ask for opposite things: giving both is a usage error, not one
/// of them silently winning.
#[test]
fn quiet_and_verbose_together_are_a_usage_error() {
    let out = symbi(&["run", AGENT, "--native", "--quiet", "--verbose"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--quiet") && stderr.contains("--verbose"), "{stderr}");
}
