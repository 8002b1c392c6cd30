//! `execute_native` and `execute_code`: every process goes through the run's sandbox, is
//! announced in the transcript, streams its output live and is recorded in the audit log.

use super::super::audit::{AuditEntry, now_rfc3339};
use super::super::error::{Eval, Flow, error};
use super::super::events::{Event, ExecSink};
use super::super::{Interpreter, Value};
use super::Args;
use crate::diag::Span;
use crate::diag::codes;
use crate::sandbox::{ExecRequest, ExecResult, Program};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `execute_native(command, env, stdin, timeout)` and
/// `execute_code(code, interpreter, env, timeout)`.
pub(super) fn call(interp: &mut Interpreter<'_>, name: &str, args: &mut Args) -> Option<Eval<Value>> {
    Some(match name {
        "execute_native" => native(interp, args),
        "execute_code" => code(interp, args),
        _ => return None,
    })
}

fn native(interp: &mut Interpreter<'_>, args: &mut Args) -> Eval<Value> {
    let argv = match args.take(0) {
        // The runner's own splitter, so `symbi check`, `run` and the sandbox agree on argv.
        Value::Str(command) => crate::sandbox::argv::split(&command).map_err(|why| {
            error(
                codes::COMMAND_LINE_UNSPLITTABLE,
                args.span(0),
                format!("the command line cannot be split: {why}"),
            )
        })?,
        // The list form: each element is one argument as it is, never split.
        Value::List(items) => {
            let mut argv = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::Str(word) => argv.push(word),
                    other => return Err(args.wrong(0, "a List of Strings", &other)),
                }
            }
            argv
        }
        other => return Err(args.wrong(0, "a String or a List<String>", &other)),
    };
    if argv.is_empty() {
        return Err(error(codes::EMPTY_COMMAND, args.span(0), "the command line is empty"));
    }
    let env = args.string_map(1)?;
    let stdin = args.opt_string(2)?;
    let timeout = args.opt_duration(3)?;
    let shown = argv.clone();
    interp.run_program(Program::Argv(argv), shown, env, stdin, timeout, args.call)
}

fn code(interp: &mut Interpreter<'_>, args: &mut Args) -> Eval<Value> {
    let code = args.string(0)?;
    let interpreter = args.opt_string(1)?.unwrap_or_else(|| interp.setup.default_interpreter.clone());
    let env = args.string_map(2)?;
    let timeout = args.opt_duration(3)?;
    let shown = vec![interpreter.clone(), "<code on stdin>".to_string()];
    interp.run_program(Program::Code { code, interpreter }, shown, env, None, timeout, args.call)
}

impl Interpreter<'_> {
    /// Runs one program through the sandbox: transcript events, live output, audit entry.
    /// A call's own `timeout` can only shorten the run's.
    pub(in super::super) fn run_program(
        &mut self,
        program: Program,
        argv: Vec<String>,
        env: BTreeMap<String, String>,
        stdin: Option<String>,
        timeout: Option<u64>,
        span: Span,
    ) -> Eval<Value> {
        self.check_cancel()?;
        self.exec_count += 1;
        let id = self.exec_count;
        let mut limits = self.setup.policy.limits.clone();
        if let Some(ms) = timeout {
            limits.timeout = limits.timeout.min(Duration::from_millis(ms));
        }
        let tier = self.setup.policy.tier;
        self.setup.transcript.event(Event::ExecStarted {
            id,
            argv: argv.clone(),
            tier,
            limits: limits.clone(),
        });
        let env_keys: Vec<String> = env.keys().cloned().collect();
        // A call written as a statement streams its output live; one whose result is used
        // is captured: the agent prints what it wants of it.
        let sink = Arc::new(if self.statement_call == Some(span) {
            ExecSink::new(self.setup.transcript.clone(), id)
        } else {
            ExecSink::captured(self.setup.transcript.clone(), id)
        });
        let request = ExecRequest {
            program,
            env,
            stdin: stdin.map(String::into_bytes),
            working_dir: self.setup.working_dir.clone(),
            limits: limits.clone(),
            allowed_executables: self.setup.policy.allowlist.clone(),
            network: self.setup.policy.network,
            local_filesystem: self.setup.policy.filesystem,
            sink: Some(sink.clone()),
        };
        let mut entry = AuditEntry {
            time: now_rfc3339(),
            agent: self.agent.name.name.clone(),
            trigger: self.current_trigger(),
            tier,
            argv,
            env_keys,
            working_directory: self.setup.working_dir.display().to_string(),
            limits,
            outcome: "started".into(),
            exit_code: None,
            signal: None,
            duration_ms: 0,
            error: None,
            source: None,
            caller: None,
        };
        // A "started" line before the spawn: a call whose symbi is killed mid-call (by the
        // call itself, where the host lets it) is on record even without its ending line.
        self.audit(&entry);
        let started = Instant::now();
        let sandbox = self.setup.sandbox.clone();
        let outcome = self.block_on(async move { sandbox.execute(request).await });
        sink.finish();
        entry.outcome = String::new();
        entry.duration_ms = started.elapsed().as_millis() as u64;
        let (event, result) = match outcome {
            Err(Flow::Interrupted(sig)) => {
                entry.outcome = "interrupted".into();
                entry.signal = Some(crate::sandbox::signal_name(sig));
                (
                    ended(
                        id,
                        &ExecResult { signal: entry.signal.clone(), ..Default::default() },
                        &entry,
                        None,
                    ),
                    Err(Flow::Interrupted(sig)),
                )
            }
            Err(other) => (ended(id, &ExecResult::default(), &entry, None), Err(other)),
            Ok(Err(refused)) => {
                entry.outcome = "refused".into();
                entry.error = Some(refused.code.to_string());
                let ev = ended(id, &ExecResult::default(), &entry, Some(refused.code.to_string()));
                (
                    ev,
                    Err(Flow::Error(Box::new(super::super::error::with_label(
                        refused.into_diagnostic(span),
                        "this call could not run",
                    )))),
                )
            }
            Ok(Ok(result)) => {
                entry.outcome = if result.timed_out {
                    "timed_out"
                } else if result.signal.is_some() {
                    "signaled"
                } else {
                    "exited"
                }
                .into();
                entry.exit_code = result.exit_code;
                entry.signal = result.signal.clone();
                entry.duration_ms = result.duration_ms;
                if result.oom_killed {
                    // The result says `oom_killed`; the transcript says it in words, with the limit.
                    let mut d = crate::sandbox::docker::errors::oom_killed(entry.limits.max_memory_mb)
                        .into_diagnostic(span);
                    d.severity = crate::diag::Severity::Warning;
                    self.setup.transcript.diagnostic(&d);
                }
                (ended(id, &result, &entry, None), Ok(Value::Exec(Box::new(result))))
            }
        };
        self.audit(&entry);
        self.setup.transcript.event(event);
        result
    }

    /// Appends `entry` to the audit log, if any; a failure is a warning (once).
    fn audit(&self, entry: &AuditEntry) {
        if let Some(audit) = &self.setup.audit
            && let Some(warning) = audit.append(entry)
        {
            self.setup
                .transcript
                .diagnostic(&crate::diag::Diagnostic::warning(codes::AUDIT_LOG_UNWRITABLE, warning));
        }
    }
}

fn ended(id: u64, r: &ExecResult, entry: &AuditEntry, error: Option<String>) -> Event {
    Event::ExecEnded {
        id,
        exit_code: r.exit_code,
        signal: r.signal.clone(),
        success: r.success,
        timed_out: r.timed_out,
        stdout_truncated: r.stdout_truncated,
        stderr_truncated: r.stderr_truncated,
        duration_ms: entry.duration_ms,
        containment: (error.is_none() && r.containment != Default::default()).then(|| r.containment.clone()),
        error,
    }
}
