//! Methods of `String`.

use super::super::Value;
use super::super::error::Eval;
use super::Args;

pub(super) fn call(s: &str, name: &str, args: &mut Args) -> Option<Eval<Value>> {
    let list = |items: Vec<&str>| Value::List(items.into_iter().map(Value::str).collect());
    Some(match name {
        "trim" => Ok(Value::str(s.trim())),
        "trim_start" => Ok(Value::str(s.trim_start())),
        "trim_end" => Ok(Value::str(s.trim_end())),
        "lines" => Ok(list(s.lines().collect())),
        "upper" => Ok(Value::str(s.to_uppercase())),
        "lower" => Ok(Value::str(s.to_lowercase())),
        "len" => Ok(Value::Int(s.chars().count() as i64)),
        "is_empty" => Ok(Value::Bool(s.is_empty())),
        "chars" => Ok(Value::List(s.chars().map(|c| Value::Str(c.to_string())).collect())),
        "split" => match args.opt_string(0) {
            // No separator (or an empty one): split on runs of whitespace, like Python.
            Ok(None) => Ok(list(s.split_whitespace().collect())),
            Ok(Some(sep)) if sep.is_empty() => Ok(list(s.split_whitespace().collect())),
            Ok(Some(sep)) => Ok(list(s.split(sep.as_str()).collect())),
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
            (Ok(from), Ok(to)) => Ok(Value::Str(s.replace(from.as_str(), &to))),
            (Err(e), _) | (_, Err(e)) => Err(e),
        },
        _ => return None,
    })
}
