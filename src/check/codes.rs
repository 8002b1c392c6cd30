//! The diagnostic codes the checker reports. Each has an entry in docs/diagnostics.md.

/// A variable that is not in scope.
pub const UNKNOWN_VARIABLE: &str = "E0201";
/// A call of a function that is neither a builtin nor defined.
pub const UNKNOWN_FUNCTION: &str = "E0202";
/// A method the receiver's type does not have.
pub const UNKNOWN_METHOD: &str = "E0203";
/// A field the record does not have, or a field access on a value without fields.
pub const UNKNOWN_FIELD: &str = "E0204";
/// A type name that does not exist.
pub const UNKNOWN_TYPE: &str = "E0205";
/// `emit` of a trigger the agent does not have.
pub const UNKNOWN_TRIGGER: &str = "E0206";
/// More positional arguments than parameters.
pub const TOO_MANY_ARGUMENTS: &str = "E0207";
/// A required parameter without an argument.
pub const MISSING_ARGUMENT: &str = "E0208";
/// A named argument that matches no parameter.
pub const UNKNOWN_ARGUMENT: &str = "E0209";
/// The same parameter given twice.
pub const DUPLICATE_ARGUMENT: &str = "E0210";
/// A positional argument after a named one.
pub const POSITIONAL_AFTER_NAMED: &str = "E0211";
/// An argument whose type cannot be the parameter's.
pub const ARGUMENT_TYPE: &str = "E0212";
/// A value whose type cannot be the annotated type of its variable.
pub const MISMATCHED_TYPES: &str = "E0213";
/// A condition that is not a Bool.
pub const CONDITION_NOT_BOOL: &str = "E0214";
/// An operator applied to operands of the wrong types.
pub const OPERATOR_TYPES: &str = "E0215";
/// A returned value whose type cannot be the function's return type.
pub const RETURN_TYPE: &str = "E0216";
/// Iterating or indexing a value that cannot be iterated or indexed.
pub const NOT_ITERABLE: &str = "E0217";
/// Two agents with one name.
pub const DUPLICATE_AGENT: &str = "E0218";
/// Two handlers of one trigger in an agent.
pub const DUPLICATE_TRIGGER: &str = "E0219";
/// Two functions with one name in one scope.
pub const DUPLICATE_FUNCTION: &str = "E0220";
/// Two parameters with one name.
pub const DUPLICATE_PARAMETER: &str = "E0221";
/// A key written twice in `metadata`, `security` or `resources`.
pub const DUPLICATE_KEY: &str = "E0222";
/// A second `metadata`, `security` or `resources` block in an agent.
pub const DUPLICATE_BLOCK: &str = "E0223";
/// A `metadata` value of the wrong kind (`version` not semver, `tags` not strings).
pub const INVALID_METADATA: &str = "E0224";
/// `break` or `continue` outside a `for` or `while` loop.
pub const OUTSIDE_LOOP: &str = "E0235";

/// Tier None without consent to native execution.
pub const NATIVE_NOT_ALLOWED: &str = "E0301";
/// Tier None when `SYMBIONT_ENV=production`.
pub const NATIVE_IN_PRODUCTION: &str = "E0302";
/// A profile whose minimum tier is above the effective tier.
pub const PROFILE_NEEDS_TIER: &str = "E0303";
/// A capability the effective tier cannot provide.
pub const CAPABILITY_UNAVAILABLE: &str = "E0304";
/// A builtin call needing a capability the agent did not declare.
pub const CAPABILITY_NOT_DECLARED: &str = "E0305";
/// A literal command whose executable is not allowed.
pub const EXECUTABLE_NOT_ALLOWED: &str = "E0306";
/// A `resources` value wider than the configuration's limit.
pub const RESOURCE_TOO_WIDE: &str = "E0307";
/// A tier name that does not exist.
pub const UNKNOWN_TIER: &str = "E0308";
/// A profile name that does not exist.
pub const UNKNOWN_PROFILE: &str = "E0309";
/// A key `security` does not have.
pub const UNKNOWN_SECURITY_KEY: &str = "E0310";
/// A key `resources` does not have.
pub const UNKNOWN_RESOURCE_KEY: &str = "E0311";
/// A security or resources value of the wrong kind.
pub const INVALID_SETTING: &str = "E0312";
/// A literal command line that cannot be split into argv (an unclosed quote).
pub const UNSPLITTABLE_COMMAND: &str = "E0313";
/// A literal `env` of `execute_native`/`execute_code` setting a refused variable.
pub const ENV_VARIABLE_REFUSED: &str = "E0314";

/// A variable that is never read.
pub const UNUSED_VARIABLE: &str = "W0001";
/// Statements after `return` or `fail`.
pub const UNREACHABLE_CODE: &str = "W0002";
/// An `ExecResult` bound to a name that is never read: failures go unnoticed.
pub const UNINSPECTED_RESULT: &str = "W0003";
/// A capability name the language does not know.
pub const UNKNOWN_CAPABILITY: &str = "W0004";
/// Tier None without `network` declared: the host network stays reachable.
pub const NETWORK_NOT_DENIABLE: &str = "W0005";
/// A string command holding shell syntax (`|`, `>`, `&&`, ...) that no shell will read.
pub const SHELL_SYNTAX: &str = "W0006";
/// A method's result dropped by a statement: values never change in place.
pub const DROPPED_VALUE: &str = "W0007";

/// Every code of the checker, for the documentation test.
pub const ALL: [&str; 46] = [
    UNKNOWN_VARIABLE,
    UNKNOWN_FUNCTION,
    UNKNOWN_METHOD,
    UNKNOWN_FIELD,
    UNKNOWN_TYPE,
    UNKNOWN_TRIGGER,
    TOO_MANY_ARGUMENTS,
    MISSING_ARGUMENT,
    UNKNOWN_ARGUMENT,
    DUPLICATE_ARGUMENT,
    POSITIONAL_AFTER_NAMED,
    ARGUMENT_TYPE,
    MISMATCHED_TYPES,
    CONDITION_NOT_BOOL,
    OPERATOR_TYPES,
    RETURN_TYPE,
    NOT_ITERABLE,
    DUPLICATE_AGENT,
    DUPLICATE_TRIGGER,
    DUPLICATE_FUNCTION,
    DUPLICATE_PARAMETER,
    DUPLICATE_KEY,
    DUPLICATE_BLOCK,
    INVALID_METADATA,
    OUTSIDE_LOOP,
    NATIVE_NOT_ALLOWED,
    NATIVE_IN_PRODUCTION,
    PROFILE_NEEDS_TIER,
    CAPABILITY_UNAVAILABLE,
    CAPABILITY_NOT_DECLARED,
    EXECUTABLE_NOT_ALLOWED,
    RESOURCE_TOO_WIDE,
    UNKNOWN_TIER,
    UNKNOWN_PROFILE,
    UNKNOWN_SECURITY_KEY,
    UNKNOWN_RESOURCE_KEY,
    INVALID_SETTING,
    UNSPLITTABLE_COMMAND,
    ENV_VARIABLE_REFUSED,
    UNUSED_VARIABLE,
    UNREACHABLE_CODE,
    UNINSPECTED_RESULT,
    UNKNOWN_CAPABILITY,
    NETWORK_NOT_DENIABLE,
    SHELL_SYNTAX,
    DROPPED_VALUE,
];
