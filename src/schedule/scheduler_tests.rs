//! The scheduler under tokio's paused time: fires at the cron times, skips while the previous
//! run goes, pauses, resumes, fires on demand, never replays, stops when dropped.

use super::{
    Cron, Fire, FireReason, ScheduleHandler, ScheduleKey, Scheduler, SkipCause, Skipped, TokioClock,
    TriggerNow,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// What the scheduler told the service, in order; guards are kept until released.
#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<String>>,
    guards: Mutex<Vec<Fire>>,
    keep_runs: Mutex<bool>,
}

impl ScheduleHandler for Recorder {
    fn fire(&self, fire: Fire) {
        let t = fire.scheduled_at.format(&Rfc3339).expect("formats");
        self.events.lock().expect("lock").push(format!(
            "fire {} {} {}",
            fire.key.trigger,
            t,
            fire.reason.as_str()
        ));
        if *self.keep_runs.lock().expect("lock") {
            self.guards.lock().expect("lock").push(fire);
        }
    }

    fn skipped(&self, s: Skipped) {
        let t = s.scheduled_at.format(&Rfc3339).expect("formats");
        self.events.lock().expect("lock").push(format!("skip {} {} {:?}", s.key.trigger, t, s.cause));
    }
}

impl Recorder {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.events.lock().expect("lock"))
    }
    fn keep_runs(&self, keep: bool) {
        *self.keep_runs.lock().expect("lock") = keep;
    }
    fn finish_runs(&self) {
        self.guards.lock().expect("lock").clear();
    }
}

fn start() -> OffsetDateTime {
    OffsetDateTime::parse("2026-12-03T12:00:00Z", &Rfc3339).expect("RFC 3339")
}

fn setup(schedules: &[(&str, &str)]) -> (Arc<Recorder>, Arc<TokioClock>, Scheduler) {
    let recorder = Arc::new(Recorder::default());
    let clock = Arc::new(TokioClock::starting_at(start()));
    let scheduler = Scheduler::with_clock(recorder.clone(), clock.clone());
    scheduler.set_schedules(schedules.iter().map(|(t, c)| (key(t), Cron::parse(c).expect("valid"))));
    (recorder, clock, scheduler)
}

fn key(trigger: &str) -> ScheduleKey {
    ScheduleKey::new("A", trigger)
}

/// Lets time pass in steps small enough for every timer to fire in order.
async fn pass(seconds: u64) {
    for _ in 0..seconds * 2 {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test(start_paused = true)]
async fn fires_at_each_fire_time_with_its_time() {
    let (rec, _clock, _s) = setup(&[("t", "*/10 * * * * *")]);
    pass(35).await;
    assert_eq!(
        rec.take(),
        [
            "fire t 2026-12-03T12:00:10Z schedule",
            "fire t 2026-12-03T12:00:20Z schedule",
            "fire t 2026-12-03T12:00:30Z schedule"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_fire_while_the_previous_run_goes_is_skipped_and_reported() {
    let (rec, _clock, s) = setup(&[("t", "*/10 * * * * *")]);
    rec.keep_runs(true);
    pass(25).await;
    assert_eq!(
        rec.take(),
        ["fire t 2026-12-03T12:00:10Z schedule", "skip t 2026-12-03T12:00:20Z StillRunning"]
    );
    assert!(s.status(&key("t"), 0).expect("exists").running);
    rec.keep_runs(false);
    rec.finish_runs();
    pass(10).await;
    assert_eq!(rec.take(), ["fire t 2026-12-03T12:00:30Z schedule"]);
}

#[tokio::test(start_paused = true)]
async fn paused_schedules_pass_their_times_silently_and_resume_without_replay() {
    let (rec, _clock, s) = setup(&[("t", "*/10 * * * * *")]);
    assert!(s.pause(&key("t")));
    pass(35).await;
    assert!(rec.take().is_empty());
    let status = s.status(&key("t"), 3).expect("exists");
    assert!(status.paused && status.next_fires.is_empty());
    assert!(s.resume(&key("t")));
    pass(10).await;
    assert_eq!(rec.take(), ["fire t 2026-12-03T12:00:40Z schedule"]);
    assert!(!s.pause(&key("nope")) && !s.resume(&key("nope")));
}

#[tokio::test(start_paused = true)]
async fn trigger_now_fires_at_once_even_when_paused_but_not_over_a_running_run() {
    let (rec, _clock, s) = setup(&[("t", "0 0 * * *")]);
    s.pause(&key("t"));
    rec.keep_runs(true);
    assert_eq!(s.trigger_now(&key("t")), TriggerNow::Fired);
    assert_eq!(s.trigger_now(&key("t")), TriggerNow::Busy);
    assert_eq!(s.trigger_now(&key("nope")), TriggerNow::Unknown);
    assert_eq!(
        rec.take(),
        ["fire t 2026-12-03T12:00:00Z manual", "skip t 2026-12-03T12:00:00Z StillRunning"]
    );
    rec.finish_runs();
    assert_eq!(s.trigger_now(&key("t")), TriggerNow::Fired);
}

#[tokio::test(start_paused = true)]
async fn times_before_the_start_are_not_replayed_and_a_late_wake_skips() {
    // Started at 12:00:00 with an hourly schedule: nothing before 13:00.
    let (rec, clock, _s) = setup(&[("t", "0 * * * *")]);
    pass(5).await;
    assert!(rec.take().is_empty());
    // The machine sleeps through 13:00 and wakes at 15:30: one skip, no three fires.
    clock.jump(time::Duration::minutes(210));
    pass(61).await;
    assert_eq!(rec.take(), ["skip t 2026-12-03T13:00:00Z Late"]);
    pass(30 * 60).await;
    assert_eq!(rec.take(), ["fire t 2026-12-03T16:00:00Z schedule"]);
}

#[tokio::test(start_paused = true)]
async fn next_fire_times_are_queryable_in_key_order() {
    let (_rec, _clock, s) = setup(&[("b", "0 9 * * MON-FRI"), ("a", "@hourly")]);
    let statuses = s.statuses(2);
    let listed: Vec<(String, Vec<String>)> = statuses
        .iter()
        .map(|st| {
            (
                st.key.trigger.clone(),
                st.next_fires.iter().map(|t| t.format(&Rfc3339).expect("formats")).collect(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("a".into(), vec!["2026-12-03T13:00:00Z".into(), "2026-12-03T14:00:00Z".into()]),
            ("b".into(), vec!["2026-12-04T09:00:00Z".into(), "2026-12-07T09:00:00Z".into()]),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn reload_keeps_unchanged_schedules_and_stops_removed_ones() {
    let (rec, _clock, s) = setup(&[("keep", "*/10 * * * * *"), ("gone", "*/10 * * * * *")]);
    s.pause(&key("keep"));
    s.set_schedules([
        (key("keep"), Cron::parse("*/10 * * * * *").expect("valid")),
        (key("new"), Cron::parse("*/20 * * * * *").expect("valid")),
    ]);
    pass(25).await;
    assert_eq!(rec.take(), ["fire new 2026-12-03T12:00:20Z schedule"]);
    assert!(s.status(&key("keep"), 1).expect("kept").paused);
    assert!(s.status(&key("gone"), 1).is_none());
}

#[tokio::test(start_paused = true)]
async fn dropping_the_scheduler_stops_every_schedule() {
    let (rec, _clock, s) = setup(&[("t", "* * * * * *")]);
    pass(2).await;
    assert!(!rec.take().is_empty(), "it fired while alive");
    drop(s);
    pass(5).await;
    assert!(rec.take().is_empty());
}

#[test]
fn a_fire_payload_names_the_schedule_time_and_reason() {
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let fire = Fire {
        key: key("t"),
        cron: "0 9 * * *".into(),
        scheduled_at: start(),
        reason: FireReason::Schedule,
        guard: super::RunGuard(running.clone()),
    };
    assert_eq!(
        fire.payload(),
        serde_json::json!({"schedule": "0 9 * * *", "scheduled_at": "2026-12-03T12:00:00Z", "reason": "schedule"})
    );
    drop(fire);
    assert!(!running.load(std::sync::atomic::Ordering::SeqCst), "dropping the fire releases the schedule");
    let _ = SkipCause::Late;
}

/// The production clock, in real time: a per-second schedule fires on whole seconds.
#[tokio::test]
async fn on_the_system_clock_an_every_second_schedule_fires_on_whole_seconds() {
    let recorder = Arc::new(Recorder::default());
    let scheduler = Scheduler::new(recorder.clone());
    scheduler.set_schedules([(key("t"), Cron::parse("* * * * * *").expect("valid"))]);
    tokio::time::sleep(Duration::from_millis(2300)).await;
    drop(scheduler);
    let events = recorder.take();
    assert!((1..=3).contains(&events.len()), "{events:?}");
    assert!(events.iter().all(|e| e.starts_with("fire t ") && e.ends_with("Z schedule")), "{events:?}");
}
