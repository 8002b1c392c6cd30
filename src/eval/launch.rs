//! Running one trigger of a checked file the way `symbi run` does: tier and consent (with the
//! production guard), the tier's sandbox, the working directory, the audit log, the limits,
//! then the interpreter on its own thread. `symbi run` and the service of `symbi up` both
//! come here, so a run fired over HTTP passes exactly the checks of one typed in a terminal.

use super::{AuditLog, Cancel, Flow, Interpreter, RunSetup, Transcript, Value};
use crate::config::Config;
use crate::diag::{Diagnostic, codes};
use crate::policy::{self, LimitOverrides, TierChoice, TierSource, workdir};
use crate::sandbox;
use crate::sandbox::native::workdir::{Owner, prepare_for};
use crate::syntax::ast;
use std::sync::Arc;

/// The interpreter's thread stack: deep enough for `runtime.max_call_depth` nested calls of
/// a tree-walking interpreter, whatever the platform's default thread stack is.
pub const INTERPRETER_STACK: usize = 256 * 1024 * 1024;

/// Who fired a run, for the audit log: `cli`, `api`, `schedule` or `webhook`, and the
/// caller's network address when there is one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caller {
    /// `cli`, `api`, `schedule` or `webhook`.
    pub source: String,
    /// The peer address of the request that fired it.
    pub address: Option<String>,
}

/// One trigger to run: the checked program, the choice of agent and trigger, and where its
/// events go.
pub struct Launch<'a> {
    /// The configuration.
    pub cfg: &'a Config,
    /// The tier flags (none for the service).
    pub choice: TierChoice,
    /// The limit flags (none for the service).
    pub overrides: LimitOverrides,
    /// The checked file.
    pub file: &'a ast::File,
    /// Where the file was read from: on tier None with no working directory configured,
    /// commands run in its folder (`policy::workdir`).
    pub path: &'a std::path::Path,
    /// Its text.
    pub source: &'a str,
    /// The agent.
    pub agent: &'a ast::Agent,
    /// The trigger's name.
    pub trigger: &'a str,
    /// The payload.
    pub payload: Value,
    /// Where events go.
    pub transcript: Arc<dyn Transcript>,
    /// Ends the run (a signal, an API cancel, a drain).
    pub cancel: Cancel,
    /// The runtime that drives the sandbox's futures.
    pub handle: tokio::runtime::Handle,
    /// Who fired it, stamped on each audit line; `None` leaves the lines as `symbi run`
    /// has always written them.
    pub caller: Option<Caller>,
}

/// Decides tier, consent, sandbox, working directory and audit log, then runs the handler on
/// an interpreter thread and waits for it. A refusal is reported to the transcript and
/// returned as [`Flow::Error`].
pub fn launch(l: Launch<'_>) -> Result<(), Flow> {
    let refuse = |d: Diagnostic| {
        l.transcript.diagnostic(&d);
        Err(Flow::Error(Box::new(d)))
    };
    let agent = l.agent;
    // The one decision for this agent and this run: everything below reads it.
    let decision = policy::decide(l.cfg, &l.choice, Some(agent), &l.overrides);
    let tier_span = match decision.source {
        TierSource::Agent(span) => span,
        _ => agent.name.span,
    };
    if let Some(refusal) = decision.refusal() {
        let d = Diagnostic::error(refusal.code(), refusal.message())
            .with_primary(tier_span, format!("tier None, {}", decision.source.describe()))
            .with_help(refusal.help());
        return refuse(d);
    }
    let sandbox = match sandbox::for_tier(decision.tier, l.cfg, decision.hardened) {
        Ok(sandbox) => sandbox,
        Err(e) => {
            let label = format!("tier {}, {}", decision.tier, decision.source.describe());
            return refuse(super::error::with_label(e.into_diagnostic(tier_span), &label));
        }
    };
    let (wanted_dir, beside_agent) = workdir::wanted(l.cfg, decision.tier, l.path);
    let working_dir = match prepare_for(&wanted_dir, Owner::for_tier(decision.tier)) {
        Ok(dir) => dir,
        Err(e) => {
            let label = "its native calls and file builtins run in the working directory";
            let mut d = super::error::with_label(e.into_diagnostic(agent.name.span), label);
            if beside_agent {
                d = d.with_note(workdir::beside_agent_note());
            }
            return refuse(d);
        }
    };
    // A container tier's engine, runtime and image, checked before the trigger starts.
    if let Err(e) = l.handle.block_on(sandbox.prepare()) {
        let label = format!("tier {}, {}", decision.tier, decision.source.describe());
        return refuse(super::error::with_label(e.into_diagnostic(tier_span), &label));
    }
    // Opened once, before anything runs, and refused where the agent could rewrite it.
    let audit = match AuditLog::open(&l.cfg.storage.audit_log, &working_dir) {
        Ok(log) => Arc::new(log.with_caller(l.caller.clone())),
        Err(d) => return refuse(*d),
    };
    // A limit flag above its ceiling runs lowered (resolve_limits keeps the smaller value);
    // the run says so before it starts rather than run quietly with less than was typed.
    for lowered in policy::lowered_flags(l.cfg, &l.overrides) {
        l.transcript.event(lowered.into());
    }
    let setup = RunSetup {
        sandbox,
        policy: decision,
        working_dir,
        default_interpreter: l.cfg.native_execution.default_executable.clone(),
        bounds: l.cfg.runtime.clone(),
        audit: Some(audit.clone()),
        transcript: l.transcript.clone(),
        cancel: l.cancel,
        handle: l.handle,
    };
    let (file, source, trigger, payload) = (l.file, l.source, l.trigger, l.payload);
    let outcome = std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("symbi-interpreter".into())
            .stack_size(INTERPRETER_STACK)
            .spawn_scoped(scope, move || {
                Interpreter::new(file, agent, source, setup).run_trigger(trigger, payload)
            });
        match worker.map(|w| w.join()) {
            Ok(Ok(outcome)) => outcome,
            _ => Err(Flow::Error(Box::new(Diagnostic::error(
                codes::RUN_NOT_STARTED,
                "the interpreter thread could not run",
            )))),
        }
    });
    // Once per run, whatever its outcome: the audit log's lines reach the disk (none is
    // synced on its own, so a run of many calls pays this once).
    audit.sync();
    outcome
}
