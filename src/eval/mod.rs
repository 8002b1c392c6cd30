//! The interpreter: runs trigger handlers, sending every process through a sandbox.
//!
//! The tree walker itself is synchronous (recursion stays simple and bounded by the
//! configured depths); it waits for processes and `sleep` by blocking on the tokio runtime
//! that drives the sandbox, racing each wait against [`Cancel`] so SIGINT/SIGTERM drop
//! the sandbox future, which kills the process tree.

mod assign;
pub mod audit;
pub mod budget;
mod builtins;
mod call;
mod cancel;
mod decls;
pub mod describe;
pub mod error;
pub mod events;
mod expr;
pub mod heap;
pub mod launch;
mod ops;
mod scope;
pub mod stack;
mod stmt;
pub mod target;
pub mod transcript;
mod value;

pub use audit::{AuditEntry, AuditLog};
pub use cancel::Cancel;
pub use error::{Eval, Flow};
pub use events::{Event, IgnoredConfig, RecordingTranscript, Transcript};
pub use scope::Scope;
pub use value::Value;

use crate::config::RuntimeConfig;
use crate::diag::{Diagnostic, LineIndex, Span};
use crate::policy::Decision;
use crate::sandbox::Sandbox;
use crate::syntax::ast;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Everything a run needs besides the program: decided once by `symbi run` (or a test).
#[derive(Clone)]
pub struct RunSetup {
    /// The sandbox of the effective tier.
    pub sandbox: Arc<dyn Sandbox>,
    /// The policy's decision for the agent: tier and its source, allowlist, grants, limits.
    pub policy: Decision,
    /// The working directory of executions and file builtins (absolute, canonical).
    pub working_dir: PathBuf,
    /// The interpreter of `execute_code` when the program names none.
    pub default_interpreter: String,
    /// Loop, call and emit bounds.
    pub bounds: RuntimeConfig,
    /// Where executions are recorded, if anywhere.
    pub audit: Option<Arc<AuditLog>>,
    /// Where events go.
    pub transcript: Arc<dyn Transcript>,
    /// Set by SIGINT/SIGTERM.
    pub cancel: Cancel,
    /// The runtime that drives the sandbox's futures.
    pub handle: tokio::runtime::Handle,
}

/// Runs the triggers of one agent.
pub struct Interpreter<'a> {
    file: &'a ast::File,
    agent: &'a ast::Agent,
    source: &'a str,
    lines: LineIndex,
    setup: RunSetup,
    call_depth: u32,
    emit_depth: u32,
    triggers: Vec<String>,
    exec_count: u64,
    /// The span of the call written as the statement being run, if it is one: a command
    /// it runs streams its output; any other command's output is captured.
    statement_call: Option<Span>,
    /// Where this thread's stack ends, for [`stack::StackGuard::check`].
    stack: stack::StackGuard,
    /// The process's live heap when the run started, for [`budget::check_heap`].
    heap_base: usize,
}

impl<'a> Interpreter<'a> {
    /// An interpreter for `agent` of `file`, whose text is `source` (for error positions).
    pub fn new(file: &'a ast::File, agent: &'a ast::Agent, source: &'a str, setup: RunSetup) -> Self {
        Interpreter {
            file,
            agent,
            source,
            lines: LineIndex::new(source),
            setup,
            call_depth: 0,
            emit_depth: 0,
            triggers: Vec::new(),
            exec_count: 0,
            statement_call: None,
            stack: stack::StackGuard::for_current_thread(),
            heap_base: heap::live_bytes(),
        }
    }

    /// Runs the handler of `trigger` with `payload` bound to its binding (or `input`).
    ///
    /// The error is the diagnostic that failed the trigger, or [`Flow::Interrupted`].
    pub fn run_trigger(&mut self, trigger: &str, payload: Value) -> Result<(), Flow> {
        // The thread that runs the trigger is the one whose stack is guarded.
        self.stack = stack::StackGuard::for_current_thread();
        self.heap_base = heap::live_bytes();
        let Some(handler) = self.agent.triggers.iter().find(|t| t.name.value == trigger) else {
            let d = Diagnostic::error(
                crate::diag::codes::NO_SUCH_TARGET,
                format!("agent `{}` has no trigger `{trigger}`", self.agent.name.name),
            );
            return Err(Flow::Error(Box::new(d)));
        };
        self.run_handler(handler, payload)
    }

    /// How many executions this interpreter started.
    pub fn executions(&self) -> u64 {
        self.exec_count
    }

    fn run_handler(&mut self, handler: &'a ast::Trigger, payload: Value) -> Result<(), Flow> {
        let started = Instant::now();
        let trigger = handler.name.value.clone();
        let depth = self.emit_depth;
        let no_payload = matches!(payload, Value::Null);
        self.setup.transcript.event(Event::TriggerStarted {
            agent: self.agent.name.name.clone(),
            trigger: trigger.clone(),
            tier: self.setup.policy.tier,
            tier_source: self.setup.policy.source.key().to_string(),
            limits: self.setup.policy.limits.clone(),
            working_directory: self.setup.working_dir.display().to_string(),
            depth,
        });
        let mut scope = Scope::new();
        let binding = handler.binding.as_ref().map(|b| b.name.as_str()).unwrap_or("input");
        scope.define(binding, payload);
        self.triggers.push(trigger.clone());
        let outcome = match self.exec_block(&mut scope, &handler.body) {
            // `break`/`continue` outside a loop is a check error (E0235): never here.
            Ok(()) | Err(Flow::Return(_) | Flow::Break | Flow::Continue) => Ok(()),
            Err(other) => Err(other),
        };
        self.triggers.pop();
        // The trigger the CLI chose reports its own failure; an emitted one hands it to the
        // emitter, which may catch it.
        if depth == 0 {
            match &outcome {
                Err(Flow::Error(d)) if no_payload && d.message.contains("Null") => {
                    let binding = handler.binding.as_ref().map_or("input", |b| b.name.as_str());
                    let d = (**d).clone().with_note(format!(
                        "no input was given, so `{binding}` is null: pass the payload with \
                         `--input '{{\"name\": \"value\"}}'` (or `-i`, or `--input @payload.json`)"
                    ));
                    self.setup.transcript.diagnostic(&d)
                }
                Err(Flow::Error(d)) => self.setup.transcript.diagnostic(d),
                Err(Flow::Interrupted(sig)) => {
                    let name = crate::sandbox::signal_name(*sig);
                    let d = Diagnostic::error(
                        crate::diag::codes::INTERRUPTED,
                        format!("the run was interrupted by {name}"),
                    )
                    .with_note("every process the run started was killed");
                    self.setup.transcript.diagnostic(&d);
                }
                _ => {}
            }
        }
        self.setup.transcript.event(Event::TriggerEnded {
            agent: self.agent.name.name.clone(),
            trigger,
            success: outcome.is_ok(),
            duration_ms: started.elapsed().as_millis() as u64,
            depth,
        });
        outcome
    }

    /// The name of the trigger whose handler is running (for the audit log).
    fn current_trigger(&self) -> String {
        self.triggers.last().cloned().unwrap_or_default()
    }

    /// Fails when the stack is nearly used up or the values outgrew the heap budget.
    fn check_resources(&self, span: crate::diag::Span) -> Eval<()> {
        self.stack.check(span)?;
        budget::check_heap(self.heap_base, span)
    }

    /// Fails with [`Flow::Interrupted`] once a signal has arrived.
    fn check_cancel(&self) -> Eval<()> {
        match self.setup.cancel.signal() {
            Some(sig) => Err(Flow::Interrupted(sig)),
            None => Ok(()),
        }
    }

    /// Waits for `fut` on the runtime; a signal wins the race and drops `fut`.
    fn block_on<F: std::future::Future>(&self, fut: F) -> Eval<F::Output> {
        let cancel = self.setup.cancel.clone();
        let raced = self.setup.handle.block_on(async move {
            tokio::select! {
                biased;
                sig = cancel.cancelled() => Err(sig),
                out = fut => Ok(out),
            }
        });
        raced.map_err(Flow::Interrupted)
    }
}
