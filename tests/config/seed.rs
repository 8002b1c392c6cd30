//! The seed document's two configurations load unchanged.

use super::load_case;
use std::path::PathBuf;
use symbi::config::{Config, Origin};
use symbi::security::Tier;

#[test]
fn option_one_security_native_execution_form_loads() {
    let cfg = load_case("seed_option1.toml", &[]).unwrap_or_else(|e| panic!("{}", e.render(false)));
    assert!(cfg.security.allow_native_execution);
    assert_eq!(cfg.security.default_sandbox_tier, Tier::None);
    let n = &cfg.native_execution;
    assert!(n.enforce_resource_limits);
    assert_eq!(n.max_memory_mb, Some(2048));
    assert_eq!(n.max_cpu_cores, Some(4.0));
    assert_eq!(n.max_execution_time_seconds, 300);
    assert_eq!(n.working_directory, PathBuf::from("/tmp/symbiont-native"));
    assert_eq!(n.allowed_executables, ["python3", "node", "bash"]);
    // `[security.native_execution]` keys are recorded under their one canonical name.
    let file = Origin::File(PathBuf::from("tests/cases/config/seed_option1.toml"));
    assert_eq!(cfg.origin("native_execution.max_cpu_cores"), file);
    assert_eq!(cfg.origin("security.default_sandbox_tier"), file);
    assert_eq!(cfg.origin("native_execution.max_cpu_seconds"), Origin::Default);
}

#[test]
fn complete_example_loads() {
    let cfg = load_case("seed_complete.toml", &[]).unwrap_or_else(|e| panic!("{}", e.render(false)));
    let n = &cfg.native_execution;
    assert!(n.enabled);
    assert!(!cfg.security.allow_native_execution);
    let consent = symbi::policy::native_consent(&symbi::policy::TierChoice::default(), &cfg);
    assert!(consent.is_ok(), "{consent:?}");
    assert_eq!(n.default_executable, "python3");
    assert_eq!(n.max_cpu_seconds, Some(300));
    assert_eq!(n.allowed_executables, ["python3", "python", "node", "bash", "sh"]);
    // Sections symbi does not use leave everything else at its default.
    let defaults = Config::default();
    assert_eq!(cfg.docker, defaults.docker);
    assert_eq!(cfg.runtime, defaults.runtime);
    assert_eq!(cfg.security.default_sandbox_tier, Tier::Tier1);
    assert_eq!(cfg.path, Some(PathBuf::from("tests/cases/config/seed_complete.toml")));
}
