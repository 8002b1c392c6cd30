//! `symbi doctor`: what this host offers, tier by tier, and the effective configuration
//! with where each value came from. Human text by default, one JSON document with
//! `--format json`. Exit status 0 whatever is unavailable; 2 on configuration errors.

use super::{DoctorArgs, EXIT_OK, EXIT_USAGE, RunFormat, usage_error};
use crate::config::{Config, Origin};
use crate::sandbox::availability::{self, HostMechanisms, TierReport};
use crate::sandbox::native::{self, HostContainment};
use serde::Serialize;
use serde_json::Value;

/// Everything doctor found.
#[derive(Serialize)]
struct Report {
    tiers: Vec<TierReport>,
    native_containment: HostContainment,
    host: HostMechanisms,
    config: ConfigReport,
}

/// The effective configuration.
#[derive(Serialize)]
struct ConfigReport {
    file: Option<String>,
    values: Vec<Setting>,
}

/// One configuration value and its origin.
#[derive(Serialize)]
struct Setting {
    key: String,
    value: Value,
    origin: Origin,
}

/// Runs `symbi doctor`; returns the exit status.
pub fn run(args: DoctorArgs) -> u8 {
    let cfg = match crate::config::load_path_for_cli(args.config.as_deref()) {
        Ok(cfg) => cfg,
        Err(status) => return status,
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return usage_error(format!("cannot start the async runtime: {e}")),
    };
    let docker_host = std::env::var("DOCKER_HOST").ok();
    let tiers = runtime.block_on(availability::tiers(&cfg, docker_host.as_deref()));
    let report = Report {
        tiers,
        native_containment: native::probe(),
        host: availability::host_mechanisms(),
        config: config_report(&cfg),
    };
    match args.format {
        RunFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(text) => super::print_stdout(&format!("{text}\n")),
            Err(e) => {
                eprintln!("error: cannot serialise the report: {e}");
                return EXIT_USAGE;
            }
        },
        RunFormat::Human => super::print_stdout(&human(&report)),
    }
    EXIT_OK
}

fn config_report(cfg: &Config) -> ConfigReport {
    let mut values = Vec::new();
    if let Ok(Value::Object(map)) = serde_json::to_value(cfg) {
        for (section, v) in map {
            if section == "path" || section == "origins" {
                continue;
            }
            flatten(&section, v, &mut values, cfg);
        }
    }
    ConfigReport { file: cfg.path.as_ref().map(|p| p.display().to_string()), values }
}

fn flatten(key: &str, value: Value, out: &mut Vec<Setting>, cfg: &Config) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(&format!("{key}.{k}"), v, out, cfg);
            }
        }
        value => out.push(Setting { key: key.to_string(), origin: cfg.origin(key), value }),
    }
}

fn origin_text(origin: &Origin) -> String {
    match origin {
        Origin::Default => "default".into(),
        Origin::File(p) => format!("file {}", p.display()),
        Origin::Env(name) => format!("env {name}"),
        Origin::Cli(flag) => format!("flag {flag}"),
    }
}

fn human(r: &Report) -> String {
    let mut s = String::from("Sandbox tiers\n");
    for t in &r.tiers {
        let verdict = if t.available { "available" } else { "unavailable" };
        s.push_str(&format!("  {:<20} {verdict}\n", format!("{} ({})", t.tier.name(), t.backend)));
        for c in &t.checks {
            s.push_str(&format!("    [{}] {}: {}\n", if c.ok { "ok" } else { "no" }, c.what, c.detail));
        }
    }
    let n = &r.native_containment;
    s.push_str("\nNative containment (tier None)\n");
    s.push_str(&format!(
        "  processes:  {}\n  cpu cores:  {}\n  teardown:   {}\n",
        n.processes, n.cpu_cores, n.teardown
    ));
    s.push_str(&format!(
        "  cgroups:    {}\n",
        if n.cgroups.is_empty() { "none writable".into() } else { n.cgroups.join(", ") }
    ));
    s.push_str(&format!(
        "  as root:    {}\n",
        if n.root { "yes (RLIMIT_NPROC does not apply)" } else { "no" }
    ));
    let h = &r.host;
    s.push_str(&format!(
        "  namespaces: {} (unprivileged user namespaces {})\n",
        h.namespaces.join(" "),
        if h.user_namespaces { "allowed" } else { "not allowed" }
    ));
    s.push_str(&format!(
        "  landlock:   {}\n",
        h.landlock_abi.map_or("not available".to_string(), |v| format!("ABI {v}"))
    ));
    s.push_str(&format!(
        "\nConfiguration ({})\n",
        r.config
            .file
            .as_deref()
            .map_or("no file: defaults and environment".to_string(), |f| format!("file {f}"))
    ));
    let width = r.config.values.iter().map(|v| v.key.len()).max().unwrap_or(0);
    for v in &r.config.values {
        s.push_str(&format!("  {:<width$} = {}  ({})\n", v.key, v.value, origin_text(&v.origin)));
    }
    s
}
