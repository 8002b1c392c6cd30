//! `symbi up`: check every agent file, open the run store, bind, print
//! `listening on http://ADDR` as the first line on stdout, serve until SIGTERM/SIGINT.
//!
//! Exit status: 0 after an orderly stop, 1 when a file has errors (nothing is served),
//! 2 for usage and configuration errors (a bad config, a port in use, a non-loopback
//! address without `SYMBIONT_API_TOKEN`, a run store that cannot be opened).

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UpArgs, usage_error};
use crate::config::{self, Config, EnvVars, Origin};
use crate::service::catalog::Catalog;
use crate::service::roots::Roots;
use crate::service::sqlite::SqliteStore;
use crate::service::store::RunStore;
use crate::service::{Service, log};
use crate::syntax::walk::Excludes;
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The variable holding the API's bearer token.
pub const TOKEN_VAR: &str = "SYMBIONT_API_TOKEN";

/// Runs `symbi up`; returns the exit status.
pub fn run(args: UpArgs) -> u8 {
    let env = EnvVars::from_process();
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    // The rule of `symbi run`: one folder (or file) served reads its trusted config.toml.
    let mut cfg = match config::load_for_paths(&paths, args.config.as_deref(), &env) {
        Ok(cfg) => cfg,
        Err(error) => {
            eprint!("{}", error.render(crate::diag::render::stderr_color()));
            return EXIT_USAGE;
        }
    };
    if let Some(warning) = cfg.ignored_warning() {
        let sources = crate::diag::render::Sources::new(String::new(), String::new());
        eprint!(
            "{}",
            crate::diag::render::render_human(&[warning], &sources, crate::diag::render::stderr_color())
        );
    }
    apply_flags(&mut cfg, &args);
    if let Err(message) = log::configure(&cfg.logging.level, &cfg.logging.format) {
        return usage_error(message);
    }
    let token = env.get(TOKEN_VAR).map(str::to_string);
    if token.is_none() && !is_loopback(&cfg.api.host) {
        return usage_error(format!(
            "refusing to serve on `{}` without a token: anyone who can reach that address could run \
             the agents\n  help: set {TOKEN_VAR} (clients then send `Authorization: Bearer <token>`), \
             or bind 127.0.0.1 with --host 127.0.0.1",
            cfg.api.host
        ));
    }
    let excludes = match Excludes::new(&args.exclude) {
        Ok(excludes) => excludes,
        Err(message) => return usage_error(message),
    };
    let roots = Roots { paths, excludes };
    let native = crate::policy::native_consent(&crate::policy::TierChoice::default(), &cfg).is_ok();
    if native {
        // Forked while the service is small and has one thread (`sandbox::native::spawner`);
        // the runs' processes inherit its lower priority.
        crate::sandbox::native::start_spawner(crate::service::priority::RUN_NICE);
    }
    let loaded = Catalog::load(&roots, &cfg, None);
    if !loaded.refused.is_empty() {
        for refused in &loaded.refused {
            if refused.rendered.trim().is_empty() {
                eprintln!("{}", refused.diagnostics.join("\n"));
            } else {
                eprint!("{}", refused.rendered);
            }
        }
        eprintln!("error: {} file(s) with errors: nothing is served", loaded.refused.len());
        return EXIT_FAILURE;
    }
    let store = match SqliteStore::open(&cfg.storage.runs_db) {
        Ok(store) => Arc::new(store),
        Err(e) => return usage_error(format!("{e}\n  help: set `storage.runs_db` to a writable path")),
    };
    match store.interrupt_unfinished(&crate::eval::audit::now_rfc3339()) {
        Ok(0) => {}
        Ok(n) => log::warn(&format!("{n} runs left unfinished by a previous instance are now `interrupted`")),
        Err(e) => return usage_error(e),
    }
    if let Err(e) = store.prune(cfg.storage.keep_runs) {
        log::warn(&e.to_string());
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return usage_error(format!("cannot start the async runtime: {e}")),
    };
    // The runs' processes are driven on a runtime of their own, at the runs' lower priority.
    let runs_runtime = match tokio::runtime::Builder::new_multi_thread()
        .thread_name("symbi-runs")
        .on_thread_start(crate::service::priority::lower_this_thread)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage_error(format!("cannot start the async runtime: {e}")),
    };
    let listener =
        match runtime.block_on(tokio::net::TcpListener::bind((cfg.api.host.as_str(), cfg.api.port))) {
            Ok(listener) => listener,
            Err(e) => {
                let (host, port) = (&cfg.api.host, cfg.api.port);
                return usage_error(format!("cannot listen on {host}:{port}: {e}"));
            }
        };
    let Ok(address) = listener.local_addr() else { return usage_error("the listener has no address") };
    let signals = match runtime.block_on(async { crate::service::serve::Signals::install() }) {
        Ok(signals) => signals,
        Err(e) => return usage_error(format!("cannot handle signals: {e}")),
    };
    // The first native run would otherwise pay the once-per-process probes.
    if native {
        crate::sandbox::native::warm_up();
    }
    let agents = loaded.catalog.agents.len();
    let service = Service::new(
        cfg,
        roots,
        loaded.catalog,
        store,
        token,
        runtime.handle().clone(),
        runs_runtime.handle().clone(),
    );
    let announce = move || {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{address}").and_then(|()| out.flush());
        log::info(&format!("serving {agents} agents on http://{address}"));
    };
    let served =
        runtime.block_on(crate::service::serve::serve(service, listener, args.watch, signals, announce));
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    runs_runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match served {
        Ok(()) => EXIT_OK,
        Err(e) => usage_error(format!("cannot serve: {e}")),
    }
}

/// `--host` and `--port` over the file and the environment.
fn apply_flags(cfg: &mut Config, args: &UpArgs) {
    if let Some(host) = &args.host {
        cfg.api.host = host.clone();
        cfg.origins.insert("api.host".into(), Origin::Cli("--host".into()));
    }
    if let Some(port) = args.port {
        cfg.api.port = port;
        cfg.origins.insert("api.port".into(), Origin::Cli("--port".into()));
    }
}

/// Only this machine can reach the address.
fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
