//! `emit`, `fail` and `sleep`: builtins that steer the run.

use super::super::error::{self, Eval, error};
use super::super::{Interpreter, Value};
use super::Args;
use crate::diag::Diagnostic;
use crate::diag::codes::{EMIT_DEPTH, FAILED, UNKNOWN_NAME};

pub(super) fn call(interp: &mut Interpreter<'_>, name: &str, args: &mut Args) -> Option<Eval<Value>> {
    Some(match name {
        "emit" => emit(interp, args),
        "fail" => match super::super::budget::render(&args.take(0), args.call) {
            Ok(message) => Err(super::super::Flow::Error(Box::new(
                Diagnostic::error(FAILED, format!("the trigger failed: {message}"))
                    .with_primary(args.call, "`fail` was called here"),
            ))),
            Err(e) => Err(e),
        },
        "sleep" => match args.opt_duration(0) {
            Ok(ms) => {
                let d = std::time::Duration::from_millis(ms.unwrap_or(0));
                interp.block_on(async move { tokio::time::sleep(d).await }).map(|()| Value::Null)
            }
            Err(e) => Err(e),
        },
        _ => return None,
    })
}

/// `emit(trigger, payload)`: runs another trigger of the same agent, nested at most
/// `runtime.max_emit_depth` deep; its failure is the emitter's (and can be caught).
fn emit(interp: &mut Interpreter<'_>, args: &mut Args) -> Eval<Value> {
    let name = args.string(0)?;
    let payload = args.take(1);
    let agent = interp.agent;
    let Some(handler) = agent.triggers.iter().find(|t| t.name.value == name) else {
        let names = agent.triggers.iter().map(|t| t.name.value.as_str());
        let flow =
            error(UNKNOWN_NAME, args.span(0), format!("agent `{}` has no trigger `{name}`", agent.name.name));
        return Err(error::suggesting(flow, &name, names));
    };
    let max = interp.setup.bounds.max_emit_depth;
    if interp.emit_depth >= max {
        return Err(error::error_help(
            EMIT_DEPTH,
            args.call,
            format!("`emit` is nested more than {max} deep"),
            "stop the chain of emits earlier, or raise `runtime.max_emit_depth` in the configuration",
        ));
    }
    interp.emit_depth += 1;
    let outcome = interp.run_handler(handler, payload);
    interp.emit_depth -= 1;
    outcome.map(|()| Value::Null)
}
