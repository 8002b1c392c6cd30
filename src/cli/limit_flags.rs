//! Value parsers of the numeric limit flags of `symbi run` (`--max-memory`, `--max-cpu`,
//! `--timeout`). A flag that cannot narrow anything — 0, `nan`, `inf`, a negative number — is
//! a usage error naming the valid range, never silently ignored: the user who typed
//! `--timeout 0` expected some limit, and running without one would betray that.

/// The largest `--timeout`, as `native_execution.max_execution_time_seconds` allows (7 days).
pub const MAX_TIMEOUT_SECONDS: u64 = 7 * 24 * 3600;

/// `--max-memory MB`: a whole number of MiB from 1.
pub fn memory_mb(raw: &str) -> Result<u64, String> {
    whole(raw, 1, i64::MAX as u64, "a whole number of MiB")
}

/// `--timeout SECONDS`: a whole number of seconds from 1 to 604800 (7 days).
pub fn timeout_seconds(raw: &str) -> Result<u64, String> {
    whole(raw, 1, MAX_TIMEOUT_SECONDS, "a whole number of seconds")
}

/// `--max-cpu CORES`: a finite number of cores above 0 (`2`, `0.5`).
pub fn cpu_cores(raw: &str) -> Result<f64, String> {
    let range = "must be a finite number of CPU cores greater than 0 (such as 2 or 0.5)";
    match raw.trim().parse::<f64>() {
        Ok(cores) if cores.is_finite() && cores > 0.0 => Ok(cores),
        _ => Err(format!("`{raw}` {range}")),
    }
}

fn whole(raw: &str, min: u64, max: u64, what: &str) -> Result<u64, String> {
    match raw.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("`{raw}` must be {what} from {min} to {max}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_nan_inf_and_negatives_are_refused() {
        for bad in ["0", "-1", "nan", "inf", "1.5", "", "x"] {
            assert!(memory_mb(bad).is_err(), "{bad}");
            assert!(timeout_seconds(bad).is_err(), "{bad}");
        }
        for bad in ["0", "-0.5", "nan", "NaN", "inf", "-inf", "infinity", "1e999", "x"] {
            assert!(cpu_cores(bad).is_err(), "{bad}");
        }
        assert_eq!(memory_mb("512"), Ok(512));
        assert_eq!(timeout_seconds("604800"), Ok(604_800));
        assert!(timeout_seconds("604801").is_err());
        assert_eq!(cpu_cores("0.5"), Ok(0.5));
    }
}
