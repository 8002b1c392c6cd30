//! The failure rule: an unsuccessful `ExecResult` used as a statement fails the trigger;
//! a bound one is the program's to handle.

use super::fake::{Opts, agent, exited, run_with};
use symbi::sandbox::ExecResult;

fn with(results: Vec<Result<ExecResult, symbi::sandbox::SandboxError>>) -> Opts {
    Opts { script: results, ..Opts::default() }
}

#[test]
fn a_failing_statement_fails_the_trigger_quoting_status_and_stderr() {
    let stderr = "line 1\nline 2\nline 3\nline 4\nline 5\nTraceback: boom\n";
    let ran = run_with(
        &agent("execute_native(\"python3 process.py\")\n print(\"not reached\")"),
        with(vec![exited(2, "", stderr)]),
    );
    assert_eq!(ran.code(), "E0438");
    assert_eq!(ran.error_text(), "execute_native(\"python3 process.py\")");
    assert!(ran.printed.is_empty());
    let d = ran.error.unwrap_or_else(|| panic!("an error"));
    assert_eq!(d.message, "the command failed with exit status 2");
    let notes = d.notes.join("\n");
    assert!(notes.contains("exit status 2"), "{notes}");
    assert!(
        notes.contains("Traceback: boom") && notes.contains("line 2") && !notes.contains("line 1"),
        "{notes}"
    );
}

#[test]
fn a_signal_or_timeout_is_named() {
    let killed = ExecResult { signal: Some("SIGKILL".into()), timed_out: true, ..Default::default() };
    let ran = run_with(&agent("execute_native(\"sleep 10\")"), with(vec![Ok(killed)]));
    let d = ran.error.unwrap_or_else(|| panic!("an error"));
    assert_eq!(d.message, "the command timed out");
    assert!(d.notes[0].contains("signal SIGKILL") && d.notes[0].contains("timed out"), "{:?}", d.notes);
}

#[test]
fn a_bound_result_is_handled_by_the_program() {
    let ran = run_with(
        &agent("let r = execute_native(\"false\")\n if !r.success { print(\"handled ${r.exit_code}\") }"),
        with(vec![exited(1, "", "")]),
    );
    assert_eq!(ran.code(), "ok");
    assert_eq!(ran.printed, ["handled 1"]);
}

#[test]
fn a_failing_statement_inside_try_is_caught() {
    let ran = run_with(
        &agent("try { execute_native(\"false\") } catch e { print(e.code) }"),
        with(vec![exited(1, "", "")]),
    );
    assert_eq!(ran.code(), "ok");
    assert_eq!(ran.printed, ["E0438"]);
}

#[test]
fn a_sandbox_refusal_is_an_error_at_the_call() {
    let refused = symbi::sandbox::SandboxError::new(
        symbi::diag::codes::NATIVE_EXECUTABLE_NOT_ALLOWED,
        "`curl` is not an allowed executable",
    );
    let ran = run_with(&agent("let r = execute_native(\"curl x\")"), with(vec![Err(refused)]));
    assert_eq!(ran.code(), "E0401");
    assert_eq!(ran.error_text(), "execute_native(\"curl x\")");
}

#[test]
fn successful_statements_do_not_fail() {
    let ran = run_with(&agent("execute_native(\"true\")\n print(\"ok\")"), with(vec![exited(0, "", "")]));
    assert_eq!(ran.code(), "ok");
    assert_eq!(ran.printed, ["ok"]);
}
