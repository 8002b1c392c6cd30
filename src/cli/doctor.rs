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
    /// How the file was chosen.
    found_by: String,
    /// An untrusted config.toml beside the agent file that was not read.
    ignored: Option<crate::config::Ignored>,
    values: Vec<Setting>,
}

/// One configuration value and its origin.
#[derive(Serialize)]
struct Setting {
    key: String,
    value: Value,
    /// The value as TOML writes it, for the human form.
    #[serde(skip)]
    text: String,
    origin: Origin,
}

/// Runs `symbi doctor`; returns the exit status.
pub fn run(args: DoctorArgs) -> u8 {
    // With FILE, the configuration `check` and `run` would use for that agent file.
    let loaded = match &args.file {
        Some(file) => super::config_load::load_file_for_cli(
            file,
            &super::TierArgs { config: args.config.clone(), ..Default::default() },
        ),
        None => super::config_load::load_path_for_cli(args.config.as_deref()),
    };
    let cfg = match loaded {
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

/// The effective configuration from the one listing `config::effective_values` makes; the
/// JSON form turns each TOML-written value back into a typed JSON value.
fn config_report(cfg: &Config) -> ConfigReport {
    let values = crate::config::effective_values(cfg)
        .into_iter()
        .map(|v| Setting { value: json_value(&v.value), text: v.value, key: v.key, origin: v.origin })
        .collect();
    ConfigReport {
        file: cfg.path.as_ref().map(|p| p.display().to_string()),
        found_by: cfg.found_by.clone(),
        ignored: cfg.ignored.clone(),
        values,
    }
}

/// `2048` -> 2048, `"docker"` -> "docker", `unset` -> null.
fn json_value(toml_text: &str) -> Value {
    if toml_text == "unset" {
        return Value::Null;
    }
    toml::from_str::<toml::Table>(&format!("v = {toml_text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or_else(|| Value::String(toml_text.to_string()))
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
        "  supervisor: {}\n",
        if n.pid_namespace {
            "each call in its own PID and mount namespace (unreachable from the call; the call dies with symbi)"
        } else {
            "no namespaces (a call may signal symbi; only the direct child dies with symbi)"
        }
    ));
    for l in &n.leftover_groups {
        s.push_str(&format!(
            "  leftover:   {} of a dead symbi: {} process(es) killed, {}\n",
            l.group,
            l.killed,
            if l.removed { "removed" } else { "could not be removed" }
        ));
    }
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
        r.config.file.as_deref().map_or("no file: defaults and environment".to_string(), |f| format!(
            "file {f}, {}",
            r.config.found_by
        ))
    ));
    if let Some(ignored) = &r.config.ignored {
        s.push_str(&format!(
            "  not read: {} ({})
",
            ignored.path.display(),
            ignored.reason.key().replace('_', " ")
        ));
    }
    let width = r.config.values.iter().map(|v| v.key.len()).max().unwrap_or(0);
    for v in &r.config.values {
        s.push_str(&format!("  {:<width$} = {}  ({})\n", v.key, v.text, origin_text(&v.origin)));
    }
    s
}
