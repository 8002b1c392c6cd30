//! `symbi run`: load the configuration, parse and check the file (errors: nothing starts),
//! choose the agent and trigger, decide the tier and its consent, resolve the limits, then
//! run the handler with every process going through the tier's sandbox.
//!
//! Exit status: 0 success, 1 check errors / refusals / a failed trigger, 2 usage and
//! configuration errors, 130 / 143 after SIGINT / SIGTERM.

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE, RunArgs, RunFormat, usage_error};
use crate::check::{CheckContext, check_source};
use crate::config::{self, Config, EnvVars};
use crate::diag::codes;
use crate::diag::{Diagnostic, Sources};
use crate::eval::launch::{Launch, launch};
use crate::eval::transcript::{HumanTranscript, JsonTranscript, Verbosity};
use crate::eval::{Cancel, Event, Flow, Transcript, target};
use std::sync::Arc;

/// Runs `symbi run`; returns the exit status.
pub fn run(args: RunArgs) -> u8 {
    let choice = match super::tier_flags::tier_choice(&args.tier) {
        Ok(choice) => choice,
        Err(message) => return usage_error(message),
    };
    let env = EnvVars::from_process();
    let cfg =
        match config::load_for_paths(std::slice::from_ref(&args.file), args.tier.config.as_deref(), &env) {
            Ok(cfg) => cfg,
            Err(error) if args.format == RunFormat::Json => {
                // JSON consumers get configuration errors as diagnostic events too.
                let transcript = JsonTranscript::new(error.sources());
                for d in &error.diagnostics {
                    transcript.diagnostic(d);
                }
                return EXIT_USAGE;
            }
            Err(error) => {
                let color =
                    crate::diag::render::color_enabled(std::io::IsTerminal::is_terminal(&std::io::stderr()));
                eprint!("{}", error.render(color));
                return EXIT_USAGE;
            }
        };
    let name = args.file.display().to_string();
    let source = match crate::syntax::read_source(&args.file) {
        Ok(source) => source,
        Err(d) => {
            transcript_for(&args, Sources::new(name, "")).diagnostic(&d);
            return EXIT_USAGE;
        }
    };
    let transcript = transcript_for(&args, sources(&name, &source, &cfg));
    if args.list {
        // Only the listing on stdout, so `--format json` output is the listing alone.
        return super::list::list(&source, args.format, transcript.as_ref());
    }
    if crate::policy::native_consent(&choice, &cfg).is_ok() {
        // Forked while symbi is small and has one thread (`sandbox::native::spawner`).
        crate::sandbox::native::start_spawner(0);
        crate::sandbox::native::warm_up();
    }
    // The header names the configuration before anything else, so a refusal further down is
    // read knowing which file (or none) it came from.
    transcript.event(Event::configuration(&cfg));
    if let Some(warning) = cfg.ignored_warning() {
        transcript.diagnostic(&warning);
    }

    let ctx = CheckContext { config: &cfg, tier: choice, agent: args.agent.clone(), variable_types: false };
    let parsed = check_source(&source, &ctx);
    let diagnostics = &parsed.diagnostics;
    for d in diagnostics {
        transcript.diagnostic(d);
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return EXIT_FAILURE;
    }

    let (agent, handler) = match target::choose(&parsed.file, args.agent.as_deref(), args.trigger.as_deref())
    {
        Ok(chosen) => chosen,
        Err(d) => {
            transcript.diagnostic(&d);
            return EXIT_USAGE;
        }
    };
    let payload = match target::parse_input(args.input.as_deref()) {
        Ok(payload) => payload,
        Err(d) => {
            transcript.diagnostic(&d);
            return EXIT_USAGE;
        }
    };

    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            transcript.diagnostic(&Diagnostic::error(
                codes::RUN_NOT_STARTED,
                format!("cannot start the async runtime: {e}"),
            ));
            return EXIT_FAILURE;
        }
    };
    let cancel = Cancel::new();
    watch_signals(&runtime, &cancel);
    let outcome = launch(Launch {
        cfg: &cfg,
        choice,
        overrides: super::tier_flags::limit_overrides(&args),
        file: &parsed.file,
        path: &args.file,
        source: &source,
        agent,
        trigger: handler.name.value.as_str(),
        payload,
        transcript,
        cancel,
        handle: runtime.handle().clone(),
        caller: None,
    });
    runtime.shutdown_background();
    // The call groups kept for reuse are removed once the run is over (the launch synced
    // the audit log).
    crate::sandbox::native::release_groups();
    match outcome {
        Ok(()) => EXIT_OK,
        Err(Flow::Interrupted(sig)) => 128 + (sig as u8 & 0x7f),
        Err(_) => EXIT_FAILURE,
    }
}

/// The texts diagnostics may point into: the file, the standard library, the config file.
fn sources(name: &str, text: &str, cfg: &Config) -> Sources {
    let mut sources = Sources::new(name, text);
    for (std_name, std_text) in crate::stdlib::stdlib().sources() {
        sources.insert(std_name, std_text);
    }
    // Read the way the loader read it (a regular file, capped), since the path may have been
    // swapped for a FIFO since.
    if let Some(path) = &cfg.path
        && let Ok(bytes) = config::read_regular_file(path, config::MAX_CONFIG_BYTES)
    {
        sources.insert(path.display().to_string(), String::from_utf8_lossy(&bytes).into_owned());
    }
    sources
}

/// The transcript `--format`, `--quiet` and `--verbose` ask for (JSON has every event).
fn transcript_for(args: &RunArgs, sources: Sources) -> Arc<dyn Transcript> {
    let verbosity = match (args.quiet, args.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    match args.format {
        RunFormat::Human => Arc::new(HumanTranscript::new(sources).with_verbosity(verbosity)),
        RunFormat::Json => Arc::new(JsonTranscript::new(sources)),
    }
}

/// SIGINT and SIGTERM set `cancel`; the handlers are installed before anything starts, so
/// a signal at any moment ends the run (and the sandbox future, killing the process tree).
/// A second signal ends symbi at once, whatever the interpreter thread is doing.
fn watch_signals(runtime: &tokio::runtime::Runtime, cancel: &Cancel) {
    use tokio::signal::unix::{SignalKind, signal};
    let _entered = runtime.enter();
    let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
    else {
        return;
    };
    let cancel = cancel.clone();
    runtime.spawn(async move {
        let first = tokio::select! {
            _ = int.recv() => libc::SIGINT,
            _ = term.recv() => libc::SIGTERM,
        };
        cancel.cancel(first);
        let second = tokio::select! {
            _ = int.recv() => libc::SIGINT,
            _ = term.recv() => libc::SIGTERM,
        };
        eprintln!("symbi: {} again: exiting now", crate::sandbox::signal_name(second));
        std::process::exit(128 + second);
    });
}
