//! Statements, including the failure rule for unsuccessful `ExecResult`s.

use super::error::{self, Eval, Flow, error};
use super::{Interpreter, Scope, Value};
use crate::diag::codes::{COMMAND_FAILED, LOOP_LIMIT, TYPE_ERROR};
use crate::diag::{Diagnostic, Span};
use crate::sandbox::ExecResult;
use crate::syntax::ast::{Block, Expr, ExprKind, Stmt, StmtKind};
use crate::syntax::spelling::format_duration;
use std::collections::BTreeMap;

/// How many stderr lines the failure diagnostic quotes.
const STDERR_TAIL_LINES: usize = 5;

impl<'a> Interpreter<'a> {
    /// Runs a block in a new inner scope.
    pub(super) fn exec_block(&mut self, scope: &mut Scope, block: &'a Block) -> Eval<()> {
        scope.push();
        let depth = scope.depth();
        let mut outcome = Ok(());
        for stmt in &block.stmts {
            outcome = self.exec_stmt(scope, stmt);
            if outcome.is_err() {
                break;
            }
        }
        // An error may leave inner frames behind; drop them with this block's.
        scope.truncate(depth);
        scope.pop();
        outcome
    }

    fn exec_stmt(&mut self, scope: &mut Scope, stmt: &'a Stmt) -> Eval<()> {
        self.check_cancel()?;
        self.check_resources(stmt.span)?;
        match &stmt.kind {
            StmtKind::Let { name, ty, value } => {
                let v = self.eval(scope, value)?;
                if let Some(ty) = ty {
                    super::call::check_type(ty, &v, value.span, &format!("`{}`", name.name))?;
                }
                scope.define(&name.name, v);
                Ok(())
            }
            StmtKind::Assign { target, op, value } => {
                let v = self.eval(scope, value)?;
                self.assign(scope, target, *op, v, stmt.span)
            }
            StmtKind::If { branches, otherwise } => {
                for (cond, block) in branches {
                    if self.condition(scope, cond, "an `if` condition")? {
                        return self.exec_block(scope, block);
                    }
                }
                match otherwise {
                    Some(block) => self.exec_block(scope, block),
                    None => Ok(()),
                }
            }
            StmtKind::For { key, item, iter, body } => {
                let collection = self.eval(scope, iter)?;
                let pairs: Vec<(Option<Value>, Value)> = match (collection, key) {
                    (Value::List(items), None) => items.into_iter().map(|v| (None, v)).collect(),
                    (Value::Map(map), None) => map.into_keys().map(|k| (None, Value::Str(k))).collect(),
                    (Value::Map(map), Some(_)) => {
                        map.into_iter().map(|(k, v)| (Some(Value::Str(k)), v)).collect()
                    }
                    (Value::Str(s), None) => {
                        super::budget::check_items(s.chars().count(), iter.span)?;
                        s.chars().map(|c| (None, Value::Str(c.to_string()))).collect()
                    }
                    (other, Some(_)) => {
                        return Err(error::type_error(
                            iter.span,
                            "a `for k, v` loop's collection",
                            "a Map",
                            other.type_name(),
                        ));
                    }
                    (other, None) => {
                        return Err(error(
                            TYPE_ERROR,
                            iter.span,
                            format!("cannot iterate over {}", other.type_name()),
                        ));
                    }
                };
                for (k, v) in pairs {
                    self.check_cancel()?;
                    scope.push();
                    if let (Some(key), Some(k)) = (key, k) {
                        scope.define(&key.name, k);
                    }
                    scope.define(&item.name, v);
                    let outcome = self.exec_block(scope, body);
                    scope.pop();
                    if !loop_goes_on(outcome)? {
                        break;
                    }
                }
                Ok(())
            }
            StmtKind::While { cond, body } => {
                let limit = self.setup.bounds.max_loop_iterations;
                let mut count: u64 = 0;
                while self.condition(scope, cond, "a `while` condition")? {
                    count += 1;
                    if count > limit {
                        return Err(error::error_help(
                            LOOP_LIMIT,
                            stmt.span,
                            format!("the loop ran more than {limit} times"),
                            "raise `runtime.max_loop_iterations` in the configuration, or fix the loop's condition",
                        ));
                    }
                    self.check_cancel()?;
                    if !loop_goes_on(self.exec_block(scope, body))? {
                        break;
                    }
                }
                Ok(())
            }
            StmtKind::Return(value) => {
                let v = match value {
                    Some(e) => self.eval(scope, e)?,
                    None => Value::Null,
                };
                Err(Flow::Return(v))
            }
            StmtKind::Try { body, err, handler } => match self.exec_block(scope, body) {
                Err(Flow::Error(diag)) => {
                    scope.push();
                    scope.define(&err.name, self.error_value(&diag));
                    let outcome = self.exec_block(scope, handler);
                    scope.pop();
                    outcome
                }
                other => other,
            },
            StmtKind::Break => Err(Flow::Break),
            StmtKind::Continue => Err(Flow::Continue),
            StmtKind::Expr(expr) => match self.eval_statement_call(scope, expr)? {
                Value::Exec(result) if !result.success => {
                    Err(command_failed(&result, expr.span, &self.setup.working_dir))
                }
                _ => Ok(()),
            },
        }
    }

    /// Evaluates an expression statement. A call written as a statement streams the output
    /// of the command it runs; any other command's output is captured (docs/run-events.md).
    fn eval_statement_call(&mut self, scope: &mut Scope, expr: &'a Expr) -> Eval<Value> {
        let outer = self.statement_call;
        if matches!(&expr.kind, ExprKind::Call { .. }) {
            self.statement_call = Some(expr.span);
        }
        let value = self.eval(scope, expr);
        self.statement_call = outer;
        value
    }

    /// The `err` map of a `catch`: `{ message, code, span: { start, end, line, column } }`.
    fn error_value(&self, d: &Diagnostic) -> Value {
        let span = d.span();
        let at = self.lines.line_col(self.source, span.start);
        let span_map = BTreeMap::from([
            ("start".to_string(), Value::Int(span.start as i64)),
            ("end".to_string(), Value::Int(span.end as i64)),
            ("line".to_string(), Value::Int(at.line as i64)),
            ("column".to_string(), Value::Int(at.column as i64)),
        ]);
        Value::Map(BTreeMap::from([
            ("message".to_string(), Value::str(d.message.clone())),
            ("code".to_string(), Value::str(d.code.as_str())),
            ("span".to_string(), Value::Map(span_map)),
        ]))
    }
}

/// What one round of a loop's body means for the loop: `Ok(true)` to go on (the body
/// ended or said `continue`), `Ok(false)` to stop (`break`), or the flow that unwinds past
/// the loop (`return`, an error, an interruption).
fn loop_goes_on(round: Eval<()>) -> Eval<bool> {
    match round {
        Ok(()) | Err(Flow::Continue) => Ok(true),
        Err(Flow::Break) => Ok(false),
        Err(other) => Err(other),
    }
}

/// The diagnostic of the failure rule: an unsuccessful result used as a statement.
/// `working_dir` is where the command ran, named when it failed for a missing file.
pub(super) fn command_failed(r: &ExecResult, span: Span, working_dir: &std::path::Path) -> Flow {
    let how = match (&r.exit_code, &r.signal) {
        _ if r.timed_out => "timed out".to_string(),
        (Some(code), _) if *code != 0 => format!("failed with exit status {code}"),
        (_, Some(sig)) => format!("was killed by {sig}"),
        _ if r.stdout_truncated || r.stderr_truncated => "produced more output than the cap".to_string(),
        _ => "failed".to_string(),
    };
    let mut d = Diagnostic::error(COMMAND_FAILED, format!("the command {how}"))
        .with_primary(span, "this call failed");
    let mut facts = Vec::new();
    if let Some(code) = r.exit_code {
        facts.push(format!("exit status {code}"));
    }
    if let Some(sig) = &r.signal {
        facts.push(format!("signal {sig}"));
    }
    if r.timed_out {
        facts.push("timed out".into());
    }
    if r.stdout_truncated || r.stderr_truncated {
        facts.push("output truncated".into());
    }
    facts.push(format!("after {}", format_duration(r.duration_ms)));
    d = d.with_note(facts.join(", "));
    let tail: Vec<&str> = r.stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    if !tail.is_empty() {
        let from = tail.len().saturating_sub(STDERR_TAIL_LINES);
        let quoted: Vec<String> = tail[from..].iter().map(|l| format!("  | {l}")).collect();
        d = d.with_note(format!("last lines of stderr:\n{}", quoted.join("\n")));
    }
    d = if r.stderr.contains("No such file") {
        d.with_help(format!(
            "a file was not found: relative paths start in the working directory `{}`, which \
             `native_execution.working_directory` sets (by default the agent file's folder on tier None)",
            working_dir.display()
        ))
    } else {
        d.with_help("bind the result (`let r = ...`) to handle the failure yourself, or fix the command")
    };
    Flow::Error(Box::new(d))
}
