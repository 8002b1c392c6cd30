//! The Docker engine of the container tests: whether it is there, and the lock that keeps
//! the tests that count containers apart from the others.

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// The offline test image.
pub const IMAGE: &str = "symbi-test-busybox:latest";

/// Tests that count containers take this lock for writing; every other container test
/// holds it for reading, so nothing of theirs runs while the counts are taken.
static EXCLUSIVE: RwLock<()> = RwLock::new(());

/// A container test's hold on the engine, for the whole test. It is held across `.await`s,
/// which is sound for this lock: it only orders tests, each test has a runtime of its own,
/// and no task waits for it on a runtime whose thread holds it.
pub struct Claim {
    _guard: Guard,
}

enum Guard {
    Shared(RwLockReadGuard<'static, ()>),
    Exclusive(RwLockWriteGuard<'static, ()>),
}

/// The engine for a container test that shares it with the others; `None` means skip
/// (only outside CI, see [`ready`]).
pub fn shared() -> Option<Claim> {
    // A test that failed holding the lock poisons it; the lock still orders the others.
    let guard = || Guard::Shared(EXCLUSIVE.read().unwrap_or_else(PoisonError::into_inner));
    ready().then(|| Claim { _guard: guard() })
}

/// The engine for a container test that counts containers: no other container test of
/// this process runs while the claim lives; `None` means skip, as for [`shared`].
pub fn exclusive() -> Option<Claim> {
    let guard = || Guard::Exclusive(EXCLUSIVE.write().unwrap_or_else(PoisonError::into_inner));
    ready().then(|| Claim { _guard: guard() })
}

/// Whether the engine and image are usable; `false` means skip (only outside CI). For a
/// test that starts no container of this process: the others take [`shared`] or
/// [`exclusive`].
pub fn ready() -> bool {
    static READY: Mutex<Option<bool>> = Mutex::new(None);
    let mut guard = READY.lock().unwrap_or_else(PoisonError::into_inner);
    *guard.get_or_insert_with(check_ready)
}

fn check_ready() -> bool {
    let info = Command::new("docker").args(["info", "--format", "{{.ServerVersion}}"]).output();
    let answers = info.as_ref().is_ok_and(|o| o.status.success());
    if !super::prerequisite(answers, "container tests: no Docker engine answers `docker info`") {
        return false;
    }
    let has_image = |img: &str| {
        Command::new("docker").args(["image", "inspect", img]).output().is_ok_and(|o| o.status.success())
    };
    if !has_image(IMAGE) {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ci/images/build-test-image.sh");
        let built = Command::new(&script).arg(IMAGE).status();
        assert!(
            built.is_ok_and(|s| s.success()) && has_image(IMAGE),
            "cannot build {IMAGE} with {}",
            script.display()
        );
    }
    true
}
