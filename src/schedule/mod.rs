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

use crate::syntax::ast::File;

/// The schedules of every agent of a checked `file`, ready for [`Scheduler::set_schedules`].
/// Expressions the checker refused are left out (a file with errors is not served anyway).
pub fn schedules_of(file: &File) -> Vec<(ScheduleKey, Cron)> {
    file.agents()
        .flat_map(|agent| {
            agent.triggers.iter().filter_map(move |t| {
                let cron = Cron::parse(&t.cron()?.value).ok()?;
                Some((ScheduleKey::new(agent.name.name.clone(), t.name.value.clone()), cron))
            })
        })
        .collect()
}
