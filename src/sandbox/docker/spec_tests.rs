//! The container spec, setting by setting, without an engine.

use super::spec::*;
use crate::diag::codes;
use crate::sandbox::{ExecRequest, Limits, Program};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn request() -> ExecRequest {
    ExecRequest {
        program: Program::Argv(vec!["echo".into(), "hi".into()]),
        env: BTreeMap::from([("GREETING".to_string(), "hello".to_string())]),
        stdin: None,
        working_dir: PathBuf::from("/srv/work"),
        limits: Limits {
            max_memory_mb: Some(256),
            max_cpu_cores: Some(8.0),
            max_processes: Some(50),
            ..Limits::default()
        },
        allowed_executables: vec!["echo".into()],
        network: false,
        local_filesystem: false,
        sink: None,
    }
}

fn settings(runtime: Option<&str>) -> SpecSettings {
    SpecSettings {
        image: "img:1".into(),
        user: None,
        tmpfs_mb: 32,
        runtime: runtime.map(String::from),
        engine_cpus: 2,
        image_user: String::new(),
    }
}

#[test]
fn tier1_isolation_settings() {
    let body = container_body(&request(), &settings(None), vec!["echo".into()], false, None);
    let host = body.host_config.clone().unwrap_or_default();
    assert_eq!(host.memory, Some(256 * 1024 * 1024));
    assert_eq!(host.memory_swap, host.memory, "no swap beyond the memory limit");
    assert_eq!(host.nano_cpus, Some(2_000_000_000), "8 cores asked, the engine has 2");
    assert_eq!(host.pids_limit, Some(50));
    assert_eq!(host.readonly_rootfs, Some(true));
    assert_eq!(host.cap_drop, Some(vec!["ALL".to_string()]));
    assert_eq!(host.security_opt, Some(vec!["no-new-privileges".to_string()]));
    assert_eq!(host.network_mode.as_deref(), Some("none"));
    assert_eq!(host.binds, None);
    assert_eq!(host.runtime, None);
    let tmpfs = host.tmpfs.unwrap_or_default();
    assert_eq!(tmpfs.get("/tmp").map(String::as_str), Some("rw,nosuid,nodev,size=32m,mode=1777"));
    assert_eq!(body.working_dir.as_deref(), Some("/tmp"));
    assert_eq!(body.user.as_deref(), Some(FALLBACK_USER), "a root image runs as nobody");
    assert_eq!(body.open_stdin, Some(false));
    let env = body.env.unwrap_or_default();
    assert_eq!(
        env,
        vec![
            format!("PATH={CONTAINER_PATH}"),
            "HOME=/tmp".into(),
            "LANG=C.UTF-8".into(),
            "GREETING=hello".into()
        ]
    );
}

#[test]
fn network_and_workspace_only_when_declared() {
    let mut req = request();
    req.network = true;
    req.local_filesystem = true;
    let body = container_body(&req, &settings(None), vec!["echo".into()], true, Some((1234, 99)));
    let host = body.host_config.clone().unwrap_or_default();
    assert_eq!(host.network_mode.as_deref(), Some("bridge"));
    assert_eq!(host.binds, Some(vec!["/srv/work:/workspace:rw".to_string()]));
    assert_eq!(body.working_dir.as_deref(), Some(WORKSPACE));
    assert_eq!(body.user.as_deref(), Some("1234:99"), "files written belong to the directory's owner");
    assert_eq!((body.open_stdin, body.stdin_once), (Some(true), Some(true)));
}

#[test]
fn tier2_limits_guest_processes_with_nproc() {
    let body = container_body(&request(), &settings(Some("runsc")), vec!["echo".into()], false, None);
    let host = body.host_config.unwrap_or_default();
    assert_eq!(host.runtime.as_deref(), Some("runsc"));
    assert_eq!(
        host.pids_limit,
        Some(50 * GVISOR_PIDS_PER_PROCESS),
        "the backstop leaves room for the Sentry"
    );
    let nproc = host.ulimits.unwrap_or_default().into_iter().find(|u| u.name.as_deref() == Some("nproc"));
    assert_eq!(nproc.and_then(|u| u.hard), Some(50));
}

#[test]
fn unenforced_limits_leave_resources_alone_but_not_isolation() {
    let mut req = request();
    req.limits.enforce = false;
    let host = container_body(&req, &settings(None), vec!["echo".into()], false, None)
        .host_config
        .unwrap_or_default();
    assert_eq!((host.memory, host.nano_cpus, host.pids_limit), (None, None, None));
    assert_eq!(host.readonly_rootfs, Some(true));
}

#[test]
fn user_choice() {
    let mut s = settings(None);
    s.image_user = "app".into();
    assert_eq!(choose_user(&s, None), "app");
    s.image_user = "0:0".into();
    assert_eq!(choose_user(&s, None), FALLBACK_USER);
    s.user = Some("42".into());
    assert_eq!(choose_user(&s, Some((1, 1))), "42", "the configuration wins");
}

#[test]
fn never_root() {
    let mut s = settings(None);
    s.image_user = "app".into();
    assert_eq!(choose_user(&s, Some((1000, 100))), "1000:100", "a non-root owner of the workspace");
    assert_eq!(choose_user(&s, Some((0, 0))), "app", "a root-owned workspace: the image's non-root user");
    s.image_user = "root".into();
    assert_eq!(choose_user(&s, Some((0, 0))), FALLBACK_USER, "a root image and a root workspace: nobody");
    for image_user in ["", "0", "00:0", "root:wheel", " 0 "] {
        s.image_user = image_user.into();
        assert_eq!(choose_user(&s, None), FALLBACK_USER, "{image_user:?}");
    }
    assert_eq!(choose_user(&s, Some((1000, 0))), "1000:65534", "never root's group either");
    for user in ["root", "0", "0:0", "000", "root:staff", "100:0", "symbi:root"] {
        s.user = Some(user.into());
        assert_eq!(check_request(&request(), &s).err().map(|e| e.code), Some(codes::ROOT_USER), "{user:?}");
        assert_ne!(choose_user(&s, Some((0, 0))), user, "{user:?}");
    }
    s.user = Some("1000:1000".into());
    assert!(check_request(&request(), &s).is_ok());
    assert!(!is_root_user("10") && !is_root_user("symbi") && !is_root_user("100:100"));
}

#[test]
fn the_request_cannot_choose_path() {
    let mut req = request();
    req.env.insert("PATH".into(), "/workspace:/bin".into());
    assert_eq!(check_request(&req, &settings(None)).err().map(|e| e.code), Some(codes::PATH_IN_ENV));
    let body = container_body(&req, &settings(None), vec!["echo".into()], false, None);
    let env = body.env.unwrap_or_default();
    assert!(env.contains(&format!("PATH={CONTAINER_PATH}")) && !env.iter().any(|e| e.contains("/workspace")));
}

#[test]
fn allowlist_by_name_or_exact_path() {
    let allowed = vec!["python3".to_string(), "/usr/bin/env".to_string()];
    assert!(check_allowed("python3", &allowed).is_ok());
    assert!(check_allowed("env", &allowed).is_ok(), "a listed path allows its name");
    assert!(check_allowed("/usr/bin/env", &allowed).is_ok());
    assert_eq!(
        check_allowed("/tmp/x/python3", &allowed).err().map(|e| e.code),
        Some(codes::CONTAINER_EXECUTABLE_NOT_ALLOWED)
    );
    assert_eq!(
        check_allowed("bash", &allowed).err().map(|e| e.code),
        Some(codes::CONTAINER_EXECUTABLE_NOT_ALLOWED)
    );
}

#[test]
fn program_text_goes_on_stdin() {
    let mut req = request();
    req.program = Program::Code { code: "print(1)".into(), interpreter: "python3".into() };
    let got = argv_and_stdin(&req).ok();
    assert_eq!(got, Some((vec!["python3".to_string()], Some(b"print(1)".to_vec()))));
    req.program = Program::Argv(Vec::new());
    assert_eq!(argv_and_stdin(&req).err().map(|e| e.code), Some(codes::EMPTY_COMMAND));
}

#[test]
fn the_interpreter_is_split_like_the_native_tier_splits_it() {
    let mut req = request();
    req.program = Program::Code { code: "print(1)".into(), interpreter: "python3 -u".into() };
    let got = argv_and_stdin(&req).ok().map(|(argv, _)| argv);
    assert_eq!(got, Some(vec!["python3".to_string(), "-u".to_string()]));
    req.program = Program::Code { code: "print(1)".into(), interpreter: "python3 'oops".into() };
    assert_eq!(argv_and_stdin(&req).err().map(|e| e.code), Some(codes::COMMAND_LINE_UNSPLITTABLE));
    req.program = Program::Code { code: "print(1)".into(), interpreter: "python3".into() };
    req.stdin = Some(b"input".to_vec());
    assert_eq!(argv_and_stdin(&req).err().map(|e| e.code), Some(codes::CODE_WITH_STDIN));
}

#[test]
fn engine_status_becomes_exit_code_or_signal() {
    use super::exit_status;
    assert_eq!(exit_status(Some(0), false), (Some(0), None));
    assert_eq!(exit_status(Some(3), false), (Some(3), None));
    assert_eq!(exit_status(Some(137), true), (None, Some("SIGKILL".into())));
    assert_eq!(exit_status(Some(143), false), (None, Some("SIGTERM".into())));
    assert_eq!(exit_status(None, true), (None, Some("SIGKILL".into())));
    assert_eq!(exit_status(Some(255), false), (Some(255), None));
}
