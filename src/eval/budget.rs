//! The size budget of values: how large one string, list or map may grow, how deeply values
//! may nest, and how much heap a run's values may take in all.
//!
//! The limits are fixed and documented (docs/language.md, "Limits"): a program that needs
//! more data than this hands it to a child process or a file. Each is checked where values
//! grow, before the growing allocation where the size is known in advance (concatenation,
//! `replace`, `split`, rendering to text), else right after it; the heap budget is checked
//! after every expression, so no loop can accumulate past it.

use super::Value;
use super::error::{Eval, error_help};
use crate::diag::Span;
use std::fmt::Write as _;

use crate::diag::codes::VALUE_TOO_LARGE;

/// The most bytes one string may hold (64 MiB).
pub const MAX_STRING_BYTES: usize = 64 << 20;
/// The most items one list or map may hold.
pub const MAX_ITEMS: usize = 1 << 21;
/// How deeply lists and maps may nest inside each other.
pub const MAX_DEPTH: usize = 1_000;
/// The most heap a run's values may take in all (512 MiB).
pub const MAX_HEAP_BYTES: usize = 512 << 20;
/// The longest text `json_parse` takes (16 MiB): parsed JSON takes several times its text.
pub const MAX_JSON_TEXT: usize = MAX_STRING_BYTES / 4;

const HELP: &str = "values are bounded so a program cannot exhaust the host's memory; keep large \
                    data in files and let a command process it";

fn too_large(span: Span, message: String) -> super::Flow {
    error_help(VALUE_TOO_LARGE, span, message, HELP)
}

/// Refuses a string of `bytes` bytes.
pub fn check_string_len(bytes: usize, span: Span) -> Eval<()> {
    if bytes > MAX_STRING_BYTES {
        return Err(too_large(
            span,
            format!("a string of {bytes} bytes is larger than the limit of {MAX_STRING_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Refuses a list or map of `items` items.
pub fn check_items(items: usize, span: Span) -> Eval<()> {
    if items > MAX_ITEMS {
        return Err(too_large(
            span,
            format!("a collection of {items} items is larger than the limit of {MAX_ITEMS} items"),
        ));
    }
    Ok(())
}

/// Refuses `v` when its own size (not its items') is past the limits: O(1).
pub fn check_shallow(v: &Value, span: Span) -> Eval<()> {
    match v {
        Value::Str(s) => check_string_len(s.len(), span),
        Value::List(items) => check_items(items.len(), span),
        Value::Map(map) => check_items(map.len(), span),
        _ => Ok(()),
    }
}

/// How deeply `v` nests (a scalar is 0, `[1]` is 1), counted no further than past `limit`.
pub fn depth(v: &Value, limit: usize) -> usize {
    let inner = |items: &mut dyn Iterator<Item = &Value>| {
        let mut deepest = 0;
        for item in items {
            if limit == 0 {
                return 1;
            }
            deepest = deepest.max(depth(item, limit - 1));
            if deepest >= limit {
                break;
            }
        }
        deepest + 1
    };
    match v {
        Value::List(items) => inner(&mut items.iter()),
        Value::Map(map) => inner(&mut map.values()),
        _ => 0,
    }
}

/// Refuses to put `item` `levels` levels down inside a collection.
pub fn check_nesting(item: &Value, levels: usize, span: Span) -> Eval<()> {
    if levels + depth(item, MAX_DEPTH) > MAX_DEPTH {
        return Err(too_large(span, format!("lists and maps nest more than {MAX_DEPTH} levels deep")));
    }
    Ok(())
}

/// Refuses a run whose heap grew more than the budget since `base` (from [`super::heap`]).
pub fn check_heap(base: usize, span: Span) -> Eval<()> {
    let grown = super::heap::live_bytes().saturating_sub(base);
    if grown > MAX_HEAP_BYTES {
        return Err(too_large(
            span,
            format!("the program's values take more than {} MiB of memory", MAX_HEAP_BYTES >> 20),
        ));
    }
    Ok(())
}

/// A `fmt::Write` that stops with an error past a number of bytes.
struct Capped {
    out: String,
    cap: usize,
}

impl std::fmt::Write for Capped {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.out.len() + s.len() > self.cap {
            return Err(std::fmt::Error);
        }
        self.out.push_str(s);
        Ok(())
    }
}

/// The text of `v` (as `print` and `to_string` show it), refused past the string limit
/// before it is built in full.
pub fn render(v: &Value, span: Span) -> Eval<String> {
    render_within(v, MAX_STRING_BYTES, span)
}

/// [`render`] with at most `cap` bytes.
pub fn render_within(v: &Value, cap: usize, span: Span) -> Eval<String> {
    if let Value::Str(s) = v {
        check_string_len(s.len(), span)?;
        return Ok(s.clone());
    }
    let mut capped = Capped { out: String::new(), cap };
    match write!(capped, "{v}") {
        Ok(()) => Ok(capped.out),
        Err(_) => Err(too_large(span, format!("the text of this value is longer than {cap} bytes"))),
    }
}

/// An `io::Write` into a byte buffer that fails past a number of bytes (for JSON text).
struct CappedBytes {
    /// The bytes written so far.
    out: Vec<u8>,
    cap: usize,
}

impl CappedBytes {
    /// An empty buffer that takes at most [`MAX_STRING_BYTES`].
    fn new() -> Self {
        CappedBytes { out: Vec::new(), cap: MAX_STRING_BYTES }
    }
}

impl std::io::Write for CappedBytes {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.out.len() + buf.len() > self.cap {
            return Err(std::io::Error::other("too large"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `v` as JSON text, refused past the string limit.
pub fn json_text(v: &Value, pretty: bool, span: Span) -> Eval<String> {
    let json = v.to_json();
    let mut buf = CappedBytes::new();
    let written = if pretty {
        serde_json::to_writer_pretty(&mut buf, &json)
    } else {
        serde_json::to_writer(&mut buf, &json)
    };
    match written {
        Ok(()) => Ok(String::from_utf8(buf.out).unwrap_or_default()),
        Err(_) => Err(too_large(
            span,
            format!("the JSON text of this value is longer than {MAX_STRING_BYTES} bytes"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_levels_and_stops_early() {
        assert_eq!(depth(&Value::Int(1), 10), 0);
        let mut v = Value::Int(1);
        for _ in 0..50 {
            v = Value::List(vec![v]);
        }
        assert_eq!(depth(&v, 100), 50);
        assert!(depth(&v, 10) <= 12);
        assert!(check_nesting(&v, 1, Span::default()).is_ok());
    }

    #[test]
    fn rendering_stops_at_the_cap() {
        let list = Value::List(vec![Value::str("abcdef"); 100]);
        assert!(render_within(&list, 50, Span::default()).is_err());
        assert_eq!(
            render_within(&Value::List(vec![Value::Int(1)]), 50, Span::default()).ok(),
            Some("[1]".into())
        );
    }
}
