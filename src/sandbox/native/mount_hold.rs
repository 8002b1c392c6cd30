//! A call's mount namespace, held by symbi so that its teardown leaves the call's path.
//!
//! The last process of a mount namespace to exit tears the namespace down, and that waits
//! for an RCU grace period: about 100 µs on a quiet machine, milliseconds under load
//! (docs/performance.md). For a namespaced call that process is the init, and symbi waits
//! for the init's exit before the call returns (a call leaves no child behind). So symbi
//! opens the init's `/proc/PID/ns/mnt` right after the spawn: the init's exit then only
//! drops a reference, and the namespace (by then without a process) is torn down when the
//! descriptor is closed, on a thread of its own.

use std::fs::File;
use std::sync::OnceLock;
use std::sync::mpsc::{self, Sender};

/// A reference to one call's mount namespace; dropping it hands the namespace to the
/// releasing thread.
pub struct MountHold(Option<File>);

impl MountHold {
    /// Holds the mount namespace of `init`, a call's namespace init that has not been reaped
    /// (so its pid names it). Holds nothing when it cannot be opened: the init's exit then
    /// tears the namespace down itself, as without the hold.
    pub fn of(init: i32) -> MountHold {
        MountHold(File::open(format!("/proc/{init}/ns/mnt")).ok())
    }
}

impl Drop for MountHold {
    fn drop(&mut self) {
        let Some(file) = self.0.take() else { return };
        if let Some(releaser) = releaser()
            && let Err(unsent) = releaser.send(file)
        {
            drop(unsent.0);
        }
    }
}

/// The thread that closes held namespaces (started at the first call that holds one).
/// Without it (no thread could be started) the descriptor is closed where it is dropped.
fn releaser() -> Option<&'static Sender<File>> {
    static SENDER: OnceLock<Option<Sender<File>>> = OnceLock::new();
    SENDER
        .get_or_init(|| {
            let (sender, files) = mpsc::channel::<File>();
            let thread = std::thread::Builder::new().name("symbi-mount-release".into());
            thread.spawn(move || files.into_iter().for_each(drop)).ok()?;
            Some(sender)
        })
        .as_ref()
}
