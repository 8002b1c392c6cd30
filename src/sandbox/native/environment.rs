//! The environment a native child starts with: a fixed PATH, HOME (the checked working
//! directory), LANG, and the request's own variables once [`env_policy`] passed them.
//! Nothing of symbi's own environment is added.

use super::resolve;
use crate::sandbox::{SandboxError, env_policy};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;

/// Checks the request's variables (E0412 for a refused one), before anything is created.
pub fn check(request_env: &BTreeMap<String, String>, allowed: &[String]) -> Result<(), SandboxError> {
    env_policy::check(request_env, allowed)
}

/// The child's variables, from a request env [`check`] passed. `home` is the working
/// directory after [`workdir::prepare`](super::workdir::prepare) found it owned by symbi's
/// user and writable by nobody else, so start-up files read from it are the user's own.
pub fn for_child(request_env: &BTreeMap<String, String>, home: &Path) -> Vec<(OsString, OsString)> {
    let mut vars: BTreeMap<OsString, OsString> = BTreeMap::from([
        ("PATH".into(), resolve::FIXED_PATH.into()),
        ("HOME".into(), home.as_os_str().to_os_string()),
        ("LANG".into(), "C.UTF-8".into()),
    ]);
    // Only names the configuration allows can replace the three above.
    vars.extend(request_env.iter().map(|(k, v)| (k.into(), v.into())));
    vars.into_iter().collect()
}
