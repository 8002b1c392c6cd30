//! Literal values: numbers and durations, string escapes, raw-string indentation.

use crate::diag::codes;
use crate::diag::{Diagnostic, Span};

/// The value of a `number` token.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Number {
    /// `42`, `1_000`
    Int(i64),
    /// `1.5`, `2.0e3`
    Float(f64),
    /// `250ms`, `30s`, `5m`, `2h`, in milliseconds
    Duration(u64),
}

/// Why a number token has no value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum NumberProblem {
    /// The integer does not fit in 64 bits.
    IntTooLarge,
    /// The float is infinite.
    FloatTooLarge,
    /// The duration does not fit in 64-bit milliseconds.
    DurationTooLarge,
    /// A suffix that is not a duration unit.
    UnknownUnit(String),
    /// A duration with a fraction or exponent (`1.5s`).
    FractionalDuration { unit: String },
}

impl NumberProblem {
    /// The diagnostic for this problem at `span`.
    pub fn diagnostic(&self, span: Span) -> Diagnostic {
        match self {
            NumberProblem::IntTooLarge => {
                Diagnostic::error(codes::NUMBER_OUT_OF_RANGE, "integer literal is too large")
                    .with_primary(span, "does not fit in a 64-bit signed integer")
                    .with_note("integers range from -9223372036854775808 to 9223372036854775807")
            }
            NumberProblem::FloatTooLarge => {
                Diagnostic::error(codes::NUMBER_OUT_OF_RANGE, "float literal is too large")
                    .with_primary(span, "this is infinite as a 64-bit float")
            }
            NumberProblem::DurationTooLarge => {
                Diagnostic::error(codes::NUMBER_OUT_OF_RANGE, "duration is too long")
                    .with_primary(span, "does not fit in 64-bit milliseconds")
            }
            NumberProblem::UnknownUnit(unit) => {
                let help = match unit.as_str() {
                    "sec" | "secs" | "second" | "seconds" => "write `s` for seconds, as in `30s`",
                    "min" | "mins" | "minute" | "minutes" => "write `m` for minutes, as in `5m`",
                    "hr" | "hrs" | "hour" | "hours" => "write `h` for hours, as in `2h`",
                    "msec" | "millis" | "milliseconds" => "write `ms` for milliseconds, as in `250ms`",
                    "d" | "day" | "days" => "days are not a unit; write hours, as in `48h`",
                    u if u.starts_with('x') || u.starts_with('b') || u.starts_with('o') => {
                        "only decimal numbers exist; write the value in decimal"
                    }
                    _ => "durations take one of the units ms, s, m, h (for example `30s`)",
                };
                Diagnostic::error(codes::BAD_DURATION, format!("unknown duration unit `{unit}`"))
                    .with_primary(span, "not a number or a duration")
                    .with_help(help)
            }
            NumberProblem::FractionalDuration { unit } => {
                Diagnostic::error(codes::BAD_DURATION, "durations are whole numbers")
                    .with_primary(span, format!("a fraction of `{unit}`"))
                    .with_help("use a smaller unit: `1500ms` instead of `1.5s`")
            }
        }
    }
}

/// Reads a `number` token: digits with `_`, an optional fraction and exponent, and an
/// optional duration unit.
pub(crate) fn number(text: &str) -> Result<Number, NumberProblem> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        while bytes.get(*i).is_some_and(|b| b.is_ascii_digit() || *b == b'_') {
            *i += 1;
        }
    };
    digits(&mut i);
    let mut float = false;
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        float = true;
        i += 1;
        digits(&mut i);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if bytes.get(j).is_some_and(u8::is_ascii_digit) {
            float = true;
            i = j;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    let (num, unit) = text.split_at(i);
    let num: String = num.chars().filter(|c| *c != '_').collect();
    if unit.is_empty() {
        return if float {
            match num.parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Number::Float(f)),
                _ => Err(NumberProblem::FloatTooLarge),
            }
        } else {
            num.parse::<i64>().map(Number::Int).map_err(|_| NumberProblem::IntTooLarge)
        };
    }
    let factor: u64 = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return Err(NumberProblem::UnknownUnit(unit.to_string())),
    };
    if float {
        return Err(NumberProblem::FractionalDuration { unit: unit.to_string() });
    }
    num.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .map(Number::Duration)
        .ok_or(NumberProblem::DurationTooLarge)
}

/// True for the digits of 2^63, which is an i64 only after a minus sign.
pub(crate) fn is_i64_min_magnitude(text: &str) -> bool {
    text.chars().filter(|c| *c != '_').eq("9223372036854775808".chars())
}

/// Decodes one escape (`\n`, `\u{1F600}`, ...); the error is a help line.
pub(crate) fn escape(text: &str) -> Result<char, String> {
    let rest = text.strip_prefix('\\').unwrap_or(text);
    match rest {
        "n" => Ok('\n'),
        "t" => Ok('\t'),
        "r" => Ok('\r'),
        "0" => Ok('\0'),
        "\\" => Ok('\\'),
        "\"" => Ok('"'),
        "$" => Ok('$'),
        _ => {
            if let Some(hex) = rest.strip_prefix("u{").and_then(|r| r.strip_suffix('}')) {
                let code =
                    (!hex.is_empty() && hex.len() <= 6).then(|| u32::from_str_radix(hex, 16).ok()).flatten();
                return code.and_then(char::from_u32).ok_or_else(|| {
                    "`\\u{...}` takes 1 to 6 hex digits of a Unicode scalar value, as in `\\u{1F600}`"
                        .to_string()
                });
            }
            if rest == "\n" || rest == "\r" {
                return Err("strings stay on one line; use `\\n`, or a raw `\"\"\"` string".into());
            }
            Err("write `\\\\` for a backslash, or use a raw `\"\"\"` string".into())
        }
    }
}

/// The text of a raw `"""` string: the first newline and the common leading indentation
/// are stripped, and a last line of only spaces (the closing quotes' indentation) is dropped.
pub(crate) fn dedent_raw(body: &str) -> String {
    let body = body.strip_prefix("\r\n").or_else(|| body.strip_prefix('\n')).unwrap_or(body);
    let mut lines: Vec<&str> = body.split('\n').collect();
    if lines.len() > 1
        && let Some(last) = lines.last_mut()
        && last.trim().is_empty()
    {
        *last = "";
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let stripped: Vec<&str> = lines
        .iter()
        .map(|l| if l.trim().is_empty() { l.trim_start_matches([' ', '\t']) } else { &l[indent..] })
        .collect();
    stripped.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_durations() {
        assert_eq!(number("1_000"), Ok(Number::Int(1000)));
        assert_eq!(number("2.0e3"), Ok(Number::Float(2000.0)));
        assert_eq!(number("250ms"), Ok(Number::Duration(250)));
        assert_eq!(number("2h"), Ok(Number::Duration(7_200_000)));
        assert_eq!(number("9223372036854775808"), Err(NumberProblem::IntTooLarge));
        assert_eq!(number("5y"), Err(NumberProblem::UnknownUnit("y".into())));
        assert_eq!(number("1.5s"), Err(NumberProblem::FractionalDuration { unit: "s".into() }));
    }

    #[test]
    fn escapes() {
        assert_eq!(escape("\\u{1F600}"), Ok('😀'));
        assert_eq!(escape("\\$"), Ok('$'));
        assert!(escape("\\q").is_err());
        assert!(escape("\\u{D800}").is_err());
    }

    #[test]
    fn raw_strings_lose_common_indentation() {
        assert_eq!(dedent_raw("\n    a\n      b\n    "), "a\n  b\n");
        assert_eq!(dedent_raw("x"), "x");
    }
}
