//! The effective configuration report: every used key, its value and its origin.

use super::{case, load_case};
use symbi::config::{Config, EnvVars, Origin, effective_values, load, schema};

#[test]
fn every_used_key_is_reported_and_set_by_the_case_file() {
    let cfg =
        load_case("every_key.toml", &[("SYMBIONT_ENV", "production")]).unwrap_or_else(|e| panic!("{e}"));
    let rows = effective_values(&cfg);
    let defaults = effective_values(&Config::default());
    for (row, default) in rows.iter().zip(&defaults) {
        assert_eq!(row.key, default.key);
        // The case file gives every key a value other than its default.
        assert_ne!(row.value, default.value, "{} keeps its default", row.key);
        let expected = if row.key == "production" {
            Origin::Env("SYMBIONT_ENV".into())
        } else {
            Origin::File(case("every_key.toml"))
        };
        assert_eq!(row.origin, expected, "{}", row.key);
    }
    // Every used key of the schema has a row (so the report and the loader stay in step).
    let reported: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    for section in schema::SECTIONS.iter().filter(|s| s.used) {
        for key in schema::table_keys(section.kind).unwrap_or_default() {
            let dotted = format!("{}.{}", section.name, key.name);
            let nested = matches!(key.kind, schema::Kind::Table(_));
            assert_eq!(reported.contains(&dotted.as_str()), key.used && !nested, "{dotted}");
        }
    }
}

#[test]
fn reported_values_load_back_to_the_same_configuration() {
    let cfg = load_case("every_key.toml", &[]).unwrap();
    let mut text = String::new();
    let mut section = String::new();
    for row in effective_values(&cfg) {
        let Some((s, key)) = row.key.split_once('.') else { continue };
        if row.value == "unset" {
            continue;
        }
        if s != section {
            text.push_str(&format!("[{s}]\n"));
            section = s.to_string();
        }
        text.push_str(&format!("{key} = {}\n", row.value));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("again.toml");
    std::fs::write(&path, &text).unwrap();
    let again =
        load(Some(&path), &EnvVars::default()).unwrap_or_else(|e| panic!("{}\n{text}", e.render(false)));
    let strip = |mut c: Config| {
        c.path = None;
        c.origins.clear();
        c
    };
    assert_eq!(strip(again), strip(cfg));
}

#[test]
fn defaults_report_their_origin_and_unset_keys() {
    let rows = effective_values(&Config::default());
    assert!(rows.iter().all(|r| r.origin == Origin::Default));
    let host = rows.iter().find(|r| r.key == "docker.host").map(|r| r.value.as_str());
    assert_eq!(host, Some("unset"));
    let memory = rows.iter().find(|r| r.key == "native_execution.max_memory_mb").map(|r| r.value.as_str());
    assert_eq!(memory, Some("2048"));
}
