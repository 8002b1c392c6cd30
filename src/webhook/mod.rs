//! Webhooks: authenticating a request to a trigger declared `on webhook "name" secret "VAR"`.

pub mod signature;

pub use signature::{SIGNATURE_HEADER, SignatureError, sign, verify};
