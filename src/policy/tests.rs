//! Unit tests of the tier rules: every branch of every policy function.

use super::*;
use crate::config::Origin;
use crate::diag::Span;
use crate::syntax::ast::{Agent, Ident, ResourcesBlock, SecurityBlock, Setting, StrValue};
use std::path::PathBuf;
use std::time::Duration;

fn span(start: usize, end: usize) -> Span {
    Span::new(start, end)
}

fn agent(security: Option<SecurityBlock>) -> Agent {
    Agent {
        name: Ident { name: "A".into(), span: span(6, 7) },
        metadata: Vec::new(),
        security: security.into_iter().collect(),
        resources: Vec::new(),
        triggers: Vec::new(),
        functions: Vec::new(),
        span: span(0, 100),
    }
}

fn security(tier: Option<Setting<Tier>>, allowed: Option<&[&str]>) -> SecurityBlock {
    SecurityBlock {
        tier,
        sandbox: None,
        capabilities: None,
        allowed_executables: allowed
            .map(|list| list.iter().map(|s| StrValue { value: s.to_string(), span: span(50, 51) }).collect()),
        entries: Vec::new(),
        span: span(10, 90),
    }
}

fn tier_setting(value: Option<Tier>, raw: &str) -> Setting<Tier> {
    Setting { value, raw: raw.into(), span: span(20, 24) }
}

#[test]
fn effective_tier_follows_precedence() {
    let mut cfg = Config::default();
    let none = TierChoice::default();
    assert_eq!(
        effective_tier(&none, None, &cfg),
        EffectiveTier { tier: Tier::Tier1, source: TierSource::Default }
    );

    cfg.security.default_sandbox_tier = Tier::Tier2;
    cfg.origins.insert("security.default_sandbox_tier".into(), Origin::File(PathBuf::from("c.toml")));
    assert_eq!(effective_tier(&none, None, &cfg).source, TierSource::ConfigFile);
    cfg.origins
        .insert("security.default_sandbox_tier".into(), Origin::Env("SYMBIONT_DEFAULT_SANDBOX_TIER".into()));
    assert_eq!(
        effective_tier(&none, None, &cfg),
        EffectiveTier { tier: Tier::Tier2, source: TierSource::Env }
    );

    // The agent's tier beats config and env; an unparsed agent tier is skipped.
    let a = agent(Some(security(Some(tier_setting(Some(Tier::Tier3), "Tier3")), None)));
    assert_eq!(
        effective_tier(&none, Some(&a), &cfg),
        EffectiveTier { tier: Tier::Tier3, source: TierSource::Agent(span(20, 24)) }
    );
    let bad = agent(Some(security(Some(tier_setting(None, "Tier9")), None)));
    assert_eq!(effective_tier(&none, Some(&bad), &cfg).source, TierSource::Env);
    let no_tier = agent(Some(security(None, None)));
    assert_eq!(effective_tier(&none, Some(&no_tier), &cfg).tier, Tier::Tier2);

    // The CLI beats everything.
    let native = TierChoice { cli_tier: None, cli_native: true };
    assert_eq!(
        effective_tier(&native, Some(&a), &cfg),
        EffectiveTier { tier: Tier::None, source: TierSource::Cli }
    );
    let docker = TierChoice { cli_tier: Some(Tier::Tier1), cli_native: false };
    assert_eq!(effective_tier(&docker, Some(&a), &cfg).tier, Tier::Tier1);
}

#[test]
fn native_consent_sources_and_refusals() {
    let mut cfg = Config::default();
    let none = TierChoice::default();
    assert_eq!(native_consent(&none, &cfg), Err(ConsentRefusal::NotConsented));
    // Choosing Tier1 on the CLI is no consent to None.
    let docker = TierChoice { cli_tier: Some(Tier::Tier1), cli_native: false };
    assert_eq!(native_consent(&docker, &cfg), Err(ConsentRefusal::NotConsented));

    let flag = TierChoice { cli_tier: Some(Tier::None), cli_native: false };
    assert_eq!(native_consent(&flag, &cfg), Ok(ConsentSource::Cli("--sandbox-tier=none".into())));
    let native = TierChoice { cli_tier: None, cli_native: true };
    assert_eq!(native_consent(&native, &cfg), Ok(ConsentSource::Cli("--native".into())));

    cfg.native_execution.enabled = true;
    cfg.origins.insert("native_execution.enabled".into(), Origin::File(PathBuf::from("c.toml")));
    assert_eq!(
        native_consent(&none, &cfg),
        Ok(ConsentSource::Config {
            key: "native_execution.enabled",
            origin: Origin::File(PathBuf::from("c.toml"))
        })
    );
    cfg.security.allow_native_execution = true;
    cfg.origins.insert(
        "security.allow_native_execution".into(),
        Origin::Env("SYMBIONT_ALLOW_NATIVE_EXECUTION".into()),
    );
    assert_eq!(
        native_consent(&none, &cfg),
        Ok(ConsentSource::Config {
            key: "security.allow_native_execution",
            origin: Origin::Env("SYMBIONT_ALLOW_NATIVE_EXECUTION".into())
        })
    );

    // Production refuses whatever consents, the CLI flag included.
    cfg.production = true;
    assert_eq!(native_consent(&native, &cfg), Err(ConsentRefusal::Production));
    assert_eq!(native_consent(&none, &cfg), Err(ConsentRefusal::Production));
    assert!(ConsentRefusal::Production.message().contains("SYMBIONT_ENV=production"));
    assert!(ConsentRefusal::NotConsented.help().contains("SYMBIONT_ALLOW_NATIVE_EXECUTION"));
}

#[test]
fn capabilities_per_tier() {
    for tier in Tier::ALL {
        assert!(capability_available(tier, "network"));
        assert!(capability_available(tier, "environment"));
        assert!(!capability_available(tier, "telepathy"));
        assert_eq!(capability_available(tier, "local_filesystem"), tier != Tier::Tier3);
        assert_eq!(network_deniable(tier), tier != Tier::None);
    }
}

#[test]
fn allowed_executables_narrow_the_configuration() {
    let mut cfg = Config::default();
    assert_eq!(allowed_executables(&cfg, None), cfg.native_execution.allowed_executables);
    let without_list = agent(Some(security(None, None)));
    assert_eq!(allowed_executables(&cfg, Some(&without_list)), cfg.native_execution.allowed_executables);

    // Entries outside the configuration are dropped; repeats collapse.
    let a = agent(Some(security(None, Some(&["python3", "curl", "python3"]))));
    assert_eq!(allowed_executables(&cfg, Some(&a)), vec!["python3".to_string()]);
    let empty = agent(Some(security(None, Some(&[]))));
    assert!(allowed_executables(&cfg, Some(&empty)).is_empty());

    // A bare name keeps the configured path; a path never matches a configured bare name.
    cfg.native_execution.allowed_executables = vec!["/usr/bin/python3".into(), "bash".into()];
    let a = agent(Some(security(None, Some(&["python3", "/bin/bash", "/usr/bin/python3"]))));
    assert_eq!(allowed_executables(&cfg, Some(&a)), vec!["/usr/bin/python3".to_string()]);
}

fn resources() -> ResourcesBlock {
    ResourcesBlock {
        max_memory_mb: None,
        max_cpu_seconds: None,
        max_cpu_cores: None,
        timeout_ms: None,
        max_output_bytes: None,
        entries: Vec::new(),
        span: span(0, 10),
    }
}

fn int(v: i64) -> Option<Setting<i64>> {
    Some(Setting { value: Some(v), raw: v.to_string(), span: span(1, 2) })
}

#[test]
fn limits_default_to_the_configuration() {
    let cfg = Config::default();
    let limits = resolve_limits(&cfg, &LimitOverrides::default(), None);
    assert_eq!(limits, Limits::default());
}

#[test]
fn cli_and_resources_only_narrow() {
    let cfg = Config::default();
    let cli =
        LimitOverrides { max_memory_mb: Some(1024), max_cpu_cores: Some(2.0), timeout_seconds: Some(30) };
    let mut r = resources();
    r.max_memory_mb = int(512);
    r.max_cpu_seconds = int(10);
    r.max_output_bytes = int(100);
    r.timeout_ms = Some(Setting { value: Some(5_000), raw: "5s".into(), span: span(3, 5) });
    r.max_cpu_cores = Some(Setting { value: Some(8.0), raw: "8.0".into(), span: span(6, 9) });
    let l = resolve_limits(&cfg, &cli, Some(&r));
    assert_eq!(l.max_memory_mb, Some(512));
    assert_eq!(l.max_cpu_seconds, Some(10));
    assert_eq!(l.max_cpu_cores, Some(2.0));
    assert_eq!(l.timeout, Duration::from_secs(5));
    assert_eq!(l.max_output_bytes, 100);

    // Wider values never raise a limit; zero and negative values are ignored.
    let cli = LimitOverrides {
        max_memory_mb: Some(1 << 40),
        max_cpu_cores: Some(f64::NAN),
        timeout_seconds: Some(0),
    };
    let mut r = resources();
    r.max_memory_mb = int(-5);
    r.max_output_bytes = int(1 << 40);
    let l = resolve_limits(&cfg, &cli, Some(&r));
    assert_eq!(l.max_memory_mb, Some(2048));
    assert_eq!(l.max_cpu_cores, Some(4.0));
    assert_eq!(l.timeout, Duration::from_secs(300));
    assert_eq!(l.max_output_bytes, 10 * 1024 * 1024);
}

#[test]
fn unlimited_configuration_takes_the_narrower_request() {
    let mut cfg = Config::default();
    cfg.native_execution.max_memory_mb = None;
    cfg.native_execution.max_cpu_cores = None;
    cfg.native_execution.max_file_size_mb = None;
    cfg.native_execution.enforce_resource_limits = false;
    let l = resolve_limits(&cfg, &LimitOverrides::default(), None);
    assert_eq!(
        (l.max_memory_mb, l.max_cpu_cores, l.max_file_size_bytes, l.enforce),
        (None, None, None, false)
    );
    let cli = LimitOverrides { max_memory_mb: Some(64), max_cpu_cores: Some(0.5), timeout_seconds: None };
    let l = resolve_limits(&cfg, &cli, None);
    assert_eq!((l.max_memory_mb, l.max_cpu_cores), (Some(64), Some(0.5)));
}

#[test]
fn widenings_name_the_configured_limit() {
    let cfg = Config::default();
    let mut r = resources();
    assert!(resource_widenings(&cfg, &r).is_empty());
    r.max_memory_mb = int(4096);
    r.max_cpu_seconds = int(300); // equal is not wider
    r.max_cpu_cores = Some(Setting { value: Some(16.0), raw: "16.0".into(), span: span(6, 9) });
    r.timeout_ms = Some(Setting { value: Some(600_000), raw: "10m".into(), span: span(3, 5) });
    let w = resource_widenings(&cfg, &r);
    let keys: Vec<_> = w.iter().map(|w| (w.key, w.configured.as_str(), w.config_key)).collect();
    assert_eq!(
        keys,
        vec![
            ("max_memory_mb", "2048 MiB", "native_execution.max_memory_mb"),
            ("max_cpu_cores", "4 cores", "native_execution.max_cpu_cores"),
            ("timeout", "300s", "native_execution.max_execution_time_seconds"),
        ]
    );
    assert_eq!(w[2].requested, "10m");
}

#[test]
fn profiles_network_and_filesystem_per_tier() {
    use crate::security::Profile;
    assert!(profile_allows(Profile::Permissive, Tier::None));
    assert!(!profile_allows(Profile::Moderate, Tier::None));
    assert!(profile_allows(Profile::Moderate, Tier::Tier1));
    assert!(!profile_allows(Profile::Strict, Tier::Tier1));
    assert!(profile_allows(Profile::Strict, Tier::Tier2));
    assert!(profile_allows(Profile::Strict, Tier::Tier3));

    assert!(network_granted(Tier::None, false));
    assert!(!network_granted(Tier::Tier1, false));
    assert!(network_granted(Tier::Tier2, true));

    assert!(filesystem_granted(Tier::None, false));
    assert!(!filesystem_granted(Tier::Tier1, false));
    assert!(filesystem_granted(Tier::Tier1, true));
    assert!(!filesystem_granted(Tier::Tier3, true));
}

#[test]
fn consent_sources_describe_themselves() {
    assert_eq!(ConsentSource::Cli("--native".into()).describe(), "--native");
    let env = ConsentSource::Config {
        key: "security.allow_native_execution",
        origin: Origin::Env("SYMBIONT_ALLOW_NATIVE_EXECUTION".into()),
    };
    assert_eq!(env.describe(), "SYMBIONT_ALLOW_NATIVE_EXECUTION=true");
    let file = ConsentSource::Config {
        key: "native_execution.enabled",
        origin: Origin::File(PathBuf::from("c.toml")),
    };
    assert_eq!(file.describe(), "`native_execution.enabled` in c.toml");
}

#[test]
fn static_executable_check_matches_by_name_or_path() {
    let allowed: Vec<String> = vec!["python3".into(), "/usr/bin/node".into()];
    assert!(executable_may_be_allowed(&allowed, "python3"));
    assert!(executable_may_be_allowed(&allowed, "/usr/bin/python3"));
    assert!(executable_may_be_allowed(&allowed, "node"));
    assert!(executable_may_be_allowed(&allowed, "/usr/bin/node"));
    assert!(!executable_may_be_allowed(&allowed, "curl"));
    assert!(!executable_may_be_allowed(&allowed, "/bin/sh"));
    assert!(!executable_may_be_allowed(&[], "bash"));
}

#[test]
fn one_decision_holds_tier_consent_allowlist_grants_and_limits() {
    let mut cfg = Config::default();
    let narrow = agent(Some(security(Some(tier_setting(Some(Tier::Tier1), "Tier1")), Some(&["python3"]))));
    let d = decide(&cfg, &TierChoice::default(), Some(&narrow), &LimitOverrides::default());
    assert_eq!(
        (d.tier, d.source.clone(), d.consent.clone()),
        (Tier::Tier1, TierSource::Agent(span(20, 24)), None)
    );
    assert_eq!(d.allowlist, vec!["python3".to_string()]);
    // Nothing declared: a container withholds the network and the working directory.
    assert!(!d.network && !d.filesystem && !d.grants("network"));
    assert_eq!(d.limits, Limits::default());

    let native = TierChoice { cli_tier: None, cli_native: true };
    let d = decide(
        &cfg,
        &native,
        Some(&narrow),
        &LimitOverrides { timeout_seconds: Some(7), ..Default::default() },
    );
    assert_eq!(d.consent, Some(Ok(ConsentSource::Cli("--native".into()))));
    assert!(d.network && d.grants("network") && !d.grants("local_filesystem"));
    assert_eq!(d.limits.timeout, Duration::from_secs(7));

    cfg.production = true;
    let d = decide(&cfg, &native, None, &LimitOverrides::default());
    assert_eq!(d.refusal(), Some(&ConsentRefusal::Production));
}

#[test]
fn a_callers_tier_is_no_consent() {
    let mut cfg = Config::default();
    let d = decide_call(&cfg, Tier::None, &LimitOverrides::default());
    assert_eq!((d.source.clone(), d.refusal()), (TierSource::Caller, Some(&ConsentRefusal::NotConsented)));
    cfg.security.allow_native_execution = true;
    assert_eq!(decide_call(&cfg, Tier::None, &LimitOverrides::default()).refusal(), None);
    assert_eq!(decide_call(&cfg, Tier::Tier2, &LimitOverrides::default()).consent, None);
}

#[test]
fn a_literal_is_refused_by_the_rule_of_its_tier() {
    let allowed: Vec<String> = vec!["sh".into(), "/usr/bin/env".into()];
    // Natively a path may resolve to a listed name; in a container it must be listed as is.
    assert!(!refused_before_running(Tier::None, &allowed, "/bin/sh"));
    assert!(refused_before_running(Tier::Tier1, &allowed, "/bin/sh"));
    for tier in Tier::ALL {
        assert!(!refused_before_running(tier, &allowed, "sh"), "{tier}");
        assert!(!refused_before_running(tier, &allowed, "env"), "{tier}");
        assert!(!refused_before_running(tier, &allowed, "/usr/bin/env"), "{tier}");
        assert!(refused_before_running(tier, &allowed, "curl"), "{tier}");
    }
    assert!(container_allows(&allowed, "env"));
    assert!(!container_allows(&allowed, "/tmp/x/sh"));
}

#[test]
fn a_profile_above_the_tier_names_the_tier_it_needs() {
    let mut block = security(Some(tier_setting(Some(Tier::None), "None")), None);
    block.sandbox = Some(Setting {
        value: Some(crate::security::Profile::Strict),
        raw: "Strict".into(),
        span: span(30, 36),
    });
    let a = agent(Some(block));
    let d = decide(&Config::default(), &TierChoice::default(), Some(&a), &LimitOverrides::default());
    assert_eq!(d.profile_needs(), Some(Tier::Tier2));
    let docker = TierChoice { cli_tier: Some(Tier::Tier3), cli_native: false };
    assert_eq!(
        decide(&Config::default(), &docker, Some(&a), &LimitOverrides::default()).profile_needs(),
        None
    );
}
