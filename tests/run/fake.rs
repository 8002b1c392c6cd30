//! A scripted sandbox and an in-process runner, for interpreter tests that need no real
//! process: each call pops the next scripted result and records what was asked.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use symbi::config::Config;
use symbi::diag::Diagnostic;
use symbi::eval::{Cancel, Event, Flow, Interpreter, RecordingTranscript, RunSetup, Value};
use symbi::policy::{LimitOverrides, TierChoice, decide};
use symbi::sandbox::{BoxFuture, ExecRequest, ExecResult, Program, Sandbox, SandboxError, Stream};
use symbi::security::Tier;

/// What one call asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Asked {
    pub program: Program,
    pub env: Vec<(String, String)>,
    pub stdin: Option<String>,
    pub timeout_ms: u128,
}

/// Returns scripted results in order (a plain success once the script runs out).
#[derive(Default)]
pub struct FakeSandbox {
    script: Mutex<VecDeque<Result<ExecResult, SandboxError>>>,
    pub asked: Mutex<Vec<Asked>>,
}

impl FakeSandbox {
    pub fn new(script: Vec<Result<ExecResult, SandboxError>>) -> Self {
        FakeSandbox { script: Mutex::new(script.into()), asked: Mutex::new(Vec::new()) }
    }
}

/// A finished command's result.
pub fn exited(code: i32, stdout: &str, stderr: &str) -> Result<ExecResult, SandboxError> {
    Ok(ExecResult {
        stdout: stdout.into(),
        stderr: stderr.into(),
        exit_code: Some(code),
        success: code == 0,
        duration_ms: 5,
        tier: Tier::None,
        ..Default::default()
    })
}

impl Sandbox for FakeSandbox {
    fn tier(&self) -> Tier {
        Tier::None
    }

    fn execute(&self, request: ExecRequest) -> BoxFuture<'_, Result<ExecResult, SandboxError>> {
        if let Ok(mut asked) = self.asked.lock() {
            asked.push(Asked {
                program: request.program.clone(),
                env: request.env.clone().into_iter().collect(),
                stdin: request.stdin.clone().map(|b| String::from_utf8_lossy(&b).into_owned()),
                timeout_ms: request.limits.timeout.as_millis(),
            });
        }
        let next =
            self.script.lock().ok().and_then(|mut s| s.pop_front()).unwrap_or_else(|| exited(0, "", ""));
        if let (Ok(r), Some(sink)) = (&next, &request.sink) {
            sink.chunk(Stream::Stdout, r.stdout.as_bytes());
        }
        Box::pin(async move { next })
    }
}

/// The outcome of running one trigger in process.
pub struct Ran {
    pub printed: Vec<String>,
    pub events: Vec<Event>,
    pub error: Option<Diagnostic>,
    pub interrupted: Option<i32>,
    pub asked: Vec<Asked>,
    pub source: String,
}

impl Ran {
    /// The error's code, or "ok".
    pub fn code(&self) -> &'static str {
        self.error.as_ref().map(|d| d.code.as_str()).unwrap_or("ok")
    }

    /// The text the error's primary span covers.
    pub fn error_text(&self) -> &str {
        let span = self.error.as_ref().map(|d| d.span()).unwrap_or_default();
        &self.source[span.clamp_to(&self.source)]
    }
}

/// Options of an in-process run.
pub struct Opts {
    pub script: Vec<Result<ExecResult, SandboxError>>,
    pub trigger: String,
    pub payload: Value,
    pub config: Config,
    pub working_dir: std::path::PathBuf,
    pub cancel: Cancel,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            script: Vec::new(),
            trigger: "t".into(),
            payload: Value::Null,
            config: Config::default(),
            working_dir: std::env::temp_dir(),
            cancel: Cancel::new(),
        }
    }
}

/// Runs trigger "t" of the first agent of `source`, whose syntax must be valid.
pub fn run(source: &str) -> Ran {
    run_with(source, Opts::default())
}

/// Runs with options.
pub fn run_with(source: &str, opts: Opts) -> Ran {
    let parsed = symbi::syntax::parse(source);
    assert!(parsed.is_ok(), "syntax errors: {:?}", parsed.diagnostics);
    let agent = parsed.file.agents().next().unwrap_or_else(|| panic!("no agent in {source}"));
    let sandbox = Arc::new(FakeSandbox::new(opts.script));
    let transcript = Arc::new(RecordingTranscript::default());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    // The policy's decision for `--native`, with the allowlist and limits the fake expects.
    let native = TierChoice { cli_tier: None, cli_native: true };
    let mut policy = decide(&opts.config, &native, Some(agent), &LimitOverrides::default());
    policy.allowlist = vec!["sh".into()];
    policy.limits = symbi::sandbox::Limits::default();
    let setup = RunSetup {
        sandbox: sandbox.clone(),
        policy,
        working_dir: opts.working_dir,
        default_interpreter: opts.config.native_execution.default_executable.clone(),
        bounds: opts.config.runtime.clone(),
        audit: None,
        transcript: transcript.clone(),
        cancel: opts.cancel,
        handle: runtime.handle().clone(),
    };
    let outcome =
        Interpreter::new(&parsed.file, agent, source, setup).run_trigger(&opts.trigger, opts.payload);
    let (error, interrupted) = match outcome {
        Ok(()) => (None, None),
        Err(Flow::Error(d)) => (Some(*d), None),
        Err(Flow::Interrupted(sig)) => (None, Some(sig)),
        Err(Flow::Return(_)) => (None, None),
    };
    let asked = sandbox.asked.lock().map(|a| a.clone()).unwrap_or_default();
    Ran {
        printed: transcript.printed(),
        events: transcript.events(),
        error,
        interrupted,
        asked,
        source: source.to_string(),
    }
}

/// Wraps statements in an agent with one trigger "t" (capabilities for the file builtins).
pub fn agent(body: &str) -> String {
    format!(
        "agent A {{\n  security {{ tier: None capabilities: [\"local_filesystem\", \"environment\"] }}\n  on trigger \"t\" {{\n{body}\n  }}\n}}\n"
    )
}
