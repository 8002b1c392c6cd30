//! One field of a cron expression: its range, its names, and the parser of its text
//! (`*`, `5`, `1-5`, `*/15`, `10-50/20`, `MON-FRI`, lists of these joined by commas).

use super::error::{CronError, CronErrorKind};
use std::ops::Range;

/// What one position of a cron expression means: its name, its range and its word names.
#[derive(Debug)]
pub struct FieldSpec {
    /// The field's name in messages (`minute`, `day of week`).
    pub name: &'static str,
    /// The smallest value.
    pub min: u32,
    /// The largest value.
    pub max: u32,
    /// Three-letter names of the values from `min` on (months and days of the week).
    pub names: &'static [&'static str],
}

/// Seconds (only in six-field expressions, where it comes first).
pub const SECOND: FieldSpec = FieldSpec { name: "second", min: 0, max: 59, names: &[] };
/// Minutes.
pub const MINUTE: FieldSpec = FieldSpec { name: "minute", min: 0, max: 59, names: &[] };
/// Hours, 0 to 23 (UTC).
pub const HOUR: FieldSpec = FieldSpec { name: "hour", min: 0, max: 23, names: &[] };
/// Days of the month.
pub const DAY_OF_MONTH: FieldSpec = FieldSpec { name: "day of month", min: 1, max: 31, names: &[] };
/// Months, 1 to 12 or `JAN` to `DEC`.
pub const MONTH: FieldSpec = FieldSpec {
    name: "month",
    min: 1,
    max: 12,
    names: &["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
};
/// Days of the week, 0 (Sunday) to 6, 7 also Sunday, or `SUN` to `SAT`.
pub const DAY_OF_WEEK: FieldSpec = FieldSpec {
    name: "day of week",
    min: 0,
    max: 7,
    names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
};

/// The values a field allows, as bits (bit `v` set when value `v` is allowed).
pub type Bits = u64;

impl FieldSpec {
    /// Parses the field `text`, which starts at byte `at` of the whole expression.
    pub fn parse(&self, text: &str, at: usize) -> Result<Bits, CronError> {
        let mut bits = 0;
        let mut start = 0;
        for item in text.split(',') {
            let span = at + start..at + start + item.len();
            start += item.len() + 1;
            if item.is_empty() {
                return Err(self.malformed(
                    "an empty item in a list",
                    span,
                    "write one value between commas",
                ));
            }
            bits |= self.item(item, span)?;
        }
        Ok(bits)
    }

    /// One list item: `base` or `base/step`.
    fn item(&self, item: &str, span: Range<usize>) -> Result<Bits, CronError> {
        let (base, step) = match item.split_once('/') {
            Some((base, step)) => {
                let step_span = span.start + base.len() + 1..span.end;
                (base, Some(self.step(step, step_span)?))
            }
            None => (item, None),
        };
        let base_span = span.start..span.start + base.len();
        let (low, high) = if base == "*" {
            (self.min, self.max)
        } else if let Some((a, b)) = base.split_once('-') {
            let a_span = base_span.start..base_span.start + a.len();
            let b_span = a_span.end + 1..base_span.end;
            let (low, high) = (self.value(a, a_span)?, self.value(b, b_span)?);
            if low > high {
                return Err(self.malformed(
                    &format!("the range {base} runs backwards"),
                    base_span,
                    &format!("write the smaller {} first; a range does not wrap around", self.name),
                ));
            }
            (low, high)
        } else {
            let v = self.value(base, base_span)?;
            // `5/15` means from 5 to the end of the range, every 15.
            (v, if step.is_some() { self.max } else { v })
        };
        let step = step.unwrap_or(1);
        let mut bits = 0;
        let mut v = low;
        while v <= high {
            bits |= 1 << v;
            v += step;
        }
        Ok(bits)
    }

    /// The step after `/`: a whole number from 1 to the width of the range.
    fn step(&self, text: &str, span: Range<usize>) -> Result<u32, CronError> {
        let width = self.max - self.min;
        match text.parse::<u32>() {
            Ok(0) => {
                Err(self.malformed("a step of 0", span, "a step is at least 1: `*/5` is every fifth value"))
            }
            Ok(n) if n > width.max(1) => Err(CronError::new(
                CronErrorKind::OutOfRange,
                format!(
                    "the {} step {n} is larger than the field's range ({}-{})",
                    self.name, self.min, self.max
                ),
                span,
                format!("a step repeats within one {}; list the values instead", self.period()),
            )),
            Ok(n) => Ok(n),
            Err(_) => Err(self.malformed(
                &format!("the {} step `{text}` is not a whole number", self.name),
                span,
                "write a step as `*/N` or `A-B/N` with a whole number N",
            )),
        }
    }

    /// One value: a number in range or one of the field's names.
    fn value(&self, text: &str, span: Range<usize>) -> Result<u32, CronError> {
        if let Ok(n) = text.parse::<u64>() {
            if n < u64::from(self.min) || n > u64::from(self.max) {
                return Err(CronError::new(
                    CronErrorKind::OutOfRange,
                    format!("{} {n} is out of range ({}-{})", self.name, self.min, self.max),
                    span,
                    self.range_help(),
                ));
            }
            return Ok(n as u32);
        }
        if let Some(i) = self.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
            return Ok(self.min + i as u32);
        }
        Err(self.malformed(&self.not_a_value(text), span, &self.range_help()))
    }

    fn not_a_value(&self, text: &str) -> String {
        match text {
            "" => format!("a missing {} value", self.name),
            "?" => "`?` is not standard cron".into(),
            t if t.contains(['L', 'W', '#']) && t.chars().any(|c| c.is_ascii_digit()) || t == "L" => {
                format!("`{t}` is not standard cron (no `L`, `W` or `#`)")
            }
            t => format!("`{t}` is not a {} value", self.name),
        }
    }

    fn range_help(&self) -> String {
        let names = match self.names {
            [] => String::new(),
            names => format!(", or {}-{}", names[0], names[names.len() - 1]),
        };
        let extra = if self.max == 7 { " (0 and 7 are Sunday)" } else { "" };
        format!(
            "the {} field takes {}-{}{names}{extra}, `*`, ranges `A-B`, steps `/N` and lists `A,B`",
            self.name, self.min, self.max
        )
    }

    fn period(&self) -> &'static str {
        match self.name {
            "second" => "minute",
            "minute" => "hour",
            "hour" => "day",
            "day of month" | "day of week" => "month or week",
            _ => "year",
        }
    }

    fn malformed(&self, message: &str, span: Range<usize>, help: &str) -> CronError {
        CronError::new(
            CronErrorKind::Malformed,
            format!("{message} in the {} field", self.name),
            span,
            help.into(),
        )
    }
}
