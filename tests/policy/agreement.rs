//! For each tier and each allowlist situation, what `symbi check` says and what `symbi run`
//! does, from the case files of `tests/cases/agree/` (headers as in `tests/cases/run/`, plus
//! `// needs: docker` or `// needs: gvisor` for a run that starts a container).
//!
//! The rule pinned here: whatever the runner refuses of a literal command, the checker
//! reports, with the same code at the literal; `symbi run` checks first, so it refuses with
//! that diagnostic before anything starts. Only a program computed at run time reaches the
//! runner's own refusal (E0401 natively, E0495 in a container).

use crate::run::cases::{filters, transcript_of};
use crate::support::root;
use std::path::Path;

/// The codes in a transcript (`[E0306]` in human output), in order, repeats kept.
fn codes(transcript: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in transcript.match_indices("[E0") {
        out.push(transcript[i + 1..i + 6].to_string());
    }
    out
}

fn exit(transcript: &str) -> &str {
    transcript.lines().find_map(|l| l.strip_prefix("exit: ")).unwrap_or("")
}

/// Whether the case's run can happen here: a container case needs the engine (and gVisor).
fn runnable(text: &str) -> bool {
    let needs = |what: &str| {
        text.lines().take_while(|l| l.starts_with("//")).any(|l| l.contains(&format!("needs: {what}")))
    };
    if (needs("docker") || needs("gvisor")) && !crate::support::engine::ready() {
        return false;
    }
    true
}

fn case(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    if !runnable(&text) {
        return;
    }
    let check = transcript_of("check", path);
    let run = transcript_of("run", path);
    let (checked, ran) = (codes(&check), codes(&run));
    // Every code the checker reports, the run reports first and stops with.
    for code in &checked {
        assert!(ran.contains(code), "{}: check reports {code}, run does not:\n{run}", path.display());
    }
    if !checked.is_empty() {
        assert_eq!(exit(&run), "1", "{}: a checked refusal must fail the run:\n{run}", path.display());
        assert!(
            !run.contains("running trigger") && !run.contains("symbi: $ "),
            "{}: nothing may start:\n{run}",
            path.display()
        );
    }
    // A run refusal of a literal command is a disagreement; only computed commands may reach it.
    let computed = path.file_name().is_some_and(|n| n.to_string_lossy().contains("computed"));
    if ran.iter().any(|c| c == "E0401" || c == "E0495") {
        assert!(
            computed,
            "{}: the runner refused a literal the checker passed:\n{check}\n{run}",
            path.display()
        );
    }
    insta::assert_snapshot!(format!("=== symbi check\n{check}\n=== symbi run\n{run}"));
}

#[test]
fn check_and_run_agree_on_every_tier_and_allowlist() {
    insta::with_settings!({
        snapshot_path => root().join("snapshots/agree"),
        prepend_module_to_snapshot => false,
        filters => filters(),
    }, {
        insta::glob!(root().join("tests/cases"), "agree/*.symbi", case);
    });
}
