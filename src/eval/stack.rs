//! The interpreter's stack guard: the tree walker recurses once per nested expression,
//! statement block and user call, so a deep recursion of large expressions could overflow
//! any fixed stack (a SIGABRT, no diagnostic). The guard reads where the current thread's
//! stack ends and turns "almost there" into a runtime error.

use super::error::{Eval, error_help};
use crate::diag::Span;
use crate::diag::codes::STACK_EXHAUSTED;

/// The lowest stack address the interpreter may reach before it stops.
#[derive(Clone, Copy, Debug)]
pub struct StackGuard {
    floor: usize,
}

/// The current stack position (the address of a local).
#[inline(always)]
fn here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

impl StackGuard {
    /// A guard for the calling thread: it keeps a reserve of a quarter of the stack (at most
    /// 8 MiB) for what runs between two checks (builtins, rendering, dropping a value).
    pub fn for_current_thread() -> Self {
        let floor = match thread_stack() {
            Some((low, size)) => low + (size / 4).min(8 << 20),
            // Unknown bounds: assume the smallest stack a Rust thread gets (2 MiB), of which
            // the caller has used little.
            None => here().saturating_sub(1 << 20),
        };
        StackGuard { floor }
    }

    /// Fails once the stack has grown past the floor.
    #[inline]
    pub fn check(&self, span: Span) -> Eval<()> {
        if here() < self.floor {
            return Err(error_help(
                STACK_EXHAUSTED,
                span,
                "expressions and calls are nested too deeply for the interpreter's stack",
                "recurse less deeply (lower `runtime.max_call_depth`) or split large expressions \
                 with `let`",
            ));
        }
        Ok(())
    }
}

/// The lowest address and the size of the calling thread's stack.
fn thread_stack() -> Option<(usize, usize)> {
    // SAFETY: `attr` is initialised by pthread_getattr_np before it is read and destroyed
    // once; the out-pointers point at locals of the right types.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        (rc == 0 && !addr.is_null()).then_some((addr as usize, size))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_passes_near_the_top_and_stops_near_the_bottom() {
        let guard = StackGuard::for_current_thread();
        assert!(guard.check(Span::default()).is_ok());
        fn recurse(guard: &StackGuard, n: u64) -> u64 {
            let pad = std::hint::black_box([0u8; 4096]);
            if guard.check(Span::default()).is_err() {
                return n;
            }
            recurse(guard, n + 1) + u64::from(pad[0])
        }
        // Stops with an error instead of overflowing the test thread's stack.
        assert!(recurse(&guard, 0) > 0);
    }
}
