//! Raw strings re-indented to their new place when the formatter moves them.

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
    fn raw_strings_move_with_their_code() {
        let src = "\"\"\"\n        a\n          b\n\n        \"\"\"";
        assert_eq!(raw_string(src, "  "), "\"\"\"\n  a\n    b\n\n  \"\"\"");
        assert_eq!(raw_string("\"\"\"one line\"\"\"", "  "), "\"\"\"one line\"\"\"");
        let src = "\"\"\"\n    x\n    y\"\"\"";
        assert_eq!(raw_string(src, "    "), "\"\"\"\n    x\n    y\"\"\"");
    }
}
