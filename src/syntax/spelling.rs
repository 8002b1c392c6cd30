//! Literals spelt as source, the inverse of reading them (`syntax/literal.rs`): shared by
//! the formatter (which rewrites files) and the interpreter (which shows durations as they
//! are written). Strings are re-escaped from their value, durations take their largest exact unit, floats
//! always read back as floats.

/// The escaped body of a string's text part (no quotes): only what must be escaped is,
/// plus control characters, which would otherwise be invisible.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            // `${` would start an interpolation; a `$` before anything else is text.
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A plain string literal for `value`, quotes included.
pub fn quoted(value: &str) -> String {
    format!("\"{}\"", escape_text(value))
}

/// A map key as written: bare when it is an identifier that is not a reserved word,
/// quoted otherwise.
pub fn map_key(name: &str) -> String {
    let mut chars = name.chars();
    let ident = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident && !super::KEYWORDS.contains(&name) { name.to_string() } else { quoted(name) }
}

/// The source text of a number or duration token when it is one (digits, `_`, `.`,
/// exponent, unit), else `None` so the caller spells the value itself.
pub fn number_text(text: &str) -> Option<&str> {
    let ok = text.starts_with(|c: char| c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-'));
    ok.then_some(text)
}

/// A duration in milliseconds the way it is written in source: the largest unit that
/// divides it exactly (`90s`, `5m`, `250ms`).
pub fn format_duration(ms: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(3_600_000, "h"), (60_000, "m"), (1000, "s")];
    for (size, unit) in UNITS {
        if ms != 0 && ms.is_multiple_of(size) {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

/// A float that reads back as the same value (`1.0`, not `1`).
pub fn float(f: f64) -> String {
    let text = format!("{f:?}");
    if text.contains(['.', 'e', 'E']) || !f.is_finite() { text } else { format!("{text}.0") }
}

/// The text as is, or escaped when it holds control characters: how a diagnostic quotes
/// what it found.
pub(crate) fn printable(text: &str) -> String {
    if text.chars().any(char::is_control) { text.escape_debug().to_string() } else { text.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_only_what_needs_it() {
        assert_eq!(escape_text("a\"b\\c\nd\te$f${g}é😀\u{7}"), "a\\\"b\\\\c\\nd\\te$f\\${g}é😀\\u{7}");
    }

    #[test]
    fn map_keys_are_bare_when_they_can_be() {
        assert_eq!(map_key("name"), "name");
        assert_eq!(map_key("two words"), "\"two words\"");
        assert_eq!(map_key("if"), "\"if\"");
        assert_eq!(map_key(""), "\"\"");
        assert_eq!(map_key("9lives"), "\"9lives\"");
    }

    #[test]
    fn durations_take_their_largest_exact_unit_and_floats_keep_their_point() {
        assert_eq!(format_duration(7_200_000), "2h");
        assert_eq!(format_duration(300_000), "5m");
        assert_eq!(format_duration(90_000), "90s");
        assert_eq!(format_duration(30_000), "30s");
        assert_eq!(format_duration(250), "250ms");
        assert_eq!(format_duration(0), "0ms");
        assert_eq!(float(2.0), "2.0");
        assert_eq!(float(1.5), "1.5");
    }
}
