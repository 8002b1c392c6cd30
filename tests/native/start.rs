//! A program that cannot start fails its call with the kernel's reason and leaves nothing.

use super::support::*;
use std::os::unix::fs::PermissionsExt;

#[tokio::test]
async fn a_file_the_kernel_cannot_exec_fails_the_call_with_e0408_and_the_reason() {
    let dir = workdir("noexec");
    std::fs::create_dir_all(&dir).expect("test directory");
    // Executable bits, an allowlist entry, and no format the kernel knows (no `#!`).
    let program = dir.join("not-a-program");
    std::fs::write(&program, b"\x01\x02 not an executable\n").expect("file");
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = program.display().to_string();
    let mut req = request(&[&path]);
    req.allowed_executables.push(path.clone());
    let mark = mark_of(&req);
    let e = run(req).await.expect_err("a file that is not a program cannot start");
    assert_eq!(e.code, "E0408", "{e:?}");
    assert!(e.message.contains("could not be started") && e.message.contains("format"), "{}", e.message);
    assert!(marked_processes(&mark).is_empty(), "a process of the failed call is alive");
}

#[tokio::test]
async fn an_argument_with_a_nul_byte_is_refused_before_anything_runs() {
    let req = request(&["sh", "-c", "touch ran\0"]);
    let dir = req.working_dir.clone();
    let e = run(req).await.expect_err("a NUL byte cannot be passed to a program");
    assert_eq!(e.code, "E0408", "{e:?}");
    assert!(e.message.contains("nul byte"), "{}", e.message);
    assert!(!dir.join("ran").exists(), "the program ran");
}

#[tokio::test]
async fn many_calls_in_a_row_start_and_report_their_own_status() {
    // The program's process shares the init's memory until `exec`: a status or an argument
    // mixed up between calls would show here.
    for n in 0..20 {
        let code = format!("exit {}", n % 7);
        let result = run_ok(request(&["sh", "-c", &code, &format!("arg{n}")])).await;
        assert_eq!(result.exit_code, Some(n % 7), "call {n}: {result:?}");
    }
}
