//! The wall clock the scheduler reads. Cron times are wall-clock (UTC) times, while tokio
//! sleeps on a monotonic clock; tests drive both with tokio's paused time through
//! [`TokioClock`].

use std::sync::atomic::{AtomicI64, Ordering};
use time::OffsetDateTime;

/// Where the scheduler reads the current UTC time.
pub trait WallClock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> OffsetDateTime;
}

/// The system's clock: what the service uses.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl WallClock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A wall clock that moves with tokio's clock from a chosen start, so a test with paused
/// time controls it with `tokio::time::advance`; [`TokioClock::jump`] moves it alone, as a
/// suspended machine or a clock step does.
#[derive(Debug)]
pub struct TokioClock {
    wall: OffsetDateTime,
    at: tokio::time::Instant,
    jumped_ms: AtomicI64,
}

impl TokioClock {
    /// A clock reading `wall` now.
    pub fn starting_at(wall: OffsetDateTime) -> Self {
        TokioClock { wall, at: tokio::time::Instant::now(), jumped_ms: AtomicI64::new(0) }
    }

    /// Moves the wall clock by `by` without tokio's clock.
    pub fn jump(&self, by: time::Duration) {
        self.jumped_ms.fetch_add(by.whole_milliseconds() as i64, Ordering::SeqCst);
    }
}

impl WallClock for TokioClock {
    fn now(&self) -> OffsetDateTime {
        let elapsed = time::Duration::try_from(self.at.elapsed()).unwrap_or(time::Duration::ZERO);
        self.wall + elapsed + time::Duration::milliseconds(self.jumped_ms.load(Ordering::SeqCst))
    }
}
