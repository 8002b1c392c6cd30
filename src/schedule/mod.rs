//! Schedules: cron expressions (parsed once, for the checker, the language server and the
//! service alike) and the scheduler that fires the schedule triggers of loaded agents.

mod clock;
mod cron;
mod error;
mod field;
pub mod scheduler;

pub use clock::{SystemClock, TokioClock, WallClock};
pub use cron::Cron;
pub use error::{CronError, CronErrorKind};
pub use scheduler::{
    Fire, FireReason, RunGuard, ScheduleHandler, ScheduleKey, ScheduleStatus, Scheduler, SkipCause, Skipped,
    TriggerNow,
};

#[cfg(test)]
mod cron_tests;
#[cfg(test)]
mod scheduler_tests;
