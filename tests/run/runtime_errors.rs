//! Runtime errors: each a diagnostic with its code and the span of the expression.

use super::fake::{agent, run};

/// Runs `body`; returns the error code and the text its span covers.
fn fails(body: &str) -> (&'static str, String) {
    let ran = run(&agent(body));
    (ran.code(), ran.error_text().to_string())
}

#[test]
fn division_by_zero() {
    assert_eq!(fails("let zero = 0\n let x = 10 / zero"), ("E0431", "10 / zero".into()));
    assert_eq!(fails("let x = 1.5 % 0"), ("E0431", "1.5 % 0".into()));
}

#[test]
fn index_out_of_range() {
    assert_eq!(fails("let xs = [1, 2]\n print(xs[2])"), ("E0432", "2".into()));
    assert_eq!(fails("let xs = [1]\n xs[-1] = 3"), ("E0432", "-1".into()));
    assert_eq!(fails("print(\"ab\"[5])"), ("E0432", "5".into()));
}

#[test]
fn type_errors() {
    assert_eq!(fails("print(\"n=\" + 1)"), ("E0430", "\"n=\" + 1".into()));
    assert_eq!(fails("if 1 { }"), ("E0430", "1".into()));
    assert_eq!(fails("let x: Int = \"s\""), ("E0430", "\"s\"".into()));
    assert_eq!(fails("for x in 5 { }"), ("E0430", "5".into()));
    assert_eq!(fails("print(-\"a\")"), ("E0430", "-\"a\"".into()));
}

#[test]
fn missing_keys_suggest_a_close_one() {
    let ran = run(&agent("let m = { name: 1 }\n print(m.nmae)"));
    assert_eq!(ran.code(), "E0433");
    assert_eq!(ran.error_text(), "nmae");
    assert_eq!(ran.error.and_then(|d| d.help).as_deref(), Some("did you mean `name`?"));
}

#[test]
fn integer_overflow_is_an_error_not_a_wrap() {
    assert_eq!(fails("let x = 9223372036854775807\n x += 1").0, "E0444");
}

#[test]
fn conversions_and_json() {
    assert_eq!(fails("to_int(\"twelve\")"), ("E0443", "\"twelve\"".into()));
    assert_eq!(fails("json_parse(\"{x\")").0, "E0442");
}

#[test]
fn undeclared_capability_is_refused_at_run_time() {
    let source = "agent A { on trigger \"t\" { print(env(\"HOME\")) } }";
    let ran = run(source);
    assert_eq!(ran.code(), "E0447");
    assert_eq!(ran.error_text(), "env(\"HOME\")");
}

#[test]
fn wrong_arguments_to_builtins() {
    assert_eq!(fails("len(1, 2)").0, "E0441");
    assert_eq!(fails("execute_native(\"true\", tiemout: 1s)").0, "E0441");
    assert_eq!(fails("len(5)").0, "E0430");
}

#[test]
fn errors_inside_functions_point_into_the_function() {
    let source = "fn bad() -> Int { return 1 / 0 }\n".to_string() + &agent("bad()");
    let ran = run(&source);
    assert_eq!(ran.code(), "E0431");
    assert_eq!(ran.error_text(), "1 / 0");
}
