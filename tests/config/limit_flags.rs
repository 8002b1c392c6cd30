//! The numeric limit flags of `symbi run` refuse values that narrow nothing (0, `nan`,
//! `inf`, negatives) as usage errors naming the valid range, instead of ignoring them.

use crate::support::symbi;

const AGENT: &str = "tests/cases/check/w0001_unused_variable.symbi";

#[test]
fn zero_nan_inf_and_negative_limits_are_usage_errors() {
    let cases: &[(&str, &[&str], &str)] = &[
        ("--max-memory", &["0", "-1", "nan", "inf", "1.5"], "from 1 to"),
        ("--timeout", &["0", "-1", "nan", "inf", "604801"], "from 1 to 604800"),
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
