//! The two terminal transcripts of `symbi run`.
//!
//! Human: the children's bytes go to stdout/stderr as they arrive, `print` to stdout, and
//! symbi's own lines to stderr behind a `symbi:` prefix (coloured on a terminal) so they
//! never pass for the program's output. JSON: one event object per line on stdout.

use super::events::{Event, Transcript};
use crate::diag::render::{color_enabled, json_line, render_human};
use crate::diag::{Diagnostic, Sources};
use crate::sandbox::{Limits, Stream};
use crate::syntax::spelling::format_duration;
use std::io::{IsTerminal, Write};

/// The human transcript.
pub struct HumanTranscript {
    sources: Sources,
    color: bool,
}

impl HumanTranscript {
    /// A transcript rendering diagnostics against `sources`; colour only on a terminal.
    pub fn new(sources: Sources) -> Self {
        HumanTranscript { sources, color: color_enabled(std::io::stderr().is_terminal()) }
    }

    fn say(&self, line: &str) {
        let prefix = if self.color { "\x1b[1;36msymbi:\x1b[0m" } else { "symbi:" };
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{prefix} {line}");
    }
}

/// The limits in one line, for the human transcript.
pub fn describe_limits(l: &Limits) -> String {
    let mut parts = Vec::new();
    if !l.enforce {
        parts.push("OS limits off (enforce_resource_limits = false)".to_string());
    }
    if let Some(mb) = l.max_memory_mb {
        parts.push(format!("memory {mb} MiB"));
    }
    if let Some(s) = l.max_cpu_seconds {
        parts.push(format!("cpu time {s}s"));
    }
    if let Some(c) = l.max_cpu_cores {
        parts.push(format!("{c} cores"));
    }
    parts.push(format!("timeout {}", format_duration(l.timeout.as_millis() as u64)));
    parts.push(format!("output {} bytes per stream", l.max_output_bytes));
    if let Some(p) = l.max_processes {
        parts.push(format!("{p} processes"));
    }
    parts.join(", ")
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
                    self.say(&format!("limits: {}", describe_limits(&limits)));
                    self.say(&format!("working directory: {}", visible(&working_directory)));
                } else {
                    self.say(&format!("emit: running trigger \"{trigger}\""));
                }
            }
            Event::ExecStarted { argv, .. } => self.say(&format!("$ {}", quote_argv(&argv))),
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
                if let Some(c) = containment.filter(|_| id == 1) {
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
            Event::Diagnostic { diagnostic } => self.say(&diagnostic.to_string()),
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
