//! Each kind of configuration error, rendered on the TOML text and snapshotted.

use super::{case, load_case};
use symbi::config::{ConfigError, EnvVars, load};

fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots/config"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

fn codes(e: &ConfigError) -> Vec<&'static str> {
    e.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn every_error_case_file_renders_on_the_toml_text() {
    snapshot_settings().bind(|| {
        insta::glob!("../cases/config", "err_*.toml", |path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let error = match load_case(name, &[]) {
                Ok(_) => panic!("{name} loaded without errors"),
                Err(e) => e,
            };
            // Every label points into the config file, so the renderer can show the TOML text.
            for d in &error.diagnostics {
                let label = d.primary.as_ref().unwrap_or_else(|| panic!("{name}: {} has no place", d.code));
                assert_eq!(label.source.as_deref(), Some(error.source_name.as_str()));
            }
            insta::assert_snapshot!(error.render(false));
        });
    });
}

#[test]
fn unknown_key_suggests_the_close_key() {
    let e = load_case("err_unknown_key.toml", &[]).unwrap_err();
    assert_eq!(codes(&e), ["E0503"]);
    assert_eq!(e.diagnostics[0].help.as_deref(), Some("did you mean `security.allow_native_execution`?"));
    let span = e.diagnostics[0].span();
    assert_eq!(&e.source_text[span.start..span.end], "allow_native_exection");
}

#[test]
fn all_problems_are_reported_at_once_in_file_order() {
    let e = load_case("err_many.toml", &[]).unwrap_err();
    assert_eq!(codes(&e), ["E0505", "E0503", "E0505", "E0505", "E0505", "E0504", "E0504", "E0503", "E0505"]);
    let starts: Vec<usize> = e.diagnostics.iter().map(|d| d.span().start).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
}

#[test]
fn a_key_in_both_native_execution_forms_is_a_conflict() {
    let e = load_case("err_conflict.toml", &[]).unwrap_err();
    assert_eq!(codes(&e), ["E0507"]);
    assert_eq!(e.diagnostics[0].secondary.len(), 1);
}

#[test]
fn keys_in_only_one_native_execution_form_merge() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    let text = "[security.native_execution]\nmax_memory_mb = 64\n\n[native_execution]\nenabled = true\n";
    std::fs::write(&path, text).unwrap();
    let cfg = load(Some(&path), &EnvVars::default()).unwrap();
    assert_eq!(cfg.native_execution.max_memory_mb, Some(64));
    assert!(cfg.native_execution.enabled);
}

#[test]
fn malformed_env_vars_name_the_variable_all_at_once() {
    let env = [
        ("SYMBIONT_ALLOW_NATIVE_EXECUTION", "maybe"),
        ("SYMBIONT_DEFAULT_SANDBOX_TIER", "dockr"),
        ("SYMBIONT_NATIVE_MAX_MEMORY_MB", "2GB"),
        ("SYMBIONT_NATIVE_MAX_CPU_CORES", "0"),
        ("SYMBIONT_NATIVE_WORKING_DIR", "relative/dir"),
    ];
    let e = load(None, &EnvVars::from_pairs(env)).unwrap_err();
    assert_eq!(codes(&e), ["E0506"; 5]);
    for (d, (var, _)) in e.diagnostics.iter().zip(env) {
        assert!(d.message.contains(var), "{}", d.message);
        assert!(d.primary.is_none());
    }
    snapshot_settings().bind(|| insta::assert_snapshot!("malformed_env", e.render(false)));
}

#[test]
fn file_and_env_problems_are_reported_together() {
    let e = load_case("err_unknown_key.toml", &[("SYMBIONT_NATIVE_MAX_MEMORY_MB", "-1")]).unwrap_err();
    assert_eq!(codes(&e), ["E0503", "E0506"]);
}

#[test]
fn missing_named_file_is_an_error_not_the_defaults() {
    let e = load_case("no_such_file.toml", &[]).unwrap_err();
    assert_eq!(codes(&e), ["E0501"]);
    snapshot_settings().bind(|| insta::assert_snapshot!("missing_config_flag", e.render(false)));

    let env = EnvVars::from_pairs([("SYMBIONT_CONFIG", "tests/cases/config/no_such_file.toml")]);
    let e = load(None, &env).unwrap_err();
    assert_eq!(codes(&e), ["E0501"]);
    assert!(e.diagnostics[0].notes.iter().any(|n| n.contains("SYMBIONT_CONFIG")));

    let e = load(Some(&case("")), &EnvVars::default()).unwrap_err();
    assert!(e.diagnostics[0].message.contains("a folder"), "{}", e.diagnostics[0].message);
}

#[test]
fn non_utf8_file_names_the_byte_offset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, b"[security]\n# caf\xe9\n").unwrap();
    let e = load(Some(&path), &EnvVars::default()).unwrap_err();
    assert_eq!(codes(&e), ["E0501"]);
    assert!(e.diagnostics[0].message.contains("offset 16"), "{}", e.diagnostics[0].message);
}

#[test]
fn errors_render_as_json_lines_with_positions_on_the_toml_text() {
    let e = load_case("err_unknown_key.toml", &[]).unwrap_err();
    let json: serde_json::Value = serde_json::from_str(e.render_json().trim()).unwrap();
    assert_eq!(json["code"], "E0503");
    assert_eq!(json["file"], "tests/cases/config/err_unknown_key.toml");
    assert_eq!((json["line"].as_u64(), json["column"].as_u64()), (Some(2), Some(1)));
    let short = e.render_short();
    assert!(short.starts_with("tests/cases/config/err_unknown_key.toml:2:1: error[E0503]"), "{short}");
}
