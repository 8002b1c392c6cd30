//! A run history that cannot be written: new runs get 503, never a 202 that is then lost.

use super::harness::{Up, agent, config, folder, marker};

/// A tmpfs of 1 MiB holds the database; filling it makes every write fail (ENOSPC).
#[test]
fn a_full_store_answers_503_and_accepts_nothing() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    }
    let dir = folder(&agent(&marker()), &config(""));
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).ok();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&data)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    let _unmount = Unmount(data.clone());
    let up = Up::start(dir.path(), &[], &[]);
    assert_eq!(up.post("/api/v1/agents/Hello/triggers/go?wait=true", "").status, 200);
    // Fill the file system to the last byte.
    let filler = data.join("filler");
    let _ = std::fs::write(&filler, vec![0u8; 2 * 1024 * 1024]);
    let mut refused = None;
    for _ in 0..200 {
        let r = up.post("/api/v1/agents/Hello/triggers/go", &format!("{{\"pad\":\"{}\"}}", "x".repeat(4000)));
        if r.status != 202 {
            refused = Some(r);
            break;
        }
    }
    let r = refused.expect("a full store refuses runs");
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "store_unavailable");
    assert!(r.header("retry-after").is_some());
}

struct Unmount(std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
    }
}
