//! Run-time values: what expressions evaluate to.
//!
//! Values are plain owned data (no sharing, no cycles): a list assigned to two variables is
//! two lists, as in a shell or in Rust with `clone`. Programs are small, so copying is
//! cheaper than the bookkeeping sharing would need.

use crate::sandbox::ExecResult;
use crate::stdlib::stdlib;
use crate::syntax::spelling::format_duration;
use std::collections::BTreeMap;
use std::fmt;

/// A value of the language.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A 64-bit signed integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A string.
    Str(String),
    /// A duration in milliseconds.
    Duration(u64),
    /// A list.
    List(Vec<Value>),
    /// A map with string keys, iterated in key order: the one rule of docs/language.md
    /// ("Map key order"), which a `BTreeMap` keeps.
    Map(BTreeMap<String, Value>),
    /// The `ExecResult` record of a finished command.
    Exec(Box<ExecResult>),
}

impl Value {
    /// The language's name of the value's type, for messages and method lookup.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "Null",
            Value::Bool(_) => "Bool",
            Value::Int(_) => "Int",
            Value::Float(_) => "Float",
            Value::Str(_) => "String",
            Value::Duration(_) => "Duration",
            Value::List(_) => "List",
            Value::Map(_) => "Map",
            Value::Exec(_) => "ExecResult",
        }
    }

    /// A string value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }

    /// The field of an `ExecResult` record, by the name the language uses; `None` for a name
    /// the record in `stdlib/exec.symbi` does not declare, so that the checker and the
    /// interpreter agree on which fields exist.
    pub fn exec_field(result: &ExecResult, field: &str) -> Option<Value> {
        if !Value::exec_field_names().any(|f| f == field) {
            return None;
        }
        runner_field(result, field)
    }

    /// The names of the `ExecResult` fields in declaration order, read from the record in
    /// `stdlib/exec.symbi` (the one list the checker, completion and hover also read).
    pub fn exec_field_names() -> impl Iterator<Item = &'static str> {
        stdlib().record("ExecResult").into_iter().flat_map(|r| r.fields.iter().map(|f| f.name.name.as_str()))
    }

    /// The record as a map (for JSON and printing).
    pub fn exec_as_map(result: &ExecResult) -> BTreeMap<String, Value> {
        Value::exec_field_names()
            .filter_map(|f| runner_field(result, f).map(|v| (f.to_string(), v)))
            .collect()
    }

    /// Structural equality, with `1 == 1.0`.
    pub fn equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Float(b)) | (Value::Float(b), Value::Int(a)) => (*a as f64) == *b,
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equals(y))
            }
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|((ka, va), (kb, vb))| ka == kb && va.equals(vb))
            }
            _ => self == other,
        }
    }

    /// Converts JSON into a value (integers that fit stay `Int`).
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(map) => {
                Value::Map(map.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect())
            }
        }
    }

    /// Converts the value to JSON. Durations become their written form (`"30s"`); NaN and
    /// infinities, which JSON cannot hold, become `null`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map(J::Number).unwrap_or(J::Null),
            Value::Str(s) => J::String(s.clone()),
            Value::Duration(ms) => J::String(format_duration(*ms)),
            Value::List(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Map(map) => J::Object(map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Value::Exec(r) => Value::Map(Value::exec_as_map(r)).to_json(),
        }
    }
}

/// The value a runner filled in for `field`: how each member of the sandbox's `ExecResult`
/// reads in the language. Which names are visible is the record's business
/// ([`Value::exec_field`]); a member with no arm here (`containment`) stays host-side.
fn runner_field(result: &ExecResult, field: &str) -> Option<Value> {
    let opt_str = |s: &Option<String>| s.clone().map(Value::Str).unwrap_or(Value::Null);
    Some(match field {
        "stdout" => Value::Str(result.stdout.clone()),
        "stderr" => Value::Str(result.stderr.clone()),
        "exit_code" => result.exit_code.map(|c| Value::Int(i64::from(c))).unwrap_or(Value::Null),
        "signal" => opt_str(&result.signal),
        "success" => Value::Bool(result.success),
        "timed_out" => Value::Bool(result.timed_out),
        "stdout_truncated" => Value::Bool(result.stdout_truncated),
        "stderr_truncated" => Value::Bool(result.stderr_truncated),
        "duration_ms" => Value::Int(i64::try_from(result.duration_ms).unwrap_or(i64::MAX)),
        "tier" => Value::Str(result.tier.name().to_string()),
        "oom_killed" => Value::Bool(result.oom_killed),
        "executable" => Value::Str(result.executable.clone()),
        _ => return None,
    })
}

/// Writes a float so it always reads back as a float (`2.0`, not `2`).
fn format_float(f: f64, out: &mut fmt::Formatter<'_>) -> fmt::Result {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e16 {
        write!(out, "{f:.1}")
    } else {
        write!(out, "{f}")
    }
}

/// The text of a value as `print`, interpolation and `to_string` show it: strings as they
/// are, lists, maps and records as JSON.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => format_float(*x, f),
            Value::Str(s) => f.write_str(s),
            Value::Duration(ms) => f.write_str(&format_duration(*ms)),
            Value::List(_) | Value::Map(_) | Value::Exec(_) => write!(f, "{}", self.to_json()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A result with every member set to something distinct from its default.
    fn full_result() -> ExecResult {
        ExecResult {
            stdout: "out".into(),
            stderr: "err".into(),
            exit_code: Some(3),
            signal: Some("SIGKILL".into()),
            success: true,
            timed_out: true,
            stdout_truncated: true,
            stderr_truncated: true,
            duration_ms: 42,
            tier: crate::security::Tier::Tier1,
            oom_killed: true,
            executable: "/usr/bin/python3".into(),
            containment: crate::sandbox::Containment {
                processes: "p".into(),
                cpu_cores: "c".into(),
                teardown: "t".into(),
                hardening: String::new(),
            },
        }
    }

    #[test]
    fn every_declared_exec_result_field_has_the_runners_value_and_declared_type() {
        let record = stdlib().record("ExecResult").expect("stdlib/exec.symbi declares ExecResult");
        let result = full_result();
        // The runners' struct, as serde sees it: the reference for which member is which.
        let members = serde_json::to_value(&result).expect("ExecResult serializes");
        for field in &record.fields {
            let name = field.name.name.as_str();
            let value = Value::exec_field(&result, name)
                .unwrap_or_else(|| panic!("the interpreter has no value for declared field `{name}`"));
            assert_eq!(value.type_name(), field.ty.name.name, "`{name}` has its declared type");
            assert_eq!(Some(&value.to_json()), members.get(name), "`{name}` reads the runners' `{name}`");
        }
    }

    #[test]
    fn the_interpreter_shows_no_exec_result_field_the_record_does_not_declare() {
        let declared: Vec<&str> = Value::exec_field_names().collect();
        let result = full_result();
        let shown: Vec<String> = Value::exec_as_map(&result).into_keys().collect();
        let mut sorted = declared.clone();
        sorted.sort_unstable();
        assert_eq!(shown, sorted, "a value shows exactly the declared fields");
        // Every member the runners fill in is either declared or deliberately host-side; a
        // new member must be declared in stdlib/exec.symbi or listed here.
        let host_side = ["containment"];
        let members = serde_json::to_value(&result).expect("ExecResult serializes");
        for member in members.as_object().expect("a struct serializes as an object").keys() {
            let member = member.as_str();
            if host_side.contains(&member) {
                assert_eq!(runner_field(&result, member), None, "`{member}` stays host-side");
            } else {
                assert!(
                    declared.contains(&member),
                    "ExecResult member `{member}` is not declared in stdlib/exec.symbi"
                );
            }
        }
        assert_eq!(Value::exec_field(&result, "containment"), None);
    }

    #[test]
    fn floats_keep_their_point_and_collections_print_as_json() {
        assert_eq!(Value::Float(2.0).to_string(), "2.0");
        assert_eq!(Value::Float(2.5).to_string(), "2.5");
        let list = Value::List(vec![Value::Int(1), Value::str("a"), Value::Null]);
        assert_eq!(list.to_string(), r#"[1,"a",null]"#);
    }

    #[test]
    fn json_round_trips_and_ints_equal_floats() {
        let json: serde_json::Value = serde_json::json!({"a": [1, 2.5, "x", true, null]});
        assert_eq!(Value::from_json(&json).to_json(), json);
        assert!(Value::Int(1).equals(&Value::Float(1.0)));
        assert!(!Value::Int(1).equals(&Value::str("1")));
    }
}
