//! The builtins this build implements, and the module that implements each: the table a
//! test holds against the declarations in `stdlib/*.symbi`, so a builtin cannot be declared
//! without an implementation, nor implemented without a declaration.

/// The module that implements a builtin function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Home {
    /// `exec.rs`: running programs through the sandbox.
    Exec,
    /// `io.rs`: output, environment and files.
    Io,
    /// `control.rs`: triggers, failure, sleeping.
    Control,
    /// `values.rs`: conversions and pure functions of values.
    Values,
}

/// Every builtin function, with its home.
pub(super) const FUNCTIONS: &[(&str, Home)] = &[
    ("execute_native", Home::Exec),
    ("execute_code", Home::Exec),
    ("print", Home::Io),
    ("log", Home::Io),
    ("env", Home::Io),
    ("read_file", Home::Io),
    ("write_file", Home::Io),
    ("file_exists", Home::Io),
    ("emit", Home::Control),
    ("fail", Home::Control),
    ("sleep", Home::Control),
    ("len", Home::Values),
    ("json_parse", Home::Values),
    ("json_stringify", Home::Values),
    ("to_string", Home::Values),
    ("to_int", Home::Values),
    ("to_float", Home::Values),
    ("type_of", Home::Values),
    ("range", Home::Values),
    ("keys", Home::Values),
    ("values", Home::Values),
];

/// Every builtin method, by receiver type (`strings.rs` for `String`, `collections.rs` for
/// `List` and `Map`).
pub(super) const METHODS: &[(&str, &[&str])] = &[
    (
        "String",
        &[
            "len",
            "is_empty",
            "trim",
            "trim_start",
            "trim_end",
            "lines",
            "split",
            "contains",
            "starts_with",
            "ends_with",
            "replace",
            "upper",
            "lower",
        ],
    ),
    (
        "List",
        &[
            "len", "is_empty", "contains", "join", "get", "first", "last", "append", "slice", "reverse",
            "sort",
        ],
    ),
    ("Map", &["len", "is_empty", "keys", "values", "get", "has", "set", "remove"]),
];

/// The home of builtin function `name`.
pub(super) fn home(name: &str) -> Option<Home> {
    FUNCTIONS.iter().find(|(n, _)| *n == name).map(|(_, h)| *h)
}

/// Whether `receiver` has the builtin method `name`.
pub(super) fn has_method(receiver: &str, name: &str) -> bool {
    METHODS.iter().any(|(r, names)| *r == receiver && names.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::super::{Args, collections, strings, values};
    use super::*;
    use crate::eval::Value;
    use crate::stdlib::stdlib;
    use std::collections::BTreeSet;

    fn null_args() -> Args {
        Args { values: vec![Value::Null; 4], spans: Vec::new(), call: crate::diag::Span::default() }
    }

    #[test]
    fn the_table_is_exactly_what_stdlib_declares() {
        let declared: BTreeSet<&str> = stdlib().functions().map(|b| b.name()).collect();
        let table: BTreeSet<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
        assert_eq!(table, declared, "functions: src/eval/builtins/table.rs against stdlib/*.symbi");
        let receivers: BTreeSet<&str> = stdlib().receivers().collect();
        assert_eq!(receivers, METHODS.iter().map(|(r, _)| *r).collect(), "receiver types");
        for (receiver, names) in METHODS {
            let declared: BTreeSet<&str> = stdlib().method_names(receiver).into_iter().collect();
            let table: BTreeSet<&str> = names.iter().copied().collect();
            assert_eq!(table, declared, "methods of {receiver}: table.rs against stdlib/*.symbi");
        }
    }

    #[test]
    fn every_pure_builtin_in_the_table_has_an_implementation() {
        // Null arguments are wrong for most builtins: an error is an answer, `None` is not.
        for (name, home) in FUNCTIONS {
            if *home == Home::Values {
                assert!(values::call(name, &mut null_args()).is_some(), "{name} is not implemented");
            }
        }
        for (receiver, names) in METHODS {
            for name in *names {
                let done = match *receiver {
                    "String" => strings::call("", name, &mut null_args()).is_some(),
                    "List" => collections::call(Value::List(Vec::new()), name, &mut null_args()).is_some(),
                    _ => collections::call(Value::Map(Default::default()), name, &mut null_args()).is_some(),
                };
                assert!(done, "{receiver}.{name} is not implemented");
            }
        }
    }
}
