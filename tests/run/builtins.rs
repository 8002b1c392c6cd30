//! The builtins, in process: values, strings, collections, files, and what the exec
//! builtins hand to the sandbox. Every builtin of `stdlib/` is called here at least once.

use super::fake::{Opts, agent, exited, run, run_with};
use symbi::sandbox::Program;

fn printed(body: &str) -> Vec<String> {
    let ran = run(&agent(body));
    assert_eq!(ran.code(), "ok", "{:?}", ran.error);
    ran.printed
}

#[test]
fn value_builtins() {
    let out = printed(
        r#"
        print(len("héllo")) print(len([1, 2])) print(len({a: 1}))
        print(json_stringify({b: [1, "x"], a: null}))
        print(json_stringify([1], pretty: true))
        print(json_parse("{\"k\": [1, 2.5, true]}").k[1])
        print(to_string(12) + "!") print(to_int("42") + 1) print(to_int(3.9)) print(to_float("1.5"))
        print(type_of(1s)) print(type_of(null)) print(type_of({}))
        print(range(0, 3)) print(range(5, 0, -2))
        print(keys({b: 1, a: 2})) print(values({b: 1, a: 2}))
        "#,
    );
    assert_eq!(
        out,
        [
            "5",
            "2",
            "1",
            r#"{"a":null,"b":[1,"x"]}"#,
            "[\n  1\n]",
            "2.5",
            "12!",
            "43",
            "3",
            "1.5",
            "Duration",
            "Null",
            "Map",
            "[0,1,2]",
            "[5,3,1]",
            r#"["a","b"]"#,
            "[2,1]",
        ]
    );
}

#[test]
fn string_methods() {
    let out = printed(
        r#"
        let s = "  Hello World  "
        print(s.trim()) print(s.trim_start()) print(s.trim_end() + "|")
        print("a\nb\n".lines()) print("a,b,,c".split(","))
        print(s.contains("World")) print("abc".starts_with("ab")) print("abc".ends_with("bc"))
        print("a-b-c".replace("-", "+")) print("MiX".upper()) print("MiX".lower())
        print("".is_empty()) print("日本".len())
        "#,
    );
    assert_eq!(
        out,
        [
            "Hello World",
            "Hello World  ",
            "  Hello World|",
            r#"["a","b"]"#,
            r#"["a","b","","c"]"#,
            "true",
            "true",
            "true",
            "a+b+c",
            "MIX",
            "mix",
            "true",
            "2",
        ]
    );
}

#[test]
fn list_and_map_methods_return_new_values() {
    let out = printed(
        r#"
        let xs = [3, 1, 2]
        let ys = xs.append(4)
        print(xs) print(ys) print(xs.len()) print(xs.is_empty()) print(xs.contains(2))
        print(xs.join("-")) print(xs.get(0)) print(xs.first()) print(xs.last())
        print(xs.slice(1)) print(xs.slice(0, 2)) print(xs.reverse()) print(xs.sort())
        let m = { a: 1 }
        let m2 = m.set("b", 2)
        print(m) print(m2) print(m2.keys()) print(m2.values()) print(m2.len()) print(m.is_empty())
        print(m.get("a")) print(m.get("zz", "none")) print(m.has("a")) print(m2.remove("a"))
        "#,
    );
    assert_eq!(
        out,
        [
            "[3,1,2]",
            "[3,1,2,4]",
            "3",
            "false",
            "true",
            "3-1-2",
            "3",
            "3",
            "2",
            "[1,2]",
            "[3,1]",
            "[2,1,3]",
            "[1,2,3]",
            r#"{"a":1}"#,
            r#"{"a":1,"b":2}"#,
            r#"["a","b"]"#,
            "[1,2]",
            "2",
            "false",
            "1",
            "none",
            "true",
            r#"{"b":2}"#,
        ]
    );
}

#[test]
fn log_goes_to_the_transcript_with_its_level() {
    let ran = run(&agent("log(\"hello\")\n log(\"careful\", level: \"warn\")"));
    let logs: Vec<(String, String)> = ran
        .events
        .into_iter()
        .filter_map(|e| match e {
            symbi::eval::Event::Log { level, message } => Some((level, message)),
            _ => None,
        })
        .collect();
    assert_eq!(logs, [("info".into(), "hello".into()), ("warn".into(), "careful".into())]);
    assert_eq!(run(&agent("log(\"x\", level: \"loud\")")).code(), "E0430");
}

#[test]
fn env_reads_the_host_environment() {
    let out = printed("print(env(\"PATH\") != null)\n print(env(\"SYMBI_SURELY_UNSET_VARIABLE\"))");
    assert_eq!(out, ["true", "null"]);
}

#[test]
fn files_are_confined_to_the_working_directory() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = std::fs::canonicalize(dir.path()).unwrap_or_default();
    let _ = std::os::unix::fs::symlink("/etc", root.join("etc-link"));
    let body = r#"
        print(file_exists("notes/a.txt"))
        write_file("notes/a.txt", "one\ntwo")
        print(file_exists("notes/a.txt"))
        print(read_file("notes/a.txt").lines())
        "#;
    let ran = run_with(&agent(body), Opts { working_dir: root.clone(), ..Opts::default() });
    assert_eq!(ran.code(), "ok", "{:?}", ran.error);
    assert_eq!(ran.printed, ["false", "true", r#"["one","two"]"#]);
    assert_eq!(std::fs::read_to_string(root.join("notes/a.txt")).ok().as_deref(), Some("one\ntwo"));
    for bad in ["../outside.txt", "/etc/passwd", "etc-link/passwd", "notes/../../x"] {
        let body = format!("read_file({bad:?})");
        let ran = run_with(&agent(&body), Opts { working_dir: root.clone(), ..Opts::default() });
        assert_eq!(ran.code(), "E0439", "{bad}");
    }
    let ran = run_with(&agent("read_file(\"missing.txt\")"), Opts { working_dir: root, ..Opts::default() });
    assert_eq!(ran.code(), "E0440");
}

#[test]
fn execute_native_splits_argv_and_passes_env_stdin_and_timeout() {
    let ran = run(&agent(
        r#"let r = execute_native("sh -c 'echo $X' arg", env: { X: "1" }, stdin: "in", timeout: 2s)"#,
    ));
    assert_eq!(ran.code(), "ok", "{:?}", ran.error);
    let asked = &ran.asked[0];
    assert_eq!(asked.program, Program::Argv(vec!["sh".into(), "-c".into(), "echo $X".into(), "arg".into()]));
    assert_eq!(asked.env, [("X".to_string(), "1".to_string())]);
    assert_eq!(asked.stdin.as_deref(), Some("in"));
    assert_eq!(asked.timeout_ms, 2000);
}

#[test]
fn a_call_timeout_never_widens_the_run_limit() {
    let ran = run(&agent(r#"let r = execute_native("true", timeout: 2h)"#));
    assert_eq!(ran.asked[0].timeout_ms, 300_000);
}

#[test]
fn execute_code_passes_the_code_and_the_default_interpreter() {
    let ran = run(&agent(
        "let r = execute_code(\"\"\"\n  echo hi\n  \"\"\")\n let p = execute_code(\"print(1)\", interpreter: \"python3\")",
    ));
    assert_eq!(ran.code(), "ok", "{:?}", ran.error);
    assert_eq!(ran.asked[0].program, Program::Code { code: "echo hi\n".into(), interpreter: "bash".into() });
    assert_eq!(
        ran.asked[1].program,
        Program::Code { code: "print(1)".into(), interpreter: "python3".into() }
    );
}

#[test]
fn exec_results_are_records() {
    let opts = Opts { script: vec![exited(3, "out\n", "err\n")], ..Opts::default() };
    let ran = run_with(
        &agent(
            "let r = execute_native(\"true\")\n print(r.exit_code) print(r.success) print(r.stdout.trim()) print(r.signal) print(r.tier) print(r.timed_out)",
        ),
        opts,
    );
    assert_eq!(ran.code(), "ok", "{:?}", ran.error);
    assert_eq!(ran.printed, ["3", "false", "out", "null", "None", "false"]);
}

#[test]
fn an_unsplittable_command_is_an_error_at_the_argument() {
    let ran = run(&agent("execute_native(\"echo 'open\")"));
    assert_eq!(ran.code(), "E0403");
}
