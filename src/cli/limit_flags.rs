//! Value parsers of the numeric limit flags of `symbi run` (`--max-memory`, `--max-cpu`,
//! `--timeout`). A flag that cannot narrow anything — 0, `nan`, `inf`, a negative number — is
//! a usage error naming the valid range, never silently ignored: the user who typed
//! `--timeout 0` expected some limit, and running without one would betray that.

/// The largest `--timeout`, as `native_execution.max_execution_time_seconds` allows (7 days).
pub const MAX_TIMEOUT_SECONDS: u64 = 7 * 24 * 3600;

/// `--max-memory SIZE`: MiB from 1, as a bare number (`512`) or with a unit: `M`/`MiB`,
/// `G`/`GiB`, `T`/`TiB` (binary units, as the limit is applied: `1G` is 1024 MiB).
pub fn memory_mb(raw: &str) -> Result<u64, String> {
    let (number, unit) = split_unit(raw);
    let scale = match unit.to_ascii_lowercase().as_str() {
        "" | "m" | "mb" | "mib" => 1,
        "g" | "gb" | "gib" => 1024,
        "t" | "tb" | "tib" => 1024 * 1024,
        _ => 0,
    };
    let what = "a whole number of MiB, or a size such as 512M or 2G,";
    let mb =
        whole(number, 1, i64::MAX as u64, what).ok().filter(|_| scale > 0).and_then(|n| n.checked_mul(scale));
    mb.filter(|&mb| mb <= i64::MAX as u64).ok_or_else(|| format!("`{raw}` must be {what} from 1 MiB"))
}

/// `--timeout DURATION`: whole seconds from 1 to 604800 (7 days), as a bare number (`30`) or
/// with a unit: `s`, `m`, `h`, `d` (`2s`, `5m`, `1h`).
pub fn timeout_seconds(raw: &str) -> Result<u64, String> {
    let (number, unit) = split_unit(raw);
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 24 * 3600,
        _ => 0,
    };
    let what = "a whole number of seconds, or a duration such as 30s, 5m or 1h,";
    let seconds = whole(number, 1, MAX_TIMEOUT_SECONDS, what)
        .ok()
        .filter(|_| scale > 0)
        .and_then(|n| n.checked_mul(scale));
    seconds
        .filter(|&s| s <= MAX_TIMEOUT_SECONDS)
        .ok_or_else(|| format!("`{raw}` must be {what} from 1 second to 7 days ({MAX_TIMEOUT_SECONDS} s)"))
}

/// `512M` → (`512`, `M`): the leading digits and the rest, surrounding space ignored.
fn split_unit(raw: &str) -> (&str, &str) {
    let text = raw.trim();
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    (&text[..digits], text[digits..].trim())
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

    #[test]
    fn sizes_and_durations_take_units() {
        assert_eq!(memory_mb("1G"), Ok(1024));
        assert_eq!(memory_mb("512M"), Ok(512));
        assert_eq!(memory_mb("2GiB"), Ok(2048));
        assert_eq!(timeout_seconds("2s"), Ok(2));
        assert_eq!(timeout_seconds("5m"), Ok(300));
        assert_eq!(timeout_seconds("1h"), Ok(3600));
        assert_eq!(timeout_seconds("7d"), Ok(MAX_TIMEOUT_SECONDS));
        for bad in ["0G", "1K", "G", "1.5G", "2x"] {
            assert!(memory_mb(bad).is_err(), "{bad}");
        }
        for bad in ["0s", "8d", "500ms", "1.5h", "m"] {
            assert!(timeout_seconds(bad).is_err(), "{bad}");
        }
    }
}
