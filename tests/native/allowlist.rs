//! The allowlist cannot be bypassed by paths, copies, links or the working directory.

use super::support::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use symbi::sandbox::SandboxError;

/// Writes an executable script that would leave `ran` behind in the working directory.
fn plant(path: &Path) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("test directory");
    }
    std::fs::write(path, "#!/bin/sh\ntouch ran\n").expect("planted script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

async fn refused(req: symbi::sandbox::ExecRequest) -> SandboxError {
    let dir = req.working_dir.clone();
    let outcome = run(req).await;
    assert!(!dir.join("ran").exists(), "the refused program ran");
    match outcome {
        Err(e) => e,
        Ok(r) => panic!("expected a refusal, got {r:?}"),
    }
}

#[tokio::test]
async fn a_relative_path_in_the_working_directory_is_refused() {
    let mut req = request(&["./curl"]);
    req.allowed_executables.push("curl".into());
    plant(&req.working_dir.join("curl"));
    let e = refused(req).await;
    assert_eq!(e.code, "E0401");
    assert!(e.notes.iter().any(|n| n.contains("resolved to") && n.contains("/curl")), "{:?}", e.notes);
    assert!(e.notes.iter().any(|n| n.starts_with("allowed: ")), "{:?}", e.notes);
}

#[tokio::test]
async fn a_copy_named_like_an_allowed_program_is_refused() {
    let dir = workdir("fake");
    plant(&dir.join("python3"));
    let fake = dir.join("python3").display().to_string();
    let e = refused(request(&[&fake, "-c", "print(1)"])).await;
    assert_eq!(e.code, "E0401");
    assert!(e.notes.iter().any(|n| n.contains(&fake)), "{:?}", e.notes);
    assert!(e.notes.iter().any(|n| n.contains("python3 = /")), "{:?}", e.notes);
}

#[tokio::test]
async fn a_symlink_named_like_an_allowed_program_that_points_elsewhere_is_refused() {
    let dir = workdir("link");
    let target = dir.join("payload");
    plant(&target);
    std::os::unix::fs::symlink(&target, dir.join("bash")).expect("symlink");
    let link = dir.join("bash").display().to_string();
    let e = refused(request(&[&link, "-c", "true"])).await;
    assert_eq!(e.code, "E0401");
    assert!(e.notes.iter().any(|n| n.contains("payload") && n.contains("through")), "{:?}", e.notes);
}

#[tokio::test]
async fn a_bare_name_never_finds_the_working_directory_or_the_requests_path() {
    let mut req = request(&["sneaky-tool"]);
    plant(&req.working_dir.join("sneaky-tool"));
    let wd = req.working_dir.display().to_string();
    req.env.insert("PATH".into(), wd);
    req.allowed_executables.push("sneaky-tool".into());
    // PATH in a request is refused (E0412) unless the configuration allows it; allowed, it
    // is the child's PATH and still never the one names are resolved through.
    assert_eq!(refused(req.clone()).await.code, "E0412");
    let allowing = symbi::sandbox::native::NativeSandbox::new().with_allowed_env(vec!["PATH".into()]);
    let e = symbi::sandbox::Sandbox::execute(&allowing, req).await.err();
    assert_eq!(e.map(|e| e.code.as_str()), Some("E0402"));
}

#[tokio::test]
async fn a_program_not_on_the_list_is_refused_and_the_canonical_path_runs() {
    let mut req = request(&["dd", "--version"]);
    req.allowed_executables.retain(|p| p != "dd");
    let e = refused(req).await;
    assert_eq!(e.code, "E0401");
    // A link to an allowed program is that program: it runs, as its canonical path.
    let dir = workdir("alias");
    std::fs::create_dir_all(&dir).expect("dir");
    std::os::unix::fs::symlink("/bin/sh", dir.join("my-shell")).expect("symlink");
    let link = dir.join("my-shell").display().to_string();
    let r = run_ok(request(&[&link, "-c", "echo via link"])).await;
    assert_eq!(r.stdout, "via link\n");
    assert_eq!(Some(Path::new(&r.executable).to_path_buf()), std::fs::canonicalize("/bin/sh").ok());
}

#[tokio::test]
async fn an_empty_command_and_an_unterminated_quote_are_refused() {
    let e = refused(request(&[])).await;
    assert_eq!(e.code, "E0404");
    let mut req = request(&[]);
    req.program = symbi::sandbox::Program::Code { code: "print(1)".into(), interpreter: "python3 'x".into() };
    let e = refused(req).await;
    assert_eq!(e.code, "E0403");
}
