//! The two terminal transcripts of `symbi run`.
//!
//! Human: the children's bytes go to stdout/stderr as they arrive, `print` to stdout, and
//! symbi's own lines to stderr behind a `symbi:` prefix (coloured on a terminal) so they
//! never pass for the program's output. JSON: one event object per line on stdout.

use super::describe::describe_limits;
use super::events::{Event, Transcript};
use crate::diag::render::{color_enabled, json_line, render_human};
use crate::diag::{Diagnostic, Sources};
use crate::sandbox::{Limits, Stream};
use crate::syntax::spelling::format_duration;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Instant;

/// How much of symbi's own `symbi:` lines the human transcript shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Verbosity {
    /// None of them: only the agent's prints and logs, the commands' output, diagnostics and
    /// the note of a lowered limit flag (`--quiet`).
    Quiet,
    /// The header, each command and how it ended (the default).
    #[default]
    Normal,
    /// Also each command's argv word by word, its working directory and limits, how every
    /// command was contained, and when each started (`--verbose`).
    Verbose,
}

/// The human transcript.
pub struct HumanTranscript {
    sources: Sources,
    color: bool,
    verbosity: Verbosity,
    /// Verbose: the top trigger's working directory, limits, and when it started.
    run: Mutex<Option<(String, Limits, Instant)>>,
}

impl HumanTranscript {
    /// A transcript rendering diagnostics against `sources`; colour only on a terminal.
    pub fn new(sources: Sources) -> Self {
        HumanTranscript {
            sources,
            color: color_enabled(std::io::stderr().is_terminal()),
            verbosity: Verbosity::Normal,
            run: Mutex::new(None),
        }
    }

    /// The same, showing symbi's own lines as `verbosity` says.
    pub fn with_verbosity(self, verbosity: Verbosity) -> Self {
        HumanTranscript { verbosity, ..self }
    }

    /// Writes one of symbi's own lines, unless quiet.
    fn say(&self, line: &str) {
        if self.verbosity != Verbosity::Quiet {
            self.say_always(line);
        }
    }

    /// Writes a line that `--quiet` keeps.
    fn say_always(&self, line: &str) {
        let prefix = if self.color { "\x1b[1;36msymbi:\x1b[0m" } else { "symbi:" };
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{prefix} {line}");
    }

    fn verbose(&self) -> bool {
        self.verbosity == Verbosity::Verbose
    }

    /// Verbose: what a command is about to get, after its `$ argv` line.
    fn say_call(&self, argv: &[String], limits: &Limits) {
        let words: Vec<String> = argv.iter().map(|a| visible(&format!("{a:?}"))).collect();
        self.say(&format!("  argv: [{}]", words.join(", ")));
        let run = self.run.lock().ok().and_then(|run| run.clone());
        if let Some((dir, _, started)) = &run {
            self.say(&format!("  working directory: {}", visible(dir)));
            let ms = started.elapsed().as_millis() as u64;
            self.say(&format!("  started after {} of the run", format_duration(ms.max(1))));
        }
        // Most calls have the run's limits; only a call's own `timeout:` changes them.
        if run.as_ref().is_some_and(|(_, run_limits, _)| run_limits == limits) {
            self.say("  limits: those of each command, above");
        } else {
            self.say(&format!("  limits: {}", describe_limits(limits, own_cpus(), true)));
        }
    }
}

/// How many CPUs symbi may use, when known.
fn own_cpus() -> Option<usize> {
    Some(crate::sandbox::native::limits::own_cpu_count()).filter(|n| *n != usize::MAX)
}

/// An argv as a shell would need it typed, for display only.
///
/// Every argument with a character a shell treats specially (`<`, `>`, `|`, `;`, `&`, `$`,
/// quotes, spaces, ...) is quoted, and one with a control or invisible formatting character
/// is written in `$'...'` form with the character escaped (`\r`, `\x1b`, `\u202e`), so an
/// argument cannot move the cursor, clear the line or reorder the text the user reads.
pub fn quote_argv(argv: &[String]) -> String {
    argv.iter().map(|a| quote_arg(a)).collect::<Vec<_>>().join(" ")
}

fn quote_arg(a: &str) -> String {
    let plain = !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        return a.to_string();
    }
    if !a.chars().any(hidden) {
        return format!("'{}'", a.replace('\'', r"'\''"));
    }
    let mut out = String::from("$'");
    for c in a.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hidden(c) && (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if hidden(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A character that does not show as itself on a terminal: C0 and C1 controls, DEL, and
/// the formatting characters that reorder or hide text (bidi overrides, zero-width ones).
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// `text` with every hidden character escaped, for symbi's own lines.
fn visible(text: &str) -> String {
    if !text.chars().any(hidden) {
        return text.to_string();
    }
    text.chars().map(|c| if hidden(c) { c.escape_default().to_string() } else { c.to_string() }).collect()
}

fn tier_source_phrase(key: &str) -> &str {
    match key {
        "cli" => "chosen on the command line",
        "agent" => "set by the agent's `security.tier`",
        "env" => "set by SYMBIONT_DEFAULT_SANDBOX_TIER",
        "config" => "set by the configuration",
        "default" => "the default",
        other => other,
    }
}

impl Transcript for HumanTranscript {
    fn event(&self, event: Event) {
        match event {
            Event::Configuration { files, found_by, ignored } => {
                let used = if files.is_empty() { "none".to_string() } else { files.join(", ") };
                self.say(&format!("configuration: {used} ({found_by})"));
                for file in ignored {
                    self.say(&format!(
                        "configuration not read: {} ({})",
                        file.path,
                        file.reason.replace('_', " ")
                    ));
                }
            }
            Event::TriggerStarted { agent, trigger, tier, tier_source, limits, working_directory, depth } => {
                if depth == 0 {
                    self.say(&format!(
                        "running trigger \"{trigger}\" of {agent} on tier {tier} ({})",
                        tier_source_phrase(&tier_source)
                    ));
                    self.say(&format!(
                        "limits of each command: {}",
                        describe_limits(&limits, own_cpus(), self.verbose())
                    ));
                    self.say(&format!("working directory: {}", visible(&working_directory)));
                    if let Ok(mut run) = self.run.lock() {
                        *run = Some((working_directory, limits, Instant::now()));
                    }
                } else {
                    self.say(&format!("emit: running trigger \"{trigger}\""));
                }
            }
            Event::LimitLowered { flag, asked, lowered_to, key, set_by } => self.say_always(&format!(
                "{flag} {asked} is above the configured ceiling, lowered to {lowered_to} ({key}, {set_by}); \
                 a flag can only narrow the configuration"
            )),
            Event::ExecStarted { argv, limits, .. } => {
                self.say(&format!("$ {}", quote_argv(&argv)));
                if self.verbose() {
                    self.say_call(&argv, &limits);
                }
            }
            Event::Output { stream, text, .. } => self.output(0, stream, text.as_bytes()),
            Event::ExecEnded {
                id,
                exit_code,
                signal,
                timed_out,
                stdout_truncated,
                stderr_truncated,
                duration_ms,
                error,
                containment,
                ..
            } => {
                if error.is_some() {
                    return;
                }
                // The first command's containment stands for all (the host's mechanisms do not
                // change within a run); verbose shows every command's.
                if let Some(c) = containment.filter(|_| id == 1 || self.verbose()) {
                    let mut line = format!(
                        "containment: processes by {}, cpu cores by {}, teardown by {}",
                        c.processes, c.cpu_cores, c.teardown
                    );
                    if !c.hardening.is_empty() {
                        line.push_str(&format!(", hardened by {}", c.hardening));
                    }
                    self.say(&line);
                }
                let mut how = match (exit_code, signal) {
                    (_, Some(sig)) => format!("killed by {sig}"),
                    (Some(code), None) => format!("exit {code}"),
                    (None, None) => "ended".to_string(),
                };
                if timed_out {
                    how.push_str(", timed out");
                }
                if stdout_truncated || stderr_truncated {
                    how.push_str(", output truncated");
                }
                self.say(&format!("{how} after {}", format_duration(duration_ms)));
            }
            Event::Print { text } => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{text}");
                let _ = out.flush();
            }
            Event::Log { level, message } => {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "[{level}] {message}");
            }
            // A diagnostic is never one of the lines `--quiet` drops.
            Event::Diagnostic { diagnostic } => self.say_always(&diagnostic.to_string()),
            Event::TriggerEnded { trigger, success, duration_ms, depth, .. } => {
                let what = if success { "finished" } else { "failed" };
                let nested = if depth == 0 { "" } else { "emitted " };
                self.say(&format!(
                    "{nested}trigger \"{trigger}\" {what} after {}",
                    format_duration(duration_ms)
                ));
            }
        }
    }

    fn captured_output(&self, _id: u64, _stream: Stream, _bytes: &[u8]) {
        // The agent bound the result: it prints what it wants of it (`r.stdout`).
    }

    fn output(&self, _id: u64, stream: Stream, bytes: &[u8]) {
        // Straight through, unbuffered, so output appears while the child still runs.
        let _ = match stream {
            Stream::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes).and_then(|()| out.flush())
            }
            Stream::Stderr => std::io::stderr().lock().write_all(bytes),
        };
    }

    fn diagnostic(&self, d: &Diagnostic) {
        let text = render_human(std::slice::from_ref(d), &self.sources, self.color);
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

/// The JSON-lines transcript.
pub struct JsonTranscript {
    sources: Sources,
}

impl JsonTranscript {
    /// A transcript whose diagnostics carry positions in `sources`.
    pub fn new(sources: Sources) -> Self {
        JsonTranscript { sources }
    }
}

impl Transcript for JsonTranscript {
    fn event(&self, event: Event) {
        if let Ok(mut line) = serde_json::to_string(&event) {
            line.push('\n');
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(line.as_bytes()).and_then(|()| out.flush());
        }
    }

    fn diagnostic(&self, d: &Diagnostic) {
        let diagnostic = serde_json::from_str(&json_line(d, &self.sources)).unwrap_or_default();
        self.event(Event::Diagnostic { diagnostic });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(args: &[&str]) -> String {
        quote_argv(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn plain_arguments_stay_as_they_are() {
        assert_eq!(q(&["python3", "process.py", "--x=1", "a/b.txt"]), "python3 process.py --x=1 a/b.txt");
    }

    #[test]
    fn shell_special_characters_are_quoted() {
        assert_eq!(q(&["echo", "a>b", "<in", "x|y", "it's"]), r"echo 'a>b' '<in' 'x|y' 'it'\''s'");
        assert_eq!(q(&["echo", ""]), "echo ''");
    }

    #[test]
    fn control_characters_are_escaped_visibly_and_never_printed_raw() {
        let shown = q(&["echo", "safe\r\x1b[2Krm -rf /", "a\nb", "tab\there", "\u{202e}txt.exe"]);
        assert_eq!(shown, r"echo $'safe\r\x1b[2Krm -rf /' $'a\nb' $'tab\there' $'\u202etxt.exe'");
        assert!(!shown.chars().any(hidden), "{shown:?}");
        assert_eq!(q(&["x", "it's\x07"]), r"x $'it\'s\x07'");
    }

    #[test]
    fn symbis_own_lines_escape_hidden_characters() {
        assert_eq!(visible("/tmp/a\rb"), r"/tmp/a\rb");
        assert_eq!(visible("/tmp/ok"), "/tmp/ok");
    }
}
