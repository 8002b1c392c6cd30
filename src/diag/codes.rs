//! The registry of diagnostic codes: the only place a code is written.
//!
//! Every diagnostic is built from a [`Code`] of this table, so a code cannot be mistyped,
//! reused for an unrelated error, or left undocumented. A row is `CODE NAME`; the severity
//! follows from the letter (`E` error, `W` warning), and the title and explanation come from
//! the code's entry in `docs/diagnostics.md` (the page `symbi explain` prints), so each fact
//! has one home.
//!
//! Adding a code is one row here and one entry in `docs/diagnostics.md`; the tests below
//! fail until both exist (see CONTRIBUTING.md).

use super::Severity;
use super::explain;
use std::fmt;

/// A registered diagnostic code (`E0201`). Only this module can make one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(&'static str);

impl Code {
    /// The code as written in reports and JSON (`"E0201"`).
    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// The severity a diagnostic with this code has: error for `E`, warning for `W`.
    pub fn severity(self) -> Severity {
        if self.0.starts_with('W') { Severity::Warning } else { Severity::Error }
    }

    /// The title of the code's entry in docs/diagnostics.md (`unknown variable`).
    pub fn title(self) -> &'static str {
        explain::title(self.0).unwrap_or_default()
    }

    /// The code's entry in docs/diagnostics.md, heading included.
    pub fn explanation(self) -> &'static str {
        explain::explanation(self.0).unwrap_or_default()
    }

    /// The registered code written `text` (case-insensitive), if there is one.
    pub fn parse(text: &str) -> Option<Code> {
        ALL.iter().copied().find(|c| c.0.eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.0
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl From<Code> for &'static str {
    fn from(code: Code) -> &'static str {
        code.0
    }
}

/// Declares the table: one constant per row, and [`ALL`] in table order.
macro_rules! codes {
    ($($code:ident $name:ident,)*) => {
        $(
            #[doc = concat!("`", stringify!($code), "`: see its entry in docs/diagnostics.md \
                             (`symbi explain ", stringify!($code), "`).")]
            pub const $name: Code = Code(stringify!($code));
        )*
        /// Every registered code, in table order.
        pub const ALL: &[Code] = &[$($name),*];
    };
}

codes! {
    // Input and formatting.
    E0001 INPUT_UNREADABLE,
    E0002 FORMAT_CHANGES_MEANING,
    E0003 INIT_WOULD_OVERWRITE,

    // E01xx: syntax.
    E0101 UNEXPECTED_TOKEN,
    E0102 UNTERMINATED_COMMENT,
    E0103 MISSING_CLOSING_QUOTE,
    E0104 UNCLOSED_BLOCK,
    E0105 UNCLOSED_BRACKET,
    E0106 EQUALS_FOR_COLON,
    E0107 STRAY_COMMA,
    E0108 KEYWORD_AS_NAME,
    E0109 FOR_WITHOUT_IN,
    E0110 ELIF,
    E0111 TRIGGER_NAME_NOT_STRING,
    E0112 UNKNOWN_ESCAPE,
    E0113 BAD_DURATION,
    E0114 NUMBER_OUT_OF_RANGE,
    E0115 PARAMETER_WITHOUT_TYPE,
    E0116 MISSING_COMMA,
    E0117 CATCH_WITHOUT_NAME,
    E0118 NOT_AN_ITEM,
    E0119 NESTING_TOO_DEEP,
    E0120 CALL_OF_NON_NAME,
    E0121 INTERPOLATION_NOT_ALLOWED,
    E0122 INVALID_ASSIGNMENT_TARGET,
    E0123 MISSING_VALUE,
    E0124 UNEXPECTED_CHARACTER,
    E0125 ELSE_WITHOUT_IF,
    E0126 ASSIGN_FOR_EQUALS,
    E0127 ON_WITHOUT_TRIGGER,
    E0128 UNCLOSED_INTERPOLATION,
    E0129 MISSPELT_KEYWORD,

    // E02xx: names and types.
    E0201 UNKNOWN_VARIABLE,
    E0202 UNKNOWN_FUNCTION,
    E0203 UNKNOWN_METHOD,
    E0204 UNKNOWN_FIELD,
    E0205 UNKNOWN_TYPE,
    E0206 UNKNOWN_TRIGGER,
    E0207 TOO_MANY_ARGUMENTS,
    E0208 MISSING_ARGUMENT,
    E0209 UNKNOWN_ARGUMENT,
    E0210 DUPLICATE_ARGUMENT,
    E0211 POSITIONAL_AFTER_NAMED,
    E0212 ARGUMENT_TYPE,
    E0213 MISMATCHED_TYPES,
    E0214 CONDITION_NOT_BOOL,
    E0215 OPERATOR_TYPES,
    E0216 RETURN_TYPE,
    E0217 NOT_ITERABLE,
    E0218 DUPLICATE_AGENT,
    E0219 DUPLICATE_TRIGGER,
    E0220 DUPLICATE_FUNCTION,
    E0221 DUPLICATE_PARAMETER,
    E0222 DUPLICATE_KEY,
    E0223 DUPLICATE_BLOCK,
    E0224 INVALID_METADATA,
    E0225 SCHEDULE_FIELD_COUNT,
    E0226 SCHEDULE_OUT_OF_RANGE,
    E0227 SCHEDULE_MALFORMED,
    E0228 SCHEDULE_NEVER_FIRES,
    E0229 WEBHOOK_WITHOUT_SECRET,
    E0230 WEBHOOK_SECRET_NAME,
    E0235 OUTSIDE_LOOP,

    // E03xx: security, as the checker sees it.
    E0301 NATIVE_NOT_ALLOWED,
    E0302 NATIVE_IN_PRODUCTION,
    E0303 PROFILE_NEEDS_TIER,
    E0304 CAPABILITY_UNAVAILABLE,
    E0305 CAPABILITY_NOT_DECLARED,
    E0306 EXECUTABLE_NOT_ALLOWED,
    E0307 RESOURCE_TOO_WIDE,
    E0308 UNKNOWN_TIER,
    E0309 UNKNOWN_PROFILE,
    E0310 UNKNOWN_SECURITY_KEY,
    E0311 UNKNOWN_RESOURCE_KEY,
    E0312 INVALID_SETTING,
    E0313 UNSPLITTABLE_COMMAND,
    E0314 ENV_VARIABLE_REFUSED,

    // E032x: the embedding API (`symbi::runtime`).
    E0320 CALL_CANCELLED,

    // E040x-E041x: the native runner.
    E0401 NATIVE_EXECUTABLE_NOT_ALLOWED,
    E0402 EXECUTABLE_NOT_FOUND,
    E0403 COMMAND_LINE_UNSPLITTABLE,
    E0404 EMPTY_COMMAND,
    E0405 WORKDIR_NOT_ABSOLUTE,
    E0406 WORKDIR_REFUSED,
    E0407 WORKDIR_UNUSABLE,
    E0408 SPAWN_FAILED,
    E0410 CODE_NOT_STAGED,
    E0411 WORKDIR_UNTRUSTED,
    E0412 CALL_ENV_REFUSED,

    // E043x-E044x: the interpreter.
    E0430 TYPE_ERROR,
    E0431 DIVISION_BY_ZERO,
    E0432 INDEX_OUT_OF_RANGE,
    E0433 MISSING_KEY,
    E0434 CALL_DEPTH,
    E0435 LOOP_LIMIT,
    E0436 EMIT_DEPTH,
    E0437 FAILED,
    E0438 COMMAND_FAILED,
    E0439 PATH_OUTSIDE,
    E0440 FILE_IO,
    E0441 BAD_ARGUMENTS,
    E0442 BAD_JSON,
    E0443 CONVERSION,
    E0444 OVERFLOW,
    E0445 UNKNOWN_NAME,
    E0446 INTERRUPTED,
    E0447 MISSING_CAPABILITY,
    E0448 NO_SUCH_TARGET,
    E0449 BAD_INPUT,

    // E045x: the container tiers.
    E0450 ENGINE_UNREACHABLE,
    E0451 IMAGE_MISSING,
    E0452 RUNTIME_MISSING,
    E0453 OOM_KILLED,
    E0454 ENGINE_ERROR,
    E0455 FIRECRACKER_UNAVAILABLE,
    E0457 WORKSPACE_UNUSABLE,
    E0458 ROOT_USER,
    E0459 PATH_IN_ENV,

    // E047x: the interpreter's bounds.
    E0470 NOT_REGULAR,
    E0471 FILE_TOO_LARGE,
    E0472 VALUE_TOO_LARGE,
    E0473 STACK_EXHAUSTED,
    E0474 AUDIT_LOG_REFUSED,

    // E048x: hardened native calls.
    E0480 HARDENING_NO_LANDLOCK,
    E0481 HARDENING_NO_SECCOMP,
    E0482 HARDENING_UNPREPARED,
    E0483 HARDENING_NO_TMPDIR,

    // E0495-E0499: codes split from ones that used to cover unrelated errors.
    E0495 CONTAINER_EXECUTABLE_NOT_ALLOWED,
    E0496 RUN_NOT_STARTED,
    E0497 CODE_WITH_STDIN,

    // E05xx: configuration.
    E0501 CONFIG_UNREADABLE,
    E0502 CONFIG_SYNTAX,
    E0503 CONFIG_UNKNOWN_KEY,
    E0504 CONFIG_WRONG_TYPE,
    E0505 CONFIG_BAD_VALUE,
    E0506 CONFIG_BAD_ENV,
    E0507 CONFIG_CONFLICT,
    E0508 TRUST_FAILED,
    E0515 CONFINEMENT_PATH_RELATIVE,
    E0516 WRITABLE_SYSTEM_PATH,

    // E06xx: the service (`symbi up`).
    E0600 AGENT_IN_TWO_FILES,

    // W0xxx: warnings.
    W0001 UNUSED_VARIABLE,
    W0002 UNREACHABLE_CODE,
    W0003 UNINSPECTED_RESULT,
    W0004 UNKNOWN_CAPABILITY,
    W0005 NETWORK_NOT_DENIABLE,
    W0006 SHELL_SYNTAX,
    W0007 DROPPED_VALUE,
    W0020 NO_AGENT_FILES,
    W0021 IGNORE_PATTERN_INVALID,
    W0430 AUDIT_LOG_UNWRITABLE,
    W0501 CONFIG_UNTRUSTED,
    W0600 WEBHOOK_SECRET_IS_API_TOKEN,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_well_formed_unique_and_explained() {
        let mut seen = HashSet::new();
        for code in ALL {
            let s = code.as_str();
            let ok = s.len() == 5
                && (s.starts_with('E') || s.starts_with('W'))
                && s[1..].bytes().all(|b| b.is_ascii_digit());
            assert!(ok, "malformed code {s:?}");
            assert!(seen.insert(s), "{s} is registered twice");
            assert!(
                code.explanation().starts_with(&format!("### {s}: ")),
                "{s} has no entry in docs/diagnostics.md"
            );
            assert!(!code.title().is_empty(), "{s} has no title in docs/diagnostics.md");
        }
    }

    #[test]
    fn every_documented_code_is_registered() {
        let stray: Vec<_> =
            explain::documented_codes().into_iter().filter(|c| Code::parse(c).is_none()).collect();
        assert!(stray.is_empty(), "documented in docs/diagnostics.md but not registered: {stray:?}");
    }

    #[test]
    fn severity_follows_the_letter_and_parse_finds_codes() {
        assert_eq!(UNUSED_VARIABLE.severity(), Severity::Warning);
        assert_eq!(UNKNOWN_VARIABLE.severity(), Severity::Error);
        assert_eq!(Code::parse(" e0201 "), Some(UNKNOWN_VARIABLE));
        assert_eq!(Code::parse("E9999"), None);
        assert_eq!(UNKNOWN_VARIABLE.title(), "unknown variable");
    }
}
