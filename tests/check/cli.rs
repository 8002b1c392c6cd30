//! `symbi check` end to end: exit statuses, tier flags and `--deny-warnings`.

use crate::support::symbi;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_seed_example_checks_clean_with_native_consent_and_not_without() {
    // The seed agent alone, away from the consent of examples/config.toml.
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let seed = tmp.path().join("native_worker.symbi");
    let _ = std::fs::copy(crate::support::root().join("examples/native_worker.symbi"), &seed);
    let seed = seed.to_string_lossy().into_owned();
    let out = symbi(&["check", "--native", &seed]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = symbi(&["check", "--format", "json", &seed]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("\"code\":\"E0301\""), "{}", stdout(&out));
    // With its folder's configuration, which consents, it checks clean as it is; that file
    // is named, since a config.toml beside an agent is not read from an untrusted folder.
    let out = symbi(&["check", "--config", "examples/config.toml", "examples/native_worker.symbi"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn the_cli_tier_takes_part_in_the_profile_rule() {
    // Strict on Tier2 is fine; the same agent forced onto tier None is not.
    let file = "tests/cases/check/ok_cli_tier_overrides_agent.symbi";
    assert_eq!(symbi(&["check", "--sandbox-tier", "tier2", file]).status.code(), Some(0));
    let out = symbi(&["check", "--native", "--format", "json", file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("\"code\":\"E0303\""), "{}", stdout(&out));
}

#[test]
fn warnings_pass_unless_denied() {
    let file = "tests/cases/check/w0001_unused_variable.symbi";
    let out = symbi(&["check", "--format", "short", file]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("W0001"));
    assert_eq!(symbi(&["check", "--deny-warnings", file]).status.code(), Some(1));
}

#[test]
fn labels_in_the_standard_library_render_with_its_text() {
    let out = symbi(&["check", "tests/cases/check/e0305_capability_not_declared.symbi"]);
    assert_eq!(out.status.code(), Some(1));
    // Human reports go to stderr, as rustc's do.
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(text.contains("<stdlib/io.symbi>"), "{text}");
    assert!(text.contains("extern fn read_file"), "{text}");
}

#[test]
fn run_checks_first_and_starts_nothing_on_errors() {
    let out = symbi(&["run", "--format", "json", "tests/cases/check/e0301_native_not_allowed.symbi"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("\"code\":\"E0301\""), "{text}");
    assert!(!text.contains("python3"), "nothing was executed: {text}");
}
