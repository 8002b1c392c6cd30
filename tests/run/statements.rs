//! Every statement and expression of the language, run in process on the fake sandbox.

use super::fake::{Opts, agent, run, run_with};
use symbi::eval::Value;

fn printed(body: &str) -> Vec<String> {
    let ran = run(&agent(body));
    assert_eq!(ran.code(), "ok", "{:?}", ran.error);
    ran.printed
}

#[test]
fn let_assignment_and_compound_assignment() {
    let out = printed(
        r#"
        let x = 1
        let y: Int = 2
        x = x + y
        x += 10
        let s = "a"
        s += "b"
        let xs = [1]
        xs += [2]
        print(x) print(s) print(xs)
        "#,
    );
    assert_eq!(out, ["13", "ab", "[1,2]"]);
}

#[test]
fn assignment_into_maps_and_lists() {
    let out = printed(
        r#"
        let m = { a: 1, "b c": [1, 2] }
        m.a = 5
        m["b c"][1] = 9
        m.new = "x"
        let xs = [[0, 0], [0, 0]]
        xs[1][0] += 7
        print(m) print(xs)
        "#,
    );
    assert_eq!(out, [r#"{"a":5,"b c":[1,9],"new":"x"}"#, "[[0,0],[7,0]]"]);
}

#[test]
fn if_else_if_else_picks_one_branch() {
    let out = printed(
        r#"
        for n in [1, 5, 10] {
          if n < 3 { print("small") } else if n < 8 { print("medium") } else { print("large") }
        }
        "#,
    );
    assert_eq!(out, ["small", "medium", "large"]);
}

#[test]
fn for_loops_over_lists_maps_and_strings() {
    let out = printed(
        r#"
        let total = 0
        for n in [1, 2, 3] { total += n }
        print(total)
        for k, v in { b: 2, a: 1 } { print("${k}=${v}") }
        for k in { z: 0, y: 0 } { print(k) }
        for c in "hé" { print(c) }
        "#,
    );
    assert_eq!(out, ["6", "a=1", "b=2", "y", "z", "h", "é"]);
}

#[test]
fn while_loops_until_the_condition_fails() {
    let out = printed("let i = 0\n while i < 4 { i += 1 }\n print(i)");
    assert_eq!(out, ["4"]);
}

#[test]
fn a_runaway_while_loop_is_stopped_at_the_limit() {
    let mut opts = Opts::default();
    opts.config.runtime.max_loop_iterations = 50;
    let ran = run_with(&agent("let i = 0\n while true { i += 1 }"), opts);
    assert_eq!(ran.code(), "E0435");
    assert!(ran.error_text().starts_with("while true"), "{}", ran.error_text());
}

#[test]
fn functions_recurse_return_and_take_defaults_and_named_arguments() {
    let source = r#"
fn fact(n: Int) -> Int {
  if n <= 1 { return 1 }
  return n * fact(n - 1)
}
agent A {
  fn greet(name: String, greeting: String = "hello") -> String { return "${greeting}, ${name}" }
  on trigger "t" {
    print(fact(10))
    print(greet("ann"))
    print(greet(greeting: "hi", name: "bob"))
  }
}
"#;
    let ran = run(source);
    assert_eq!(ran.code(), "ok", "{:?}", ran.error);
    assert_eq!(ran.printed, ["3628800", "hello, ann", "hi, bob"]);
}

#[test]
fn unbounded_recursion_is_stopped_at_the_call_depth() {
    let source = "fn down(n: Int) -> Int { return down(n + 1) }\n".to_string() + &agent("down(0)");
    let mut opts = Opts::default();
    opts.config.runtime.max_call_depth = 40;
    let ran = run_with(&source, opts);
    assert_eq!(ran.code(), "E0434");
    assert_eq!(ran.error_text(), "down(n + 1)");
}

#[test]
fn the_default_call_depth_does_not_overflow_the_stack() {
    let source = "fn down(n: Int) -> Int { return down(n + 1) }\n".to_string() + &agent("down(0)");
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || run(&source).code())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(handle.join().ok(), Some("E0434"));
}

#[test]
fn return_ends_the_trigger_early() {
    let out = printed("print(1)\n return;\n print(2)");
    assert_eq!(out, ["1"]);
}

#[test]
fn try_catch_binds_message_code_and_span() {
    let out = printed(
        r#"
        try {
          let x = 1 / 0
        } catch err {
          print(err.code)
          print(err.message)
          print(err.span.line)
        }
        print("after")
        "#,
    );
    assert_eq!(out, ["E0431", "division by zero in `/`", "6", "after"]);
}

#[test]
fn a_caught_error_leaves_variables_of_the_outer_scope_usable() {
    let out = printed("let n = 1\n try { let inner = 2\n fail(\"x\") } catch e { n = 2 }\n print(n)");
    assert_eq!(out, ["2"]);
}

#[test]
fn strings_interpolate_and_raw_strings_do_not() {
    let out = printed(
        "let name = \"w\"\n print(\"hi ${name}! ${1 + 2} \\${no}\")\n print(\"\"\"\n    raw ${name} \\n\n    \"\"\")",
    );
    assert_eq!(out, ["hi w! 3 ${no}", "raw ${name} \\n\n"]);
}

#[test]
fn durations_and_floats_print_as_written() {
    let out = printed(
        "print(30s)\n print(1500ms + 500ms)\n print(2m * 3)\n print(1.0 * 2)\n print(7 / 2)\n print(-7 % 3)",
    );
    assert_eq!(out, ["30s", "2s", "6m", "2.0", "3", "-1"]);
}

#[test]
fn logical_operators_short_circuit() {
    let out = printed(
        "let xs = []\n if len(xs) > 0 && xs[0] == 1 { print(\"no\") } else { print(\"safe\") }\n print(true || 1 / 0 == 1)\n print(!false)",
    );
    assert_eq!(out, ["safe", "true", "true"]);
}

#[test]
fn comparisons_and_equality() {
    let out = printed(
        "print(1 == 1.0)\n print(\"a\" < \"b\")\n print([1, {a: 2}] == [1, {a: 2}])\n print(null == null)\n print(2s > 1500ms)\n print(1 != 2)",
    );
    assert_eq!(out, ["true", "true", "true", "true", "true", "true"]);
}

#[test]
fn the_payload_is_bound_to_input_or_the_named_binding() {
    let payload = Value::from_json(&serde_json::json!({"items": [1, 2]}));
    let ran =
        run_with(&agent("print(len(input.items))"), Opts { payload: payload.clone(), ..Opts::default() });
    assert_eq!(ran.printed, ["2"]);
    let source = "agent A { on trigger \"t\" (event) { print(event.items[1]) } }";
    let ran = run_with(source, Opts { payload, ..Opts::default() });
    assert_eq!(ran.printed, ["2"]);
}

#[test]
fn emit_runs_another_trigger_with_its_payload() {
    let source = r#"
agent A {
  on trigger "t" { emit("other", { n: 41 }) print("back") }
  on trigger "other" (p) { print(p.n + 1) }
}
"#;
    let ran = run(source);
    assert_eq!(ran.code(), "ok", "{:?}", ran.error);
    assert_eq!(ran.printed, ["42", "back"]);
}

#[test]
fn emit_is_depth_limited() {
    let source = "agent A { on trigger \"t\" { emit(\"t\", null) } }";
    let mut opts = Opts::default();
    opts.config.runtime.max_emit_depth = 5;
    let ran = run_with(source, opts);
    assert_eq!(ran.code(), "E0436");
    let started =
        ran.events.iter().filter(|e| matches!(e, symbi::eval::Event::TriggerStarted { .. })).count();
    assert_eq!(started, 6);
}

#[test]
fn fail_ends_the_trigger_with_the_message() {
    let ran = run(&agent("print(1)\n fail(\"no input\")\n print(2)"));
    assert_eq!(ran.code(), "E0437");
    assert_eq!(ran.printed, ["1"]);
    assert!(ran.error.map(|d| d.message).unwrap_or_default().contains("no input"));
}

#[test]
fn sleep_waits() {
    let started = std::time::Instant::now();
    let ran = run(&agent("sleep(120ms)"));
    assert_eq!(ran.code(), "ok");
    assert!(started.elapsed() >= std::time::Duration::from_millis(120));
}

#[test]
fn a_cancelled_run_stops_before_the_next_statement() {
    let cancel = symbi::eval::Cancel::new();
    cancel.cancel(2);
    let ran = run_with(&agent("print(1)"), Opts { cancel, ..Opts::default() });
    assert_eq!(ran.interrupted, Some(2));
    assert!(ran.printed.is_empty());
}
