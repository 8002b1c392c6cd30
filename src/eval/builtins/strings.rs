//! Methods of `String`.

use super::super::Value;
use super::super::budget::{check_items, check_string_len};
use super::super::error::Eval;
use super::Args;

pub(super) fn call(s: &str, name: &str, args: &mut Args) -> Option<Eval<Value>> {
    // The item count is known before the list is built: refuse it first, as a list of
    // one-character strings takes many times the string's bytes.
    let call = args.call;
    let list = |items: &mut dyn Iterator<Item = &str>, count: usize| -> Eval<Value> {
        check_items(count, call)?;
        Ok(Value::List(items.map(Value::str).collect()))
    };
    Some(match name {
        "trim" => Ok(Value::str(s.trim())),
        "trim_start" => Ok(Value::str(s.trim_start())),
        "trim_end" => Ok(Value::str(s.trim_end())),
        "lines" => list(&mut s.lines(), s.lines().count()),
        "upper" => Ok(Value::str(s.to_uppercase())),
        "lower" => Ok(Value::str(s.to_lowercase())),
        "len" => Ok(Value::Int(s.chars().count() as i64)),
        "is_empty" => Ok(Value::Bool(s.is_empty())),
        "split" => match args.opt_string(0) {
            // No separator (or an empty one): split on runs of whitespace, like Python.
            Ok(None) => list(&mut s.split_whitespace(), s.split_whitespace().count()),
            Ok(Some(sep)) if sep.is_empty() => list(&mut s.split_whitespace(), s.split_whitespace().count()),
            Ok(Some(sep)) => list(&mut s.split(sep.as_str()), s.split(sep.as_str()).count()),
            Err(e) => Err(e),
        },
        "contains" => args.string(0).map(|p| Value::Bool(s.contains(p.as_str()))),
        "starts_with" => args.string(0).map(|p| Value::Bool(s.starts_with(p.as_str()))),
        "ends_with" => args.string(0).map(|p| Value::Bool(s.ends_with(p.as_str()))),
        "replace" => match (args.string(0), args.string(1)) {
            (Ok(from), Ok(to)) if from.is_empty() => {
                let _ = to;
                Ok(Value::str(s))
            }
            (Ok(from), Ok(to)) => {
                // The result's length is known before it is built.
                let count = s.matches(from.as_str()).count();
                let len = (s.len() - count * from.len()).saturating_add(count.saturating_mul(to.len()));
                check_string_len(len, call).map(|()| Value::Str(s.replace(from.as_str(), &to)))
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        },
        _ => return None,
    })
}
