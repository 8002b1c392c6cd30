//! The executable allowlist: which list applies to an agent, and how a program name is
//! matched against it before anything runs.

use crate::config::Config;
use crate::syntax::ast;

/// The executables that may run: the configuration's `native_execution.allowed_executables`,
/// narrowed by the agent's `security.allowed_executables` when it has one.
///
/// Narrowing is by entry: an agent entry written exactly as a configuration entry is kept;
/// a bare name in the agent (`python3`) whose configuration entry is a path with that file
/// name (`/usr/bin/python3`) keeps the configuration's path, the narrower of the two. An
/// agent path whose configuration entry is a bare name is dropped, since proving that it is
/// the same program would need the file system; write both lists in the same form.
pub fn allowed_executables(cfg: &Config, agent: Option<&ast::Agent>) -> Vec<String> {
    let configured = &cfg.native_execution.allowed_executables;
    let Some(agent_list) = agent.and_then(|a| a.security()).and_then(|s| s.allowed_executables.as_ref())
    else {
        return configured.clone();
    };
    let mut out: Vec<String> = Vec::new();
    for entry in agent_list {
        let wanted = entry.value.as_str();
        let kept = if configured.iter().any(|c| c == wanted) {
            Some(wanted.to_string())
        } else if !wanted.contains('/') {
            configured.iter().find(|c| c.contains('/') && file_name(c) == wanted).cloned()
        } else {
            None
        };
        if let Some(kept) = kept
            && !out.contains(&kept)
        {
            out.push(kept);
        }
    }
    out
}

/// Whether `program` (the first word of a literal command) can match an entry of `allowed`
/// before anything is resolved: the checker reports a program only when this is false. The
/// runner decides on canonical paths, so a name that passes here can still be refused at
/// run time (for example a listed `/usr/bin/python3` when PATH finds another `python3`).
pub fn executable_may_be_allowed(allowed: &[String], program: &str) -> bool {
    let name = file_name(program);
    allowed.iter().any(|entry| entry == program || file_name(entry) == name)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether a container tier runs `argv0`: a bare name matches that name, or a listed path
/// whose file name it is; a path matches that exact entry only, so `/tmp/x/python3` is not
/// `python3`. Inside an image the host's files mean nothing, so the rule is on the words
/// alone, and the checker and the container runners apply the same one.
pub fn container_allows(allowed: &[String], argv0: &str) -> bool {
    allowed.iter().any(|entry| {
        if argv0.contains('/') {
            entry == argv0
        } else {
            entry == argv0 || (entry.contains('/') && file_name(entry) == argv0)
        }
    })
}

/// Whether `program`, written literally in the agent file, is refused on `tier` whatever
/// happens at run time. On tier None the runner decides on canonical paths, so only a name
/// that cannot match any entry is refused here ([`executable_may_be_allowed`]); on a
/// container tier the decision is [`container_allows`], exactly.
pub fn refused_before_running(tier: crate::security::Tier, allowed: &[String], program: &str) -> bool {
    if tier == crate::security::Tier::None {
        !executable_may_be_allowed(allowed, program)
    } else {
        !container_allows(allowed, program)
    }
}
