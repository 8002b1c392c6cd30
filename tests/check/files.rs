//! One consistent tool: which files `check` and `fmt` take (`--exclude`, `.symbiignore`,
//! missing files, empty folders), where human reports go, their header and colour.

use crate::support::{root, symbi_bin};
use std::path::Path;
use std::process::{Command, Output};

const BAD: &str = "agent A {\n  on trigger \"t\" {\n    print(x)\n  }\n}\n";
const MESSY: &str = "agent   B {\n}\n";

fn symbi_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(symbi_bin())
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("SYMBIONT_CONFIG")
        .env("HOME", dir)
        .envs(env.iter().copied())
        .output()
        .expect("the symbi binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `project/agents/bad.symbi`, `project/vendor/v.symbi`, `project/gen/g.dsl` (all with an
/// unknown variable), and an empty folder `project/empty`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, text) in [("agents/bad.symbi", BAD), ("vendor/v.symbi", BAD), ("gen/g.dsl", BAD)] {
        let path = dir.path().join("project").join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(path, text).expect("a file");
    }
    std::fs::create_dir_all(dir.path().join("project/empty")).expect("a folder");
    dir
}

#[test]
fn a_missing_file_is_e0001_in_place_and_the_other_files_are_still_checked() {
    let dir = project();
    let args = ["check", "missing.symbi", "project/agents", "project/empty"];
    let human = symbi_in(dir.path(), &args, &[("NO_COLOR", "1")]);
    assert_eq!(human.status.code(), Some(2), "an unusable path is exit status 2");
    assert!(human.stdout.is_empty(), "human reports go to stderr: {}", text(&human.stdout));
    let report = text(&human.stderr);
    insta::with_settings!({snapshot_path => root().join("snapshots/check"), prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("files_missing_file_empty_folder_and_a_checked_file", report);
    });

    let json = symbi_in(dir.path(), &[&["--color", "never"][..], &args, &["--format", "json"]].concat(), &[]);
    assert_eq!(json.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = text(&json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    let codes: Vec<(&str, &str)> =
        lines.iter().map(|v| (v["file"].as_str().unwrap_or(""), v["code"].as_str().unwrap_or(""))).collect();
    assert_eq!(
        codes,
        [("missing.symbi", "E0001"), ("project/agents/bad.symbi", "E0201"), ("project/empty", "W0020")],
        "{}",
        text(&json.stdout)
    );
}

#[test]
fn exclude_and_symbiignore_leave_files_out_of_check_and_fmt() {
    let dir = project();
    std::fs::write(dir.path().join("project/.symbiignore"), "# generated\n*.dsl\n").expect("ignore file");
    let short = |extra: &[&str]| {
        let out =
            symbi_in(dir.path(), &[&["check", "--format", "short", "project"][..], extra].concat(), &[]);
        let mut files: Vec<String> =
            text(&out.stdout).lines().map(|l| l.split(':').next().unwrap_or("").to_string()).collect();
        files.sort();
        files
    };
    assert_eq!(
        short(&[]),
        ["project/agents/bad.symbi", "project/vendor/v.symbi"],
        ".symbiignore drops gen/g.dsl"
    );
    assert_eq!(short(&["--exclude", "vendor/"]), ["project/agents/bad.symbi"]);
    assert_eq!(
        short(&["--exclude", "vendor/", "--exclude", "/agents"]),
        ["project"],
        "nothing left: W0020 for the folder"
    );

    // `fmt` walks the same way: only the file left in is listed as changing.
    std::fs::write(dir.path().join("project/agents/messy.symbi"), MESSY).expect("a file");
    std::fs::write(dir.path().join("project/vendor/messy.symbi"), MESSY).expect("a file");
    let out = symbi_in(dir.path(), &["fmt", "--check", "--exclude", "vendor", "project"], &[]);
    assert_eq!(text(&out.stdout), "project/agents/messy.symbi\n", "{}", text(&out.stderr));

    let out = symbi_in(dir.path(), &["check", "--exclude", "a[", "project"], &[]);
    assert_eq!(out.status.code(), Some(2), "a bad --exclude is a usage error");
    assert!(text(&out.stderr).contains("--exclude `a[`"), "{}", text(&out.stderr));
}

#[test]
fn colour_follows_the_flag_then_no_color_and_the_summary_points_at_explain() {
    let dir = project();
    let args = ["check", "project/agents"];
    let escape = |out: &Output| text(&out.stderr).contains('\u{1b}');
    assert!(!escape(&symbi_in(dir.path(), &args, &[])), "auto: no colour through a pipe");
    assert!(escape(&symbi_in(
        dir.path(),
        &[&["--color", "always"][..], &args].concat(),
        &[("NO_COLOR", "1")]
    )));
    assert!(!escape(&symbi_in(dir.path(), &[&args[..], &["--color", "never"]].concat(), &[])));
    let out = symbi_in(dir.path(), &args, &[]);
    let report = text(&out.stderr);
    assert!(report.starts_with("error[E0201]: unknown variable `x`\n"), "{report}");
    assert!(report.ends_with("for more about a code: `symbi explain E0201`\n"), "{report}");
}

#[test]
fn every_config_help_gives_the_whole_lookup_order() {
    for sub in ["check", "run", "doctor", "up"] {
        let out = symbi_in(Path::new("."), &[sub, "--help"], &[]);
        let help = text(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
        let order =
            ["$SYMBIONT_CONFIG", "./config.toml", "trusted (`symbi trust`)", "$XDG_CONFIG_HOME", "defaults"];
        let mut at = 0;
        for step in order {
            let found = help[at..].find(step).map(|i| i + at);
            assert!(found.is_some(), "`symbi {sub} --help` names {step} after the step before it:\n{help}");
            at = found.unwrap_or(at);
        }
    }
    let doctor = text(&symbi_in(Path::new("."), &["doctor", "--help"], &[]).stdout);
    assert!(doctor.starts_with("Report which sandbox tiers"), "{doctor}");
    assert!(doctor.contains("where it came from"), "{doctor}");
}
