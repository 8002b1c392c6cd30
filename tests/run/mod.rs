//! `symbi run`: the interpreter in process on a scripted sandbox, and the real binary on
//! real native processes (case files, streaming, signals, the audit log).

mod builtins;
pub mod cases;
mod failure_rule;
mod fake;
mod hostile;
mod live;
mod runtime_errors;
mod statements;
