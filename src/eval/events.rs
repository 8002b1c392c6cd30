//! The events of a run: what `--format json` prints one per line, and what the human
//! transcript turns into text. Documented in docs/run-events.md; the field names are a
//! stable interface.

use crate::sandbox::{Containment, Limits, OutputSink, Stream};
use crate::security::Tier;
use serde::Serialize;
use std::sync::{Arc, Mutex};

/// One thing that happened during a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The configuration of the run, its first event: the file used, how it was chosen, and
    /// an untrusted `config.toml` beside the agent file that was not read.
    Configuration {
        /// The configuration files applied, in order (empty: the built-in defaults).
        files: Vec<String>,
        /// How the file was chosen (`named by --config`, ...).
        found_by: String,
        /// Files that were not read.
        ignored: Vec<IgnoredConfig>,
    },
    /// A limit flag asked for more than the configuration allows and was lowered to the
    /// configured ceiling (before `trigger_started`; only `symbi run` has such flags).
    LimitLowered {
        /// The flag (`--max-memory`, `--max-cpu`, `--timeout`).
        flag: String,
        /// What it asked for, spelt as the flag takes it (`4G`, `1h`, `8`).
        asked: String,
        /// The ceiling the run uses instead, spelt the same way.
        lowered_to: String,
        /// The configuration key that sets the ceiling.
        key: String,
        /// Where that value came from (`the built-in default`, `set in FILE`, `set by VAR`).
        set_by: String,
    },
    /// A trigger's handler starts (the one the CLI chose, or one reached through `emit`).
    TriggerStarted {
        /// The agent's name.
        agent: String,
        /// The trigger's name.
        trigger: String,
        /// The effective tier.
        tier: Tier,
        /// Where the tier came from (`cli`, `agent`, `env`, `config`, `default`).
        tier_source: String,
        /// The resolved limits of every execution.
        limits: Limits,
        /// The working directory of executions and file builtins.
        working_directory: String,
        /// 0 for the trigger the CLI chose, 1 for one it emitted, ...
        depth: u32,
    },
    /// A command starts.
    ExecStarted {
        /// Counts executions of the run from 1.
        id: u64,
        /// The argument vector (for `execute_code`, the interpreter and `<code on stdin>`).
        argv: Vec<String>,
        /// The tier it runs on.
        tier: Tier,
        /// Its limits.
        limits: Limits,
    },
    /// A chunk of a command's output, as it was read (lossy UTF-8).
    Output {
        /// The execution it belongs to.
        id: u64,
        /// `stdout` or `stderr`.
        stream: Stream,
        /// The text.
        text: String,
    },
    /// A command ended (or could not start).
    ExecEnded {
        /// The execution.
        id: u64,
        /// The exit status, when it exited.
        exit_code: Option<i32>,
        /// The signal that ended it (`SIGKILL`, ...).
        signal: Option<String>,
        /// Exit 0, not timed out, not truncated.
        success: bool,
        /// The wall-clock timeout ended it.
        timed_out: bool,
        /// Stdout was cut at the cap.
        stdout_truncated: bool,
        /// Stderr was cut at the cap.
        stderr_truncated: bool,
        /// Wall time in milliseconds.
        duration_ms: u64,
        /// Why it could not run, when the sandbox refused it (an E04xx code).
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        /// How the runner contained it (process count, CPU cores, teardown), when it ran.
        #[serde(skip_serializing_if = "Option::is_none")]
        containment: Option<Containment>,
    },
    /// `print(value)`.
    Print {
        /// The text printed.
        text: String,
    },
    /// `log(message, level)`.
    Log {
        /// `debug`, `info`, `warn` or `error`.
        level: String,
        /// The message.
        message: String,
    },
    /// A diagnostic (check result, runtime error, refusal), in the JSON shape of
    /// `symbi check --format json`.
    Diagnostic {
        /// The diagnostic object.
        diagnostic: serde_json::Value,
    },
    /// A trigger's handler ended.
    TriggerEnded {
        /// The agent's name.
        agent: String,
        /// The trigger's name.
        trigger: String,
        /// It ran to the end (or `return`) without an error.
        success: bool,
        /// Wall time in milliseconds.
        duration_ms: u64,
        /// As in `trigger_started`.
        depth: u32,
    },
}

impl Event {
    /// The first event of a run: the configuration file used and the ones passed over.
    pub fn configuration(cfg: &crate::config::Config) -> Event {
        Event::Configuration {
            files: cfg.path.iter().map(|p| p.display().to_string()).collect(),
            found_by: cfg.found_by.clone(),
            ignored: cfg
                .ignored
                .iter()
                .map(|i| IgnoredConfig {
                    path: i.path.display().to_string(),
                    reason: i.reason.key().to_string(),
                })
                .collect(),
        }
    }
}

impl From<crate::policy::LoweredFlag> for Event {
    fn from(l: crate::policy::LoweredFlag) -> Event {
        Event::LimitLowered {
            flag: l.flag.to_string(),
            asked: l.asked,
            lowered_to: l.ceiling,
            key: l.key.to_string(),
            set_by: l.set_by,
        }
    }
}

/// A configuration file that was not read, in [`Event::Configuration`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IgnoredConfig {
    /// The file.
    pub path: String,
    /// `not_trusted`, `changed`, `no_trust_store` or `unreadable`.
    pub reason: String,
}

/// Where the events of a run go: the terminal (human or JSON) or, in tests, a list.
pub trait Transcript: Send + Sync {
    /// Records one event.
    fn event(&self, event: Event);

    /// Receives live output of execution `id`; the default turns it into an `output` event.
    fn output(&self, id: u64, stream: Stream, bytes: &[u8]) {
        self.event(Event::Output { id, stream, text: String::from_utf8_lossy(bytes).into_owned() });
    }

    /// Receives output of execution `id` whose result the agent binds
    /// (`let r = execute_native(...)`): the agent decides what of it to show, so a terminal
    /// does not echo it; a record of the run (JSON, the service) keeps it like any output.
    fn captured_output(&self, id: u64, stream: Stream, bytes: &[u8]) {
        self.output(id, stream, bytes);
    }

    /// Records a diagnostic.
    fn diagnostic(&self, diagnostic: &crate::diag::Diagnostic);
}

/// The live-output sink of one execution, forwarding to the transcript.
///
/// Chunks are cut wherever a read ended, which can be inside a multi-byte character; the
/// sink holds back such an incomplete tail until the next chunk, so each `output` event's
/// text is whole characters (a per-chunk lossy decode would turn one split `é` into two
/// U+FFFD). [`ExecSink::finish`] passes on what is left when the call ends.
pub struct ExecSink {
    transcript: Arc<dyn Transcript>,
    id: u64,
    /// The result is bound: output goes to [`Transcript::captured_output`].
    captured: bool,
    /// The incomplete character at the end of each stream so far (stdout, stderr).
    pending: Mutex<[Vec<u8>; 2]>,
}

impl ExecSink {
    /// The sink of execution `id`.
    pub fn new(transcript: Arc<dyn Transcript>, id: u64) -> Self {
        ExecSink { transcript, id, captured: false, pending: Mutex::new([Vec::new(), Vec::new()]) }
    }

    /// The sink of an execution whose result the agent binds (not echoed on a terminal).
    pub fn captured(transcript: Arc<dyn Transcript>, id: u64) -> Self {
        ExecSink { captured: true, ..ExecSink::new(transcript, id) }
    }

    fn pass(&self, stream: Stream, bytes: &[u8]) {
        if self.captured {
            self.transcript.captured_output(self.id, stream, bytes);
        } else {
            self.transcript.output(self.id, stream, bytes);
        }
    }

    /// Passes on bytes still held back (a character the process never completed).
    pub fn finish(&self) {
        let held = self.pending.lock().map(|mut p| p.each_mut().map(std::mem::take)).unwrap_or_default();
        for (stream, bytes) in [Stream::Stdout, Stream::Stderr].into_iter().zip(held) {
            if !bytes.is_empty() {
                self.pass(stream, &bytes);
            }
        }
    }
}

impl OutputSink for ExecSink {
    fn chunk(&self, stream: Stream, bytes: &[u8]) {
        let Ok(mut pending) = self.pending.lock() else { return };
        let held = &mut pending[stream as usize];
        held.extend_from_slice(bytes);
        let whole = whole_characters(held);
        if whole > 0 {
            let out: Vec<u8> = held.drain(..whole).collect();
            drop(pending);
            self.pass(stream, &out);
        }
    }
}

/// The length of `bytes` without a trailing incomplete UTF-8 sequence (invalid bytes are
/// not held back: they would never complete).
fn whole_characters(bytes: &[u8]) -> usize {
    let len = bytes.len();
    // The last lead byte within the longest sequence's reach (4 bytes).
    let Some(lead) = (len.saturating_sub(4)..len).rev().find(|&i| bytes[i] & 0xC0 != 0x80) else {
        return len;
    };
    let needed = match bytes[lead] {
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        b if b >= 0xC0 => 2,
        _ => 1,
    };
    if len - lead < needed { lead } else { len }
}

/// A transcript that keeps every event, for tests and embedding.
#[derive(Default)]
pub struct RecordingTranscript {
    events: Mutex<Vec<Event>>,
}

impl RecordingTranscript {
    /// The events so far.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// The text of every `print`, one line each.
    pub fn printed(&self) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Print { text } => Some(text),
                _ => None,
            })
            .collect()
    }
}

impl Transcript for RecordingTranscript {
    fn event(&self, event: Event) {
        if let Ok(mut events) = self.events.lock() {
            events.push(event);
        }
    }

    fn diagnostic(&self, d: &crate::diag::Diagnostic) {
        let diagnostic = serde_json::to_value(d).unwrap_or_default();
        self.event(Event::Diagnostic { diagnostic });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of every `output` event, in order.
    fn output_texts(transcript: &RecordingTranscript) -> Vec<String> {
        transcript
            .events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Output { text, .. } => Some(text),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn characters_split_across_chunks_arrive_whole() {
        let text = "aé€🎉z";
        let bytes = text.as_bytes();
        for cut in 0..=bytes.len() {
            for cut2 in cut..=bytes.len() {
                let transcript = Arc::new(RecordingTranscript::default());
                let sink = ExecSink::new(transcript.clone(), 1);
                sink.chunk(Stream::Stdout, &bytes[..cut]);
                sink.chunk(Stream::Stdout, &bytes[cut..cut2]);
                sink.chunk(Stream::Stdout, &bytes[cut2..]);
                sink.finish();
                assert_eq!(output_texts(&transcript).concat(), text, "cut at {cut} and {cut2}");
            }
        }
    }

    #[test]
    fn a_character_never_completed_is_passed_on_at_the_end() {
        let transcript = Arc::new(RecordingTranscript::default());
        let sink = ExecSink::new(transcript.clone(), 1);
        sink.chunk(Stream::Stderr, b"ok \xE2\x82");
        sink.finish();
        assert_eq!(output_texts(&transcript), vec!["ok ".to_string(), "\u{FFFD}".to_string()]);
    }
}
