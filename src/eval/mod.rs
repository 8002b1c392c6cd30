//! The interpreter: runs trigger handlers, sending every process through a sandbox.
