//! Literals in their canonical spelling: strings re-escaped from their value, raw strings
//! re-indented to their new place, numbers and durations as the author wrote them.

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
    if ident && !crate::syntax::KEYWORDS.contains(&name) { name.to_string() } else { quoted(name) }
}

/// The source text of a number or duration token when it is one (digits, `_`, `.`,
/// exponent, unit), else `None` so the caller spells the value itself.
pub fn number_text(text: &str) -> Option<&str> {
    let ok = text.starts_with(|c: char| c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-'));
    ok.then_some(text)
}

/// A duration in milliseconds in the largest unit that divides it.
pub fn duration(ms: u64) -> String {
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

/// A raw string (`"""..."""`, as written in `source`) moved to indentation `indent`.
///
/// The parser strips a raw string's first newline, the common indentation of its lines and
/// the whitespace before the closing quotes, so shifting every line by the same amount
/// keeps its value. Raw strings on one line, or with tabs or `\r` in them, are kept as
/// written.
pub fn raw_string(source: &str, indent: &str) -> String {
    let Some(body) = source.strip_prefix("\"\"\"").and_then(|s| s.strip_suffix("\"\"\"")) else {
        return source.to_string();
    };
    let Some(body) = body.strip_prefix('\n') else { return source.to_string() };
    if body.contains(['\r', '\t']) {
        return source.to_string();
    }
    let mut lines: Vec<&str> = body.split('\n').collect();
    let closing_alone = lines.len() > 1 && lines.last().is_some_and(|l| l.trim().is_empty());
    if closing_alone {
        lines.pop();
    }
    let common = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let mut out = String::from("\"\"\"\n");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !line.trim().is_empty() {
            out.push_str(indent);
            out.push_str(&line[common..]);
        }
    }
    if closing_alone {
        out.push('\n');
        out.push_str(indent);
    }
    out.push_str("\"\"\"");
    out
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
    fn durations_and_floats() {
        assert_eq!(duration(7_200_000), "2h");
        assert_eq!(duration(90_000), "90s");
        assert_eq!(duration(250), "250ms");
        assert_eq!(duration(0), "0ms");
        assert_eq!(float(2.0), "2.0");
        assert_eq!(float(1.5), "1.5");
    }

    #[test]
    fn raw_strings_move_with_their_code() {
        let src = "\"\"\"\n        a\n          b\n\n        \"\"\"";
        assert_eq!(raw_string(src, "  "), "\"\"\"\n  a\n    b\n\n  \"\"\"");
        assert_eq!(raw_string("\"\"\"one line\"\"\"", "  "), "\"\"\"one line\"\"\"");
        let src = "\"\"\"\n    x\n    y\"\"\"";
        assert_eq!(raw_string(src, "    "), "\"\"\"\n    x\n    y\"\"\"");
    }
}
