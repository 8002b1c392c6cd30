//! A request's `env` that would make an allowed program run other code (`LD_PRELOAD`,
//! `BASH_ENV`, `PYTHONSTARTUP`, `GIT_CONFIG_*`) is refused with E0412 before anything starts,
//! unless the configuration allows that name.

use super::support::*;
use std::path::Path;
use symbi::sandbox::native::NativeSandbox;
use symbi::sandbox::{ExecRequest, ExecResult, Sandbox, SandboxError};

/// One attack: the variables it sets and the program that would honour them.
struct Attack {
    name: &'static str,
    vars: Vec<(&'static str, String)>,
    argv: &'static [&'static str],
}

/// The attacks, each planting code (in `dir`) that creates `marker`.
fn attacks(dir: &Path, marker: &Path) -> Vec<Attack> {
    let touch = format!("touch {}", marker.display());
    let script = dir.join("planted.sh");
    std::fs::write(&script, format!("{touch}\n")).unwrap_or_else(|e| panic!("{e}"));
    let startup = dir.join("planted.py");
    std::fs::write(&startup, format!("open({:?}, 'w')\n", marker.display().to_string()))
        .unwrap_or_else(|e| panic!("{e}"));
    vec![
        Attack {
            name: "BASH_ENV",
            vars: vec![("BASH_ENV", script.display().to_string())],
            argv: &["bash", "-c", "true"],
        },
        Attack {
            name: "PYTHONSTARTUP",
            vars: vec![("PYTHONSTARTUP", startup.display().to_string())],
            argv: &["python3", "-i"],
        },
        Attack {
            name: "GIT_CONFIG_COUNT",
            vars: vec![
                ("GIT_CONFIG_COUNT", "1".into()),
                ("GIT_CONFIG_KEY_0", "alias.st".into()),
                ("GIT_CONFIG_VALUE_0", format!("!{touch}")),
            ],
            argv: &["git", "st"],
        },
    ]
}

fn attack_request(attack: &Attack) -> ExecRequest {
    let mut req = request(attack.argv);
    req.allowed_executables.push("git".into());
    for (k, v) in &attack.vars {
        req.env.insert(k.to_string(), v.clone());
    }
    req
}

async fn on(sandbox: &NativeSandbox, req: ExecRequest) -> Result<ExecResult, SandboxError> {
    sandbox.execute(req).await
}

#[tokio::test]
async fn code_running_variables_are_refused_and_the_planted_code_never_runs() {
    let dir = workdir("env-plant");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let marker = dir.join("marker");
    for attack in attacks(&dir, &marker) {
        let refused = on(&NativeSandbox::new(), attack_request(&attack)).await;
        let e = refused.err().unwrap_or_else(|| panic!("{} was passed", attack.name));
        assert_eq!(e.code, "E0412", "{}", attack.name);
        assert!(e.message.contains(attack.vars[0].0), "{}", e.message);
        assert!(e.help.as_deref().is_some_and(|h| h.contains("native_execution.allowed_env")));
        assert!(!marker.exists(), "{} ran its planted code", attack.name);

        // Control, and the configuration's way out: allowed by name, the same request runs
        // and the plant does what it was planted for.
        let names = attack.vars.iter().map(|(k, _)| k.to_string()).collect();
        let allowed = NativeSandbox::new().with_allowed_env(names);
        let r = on(&allowed, attack_request(&attack)).await.unwrap_or_else(|e| panic!("{e:?}"));
        assert!(marker.exists(), "{} allowed by name did not reach the program: {r:?}", attack.name);
        std::fs::remove_file(&marker).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[tokio::test]
async fn ld_preload_is_refused_and_reaches_the_loader_only_when_allowed() {
    let missing = workdir("preload").join("planted.so").display().to_string();
    let mut req = request(&["true"]);
    req.env.insert("LD_PRELOAD".into(), missing.clone());
    let e = on(&NativeSandbox::new(), req.clone()).await.err();
    assert_eq!(e.map(|e| e.code.as_str()), Some("E0412"));
    // Allowed by name, the dynamic loader really acts on it (it reports the missing object).
    let r = on(&NativeSandbox::new().with_allowed_env(vec!["LD_PRELOAD".into()]), req)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(r.stderr.contains("LD_PRELOAD") && r.stderr.contains(&missing), "{r:?}");
}

#[tokio::test]
async fn the_configurations_allowed_env_reaches_the_runner_of_tier_none() {
    let mut cfg = symbi::config::Config::default();
    let mut req = request(&["sh", "-c", "echo \"$PYTHONPATH\""]);
    req.env.insert("PYTHONPATH".into(), "/opt/agent-lib".into());
    let plain =
        symbi::sandbox::for_tier(symbi::security::Tier::None, &cfg).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(plain.execute(req.clone()).await.err().map(|e| e.code.as_str()), Some("E0412"));
    cfg.native_execution.allowed_env = vec!["PYTHONPATH".into()];
    let allowing =
        symbi::sandbox::for_tier(symbi::security::Tier::None, &cfg).unwrap_or_else(|e| panic!("{e:?}"));
    let r = allowing.execute(req).await.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(r.stdout, "/opt/agent-lib\n");
}

#[tokio::test]
async fn ordinary_variables_still_pass() {
    let mut req = request(&["sh", "-c", "echo \"$GREETING $PYTHONUNBUFFERED\""]);
    req.env.insert("GREETING".into(), "hello".into());
    req.env.insert("PYTHONUNBUFFERED".into(), "1".into());
    assert_eq!(run_ok(req).await.stdout, "hello 1\n");
}
