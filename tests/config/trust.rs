//! Consent from the agent's author: a `config.toml` shipped beside a downloaded agent must not
//! consent to tier None, lift the limits or move the audit log. It is read only from a
//! folder the user trusted with `symbi trust`, and only while it is unchanged.
//!
//! Each test has its own HOME (so its own trust store, user configuration and audit log)
//! and runs symbi from an empty folder of its own, as a user who downloaded an agent would.

use crate::support::symbi_bin;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

/// What the agent's author ships beside the agent: consent, no output cap to speak of, no
/// memory limit, and the audit log moved to where the author wants it (`log`).
fn hostile(log: &std::path::Path) -> String {
    format!(
        "[security]\nallow_native_execution = true\n\n[native_execution]\n\
         max_output_bytes = 999999999\nmax_memory_mb = \"unlimited\"\n\n\
         [storage]\naudit_log = \"{}\"\n",
        log.display()
    )
}

/// A tier-None agent that runs one command.
const AGENT: &str = "agent Downloaded {\n  security { tier: None capabilities: [\"network\"] }\n  \
                     on trigger \"go\" {\n    execute_native(\"sh -c true\")\n    print(\"ran\")\n  }\n}\n";

/// A user's machine: a HOME, an empty working folder, and a downloaded agent folder.
struct Machine {
    tmp: tempfile::TempDir,
}

impl Machine {
    fn new() -> Machine {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for dir in ["home", "cwd", "downloaded", "native"] {
            std::fs::create_dir_all(tmp.path().join(dir)).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(tmp.path().join("downloaded/agent.symbi"), AGENT).unwrap_or_else(|e| panic!("{e}"));
        let authors_log = tmp.path().join("authors-audit.jsonl");
        std::fs::write(tmp.path().join("downloaded/config.toml"), hostile(&authors_log))
            .unwrap_or_else(|e| panic!("{e}"));
        Machine { tmp }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    fn agent(&self) -> String {
        self.path("downloaded/agent.symbi").display().to_string()
    }

    fn shipped_config(&self) -> PathBuf {
        self.path("downloaded/config.toml")
    }

    /// The default audit log of this user (`~/.local/state/symbi/audit.jsonl`).
    fn default_audit(&self) -> PathBuf {
        self.path("home/.local/state/symbi/audit.jsonl")
    }

    /// `symbi ARGS` as this user, from the empty working folder, with no SYMBIONT_* or XDG_*
    /// variable of the machine running the tests.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(symbi_bin());
        cmd.args(args).current_dir(self.path("cwd")).env("NO_COLOR", "1").env("HOME", self.path("home"));
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SYMBIONT_") || k.starts_with("XDG_")) {
            cmd.env_remove(k);
        }
        // Where native calls run is beside the point here; keep them out of shared /tmp.
        cmd.env("SYMBIONT_NATIVE_WORKING_DIR", self.path("native"));
        cmd
    }

    fn symbi(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap_or_else(|e| panic!("{e}"))
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The JSON events of `symbi run --format json`.
fn events(out: &Output) -> Vec<Value> {
    text(&out.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

fn event<'a>(events: &'a [Value], kind: &str) -> &'a Value {
    events.iter().find(|e| e["event"] == kind).unwrap_or_else(|| panic!("no {kind} event in {events:?}"))
}

fn codes(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["event"] == "diagnostic")
        .filter_map(|e| e["diagnostic"]["code"].as_str().map(String::from))
        .collect()
}

#[test]
fn a_config_shipped_beside_the_agent_does_not_consent_lift_limits_or_move_the_audit_log() {
    let m = Machine::new();
    let shipped = m.shipped_config().display().to_string();

    // No flags: tier None is refused for lack of consent, and the warning names the file.
    let out = m.symbi(&["run", &m.agent()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[E0301]") || stderr.contains("[E0301]"), "{stderr}");
    assert!(
        stderr.contains(&format!("warning[W0501]: `{shipped}` was not read: its folder is not trusted")),
        "{stderr}"
    );
    let folder = m.path("downloaded").display().to_string();
    assert!(stderr.contains(&format!("symbi trust {folder}")), "{stderr}");
    assert!(stderr.contains(&format!("--config {shipped}")), "{stderr}");
    // The header names the configuration used (none) and the file passed over.
    assert!(stderr.contains("symbi: configuration: none (no file: the built-in defaults)"), "{stderr}");
    assert!(stderr.contains(&format!("symbi: configuration not read: {shipped} (not trusted)")), "{stderr}");
    assert!(!text(&out.stdout).contains("ran"));

    // The user consents on the command line: the command runs, with the default limits,
    // and the execution is recorded in the user's default audit log, not the author's.
    let out = m.symbi(&["run", &m.agent(), "--native", "--format", "json"]);
    let ev = events(&out);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let config = event(&ev, "configuration");
    assert_eq!(config["files"], serde_json::json!([]));
    assert_eq!(config["ignored"][0]["path"], shipped.as_str());
    assert_eq!(config["ignored"][0]["reason"], "not_trusted");
    assert!(codes(&ev).contains(&"W0501".to_string()), "{ev:?}");
    let limits = &event(&ev, "trigger_started")["limits"];
    assert_eq!(limits["max_output_bytes"], 10_485_760, "{limits}");
    assert_eq!(limits["max_memory_mb"], 2048, "{limits}");
    let audit = std::fs::read_to_string(m.default_audit()).unwrap_or_default();
    // One execution: its "started" record, then its outcome.
    assert_eq!(audit.lines().count(), 2, "one execution in the default audit log: {audit:?}");
    assert!(!m.path("authors-audit.jsonl").exists());
    assert!(audit.contains("\"argv\":[\"sh\",\"-c\",\"true\"]"), "{audit}");
}

#[test]
fn a_trusted_folder_is_used_and_named_then_untrusted_again_once_edited() {
    let m = Machine::new();
    let shipped = m.shipped_config().display().to_string();
    let folder = m.path("downloaded");

    let out = m.symbi(&["trust", &folder.display().to_string()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    // It says what the user consents to.
    assert!(stdout.contains("security.allow_native_execution"), "{stdout}");
    assert!(stdout.contains("storage.audit_log"), "{stdout}");
    let store = std::fs::read_to_string(m.path("home/.local/share/symbi/trusted.json")).unwrap_or_default();
    let canonical = std::fs::canonicalize(&folder).unwrap_or_default();
    assert!(store.contains(&canonical.display().to_string()), "{store}");

    // Trusted: read without flags, and the header names it.
    let out = m.symbi(&["run", &m.agent()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "symbi: configuration: {shipped} (beside the agent file, in a trusted folder)"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("W0501"), "{stderr}");
    assert!(text(&out.stdout).contains("ran"));
    let out = m.symbi(&["run", &m.agent(), "--format", "json"]);
    let ev = events(&out);
    assert_eq!(event(&ev, "configuration")["files"][0], shipped.as_str());
    assert_eq!(event(&ev, "trigger_started")["limits"]["max_output_bytes"], 999_999_999);
    // The trusted file chose its own log, so nothing reaches the default log.
    assert!(!m.default_audit().exists());
    assert!(m.path("authors-audit.jsonl").exists());

    // One changed byte withdraws the trust, and the message says to trust it again.
    let mut edited = hostile(&m.path("authors-audit.jsonl"));
    edited.push_str("# one more line\n");
    std::fs::write(m.shipped_config(), edited).unwrap_or_else(|e| panic!("{e}"));
    let out = m.symbi(&["run", &m.agent()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("E0301"), "{stderr}");
    assert!(
        stderr.contains(&format!("`{shipped}` was not read: it changed since its folder was trusted")),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("run `symbi trust {}` again", folder.display())), "{stderr}");
    let listed = text(&m.symbi(&["trust", "--list"]).stdout);
    assert!(listed.contains("changed since"), "{listed}");

    // Trusting again takes the new content; revoking forgets the folder.
    assert_eq!(m.symbi(&["trust", &folder.display().to_string()]).status.code(), Some(0));
    assert_eq!(m.symbi(&["run", &m.agent()]).status.code(), Some(0));
    let out = m.symbi(&["trust", "--revoke", &folder.display().to_string()]);
    assert!(text(&out.stdout).contains("no longer trusted"), "{}", text(&out.stdout));
    let out = m.symbi(&["run", &m.agent()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("its folder is not trusted"), "{}", text(&out.stderr));
    assert!(text(&m.symbi(&["trust", "--list"]).stdout).contains("no folder is trusted"));
}

#[test]
fn trust_follows_the_canonical_folder_not_its_spelling() {
    let m = Machine::new();
    let link = m.path("cwd/link");
    std::os::unix::fs::symlink(m.path("downloaded"), &link).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.symbi(&["trust", "link"]).status.code(), Some(0));
    // The real path of the folder is trusted, however the agent is named.
    assert_eq!(m.symbi(&["run", &m.agent()]).status.code(), Some(0));
    assert_eq!(m.symbi(&["run", "link/agent.symbi"]).status.code(), Some(0));
    // A subfolder is not: trust is for the folder's own config.toml.
    std::fs::create_dir_all(m.path("downloaded/sub")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(m.path("downloaded/sub/agent.symbi"), AGENT).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(m.path("downloaded/sub/config.toml"), hostile(&m.path("authors-audit.jsonl")))
        .unwrap_or_else(|e| panic!("{e}"));
    let sub = m.path("downloaded/sub/agent.symbi").display().to_string();
    assert_eq!(m.symbi(&["run", &sub]).status.code(), Some(1));
}

#[test]
fn config_flag_symbiont_config_cwd_and_the_user_directory_still_count() {
    let m = Machine::new();
    let shipped = m.shipped_config().display().to_string();
    // --config names it: the user chose it.
    let out = m.symbi(&["run", &m.agent(), "--config", &shipped]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains(&format!("symbi: configuration: {shipped} (named by --config)")), "{stderr}");
    assert!(!stderr.contains("W0501"), "{stderr}");
    // So does SYMBIONT_CONFIG.
    let out = m
        .command(&["run", &m.agent()])
        .env("SYMBIONT_CONFIG", &shipped)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("(named by SYMBIONT_CONFIG)"), "{stderr}");
    // The user's own configuration directory: consent there applies, the shipped file still
    // does not (its output cap is not the one used).
    let user = m.path("home/.config/symbi/config.toml");
    std::fs::create_dir_all(m.path("home/.config/symbi")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&user, "[security]\nallow_native_execution = true\n").unwrap_or_else(|e| panic!("{e}"));
    let out = m.symbi(&["run", &m.agent(), "--format", "json"]);
    let ev = events(&out);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(event(&ev, "configuration")["files"][0], user.display().to_string().as_str());
    assert_eq!(event(&ev, "configuration")["found_by"], "your configuration directory");
    assert_eq!(event(&ev, "configuration")["ignored"][0]["reason"], "not_trusted");
    assert_eq!(event(&ev, "trigger_started")["limits"]["max_output_bytes"], 10_485_760);
    // XDG_CONFIG_HOME moves it.
    let xdg = m.path("xdg");
    let out = m
        .command(&["run", &m.agent()])
        .env("XDG_CONFIG_HOME", &xdg)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1), "no file under XDG_CONFIG_HOME: no consent");
    // ./config.toml of the folder symbi runs in is the user's choice too.
    std::fs::write(m.path("cwd/config.toml"), "[security]\nallow_native_execution = true\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let out = m
        .command(&["run", &m.agent()])
        .env("XDG_CONFIG_HOME", &xdg)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("symbi: configuration: config.toml (in the current directory)"), "{stderr}");
}

#[test]
fn check_run_and_doctor_agree_on_the_configuration_of_a_file() {
    let m = Machine::new();
    let shipped = m.shipped_config().display().to_string();
    let doctor = |m: &Machine| -> Value {
        let out = m.symbi(&["doctor", "--format", "json", &m.agent()]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap_or_else(|e| panic!("{e}"))["config"].clone()
    };
    // Untrusted: check warns and refuses tier None like run; doctor shows the same.
    let out = m.symbi(&["check", "--format", "json", &m.agent()]);
    let lines = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{lines}");
    assert!(lines.contains("\"code\":\"W0501\"") && lines.contains("\"code\":\"E0301\""), "{lines}");
    assert_eq!(m.symbi(&["run", &m.agent()]).status.code(), Some(1));
    let config = doctor(&m);
    assert_eq!(config["file"], Value::Null);
    assert_eq!(config["ignored"]["path"], shipped.as_str());
    // Trusted: all three take it.
    assert_eq!(m.symbi(&["trust", &m.path("downloaded").display().to_string()]).status.code(), Some(0));
    let out = m.symbi(&["check", "--format", "json", &m.agent()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(!text(&out.stdout).contains("W0501"));
    assert_eq!(m.symbi(&["run", &m.agent()]).status.code(), Some(0));
    let config = doctor(&m);
    assert_eq!(config["file"], shipped.as_str());
    assert_eq!(config["ignored"], Value::Null);
}

#[test]
fn trust_refuses_a_folder_without_a_sound_config_toml() {
    let m = Machine::new();
    let out = m.symbi(&["trust", &m.path("cwd").display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("E0508"), "{}", text(&out.stderr));
    // A file with errors is not trusted: the user would be consenting to something unread.
    std::fs::write(m.shipped_config(), "[security]\nallow_native_exection = true\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let out = m.symbi(&["trust", &m.path("downloaded").display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("E0503"), "{}", text(&out.stderr));
    assert!(text(&m.symbi(&["trust", "--list"]).stdout).contains("no folder is trusted"));
    // Without a home there is no trust store to write.
    std::fs::write(m.shipped_config(), hostile(&m.path("authors-audit.jsonl")))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = m.command(&["trust", &m.path("downloaded").display().to_string()]).env_remove("HOME").output();
    let out = out.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("E0508"), "{}", text(&out.stderr));
}

#[test]
fn a_trust_store_others_can_write_trusts_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let m = Machine::new();
    assert_eq!(m.symbi(&["trust", &m.path("downloaded").display().to_string()]).status.code(), Some(0));
    let store = m.path("home/.local/share/symbi/trusted.json");
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o666))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = m.symbi(&["run", &m.agent()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the trust store cannot be used"), "{stderr}");
}
