//! docs/tutorial.md is run as written: its files are written, its edits applied and its
//! commands run with the built binary in an empty folder, in order, and each command's
//! output (stdout and stderr together, as a terminal shows them) must be the one the page
//! shows. The tutorial and the tool cannot disagree without this test failing.
//!
//! What the page's fenced blocks mean:
//! - ```` ```LANG file=PATH ````: write the block to PATH.
//! - ```` ```LANG shows=PATH ````: PATH (written by a command) holds exactly the block.
//! - ```` ```diff file=PATH ````: in PATH, replace the `-` and context lines with the `+`
//!   and context lines (the old text must occur once).
//! - ```` ```console ````: `$ COMMAND` lines, each followed by its expected output. A
//!   command ending in `&` runs in the background until `kill %1`; its listed lines must
//!   appear in its output. In expected output, a line `...` stands for any number of
//!   lines and `[..]` for any text within a line; the run's folder reads `/home/ada`, and
//!   trailing blanks are ignored.
//!
//! Other blocks (and blocks without these info strings) are not run.

use crate::support::{root, symbi_bin};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// The folder the page's output shows for the one the commands run in.
const SHOWN_DIR: &str = "/home/ada";
/// The port the page uses for `symbi up`; a free one replaces it in the test.
const SHOWN_PORT: &str = "8080";

/// One fenced block that the test acts on.
#[derive(Debug)]
enum Step {
    Write { path: String, text: String },
    Shows { path: String, text: String },
    Edit { path: String, diff: String },
    Console { line: usize, text: String },
}

/// The steps of a page, in order.
fn steps(page: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut lines = page.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let Some(info) = line.strip_prefix("```") else { continue };
        let mut body = String::new();
        for (_, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        let words: Vec<&str> = info.split_whitespace().collect();
        let attr = |key: &str| words.iter().find_map(|w| w.strip_prefix(key)).map(str::to_string);
        match (words.first().copied(), attr("file="), attr("shows=")) {
            (Some("console"), _, _) => steps.push(Step::Console { line: n + 1, text: body }),
            (Some("diff"), Some(path), _) => steps.push(Step::Edit { path, diff: body }),
            (_, Some(path), _) => steps.push(Step::Write { path, text: body }),
            (_, _, Some(path)) => steps.push(Step::Shows { path, text: body }),
            _ => {}
        }
    }
    steps
}

/// `text` with the diff applied: `-` lines and context lines (a leading blank) are the old
/// text, `+` lines and context lines the new.
fn apply(text: &str, diff: &str) -> Result<String, String> {
    let (mut old, mut new) = (String::new(), String::new());
    for line in diff.lines() {
        let (sign, rest) = line.split_at(line.len().min(1));
        let rest = format!("{rest}\n");
        match sign {
            "-" => old.push_str(&rest),
            "+" => new.push_str(&rest),
            " " | "" => {
                old.push_str(&rest);
                new.push_str(&rest);
            }
            _ => return Err(format!("a diff line starts with `-`, `+` or a blank: {line:?}")),
        }
    }
    match text.matches(&old).count() {
        1 => Ok(text.replacen(&old, &new, 1)),
        n => Err(format!("the diff's old text occurs {n} times, not once:\n{old}")),
    }
}

/// Whether one line of output matches one expected line (`[..]` is any text).
fn line_matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split("[..]").collect();
    let [first, middle @ .., last] = parts.as_slice() else { return expected == actual };
    let Some(mut rest) = actual.strip_prefix(first) else { return false };
    for part in middle {
        let Some(at) = rest.find(part) else { return false };
        rest = &rest[at + part.len()..];
    }
    rest.ends_with(last)
}

/// Whether the output lines match the expected ones (`...` is any number of lines).
fn lines_match(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"...", rest)) => (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..])),
        Some((e, rest)) => {
            actual.split_first().is_some_and(|(a, more)| line_matches(e, a) && lines_match(rest, more))
        }
    }
}

/// The folder a page runs in, the free port that stands for 8080, and the background job.
struct Session {
    dir: tempfile::TempDir,
    port: String,
    background: Option<(Child, Receiver<String>, Vec<String>)>,
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some((mut child, ..)) = self.background.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Session {
    fn new() -> Session {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port().to_string())
            .unwrap_or_else(|e| panic!("no free port: {e}"));
        Session { dir, port, background: None }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// `sh -c COMMAND` in the folder, `symbi` first on the PATH, with no configuration,
    /// trust store or state of the machine's user; stderr joins stdout.
    fn shell(&self, command: &str) -> Command {
        let tmp = self.dir.path();
        let bin_dir = symbi_bin().parent().map(Path::to_path_buf).unwrap_or_default();
        let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(format!("exec 2>&1\n{}", command.replace(SHOWN_PORT, &self.port))).current_dir(tmp);
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SYMBIONT_") || k.starts_with("XDG_")) {
            cmd.env_remove(k);
        }
        cmd.env("PATH", path)
            .env("NO_COLOR", "1")
            .env("HOME", tmp.join(".home"))
            .env("XDG_DATA_HOME", tmp.join(".data"))
            .env("XDG_STATE_HOME", tmp.join(".state"))
            .env("XDG_CONFIG_HOME", tmp.join(".config"));
        cmd
    }

    /// Output as the page shows it: the folder and the port as written there.
    fn shown(&self, output: &str) -> String {
        let real = self.dir.path().to_string_lossy();
        let canonical = self.dir.path().canonicalize().map(|p| p.to_string_lossy().into_owned());
        let mut text = output.replace(real.as_ref(), SHOWN_DIR);
        if let Ok(canonical) = canonical {
            text = text.replace(&canonical, SHOWN_DIR);
        }
        text.replace(&self.port, SHOWN_PORT)
    }

    fn step(&mut self, step: &Step) -> Result<(), String> {
        match step {
            Step::Write { path, text } => {
                let path = self.path(path);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
                }
                std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
            }
            Step::Shows { path, text } => {
                let have = std::fs::read_to_string(self.path(path)).map_err(|e| format!("{path}: {e}"))?;
                if have == *text {
                    Ok(())
                } else {
                    Err(format!("{path} holds\n{have}\nbut the page shows\n{text}"))
                }
            }
            Step::Edit { path, diff } => {
                let have = std::fs::read_to_string(self.path(path)).map_err(|e| format!("{path}: {e}"))?;
                let edited = apply(&have, diff).map_err(|e| format!("{path}: {e}"))?;
                std::fs::write(self.path(path), edited).map_err(|e| e.to_string())
            }
            Step::Console { line, text } => {
                self.console(text).map_err(|e| format!("the console block at line {line}: {e}"))
            }
        }
    }

    /// Runs each `$ command` of a console block and compares its output.
    fn console(&mut self, block: &str) -> Result<(), String> {
        let mut commands: Vec<(String, Vec<&str>)> = Vec::new();
        for line in block.lines() {
            match line.strip_prefix("$ ") {
                Some(command) => commands.push((command.to_string(), Vec::new())),
                None => match commands.last_mut() {
                    Some((_, expected)) => expected.push(line.trim_end()),
                    None => return Err(format!("output before any `$ command`: {line:?}")),
                },
            }
        }
        for (command, expected) in commands {
            if command == "kill %1" {
                self.stop_background()?;
            } else if let Some(background) = command.strip_suffix('&') {
                self.start_background(background.trim_end(), &expected)?;
            } else {
                let out =
                    self.shell(&command).output().map_err(|e| format!("`{command}` does not start: {e}"))?;
                let shown = self.shown(&String::from_utf8_lossy(&out.stdout));
                let actual: Vec<&str> = shown.lines().map(str::trim_end).collect();
                if !lines_match(&expected, &actual) {
                    return Err(format!(
                        "`$ {command}` printed\n{}\nbut the page shows\n{}",
                        actual.join("\n"),
                        expected.join("\n")
                    ));
                }
            }
        }
        Ok(())
    }

    /// Starts `command` in the background and waits (at most a minute) until its output
    /// holds the expected lines, in order.
    fn start_background(&mut self, command: &str, expected: &[&str]) -> Result<(), String> {
        if self.background.is_some() {
            return Err("a second background job: the page runs one at a time".into());
        }
        let mut child = self
            .shell(&format!("exec {command}"))
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("`{command}` does not start: {e}"))?;
        let (tx, rx) = channel();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        let mut wanted = expected.iter().filter(|l| **l != "...").peekable();
        let deadline = Instant::now() + Duration::from_secs(60);
        while let Some(want) = wanted.peek() {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = rx.recv_timeout(left) else {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("`{command} &` never printed {want:?}; it printed\n{}", seen.join("\n")));
            };
            let line = self.shown(&line).trim_end().to_string();
            if line_matches(want, &line) {
                wanted.next();
            }
            seen.push(line);
        }
        self.background = Some((child, rx, seen));
        Ok(())
    }

    /// `kill %1`: SIGTERM to the background job, then waits for it to exit.
    fn stop_background(&mut self) -> Result<(), String> {
        let (mut child, _, seen) = self.background.take().ok_or("`kill %1` with no background job")?;
        let pid = child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().map_err(|e| e.to_string())?;
        let status = child.wait().map_err(|e| e.to_string())?;
        if killed.success() && status.success() {
            Ok(())
        } else {
            Err(format!(
                "the background job did not stop cleanly on SIGTERM ({status}); it printed\n{}",
                seen.join("\n")
            ))
        }
    }
}

/// Runs every step of `page`; the first disagreement is the error.
fn run_page(page: &str) -> Result<(), String> {
    let mut session = Session::new();
    for (n, step) in steps(page).iter().enumerate() {
        session.step(step).map_err(|e| format!("step {} ({step:?}):\n{e}", n + 1))?;
    }
    Ok(())
}

#[test]
fn the_tutorial_runs_as_written() {
    if Command::new("curl").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "curl is needed for the tutorial's last step");
        eprintln!("skipped: the tutorial's last step needs curl, which is not installed");
        return;
    }
    let page = std::fs::read_to_string(root().join("docs/tutorial.md")).unwrap_or_default();
    let steps = steps(&page);
    assert!(
        steps.iter().filter(|s| matches!(s, Step::Console { .. })).count() >= 5,
        "the page has its commands"
    );
    if let Err(e) = run_page(&page) {
        panic!("docs/tutorial.md and symbi disagree at {e}");
    }
}

/// The runner itself: a page whose output differs, or whose edit does not apply, fails.
#[test]
fn a_tutorial_that_disagrees_with_the_tool_fails() {
    let good = "```text file=a.txt\none\ntwo\n```\n```console\n$ cat a.txt\none\n...\n```\n";
    assert_eq!(run_page(good), Ok(()));
    let wrong_output = "```text file=a.txt\none\n```\n```console\n$ cat a.txt\nuno\n```\n";
    assert!(run_page(wrong_output).is_err_and(|e| e.contains("uno")));
    let bad_edit = "```text file=a.txt\none\n```\n```diff file=a.txt\n-two\n+three\n```\n";
    assert!(run_page(bad_edit).is_err_and(|e| e.contains("occurs 0 times")));
    let edited = "```text file=a.txt\none\ntwo\n```\n```diff file=a.txt\n one\n-two\n+three\n```\n\
                  ```text shows=a.txt\none\nthree\n```\n";
    assert_eq!(run_page(edited), Ok(()));
    assert!(line_matches("exit 0 after [..]ms", "exit 0 after 83ms"));
    assert!(!line_matches("exit 0 after [..]ms", "exit 1 after 83ms"));
    assert!(!lines_match(&["a", "...", "c"], &["a", "b"]));
}
