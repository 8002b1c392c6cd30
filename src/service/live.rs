//! A run in progress: its record, the events it has produced so far (the JSON objects of
//! `symbi run --format json`), its captured output, and how to cancel it.
//!
//! Subscribers (the SSE route, `?wait=true`) read the event list from an index and wait on a
//! watch channel for more, so a late subscriber gets every event so far and nobody can lag
//! behind and lose events.

use super::store::RunRecord;
use crate::diag::Diagnostic;
use crate::diag::render::{Sources, json_line};
use crate::eval::{Cancel, Event, Transcript};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// A run the service is executing or about to.
pub struct LiveRun {
    /// Its record as it stands.
    pub record: Mutex<RunRecord>,
    /// Its events so far, each one JSON object.
    events: Mutex<Vec<Arc<str>>>,
    /// (events so far, finished).
    progress: watch::Sender<(usize, bool)>,
    /// What it printed and its commands wrote, up to `cap` bytes.
    output: Mutex<String>,
    cap: usize,
    /// Ends the run.
    pub cancel: Cancel,
}

impl LiveRun {
    /// A run whose captured output is kept up to `cap` bytes.
    pub fn new(record: RunRecord, cap: usize) -> Arc<Self> {
        Arc::new(LiveRun {
            record: Mutex::new(record),
            events: Mutex::new(Vec::new()),
            progress: watch::channel((0, false)).0,
            output: Mutex::new(String::new()),
            cap,
            cancel: Cancel::new(),
        })
    }

    /// The record as it stands.
    pub fn snapshot(&self) -> RunRecord {
        let mut record = self.record.lock().map(|r| r.clone()).unwrap_or_else(|p| p.into_inner().clone());
        record.output = self.output();
        record
    }

    /// The captured output so far.
    pub fn output(&self) -> String {
        self.output.lock().map(|o| o.clone()).unwrap_or_default()
    }

    /// Every event so far, one JSON object per line.
    pub fn events_text(&self) -> String {
        let events = self.events.lock().map(|e| e.clone()).unwrap_or_default();
        events.iter().map(|e| format!("{e}\n")).collect()
    }

    /// The events from index `from`, and whether the run has finished.
    pub fn events_from(&self, from: usize) -> (Vec<Arc<str>>, bool) {
        let done = self.progress.borrow().1;
        let events = self.events.lock().map(|e| e.get(from..).map(<[_]>::to_vec).unwrap_or_default());
        (events.unwrap_or_default(), done)
    }

    /// A receiver that changes whenever an event arrives or the run finishes.
    pub fn subscribe(&self) -> watch::Receiver<(usize, bool)> {
        self.progress.subscribe()
    }

    /// Waits until the run has finished.
    pub async fn finished(&self) {
        let mut rx = self.subscribe();
        let _ = rx.wait_for(|(_, done)| *done).await;
    }

    /// Marks the run finished: subscribers drain the events and stop.
    pub fn finish(&self) {
        self.progress.send_modify(|p| p.1 = true);
    }

    fn push(&self, event: &Event) {
        let Ok(json) = serde_json::to_string(event) else { return };
        let len = match self.events.lock() {
            Ok(mut events) => {
                events.push(json.into());
                events.len()
            }
            Err(_) => return,
        };
        self.progress.send_modify(|p| p.0 = len);
    }

    fn capture(&self, text: &str) {
        let Ok(mut output) = self.output.lock() else { return };
        let room = self.cap.saturating_sub(output.len());
        if text.len() <= room {
            output.push_str(text);
        } else {
            let mut cut = room;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            output.push_str(&text[..cut]);
        }
    }
}

/// The transcript of a service run: every event kept for subscribers and the store, and
/// the printed text and command output captured as the run's `output`.
pub struct LiveTranscript {
    run: Arc<LiveRun>,
    sources: Sources,
}

impl LiveTranscript {
    /// A transcript feeding `run`, rendering diagnostic positions against `sources`.
    pub fn new(run: Arc<LiveRun>, sources: Sources) -> Self {
        LiveTranscript { run, sources }
    }
}

impl Transcript for LiveTranscript {
    fn event(&self, event: Event) {
        match &event {
            Event::Print { text } => {
                self.run.capture(text);
                self.run.capture("\n");
            }
            Event::Output { text, .. } => self.run.capture(text),
            _ => {}
        }
        self.run.push(&event);
    }

    fn diagnostic(&self, d: &Diagnostic) {
        let diagnostic = serde_json::from_str(&json_line(d, &self.sources)).unwrap_or_default();
        self.event(Event::Diagnostic { diagnostic });
    }
}
