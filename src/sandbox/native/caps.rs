//! Capability dropping between fork and exec: the bounding set, the ambient set and the
//! effective, permitted and inheritable sets. One home for the raw `prctl` and
//! `capget`/`capset` calls that the namespace's program (`pidns`) and a hardened call's
//! program (`harden`) both make. System calls only: async-signal-safe, no allocation.

#![allow(unsafe_code, reason = "prctl, capget and capset with raw arguments; nix wraps none of them")]

use std::io;

/// `CAP_SYS_PTRACE` (linux/capability.h).
pub const CAP_SYS_PTRACE: u32 = 19;
/// `CAP_SYS_ADMIN` (linux/capability.h).
pub const CAP_SYS_ADMIN: u32 = 21;

/// `_LINUX_CAPABILITY_VERSION_3`: two 32-bit words per set.
const VERSION_3: u32 = 0x2008_0522;

fn check(r: libc::c_long) -> io::Result<()> {
    if r < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

/// Removes `caps` from the bounding set, so that no later `exec` (of a root or file-capable
/// program) can gain them. With `must`, the first failure is returned; without, failures
/// (an unprivileged process, which has nothing to lose) are ignored.
pub fn drop_bounding(caps: impl IntoIterator<Item = u32>, must: bool) -> io::Result<()> {
    for cap in caps {
        // SAFETY: prctl with integer arguments.
        let r = unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) };
        if r != 0 && must {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Empties the ambient set. Fails harmlessly on kernels without one, hence no result.
pub fn clear_ambient() {
    // SAFETY: prctl with integer arguments.
    unsafe { libc::prctl(libc::PR_CAP_AMBIENT, libc::PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) };
}

/// The effective, permitted and inheritable sets of this process, as `capget` gives them.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Word {
    /// Effective bits of this word.
    pub effective: u32,
    /// Permitted bits of this word.
    pub permitted: u32,
    /// Inheritable bits of this word.
    pub inheritable: u32,
}

/// The capability sets: word 0 holds capabilities 0–31, word 1 holds 32–63.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sets(pub [Word; 2]);

impl Sets {
    /// Removes `cap` from the effective, permitted and inheritable sets.
    pub fn remove(&mut self, cap: u32) {
        if let Some(word) = self.0.get_mut((cap / 32) as usize) {
            let bit = 1u32 << (cap % 32);
            word.effective &= !bit;
            word.permitted &= !bit;
            word.inheritable &= !bit;
        }
    }

    /// Empties the inheritable set: what root's `exec` would keep.
    pub fn clear_inheritable(&mut self) {
        for word in &mut self.0 {
            word.inheritable = 0;
        }
    }
}

/// Reads this process's sets, lets `change` edit them, and sets them again.
pub fn set_sets(change: impl FnOnce(&mut Sets)) -> io::Result<()> {
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    let mut header = Header { version: VERSION_3, pid: 0 };
    let mut sets = Sets::default();
    // SAFETY: capget/capset with a version-3 header and two data words, as the ABI wants.
    unsafe { check(libc::syscall(libc::SYS_capget, &mut header, sets.0.as_mut_ptr()))? };
    change(&mut sets);
    // SAFETY: as above.
    unsafe { check(libc::syscall(libc::SYS_capset, &mut header, sets.0.as_ptr())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removing_a_capability_clears_its_bit_in_every_set_and_nothing_else() {
        let full = Word { effective: u32::MAX, permitted: u32::MAX, inheritable: u32::MAX };
        let mut sets = Sets([full, full]);
        sets.remove(CAP_SYS_ADMIN);
        sets.remove(33);
        let bit = 1u32 << CAP_SYS_ADMIN;
        assert_eq!(sets.0[0].effective, !bit);
        assert_eq!(sets.0[0].permitted, !bit);
        assert_eq!(sets.0[0].inheritable, !bit);
        assert_eq!(sets.0[1].permitted, !2u32);
    }

    #[test]
    fn a_capability_beyond_the_two_words_changes_nothing() {
        let mut sets = Sets::default();
        sets.0[0].effective = 7;
        sets.remove(64);
        assert_eq!(sets.0[0].effective, 7);
    }

    #[test]
    fn reading_and_writing_back_unchanged_sets_succeeds() {
        set_sets(|_| {}).unwrap();
    }
}
