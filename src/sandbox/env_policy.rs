//! Which variables a request's `env` may set, for every tier.
//!
//! The allowlist decides which program starts; a variable such as `LD_PRELOAD`, `BASH_ENV`,
//! `PYTHONSTARTUP` or `GIT_CONFIG_COUNT` decides what that program then runs, so passing it
//! through would let a request run code the allowlist never allowed. Such names are refused
//! unless the configuration allows them one by one (`native_execution.allowed_env`). The
//! table below is the only list of them; docs/security.md explains each family.

use super::SandboxError;
use crate::diag::codes;
use std::collections::BTreeMap;

/// How a row of [`DENIED`] matches a variable name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// The name exactly.
    Exact(&'static str),
    /// Every name that starts with this.
    Prefix(&'static str),
}

/// The refused names, with what each lets a request do.
pub const DENIED: &[(Match, &str)] = &[
    (Match::Prefix("LD_"), "the dynamic loader loads or audits libraries it names"),
    (Match::Exact("GCONV_PATH"), "glibc loads the conversion modules it names"),
    (Match::Exact("GLIBC_TUNABLES"), "it changes glibc's behaviour in every program"),
    (Match::Exact("PATH"), "it changes which programs the child's own commands find"),
    (Match::Exact("HOME"), "programs read their start-up files (.bashrc, .gitconfig, ...) from it"),
    (Match::Exact("XDG_CONFIG_HOME"), "programs read their configuration (git, ...) from it"),
    (Match::Exact("BASH_ENV"), "bash runs the file it names before any script"),
    (Match::Exact("ENV"), "sh runs the file it names at start"),
    (Match::Prefix("BASH_FUNC_"), "bash imports it as a function that replaces a command"),
    (Match::Exact("SHELLOPTS"), "it switches on shell options such as xtrace for every shell"),
    (Match::Exact("BASHOPTS"), "it switches on bash options for every bash"),
    (Match::Exact("PS4"), "bash expands it, command substitutions included, under xtrace"),
    (Match::Exact("PROMPT_COMMAND"), "bash runs it before each prompt"),
    (Match::Exact("IFS"), "it changes how shells split words"),
    (Match::Prefix("GIT_CONFIG"), "git reads configuration (aliases, hooks, helpers) from it"),
    (Match::Exact("GIT_EXEC_PATH"), "git runs its sub-commands from it"),
    (Match::Exact("GIT_SSH"), "git runs it to reach a remote"),
    (Match::Exact("GIT_SSH_COMMAND"), "git runs it to reach a remote"),
    (Match::Exact("GIT_PROXY_COMMAND"), "git runs it to reach a remote"),
    (Match::Exact("GIT_ASKPASS"), "git runs it to ask for credentials"),
    (Match::Exact("GIT_EDITOR"), "git runs it as the editor"),
    (Match::Exact("GIT_PAGER"), "git runs it as the pager"),
    (Match::Exact("GIT_EXTERNAL_DIFF"), "git runs it to show differences"),
    (Match::Exact("GIT_TEMPLATE_DIR"), "git copies hooks from it into new repositories"),
    (Match::Exact("GIT_DIR"), "git reads the configuration and hooks of the repository it names"),
    (Match::Exact("SSH_ASKPASS"), "ssh runs it to ask for credentials"),
    (Match::Exact("EDITOR"), "programs run it as the editor"),
    (Match::Exact("VISUAL"), "programs run it as the editor"),
    (Match::Exact("PAGER"), "programs run it as the pager"),
    (Match::Exact("LESSOPEN"), "less runs it on every file"),
    (Match::Exact("LESSCLOSE"), "less runs it on every file"),
    (Match::Exact("MANPAGER"), "man runs it as the pager"),
    (Match::Exact("BROWSER"), "programs run it to open a link"),
    (Match::Prefix("PYTHON"), "python imports, runs or loads from what it names"),
    (Match::Exact("NODE_OPTIONS"), "node takes `--require` and other options from it"),
    (Match::Exact("NODE_PATH"), "node loads modules from it"),
    (Match::Exact("PERL5OPT"), "perl takes `-M` and other options from it"),
    (Match::Exact("PERL5LIB"), "perl loads modules from it"),
    (Match::Exact("PERLLIB"), "perl loads modules from it"),
    (Match::Exact("PERL5DB"), "perl runs it as the debugger"),
    (Match::Exact("RUBYOPT"), "ruby takes `-r` and other options from it"),
    (Match::Exact("RUBYLIB"), "ruby loads libraries from it"),
    (Match::Exact("LUA_INIT"), "lua runs it at start"),
    (Match::Exact("JAVA_TOOL_OPTIONS"), "the JVM takes `-javaagent` and other options from it"),
    (Match::Exact("_JAVA_OPTIONS"), "the JVM takes options from it"),
    (Match::Exact("JDK_JAVA_OPTIONS"), "the JVM takes options from it"),
    (Match::Exact("CLASSPATH"), "the JVM loads classes from it"),
    (Match::Exact("OPENSSL_CONF"), "OpenSSL loads the engines and providers it configures"),
    (Match::Exact("OPENSSL_ENGINES"), "OpenSSL loads engines from it"),
];

/// `PYTHON*` variables that only tune output or hashing, so that the `PYTHON` prefix does
/// not refuse the ones scripts commonly set.
const HARMLESS: &[&str] =
    &["PYTHONUNBUFFERED", "PYTHONIOENCODING", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "PYTHONUTF8"];

/// Why `name` is refused, when it is (and not in `HARMLESS`).
pub fn denied(name: &str) -> Option<&'static str> {
    if HARMLESS.contains(&name) {
        return None;
    }
    DENIED.iter().find_map(|(rule, why)| {
        let hit = match rule {
            Match::Exact(exact) => name == *exact,
            Match::Prefix(prefix) => name.starts_with(prefix),
        };
        hit.then_some(*why)
    })
}

/// Checks a request's `env`: every name must be a valid variable name (non-empty, no `=`,
/// no NUL) with a value without NUL, and no refused name may appear unless `allowed` names
/// it exactly. The error is E0412 and names the first offending variable.
pub fn check(env: &BTreeMap<String, String>, allowed: &[String]) -> Result<(), SandboxError> {
    for (name, value) in env {
        if name.is_empty() || name.contains(['=', '\0']) || value.contains('\0') {
            return Err(SandboxError::new(
                codes::CALL_ENV_REFUSED,
                format!("the environment variable `{}` cannot be passed: {}", name.escape_debug(), {
                    if value.contains('\0') { "its value holds a NUL byte" } else { "it is not a valid name" }
                }),
            )
            .with_help("use a name without `=` or NUL, and a value without NUL"));
        }
        if allowed.iter().any(|a| a == name) {
            continue;
        }
        if let Some(why) = denied(name) {
            return Err(SandboxError::new(
                codes::CALL_ENV_REFUSED,
                format!("the environment variable `{name}` is refused: {why}"),
            )
            .with_note("such a variable would let an allowed program run code the allowlist never allowed")
            .with_help(format!(
                "remove `{name}` from the call's env, or, if every agent may set it, add \"{name}\" to \
                 `native_execution.allowed_env` in the configuration"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn code_running_names_are_refused_and_ordinary_ones_pass() {
        for name in [
            "LD_PRELOAD",
            "LD_LIBRARY_PATH",
            "LD_AUDIT",
            "BASH_ENV",
            "ENV",
            "BASH_FUNC_ls%%",
            "GIT_CONFIG_COUNT",
            "GIT_CONFIG_KEY_0",
            "GIT_CONFIG_PARAMETERS",
            "GIT_CONFIG_GLOBAL",
            "GIT_SSH_COMMAND",
            "PYTHONPATH",
            "PYTHONSTARTUP",
            "PYTHONHOME",
            "PYTHONWARNINGS",
            "NODE_OPTIONS",
            "PERL5OPT",
            "RUBYOPT",
            "JAVA_TOOL_OPTIONS",
            "PATH",
            "HOME",
        ] {
            let e = check(&env(&[(name, "x")]), &[]).err();
            assert_eq!(e.map(|e| e.code), Some(codes::CALL_ENV_REFUSED), "{name}");
        }
        let fine = env(&[("GREETING", "hi"), ("PYTHONUNBUFFERED", "1"), ("LANG", "C"), ("ld_preload", "x")]);
        assert_eq!(check(&fine, &[]), Ok(()));
    }

    #[test]
    fn a_name_allowed_by_the_configuration_passes_and_only_that_name() {
        let e = env(&[("PYTHONPATH", "/opt/lib")]);
        assert_eq!(check(&e, &["PYTHONPATH".into()]), Ok(()));
        let both = env(&[("PYTHONPATH", "/opt/lib"), ("PYTHONSTARTUP", "/x")]);
        let refused = check(&both, &["PYTHONPATH".into()]).err();
        assert!(refused.is_some_and(|e| e.message.contains("PYTHONSTARTUP")));
    }

    #[test]
    fn malformed_names_and_values_are_refused() {
        for (k, v) in [("", "x"), ("A=B", "x"), ("A\0", "x"), ("A", "x\0y")] {
            assert_eq!(
                check(&env(&[(k, v)]), &["A=B".into()]).err().map(|e| e.code),
                Some(codes::CALL_ENV_REFUSED)
            );
        }
    }
}
