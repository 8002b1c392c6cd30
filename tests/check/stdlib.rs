//! The embedded standard library parses and declares what language.md promises.

use symbi::stdlib::stdlib;

#[test]
fn the_standard_library_parses_without_diagnostics() {
    let errors: Vec<_> = stdlib().errors.iter().map(|(s, d)| format!("{s}: {}", d.message)).collect();
    assert!(errors.is_empty(), "stdlib does not parse: {errors:?}");
}

#[test]
fn every_builtin_of_the_language_is_declared_with_a_doc() {
    let lib = stdlib();
    for name in [
        "execute_native",
        "execute_code",
        "print",
        "log",
        "env",
        "read_file",
        "write_file",
        "file_exists",
        "emit",
        "fail",
        "sleep",
        "len",
        "json_parse",
        "json_stringify",
        "to_string",
        "to_int",
        "to_float",
        "keys",
        "values",
        "range",
    ] {
        let b = lib.function(name).unwrap_or_else(|| panic!("builtin {name} is declared"));
        assert!(b.decl.doc.as_deref().is_some_and(|d| !d.trim().is_empty()), "{name} has a doc comment");
        assert!(b.source.starts_with("<stdlib/"), "{name} names its source");
    }
    for m in ["trim", "lines", "split", "contains", "starts_with", "ends_with", "replace", "upper", "lower"] {
        assert!(lib.method("String", m).is_some(), "String.{m} is declared");
    }
    for m in ["contains", "join", "len"] {
        assert!(lib.method("List", m).is_some(), "List.{m} is declared");
    }
    for m in ["keys", "values", "get", "has"] {
        assert!(lib.method("Map", m).is_some(), "Map.{m} is declared");
    }
    let mut receivers: Vec<&str> = lib.receivers().collect();
    receivers.sort_unstable();
    assert_eq!(receivers, ["List", "Map", "String"], "the types with methods");
}

#[test]
fn capabilities_and_parameters_match_the_language() {
    let lib = stdlib();
    let caps = |n: &str| -> Vec<String> {
        lib.function(n).map(|b| b.requires().map(String::from).collect()).unwrap_or_default()
    };
    assert_eq!(caps("read_file"), ["local_filesystem"]);
    assert_eq!(caps("write_file"), ["local_filesystem"]);
    assert_eq!(caps("file_exists"), ["local_filesystem"]);
    assert_eq!(caps("env"), ["environment"]);
    assert!(caps("print").is_empty());
    let exec = lib.function("execute_native").expect("declared");
    let params: Vec<&str> = exec.decl.params.iter().map(|p| p.name.name.as_str()).collect();
    assert_eq!(params, ["command", "env", "stdin", "timeout"]);
    assert!(exec.decl.params[1..].iter().all(|p| p.default.is_some()), "only `command` is required");
}

#[test]
fn exec_result_has_every_field_of_the_language() {
    let rec = stdlib().record("ExecResult").expect("ExecResult is declared");
    let fields: Vec<&str> = rec.fields.iter().map(|f| f.name.name.as_str()).collect();
    assert_eq!(
        fields,
        [
            "stdout",
            "stderr",
            "exit_code",
            "signal",
            "success",
            "timed_out",
            "stdout_truncated",
            "stderr_truncated",
            "duration_ms",
            "tier",
            "oom_killed",
            "executable"
        ]
    );
    assert!(rec.fields.iter().all(|f| f.doc.is_some()), "every field has a doc comment");
}
